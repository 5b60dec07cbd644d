// The agent console: the queue, the open conversation and its customer, side by side on a
// desktop and stacked below it. One socket keeps all three live.

import { Alert, Grid, Group, Stack, Text, Title } from "@mantine/core";
import { useCallback, useMemo, useState } from "react";
import type { Session } from "../shared/session";
import type { SocketState } from "../shared/socket";
import type { Role } from "../shared/types";
import type { Viewer } from "./actions";
import { ConversationPanel } from "./ConversationPanel";
import { CustomerPanel } from "./CustomerPanel";
import classes from "./console.module.css";
import { useLiveFeed } from "./live";
import { MyStatus } from "./MyStatus";
import { QueuePanel } from "./QueuePanel";
import { useConversation } from "./useConversation";
import { useQueue } from "./useQueue";

const CONNECTION_WORDS: Record<SocketState, string> = {
  connecting: "Connecting to live updates…",
  open: "Live updates on",
  reconnecting: "Live updates interrupted; reconnecting…",
  closed: "Live updates off",
  unauthorized: "Live updates stopped",
};

function viewerOf(session: Session): Viewer {
  const claims = session.claims;
  const role: Role = claims?.role === "ADMIN" ? "ADMIN" : "AGENT";
  return { role, id: claims?.sub ?? "" };
}

export function ConsolePage({ session }: { session: Session }) {
  const viewer = useMemo(() => viewerOf(session), [session]);
  const api = session.api;
  const { feed, state: connection } = useLiveFeed(session);
  const queue = useQueue(api, viewer.role, feed);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const conversation = useConversation(api, feed, selectedId);
  const reloadQueue = queue.reload;
  const reloadConversation = conversation.reload;

  const open = useCallback(
    (id: string) => {
      setNotice(null);
      // Taking the conversation that is open already changes it: fetch it again.
      if (id === selectedId) void reloadConversation();
      else setSelectedId(id);
    },
    [selectedId, reloadConversation],
  );

  const closed = useCallback(
    (message: string) => {
      setSelectedId(null);
      setNotice(message);
      void reloadQueue();
    },
    [reloadQueue],
  );

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" gap="md">
        <div>
          <Title order={1} size="h2">
            Agent console
          </Title>
          <Text size="sm" role="status">
            {CONNECTION_WORDS[connection]}
          </Text>
        </div>
        <MyStatus api={api} role={viewer.role} revision={queue.revision} />
      </Group>
      {connection === "unauthorized" && (
        <Alert color="red" title="Signed out">
          Your sign-in is no longer valid, so the console gets no live updates. Sign out and sign
          in again.
        </Alert>
      )}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, sm: 5, md: 3 }} className={classes.column}>
          <QueuePanel
            api={api}
            role={viewer.role}
            queue={queue}
            selectedId={selectedId}
            onOpen={open}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 7, md: 6 }}>
          <ConversationPanel
            api={api}
            viewer={viewer}
            conversationId={selectedId}
            state={conversation}
            notice={notice}
            onClosed={closed}
            onChanged={() => void reloadQueue()}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 3 }}>
          {/* Focusable so the keyboard can scroll the customer's orders. */}
          <div className={classes.column} tabIndex={0} role="region" aria-label="Customer details">
            <CustomerPanel
              api={api}
              conversationId={selectedId}
              customerId={conversation.conversation?.customer_id ?? null}
            />
          </div>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
