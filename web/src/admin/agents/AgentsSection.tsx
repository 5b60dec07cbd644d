// Agents: who takes conversations from the human queue, and how many at once.

import { Button, Group, Modal, Stack, Text, Title } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import type { Api } from "../../shared/api";
import type { SupportAgent } from "../../shared/types";
import { EmptyNote, ErrorNotice, Loading } from "../Feedback";
import { useResource } from "../useResource";
import { AgentForm } from "./AgentForm";
import { listAgents } from "./agentsApi";
import { AgentsTable } from "./AgentsTable";

export function AgentsSection({ api }: { api: Api }) {
  const agents = useResource("agents", () => listAgents(api));
  const [editing, setEditing] = useState<SupportAgent | "new" | null>(null);
  const [notice, setNotice] = useState("");

  const saved = (agent: SupportAgent) => {
    setNotice(`Saved ${agent.display_name}.`);
    setEditing(null);
    agents.reload();
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>Agents</Title>
        <Button
          leftSection={<IconPlus size={16} aria-hidden="true" />}
          onClick={() => setEditing("new")}
        >
          Add agent
        </Button>
      </Group>
      <Text role="status" size="sm">
        {notice}
      </Text>
      {agents.error !== null && (
        <ErrorNotice title="The agents could not be loaded" error={agents.error} />
      )}
      {agents.data === null && agents.loading && <Loading label="Loading agents…" />}
      {agents.data?.length === 0 && <EmptyNote>No agents yet. Add the first one.</EmptyNote>}
      {agents.data && agents.data.length > 0 && (
        <AgentsTable agents={agents.data} onEdit={setEditing} />
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" ? "Add agent" : "Edit agent"}
        size="lg"
        closeButtonProps={{ "aria-label": "Close" }}
      >
        {editing !== null && (
          <AgentForm
            key={editing === "new" ? "new" : editing.agent_id}
            api={api}
            agent={editing === "new" ? null : editing}
            existingIds={agents.data?.map((a) => a.agent_id) ?? []}
            onSaved={saved}
            onCancel={() => setEditing(null)}
          />
        )}
      </Modal>
    </Stack>
  );
}
