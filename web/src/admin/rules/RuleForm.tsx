// Add or change an escalation rule. The condition is JSON; it is read here first so a typo is
// pointed out at once, and the server's own check (422) is shown beside the form.

import {
  Code,
  Group,
  NumberInput,
  Select,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { Api } from "../../shared/api";
import type { EscalationRule, Priority } from "../../shared/types";
import { FormFooter } from "../FormFooter";
import { useSave } from "../useSave";
import { priorityLabel, summarizeCondition } from "./conditionSummary";
import { parseConditionText } from "./conditionText";
import { checkRule, draftOfRule, type RuleDraft, type RuleProblems } from "./ruleDraft";
import { saveRule } from "./rulesApi";

const PRIORITIES: Priority[] = ["LOW", "MEDIUM", "HIGH", "URGENT"];
const PRIORITY_OPTIONS = PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) }));
const KINDS = [
  "sentiment_below",
  "intent",
  "keyword",
  "repeated_failure",
  "negative_turns",
  "customer_request",
  "confidence_below",
  "all",
  "any",
  "not",
].join(", ");
const EXAMPLE = '{"kind": "keyword", "keywords": ["chargeback"]}';

interface RuleFormProps {
  api: Api;
  /** The rule to change; null to add one. */
  rule: EscalationRule | null;
  onSaved: (rule: EscalationRule) => void;
  onCancel: () => void;
}

export function RuleForm({ api, rule, onSaved, onCancel }: RuleFormProps) {
  const [draft, setDraft] = useState(() => draftOfRule(rule));
  const [problems, setProblems] = useState<RuleProblems>({});
  const { saving, error, save } = useSave(onSaved);
  const set = (change: Partial<RuleDraft>) => setDraft((d) => ({ ...d, ...change }));
  const parsed = parseConditionText(draft.conditionText);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = checkRule(draft);
    setProblems(result.problems);
    const fields = result.fields;
    if (!fields) return;
    await save(() => saveRule(api, fields, rule?.rule_id ?? null));
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <TextInput
          label="Name"
          required
          maxLength={200}
          value={draft.name}
          onChange={(e) => set({ name: e.currentTarget.value })}
          error={problems.name}
        />
        <Textarea
          label="Description"
          autosize
          minRows={2}
          maxLength={2000}
          value={draft.description}
          onChange={(e) => set({ description: e.currentTarget.value })}
        />
        <Group grow align="flex-start">
          <NumberInput
            label="Priority"
            description="Evaluation order: lower numbers are checked first"
            min={0}
            max={100_000}
            allowDecimal={false}
            allowNegative={false}
            value={draft.priority}
            onChange={(priority) => set({ priority })}
            error={problems.priority}
          />
          <Switch
            mt="xl"
            label="Enabled"
            checked={draft.enabled}
            onChange={(e) => set({ enabled: e.currentTarget.checked })}
          />
        </Group>
        <Group grow align="flex-start">
          <Select
            label="Action priority"
            description="How soon a person should pick it up"
            data={PRIORITY_OPTIONS}
            value={draft.actionPriority}
            onChange={(value) => value && set({ actionPriority: value as Priority })}
            allowDeselect={false}
          />
          <TextInput
            label="Specialization"
            description="The skill the agent needs, e.g. billing (optional)"
            maxLength={64}
            value={draft.specialization}
            onChange={(e) => set({ specialization: e.currentTarget.value })}
            error={problems.specialization}
          />
        </Group>
        <Textarea
          label="Condition (JSON)"
          description={
            <>
              One of the kinds {KINDS}. For example <Code>{EXAMPLE}</Code>
            </>
          }
          required
          autosize
          minRows={6}
          maxRows={20}
          styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
          spellCheck={false}
          value={draft.conditionText}
          onChange={(e) => set({ conditionText: e.currentTarget.value })}
          onBlur={() => {
            if (draft.conditionText.trim()) {
              setProblems((p) => ({ ...p, condition: parsed.ok ? undefined : parsed.message }));
            }
          }}
          error={problems.condition}
        />
        {parsed.ok && <Text size="sm">Reads as: {summarizeCondition(parsed.condition)}</Text>}
        <FormFooter
          error={error}
          errorTitle="The rule was not saved"
          saving={saving}
          onCancel={onCancel}
        />
      </Stack>
    </form>
  );
}
