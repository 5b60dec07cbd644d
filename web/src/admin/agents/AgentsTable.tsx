// Every agent, what they can take and what they hold now.

import { Box, Group, Table, Text } from "@mantine/core";
import type { AgentStatus, SupportAgent } from "../../shared/types";
import { RowActions } from "../RowActions";
import { STATUS_LABELS } from "./statuses";

// The dot only helps scanning; the word beside it carries the status.
const STATUS_COLORS: Record<AgentStatus, string> = {
  AVAILABLE: "green.8",
  BUSY: "orange.8",
  AWAY: "yellow.7",
  OFFLINE: "gray.6",
};

function listText(items: string[]): string {
  return items.length > 0 ? items.join(", ") : "None";
}

interface AgentsTableProps {
  agents: SupportAgent[];
  onEdit: (agent: SupportAgent) => void;
}

export function AgentsTable({ agents, onEdit }: AgentsTableProps) {
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table striped withTableBorder verticalSpacing="sm" captionSide="top">
        <Table.Caption>Support agents and their current load</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Agent id</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Specializations</Table.Th>
            <Table.Th scope="col">Languages</Table.Th>
            <Table.Th scope="col">Load</Table.Th>
            <Table.Th scope="col">Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {agents.map((agent) => (
            <Table.Tr key={agent.agent_id}>
              <Table.Th scope="row" fw={500}>
                {agent.display_name}
                {agent.email && (
                  <Text size="sm" fw={400}>
                    {agent.email}
                  </Text>
                )}
              </Table.Th>
              <Table.Td ff="monospace">{agent.agent_id}</Table.Td>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <Box
                    w={10}
                    h={10}
                    bg={STATUS_COLORS[agent.status]}
                    style={{ borderRadius: "50%" }}
                    aria-hidden="true"
                  />
                  <Text size="sm">{STATUS_LABELS[agent.status]}</Text>
                </Group>
              </Table.Td>
              <Table.Td>{listText(agent.specializations)}</Table.Td>
              <Table.Td>{listText(agent.languages)}</Table.Td>
              <Table.Td>
                {agent.current_load} of {agent.max_concurrent}
              </Table.Td>
              <Table.Td>
                <RowActions name={agent.display_name} onEdit={() => onEdit(agent)} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
