// Take, hand back and resolve. Resolving asks once more: the customer's chat closes.

import { Alert, Button, Group, Paper, Stack, Text } from "@mantine/core";
import { useEffect, useRef, useState } from "react";
import type { Api } from "../shared/api";
import type { Conversation, Role } from "../shared/types";
import type { Allowed } from "./actions";
import { useAction } from "./hooks";
import { handBack, resolveConversation, takeConversation } from "./requests";

export interface ConversationActionsProps {
  api: Api;
  role: Role;
  conversationId: string;
  allowed: Allowed;
  onTaken: () => void;
  onHandedBack: (conversation: Conversation) => void;
  onResolved: (conversation: Conversation) => void;
}

interface ResolveConfirmProps {
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

function ResolveConfirm({ busy, onConfirm, onCancel }: ResolveConfirmProps) {
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => confirm.current?.focus(), []);
  return (
    <Paper
      withBorder
      p="sm"
      role="group"
      aria-labelledby="console-resolve-question"
      onKeyDown={(event) => {
        if (event.key === "Escape") onCancel();
      }}
    >
      <Stack gap="xs">
        <Text id="console-resolve-question" fw={600}>
          Resolve this conversation? The customer&apos;s chat will be closed.
        </Text>
        <Group gap="xs">
          <Button ref={confirm} color="red.9" onClick={onConfirm} loading={busy}>
            Yes, resolve
          </Button>
          <Button variant="default" onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export function ConversationActions(props: ConversationActionsProps) {
  const { api, role, conversationId, allowed } = props;
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const resolveButton = useRef<HTMLButtonElement>(null);

  const take = async () => {
    const done = await action.run("Could not take the conversation", () =>
      takeConversation(api, conversationId),
    );
    if (done) props.onTaken();
  };

  const giveBack = async () => {
    const row = await action.run("Could not hand the conversation back", () =>
      handBack(api, conversationId),
    );
    if (row) props.onHandedBack(row);
  };

  const resolve = async () => {
    const row = await action.run("Could not resolve the conversation", () =>
      resolveConversation(api, conversationId),
    );
    setConfirming(false);
    if (row) props.onResolved(row);
  };

  const cancel = () => {
    setConfirming(false);
    // Put focus back where it was before the question.
    setTimeout(() => resolveButton.current?.focus(), 0);
  };

  if (!allowed.take && !allowed.handBack && !allowed.resolve) return null;
  return (
    <Stack gap="xs">
      <Group gap="xs">
        {allowed.take && (
          <Button onClick={() => void take()} loading={action.busy}>
            {role === "ADMIN" ? "Assign to an available agent" : "Take"}
          </Button>
        )}
        {allowed.handBack && (
          <Button variant="outline" onClick={() => void giveBack()} disabled={action.busy}>
            Hand back to AI
          </Button>
        )}
        {allowed.resolve && !confirming && (
          <Button
            ref={resolveButton}
            variant="outline"
            color="red.9"
            onClick={() => setConfirming(true)}
            disabled={action.busy}
          >
            Resolve
          </Button>
        )}
      </Group>
      {confirming && (
        <ResolveConfirm busy={action.busy} onConfirm={() => void resolve()} onCancel={cancel} />
      )}
      {action.error && (
        <Alert color="red" withCloseButton onClose={action.clearError} closeButtonLabel="Dismiss">
          {action.error}
        </Alert>
      )}
    </Stack>
  );
}
