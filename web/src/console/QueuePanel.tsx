// Left column: what waits for a person, and what I hold. Live: the queue refetches on
// QUEUE_UPDATED (see useQueue) and new arrivals are announced politely.

import { Alert, Button, Group, Loader, Stack, Text, Title, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import type { Api } from "../shared/api";
import type { Role } from "../shared/types";
import { useAction, useNow } from "./hooks";
import { AssignedList, WaitingList } from "./QueueLists";
import { takeConversation, takeNext } from "./requests";
import type { QueueState } from "./useQueue";

export interface QueuePanelProps {
  api: Api;
  role: Role;
  queue: QueueState;
  selectedId: string | null;
  onOpen: (conversationId: string) => void;
}

export function QueuePanel({ api, role, queue, selectedId, onOpen }: QueuePanelProps) {
  const now = useNow(30_000);
  const action = useAction();
  const [notice, setNotice] = useState("");

  const take = async (id: string) => {
    setNotice("");
    const assignment = await action.run("Could not take the conversation", () =>
      takeConversation(api, id),
    );
    if (!assignment) return;
    if (role === "ADMIN") setNotice(`Assigned to ${assignment.agent_name}.`);
    await queue.reload();
    onOpen(id);
  };

  const next = async () => {
    setNotice("");
    const assignment = await action.run("Could not take the next conversation", () =>
      takeNext(api),
    );
    if (assignment === undefined) return;
    if (assignment === null) {
      setNotice("Nothing is waiting that you can take right now.");
      return;
    }
    await queue.reload();
    onOpen(assignment.conversation.conversation_id);
  };

  return (
    <Stack component="section" aria-labelledby="console-queue-heading" gap="md">
      <Group justify="space-between" align="center">
        <Title order={2} id="console-queue-heading">
          Queue
        </Title>
        {role === "AGENT" && (
          <Button onClick={() => void next()} loading={action.busy}>
            Take next
          </Button>
        )}
      </Group>
      <VisuallyHidden role="status" aria-live="polite">
        {queue.announcement}
      </VisuallyHidden>
      <Text role="status" aria-live="polite">
        {notice}
      </Text>
      {action.error && (
        <Alert
          color="red"
          title="Action failed"
          withCloseButton
          onClose={action.clearError}
          closeButtonLabel="Dismiss"
        >
          {action.error}
        </Alert>
      )}
      {queue.error && (
        <Alert color="red" title="Queue unavailable">
          {queue.error}
        </Alert>
      )}
      {queue.loading ? (
        <Group gap="xs">
          <Loader size="sm" aria-hidden />
          <Text>Loading the queue…</Text>
        </Group>
      ) : (
        <>
          <WaitingList
            items={queue.waiting}
            now={now}
            selectedId={selectedId}
            takeLabel={role === "ADMIN" ? "Assign" : "Take"}
            busy={action.busy}
            onOpen={onOpen}
            onTake={(id) => void take(id)}
          />
          {role === "AGENT" && (
            <AssignedList items={queue.assigned} selectedId={selectedId} onOpen={onOpen} />
          )}
        </>
      )}
    </Stack>
  );
}
