// The conversation history: a log region, so new messages are read out as they arrive.

import { Text } from "@mantine/core";
import { useEffect, useRef } from "react";
import type { Message } from "../shared/types";
import classes from "./console.module.css";
import { MessageItem } from "./MessageItem";

export function MessageLog({ messages }: { messages: Message[] }) {
  const end = useRef<HTMLLIElement>(null);
  const last = messages[messages.length - 1]?.message_id;
  useEffect(() => {
    end.current?.scrollIntoView({ block: "nearest" });
  }, [last]);

  return (
    // Focusable so keyboard users can scroll it.
    <div role="log" aria-label="Conversation history" tabIndex={0} className={classes.log}>
      {messages.length === 0 ? (
        <Text>No messages yet.</Text>
      ) : (
        <ol className={classes.list}>
          {messages.map((message, index) => (
            <li key={message.message_id} ref={index === messages.length - 1 ? end : undefined}>
              <MessageItem message={message} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
