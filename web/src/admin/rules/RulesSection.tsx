// Escalation rules: when the AI hands a conversation to a person, and how urgently.

import { Stack, Text } from "@mantine/core";
import { useRef, useState } from "react";
import type { Api } from "../../shared/api";
import type { EscalationRule } from "../../shared/types";
import { ConfirmDialog } from "../ConfirmDialog";
import { EditorModal } from "../EditorModal";
import { EmptyNote, ErrorNotice, Loading } from "../Feedback";
import { SectionHeader } from "../SectionHeader";
import { useEditor } from "../useEditor";
import { useResource } from "../useResource";
import { RuleForm } from "./RuleForm";
import { deleteRule, fieldsOfRule, listRules, saveRule } from "./rulesApi";
import { RulesTable } from "./RulesTable";

export function RulesSection({ api }: { api: Api }) {
  const rules = useResource("rules", () => listRules(api));
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

  const editor = useEditor((rule: EscalationRule) => {
    setNotice(`Saved “${rule.name}”.`);
    rules.reload();
  });

  const remove = async () => {
    if (!deleting) return;
    await deleteRule(api, deleting.rule_id);
    setNotice(`Deleted “${deleting.name}”.`);
    rules.reload();
  };

  return (
    <Stack gap="lg">
      <SectionHeader
        title="Escalation rules"
        addLabel="New rule"
        onAdd={editor.create}
        headingRef={heading}
      />
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
          onEdit={editor.edit}
          onDelete={setDeleting}
        />
      )}
      <EditorModal editor={editor} newTitle="New rule" editTitle="Edit rule" size="xl">
        {(rule) => (
          <RuleForm
            key={rule?.rule_id ?? "new"}
            api={api}
            rule={rule}
            onSaved={editor.saved}
            onCancel={editor.close}
          />
        )}
      </EditorModal>
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
