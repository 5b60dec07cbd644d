// Centre column: the open conversation, live, with what the agent can do about it.

import { Alert, Group, Loader, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import type { Api } from "../shared/api";
import type { Conversation } from "../shared/types";
import { allowedActions, type Viewer } from "./actions";
import { PriorityBadge, StatusBadge } from "./Badges";
import { ConversationActions } from "./ConversationActions";
import { conversationTitle, languageName, reasonLabel } from "./format";
import { MessageLog } from "./MessageLog";
import { ReplyBox } from "./ReplyBox";
import { SentimentTrend } from "./SentimentTrend";
import type { ConversationState } from "./useConversation";

export interface ConversationPanelProps {
  api: Api;
  viewer: Viewer;
  conversationId: string | null;
  /** The open conversation, kept live by useConversation. */
  state: ConversationState;
  /** The conversation left my hands (handed back to the AI); the notice says so. */
  onClosed: (notice: string) => void;
  /** Something changed that the queue shows (taken, resolved). */
  onChanged: () => void;
  /** Shown when no conversation is open (e.g. "Handed back to the AI assistant."). */
  notice: string | null;
}

const HEADING_ID = "console-conversation-heading";

function Frame({ heading, children }: { heading: ReactNode; children: ReactNode }) {
  return (
    <Stack component="section" aria-labelledby={HEADING_ID} gap="md">
      {heading}
      {children}
    </Stack>
  );
}

const plainHeading = (
  <Title order={2} id={HEADING_ID}>
    Conversation
  </Title>
);

export function ConversationPanel(props: ConversationPanelProps) {
  const { api, viewer, conversationId, state } = props;
  const conversation = state.conversation;

  if (!conversationId) {
    return (
      <Frame heading={plainHeading}>
        {props.notice && <Text role="status">{props.notice}</Text>}
        <Text>Choose a conversation from the queue to open it.</Text>
      </Frame>
    );
  }
  if (!conversation) {
    return (
      <Frame heading={plainHeading}>
        {state.error ? (
          <Alert color="red" title="Conversation unavailable">
            {state.error}
          </Alert>
        ) : (
          <Group gap="xs">
            <Loader size="sm" aria-hidden />
            <Text>Loading the conversation…</Text>
          </Group>
        )}
      </Frame>
    );
  }

  const allowed = allowedActions(conversation, viewer);
  const reason = reasonLabel(conversation.escalation_reason);
  const changed = (row: Conversation) => {
    state.update(row);
    props.onChanged();
  };
  const heading = (
    <Stack gap={4}>
      <Group gap="sm" align="center">
        <Title order={2} id={HEADING_ID}>
          {conversationTitle(conversation)}
        </Title>
        <StatusBadge status={conversation.status} />
        <PriorityBadge priority={conversation.priority} />
      </Group>
      <Text size="sm">
        {[`ID ${conversation.conversation_id}`, languageName(conversation.language), reason]
          .filter(Boolean)
          .join(" · ")}
      </Text>
    </Stack>
  );

  return (
    <Frame heading={heading}>
      {state.error && <Alert color="red">{state.error}</Alert>}
      <ConversationActions
        key={`actions-${conversation.conversation_id}`}
        api={api}
        role={viewer.role}
        conversationId={conversation.conversation_id}
        allowed={allowed}
        onTaken={() => {
          void state.reload();
          props.onChanged();
        }}
        onHandedBack={(row) => {
          changed(row);
          // An agent cannot open a conversation the AI has again; an admin still can.
          if (viewer.role === "AGENT") {
            props.onClosed(`${conversationTitle(row)} was handed back to the AI assistant.`);
          }
        }}
        onResolved={changed}
      />
      <Stack gap="xs">
        <Title order={3}>History</Title>
        <MessageLog messages={conversation.messages} />
      </Stack>
      <ReplyBox
        key={`reply-${conversation.conversation_id}`}
        api={api}
        conversationId={conversation.conversation_id}
        enabled={allowed.reply}
        hint={allowed.replyHint}
        onSent={state.addMessage}
      />
      <SentimentTrend messages={conversation.messages} current={conversation.sentiment} />
    </Frame>
  );
}
