// The escalation rules in evaluation order, each readable without its JSON.

import { Switch, Table, Text } from "@mantine/core";
import type { EscalationRule } from "../../shared/types";
import { RowActions } from "../RowActions";
import { summarizeAction, summarizeCondition } from "./conditionSummary";

interface RulesTableProps {
  rules: EscalationRule[];
  /** An Enabled switch being saved: shown as asked while the server confirms it. */
  pending: { ruleId: string; enabled: boolean } | null;
  onToggle: (rule: EscalationRule, enabled: boolean) => void;
  onEdit: (rule: EscalationRule) => void;
  onDelete: (rule: EscalationRule) => void;
}

export function RulesTable({ rules, pending, onToggle, onEdit, onDelete }: RulesTableProps) {
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table striped withTableBorder verticalSpacing="sm" captionSide="top">
        <Table.Caption>
          Escalation rules, in the order they are checked (lowest priority first)
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Priority</Table.Th>
            <Table.Th scope="col">Enabled</Table.Th>
            <Table.Th scope="col">When</Table.Th>
            <Table.Th scope="col">Then</Table.Th>
            <Table.Th scope="col">Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rules.map((rule) => (
            <Table.Tr key={rule.rule_id}>
              <Table.Th scope="row" fw={500}>
                {rule.name}
                {rule.description && (
                  <Text size="sm" fw={400}>
                    {rule.description}
                  </Text>
                )}
              </Table.Th>
              <Table.Td>{rule.priority}</Table.Td>
              <Table.Td>
                <Switch
                  aria-label={`Enabled: ${rule.name}`}
                  checked={pending?.ruleId === rule.rule_id ? pending.enabled : rule.enabled}
                  onChange={(e) => onToggle(rule, e.currentTarget.checked)}
                />
              </Table.Td>
              <Table.Td>{summarizeCondition(rule.condition)}</Table.Td>
              <Table.Td>{summarizeAction(rule.action)}</Table.Td>
              <Table.Td>
                <RowActions
                  name={rule.name}
                  onEdit={() => onEdit(rule)}
                  onDelete={() => onDelete(rule)}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
