// Escalation rules: when the AI hands a conversation to a person, and how urgently.

import { Button, Group, Modal, Stack, Text, Title } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { useRef, useState } from "react";
import type { Api } from "../../shared/api";
import type { EscalationRule } from "../../shared/types";
import { ConfirmDialog } from "../ConfirmDialog";
import { EmptyNote, ErrorNotice, Loading } from "../Feedback";
import { useResource } from "../useResource";
import { RuleForm } from "./RuleForm";
import { deleteRule, fieldsOfRule, listRules, saveRule } from "./rulesApi";
import { RulesTable } from "./RulesTable";

export function RulesSection({ api }: { api: Api }) {
  const rules = useResource("rules", () => listRules(api));
  const [editing, setEditing] = useState<EscalationRule | "new" | null>(null);
  const [deleting, setDeleting] = useState<EscalationRule | null>(null);
  const [pending, setPending] = useState<{ ruleId: string; enabled: boolean } | null>(null);
  const [toggleError, setToggleError] = useState<unknown>(null);
  const [notice, setNotice] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);

  const toggle = async (rule: EscalationRule, enabled: boolean) => {
    if (pending) return;
    setPending({ ruleId: rule.rule_id, enabled });
    setToggleError(null);
    try {
      const saved = await saveRule(api, { ...fieldsOfRule(rule), enabled }, rule.rule_id);
      rules.replace((list) => list.map((r) => (r.rule_id === saved.rule_id ? saved : r)));
      setNotice(`“${saved.name}” is now ${saved.enabled ? "enabled" : "disabled"}.`);
    } catch (failure) {
      setToggleError(failure);
    } finally {
      setPending(null);
    }
  };

  const saved = (rule: EscalationRule) => {
    setNotice(`Saved “${rule.name}”.`);
    setEditing(null);
    rules.reload();
  };

  const remove = async () => {
    if (!deleting) return;
    await deleteRule(api, deleting.rule_id);
    setNotice(`Deleted “${deleting.name}”.`);
    rules.reload();
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2} ref={heading} tabIndex={-1}>
          Escalation rules
        </Title>
        <Button
          leftSection={<IconPlus size={16} aria-hidden="true" />}
          onClick={() => setEditing("new")}
        >
          New rule
        </Button>
      </Group>
      <Text>
        On every customer message the enabled rules are checked in priority order; the first whose
        condition holds sends the conversation to a person, with its action&apos;s priority.
      </Text>
      <Text role="status" size="sm">
        {notice}
      </Text>
      {rules.error !== null && (
        <ErrorNotice title="The rules could not be loaded" error={rules.error} />
      )}
      {toggleError !== null && <ErrorNotice title="The rule was not changed" error={toggleError} />}
      {rules.data === null && rules.loading && <Loading label="Loading rules…" />}
      {rules.data?.length === 0 && <EmptyNote>There are no escalation rules yet.</EmptyNote>}
      {rules.data && rules.data.length > 0 && (
        <RulesTable
          rules={rules.data}
          pending={pending}
          onToggle={(rule, enabled) => void toggle(rule, enabled)}
          onEdit={setEditing}
          onDelete={setDeleting}
        />
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" ? "New rule" : "Edit rule"}
        size="xl"
        closeButtonProps={{ "aria-label": "Close" }}
      >
        {editing !== null && (
          <RuleForm
            key={editing === "new" ? "new" : editing.rule_id}
            api={api}
            rule={editing === "new" ? null : editing}
            onSaved={saved}
            onCancel={() => setEditing(null)}
          />
        )}
      </Modal>
      <ConfirmDialog
        subject={deleting ? `the rule “${deleting.name}”` : null}
        title="Delete rule"
        confirmLabel="Delete"
        onConfirm={remove}
        onClose={() => setDeleting(null)}
        focusAfter={heading}
      />
    </Stack>
  );
}
