// Agents: who takes conversations from the human queue, and how many at once.

import { Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { Api } from "../../shared/api";
import type { SupportAgent } from "../../shared/types";
import { EditorModal } from "../EditorModal";
import { EmptyNote, ErrorNotice, Loading } from "../Feedback";
import { SectionHeader } from "../SectionHeader";
import { useEditor } from "../useEditor";
import { useResource } from "../useResource";
import { AgentForm } from "./AgentForm";
import { listAgents } from "./agentsApi";
import { AgentsTable } from "./AgentsTable";

export function AgentsSection({ api }: { api: Api }) {
  const agents = useResource("agents", () => listAgents(api));
  const [notice, setNotice] = useState("");

  const editor = useEditor((agent: SupportAgent) => {
    setNotice(`Saved ${agent.display_name}.`);
    agents.reload();
  });

  return (
    <Stack gap="lg">
      <SectionHeader title="Agents" addLabel="Add agent" onAdd={editor.create} />
      <Text role="status" size="sm">
        {notice}
      </Text>
      {agents.error !== null && (
        <ErrorNotice title="The agents could not be loaded" error={agents.error} />
      )}
      {agents.data === null && agents.loading && <Loading label="Loading agents…" />}
      {agents.data?.length === 0 && <EmptyNote>No agents yet. Add the first one.</EmptyNote>}
      {agents.data && agents.data.length > 0 && (
        <AgentsTable agents={agents.data} onEdit={editor.edit} />
      )}
      <EditorModal editor={editor} newTitle="Add agent" editTitle="Edit agent" size="lg">
        {(agent) => (
          <AgentForm
            key={agent?.agent_id ?? "new"}
            api={api}
            agent={agent}
            existingIds={agents.data?.map((a) => a.agent_id) ?? []}
            onSaved={editor.saved}
            onCancel={editor.close}
          />
        )}
      </EditorModal>
    </Stack>
  );
}
