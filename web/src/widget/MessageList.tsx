import { Group, Loader, Text } from "@mantine/core";
import { useEffect, useRef } from "react";
import type { FeedbackBody } from "./chatApi";
import type { ChatMessage } from "./chatState";
import { MessageItem } from "./MessageItem";
import classes from "./widget.module.css";

export interface MessageListProps {
  messages: ChatMessage[];
  /** The history is still being read. */
  loading: boolean;
  onRetry: (key: string) => void;
  onFeedback: (body: FeedbackBody) => Promise<void>;
}

/** The conversation, newest at the bottom, announced politely as it grows. */
export function MessageList({ messages, loading, onRetry, onFeedback }: MessageListProps) {
  const log = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const last = messages.at(-1);

  // Follow new content, unless the customer has scrolled up to read.
  useEffect(() => {
    const el = log.current;
    if (el && (pinned.current || last?.sender === "CUSTOMER")) el.scrollTop = el.scrollHeight;
  }, [messages.length, last?.content, last?.sender]);

  const onScroll = () => {
    const el = log.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  };

  return (
    // Focusable so the history can be scrolled with the keyboard.
    <div
      ref={log}
      role="log"
      aria-live="polite"
      aria-label="Conversation"
      tabIndex={0}
      onScroll={onScroll}
      className={classes.log}
    >
      {loading && (
        <Group gap="xs">
          <Loader size="sm" aria-hidden="true" />
          <Text>Loading your conversation…</Text>
        </Group>
      )}
      {!loading && messages.length === 0 && (
        <Text c="dimmed">Ask us anything about your orders, returns or account.</Text>
      )}
      {messages.length > 0 && (
        <ol className={classes.list}>
          {messages.map((message) => (
            <MessageItem
              key={message.key}
              message={message}
              onRetry={onRetry}
              onFeedback={onFeedback}
            />
          ))}
        </ol>
      )}
    </div>
  );
}
