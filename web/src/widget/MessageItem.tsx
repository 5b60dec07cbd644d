import { Button, Group, Text, VisuallyHidden } from "@mantine/core";
import { IconRefresh } from "@tabler/icons-react";
import { AnswerFeedback } from "./AnswerFeedback";
import type { FeedbackBody } from "./chatApi";
import type { ChatMessage } from "./chatState";
import { Sources } from "./Sources";
import classes from "./widget.module.css";

export interface MessageItemProps {
  message: ChatMessage;
  onRetry: (key: string) => void;
  onFeedback: (body: FeedbackBody) => Promise<void>;
}

function author(message: ChatMessage): string {
  if (message.sender === "CUSTOMER") return "You";
  if (message.sender === "AI") return "Assistant";
  return message.agentName || "Support agent";
}

export function MessageItem({ message, onRetry, onFeedback }: MessageItemProps) {
  if (message.sender === "SYSTEM") {
    return (
      <li className={classes.item}>
        <p className={classes.note}>
          <VisuallyHidden>Note: </VisuallyHidden>
          {message.content}
        </p>
      </li>
    );
  }
  const streaming = message.parts !== undefined;
  const answer = message.sender === "AI" || message.sender === "AGENT";
  return (
    <li
      className={classes.item}
      data-sender={message.sender}
      data-delivery={message.delivery}
      aria-busy={streaming || undefined}
    >
      <p className={classes.who}>{author(message)}</p>
      <div className={classes.bubble}>{message.content}</div>
      {message.delivery === "sending" && (
        <Text size="xs" c="dimmed" mt={2}>
          Sending…
        </Text>
      )}
      {message.delivery === "failed" && (
        <Group gap="xs" mt={4} justify="flex-end" className={classes.meta}>
          <Text size="sm" c="red.9" fw={600}>
            Not sent{message.error ? `: ${message.error}` : ""}
          </Text>
          <Button
            size="compact-sm"
            variant="default"
            className={classes.touch}
            leftSection={<IconRefresh size={16} aria-hidden="true" />}
            onClick={() => onRetry(message.key)}
          >
            Retry
          </Button>
        </Group>
      )}
      {answer && !streaming && <Sources citations={message.citations} />}
      {answer && !streaming && message.id && message.content && (
        <AnswerFeedback messageId={message.id} onFeedback={onFeedback} />
      )}
    </li>
  );
}
