// One page of knowledge-base entries, with how often the AI cited each and how that went.

import { Badge, Group, Table, Text } from "@mantine/core";
import type { KnowledgeEntry } from "../../shared/types";
import { formatCount, formatPercent } from "../format";
import { RowActions } from "../RowActions";

interface EntriesTableProps {
  entries: KnowledgeEntry[];
  caption: string;
  onEdit: (entry: KnowledgeEntry) => void;
  onDelete: (entry: KnowledgeEntry) => void;
}

export function EntriesTable({ entries, caption, onEdit, onDelete }: EntriesTableProps) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped withTableBorder verticalSpacing="sm" captionSide="top">
        <Table.Caption>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Title</Table.Th>
            <Table.Th scope="col">Category</Table.Th>
            <Table.Th scope="col">Tags</Table.Th>
            <Table.Th scope="col">Used in answers</Table.Th>
            <Table.Th scope="col">Success rate</Table.Th>
            <Table.Th scope="col">Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry) => (
            <Table.Tr key={entry.id}>
              <Table.Th scope="row" fw={500}>
                {entry.title}
                <Text size="xs" c="dimmed" ff="monospace">
                  {entry.id}
                </Text>
              </Table.Th>
              <Table.Td>{entry.category}</Table.Td>
              <Table.Td>
                {entry.tags.length === 0 ? (
                  <Text size="sm">None</Text>
                ) : (
                  <Group component="ul" gap={4} p={0} m={0} style={{ listStyle: "none" }}>
                    {entry.tags.map((tag) => (
                      <Badge component="li" key={tag} variant="outline" color="gray.8" tt="none">
                        {tag}
                      </Badge>
                    ))}
                  </Group>
                )}
              </Table.Td>
              <Table.Td>{formatCount(entry.usage_count)}</Table.Td>
              <Table.Td>
                {entry.success_rate === null ? "No ratings yet" : formatPercent(entry.success_rate)}
              </Table.Td>
              <Table.Td>
                <RowActions
                  name={entry.title}
                  onEdit={() => onEdit(entry)}
                  onDelete={() => onDelete(entry)}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
