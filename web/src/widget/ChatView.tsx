import { Alert, Button, Text } from "@mantine/core";
import { IconHeadset } from "@tabler/icons-react";
import type { Session } from "../shared/session";
import { assistantTyping, awaitingConfirmation } from "./chatState";
import { Composer } from "./Composer";
import { ConfirmChange } from "./ConfirmChange";
import { MessageList } from "./MessageList";
import { ConnectionBanner, HandoffStatus, TypingIndicator } from "./StatusAreas";
import { type Chat, useChat } from "./useChat";
import classes from "./widget.module.css";

export interface ChatViewProps {
  session: Session;
  conversationId: string | null;
  onConversation: (id: string | null) => void;
  subject: string;
  onSignInAgain: () => void;
  onStartNew: () => void;
  createWebSocket?: (url: string) => WebSocket;
}

function Notices({ chat, onSignInAgain }: { chat: Chat; onSignInAgain: () => void }) {
  if (chat.expired) {
    return (
      <Alert color="red" title="Your session has expired" m="xs">
        <Text size="sm" mb="xs">
          Sign in again to go on with the conversation.
        </Text>
        <Button className={classes.touch} onClick={onSignInAgain}>
          Sign in again
        </Button>
      </Alert>
    );
  }
  if (!chat.notice) return null;
  const { message, unreachable } = chat.notice;
  return (
    <Alert
      color="red"
      title={unreachable ? "Cannot reach support" : "Something went wrong"}
      m="xs"
      withCloseButton={!unreachable}
      closeButtonLabel="Dismiss"
      onClose={chat.dismiss}
    >
      <Text size="sm">{message}</Text>
      {unreachable && (
        <Button
          className={classes.touch}
          mt="xs"
          variant="default"
          onClick={() => void chat.reload()}
        >
          Try again
        </Button>
      )}
    </Alert>
  );
}

/** One conversation: its messages, the handoff, and the composer. */
export function ChatView(props: ChatViewProps) {
  const chat = useChat(props);
  const { state } = chat;
  const resolved = state.status === "RESOLVED";
  const canEscalate = state.status === null || state.status === "ACTIVE";

  return (
    <div className={classes.body}>
      <ConnectionBanner connection={chat.connection} />
      <Notices chat={chat} onSignInAgain={props.onSignInAgain} />
      <HandoffStatus
        status={state.status}
        waitMinutes={state.waitMinutes}
        agentName={state.agentName}
      />
      <MessageList
        messages={state.messages}
        loading={chat.loading}
        onRetry={chat.retry}
        onFeedback={chat.feedback}
      />
      <TypingIndicator typing={assistantTyping(state)} />
      <div className={classes.footer}>
        {awaitingConfirmation(state) && <ConfirmChange onAnswer={chat.send} />}
        {resolved && (
          <Button className={classes.touch} onClick={props.onStartNew}>
            Start a new conversation
          </Button>
        )}
        <Composer disabled={resolved || chat.expired} onSend={chat.send} />
        {canEscalate && (
          <Button
            variant="subtle"
            className={classes.touch}
            leftSection={<IconHeadset size={18} aria-hidden="true" />}
            loading={chat.escalating}
            onClick={() => void chat.escalate()}
            style={{ alignSelf: "flex-start" }}
          >
            Talk to a person
          </Button>
        )}
      </div>
    </div>
  );
}
