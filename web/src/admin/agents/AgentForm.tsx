// Add an agent or change one. The agent id is the subject of the agent's sign-in token, so it
// is chosen once, when the agent is added.

import { NumberInput, Select, Stack, TagsInput, Text, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import type { Api } from "../../shared/api";
import type { AgentStatus, SupportAgent } from "../../shared/types";
import { FormFooter } from "../FormFooter";
import { useSave } from "../useSave";
import { checkAgent, type AgentDraft, type AgentProblems } from "./agentCheck";
import { saveAgent } from "./agentsApi";
import { STATUS_OPTIONS } from "./statuses";

interface AgentFormProps {
  api: Api;
  /** The agent to change; null to add one. */
  agent: SupportAgent | null;
  /** Ids already taken, so adding cannot silently overwrite an agent. */
  existingIds: string[];
  onSaved: (agent: SupportAgent) => void;
  onCancel: () => void;
}

function draftOf(agent: SupportAgent | null): AgentDraft {
  return {
    agent_id: agent?.agent_id ?? "",
    display_name: agent?.display_name ?? "",
    email: agent?.email ?? "",
    status: agent?.status ?? "OFFLINE",
    specializations: agent ? [...agent.specializations] : [],
    languages: agent ? [...agent.languages] : ["en"],
    max_concurrent: agent?.max_concurrent ?? 3,
  };
}

export function AgentForm({ api, agent, existingIds, onSaved, onCancel }: AgentFormProps) {
  const creating = agent === null;
  const [draft, setDraft] = useState(() => draftOf(agent));
  const [problems, setProblems] = useState<AgentProblems>({});
  const { saving, error, save } = useSave(onSaved);
  const set = (change: Partial<AgentDraft>) => setDraft((d) => ({ ...d, ...change }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = checkAgent(draft, creating, existingIds);
    setProblems(found);
    if (Object.keys(found).length > 0 || typeof draft.max_concurrent !== "number") return;
    const id = creating ? draft.agent_id.trim() : agent.agent_id;
    const fields = { ...draft, max_concurrent: draft.max_concurrent };
    await save(() => saveAgent(api, id, fields));
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        {creating ? (
          <TextInput
            label="Agent id"
            description="The id the agent signs in with; it cannot be changed later"
            required
            maxLength={128}
            value={draft.agent_id}
            onChange={(e) => set({ agent_id: e.currentTarget.value })}
            error={problems.agent_id}
          />
        ) : (
          <Text>
            Agent id: <Text component="span" ff="monospace">{agent.agent_id}</Text>
          </Text>
        )}
        <TextInput
          label="Display name"
          description="The name customers see"
          required
          maxLength={200}
          value={draft.display_name}
          onChange={(e) => set({ display_name: e.currentTarget.value })}
          error={problems.display_name}
        />
        <TextInput
          label="Email"
          type="email"
          maxLength={254}
          value={draft.email}
          onChange={(e) => set({ email: e.currentTarget.value })}
          error={problems.email}
        />
        <Select
          label="Status"
          data={STATUS_OPTIONS}
          value={draft.status}
          onChange={(value) => value && set({ status: value as AgentStatus })}
          allowDeselect={false}
        />
        <TagsInput
          label="Specializations"
          description="Skills such as billing or returns; press Enter after each"
          value={draft.specializations}
          onChange={(specializations) => set({ specializations })}
          maxTags={20}
          error={problems.specializations}
        />
        <TagsInput
          label="Languages"
          description="Language codes such as en or es; press Enter after each"
          value={draft.languages}
          onChange={(languages) => set({ languages })}
          maxTags={20}
          error={problems.languages}
        />
        <NumberInput
          label="Max concurrent"
          description="Conversations the agent holds at once"
          min={1}
          max={50}
          allowDecimal={false}
          allowNegative={false}
          value={draft.max_concurrent}
          onChange={(max_concurrent) => set({ max_concurrent })}
          error={problems.max_concurrent}
        />
        <FormFooter
          error={error}
          errorTitle="The agent was not saved"
          saving={saving}
          onCancel={onCancel}
        />
      </Stack>
    </form>
  );
}
