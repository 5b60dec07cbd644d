// Every day of the range as numbers: the charts' full text equivalent.

import { Table, Text } from "@mantine/core";
import type { DailyPerformance } from "../../shared/types";
import { formatCount, formatMs, formatPercent, NO_DATA } from "../format";

export function DailyTable({ daily }: { daily: DailyPerformance[] }) {
  return (
    <>
      <Table.ScrollContainer minWidth={760}>
        <Table striped withTableBorder captionSide="top">
          <Table.Caption>Daily figures</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Date</Table.Th>
              <Table.Th scope="col">Conversations</Table.Th>
              <Table.Th scope="col">Automation</Table.Th>
              <Table.Th scope="col">Escalation</Table.Th>
              <Table.Th scope="col">CSAT</Table.Th>
              <Table.Th scope="col">
                <abbr title="First-contact resolution">FCR</abbr>
              </Table.Th>
              <Table.Th scope="col">p50 response</Table.Th>
              <Table.Th scope="col">p95 response</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {daily.map((day) => (
              <Table.Tr key={day.date}>
                <Table.Td>{day.date}</Table.Td>
                <Table.Td>{formatCount(day.conversations)}</Table.Td>
                <Table.Td>{formatPercent(day.automation_rate)}</Table.Td>
                <Table.Td>{formatPercent(day.escalation_rate)}</Table.Td>
                <Table.Td>{formatPercent(day.csat_score)}</Table.Td>
                <Table.Td>{formatPercent(day.first_contact_resolution_rate)}</Table.Td>
                <Table.Td>{formatMs(day.p50_response_time_ms)}</Table.Td>
                <Table.Td>{formatMs(day.p95_response_time_ms)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="sm" mt="xs">
        {NO_DATA} means no data that day. Days are UTC.
      </Text>
    </>
  );
}
