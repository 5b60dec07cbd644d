// The agent's reply to the customer. Open only while the conversation is assigned to me.

import { Alert, Button, Group, Stack, Textarea } from "@mantine/core";
import { useState, type FormEvent, type KeyboardEvent } from "react";
import type { Api } from "../shared/api";
import type { Message } from "../shared/types";
import { useAction } from "./hooks";
import { sendReply } from "./requests";

/** The server's limit on one message (api/routes.py MAX_MESSAGE_CHARS). */
const MAX_REPLY = 4000;

export interface ReplyBoxProps {
  api: Api;
  conversationId: string;
  enabled: boolean;
  /** Why the box is closed, shown under it. */
  hint: string | null;
  onSent: (message: Message) => void;
}

export function ReplyBox({ api, conversationId, enabled, hint, onSent }: ReplyBoxProps) {
  const [text, setText] = useState("");
  const action = useAction();
  const content = text.trim();

  const send = async () => {
    if (!enabled || !content || action.busy) return;
    const message = await action.run("Your reply was not sent", () =>
      sendReply(api, conversationId, content),
    );
    if (!message) return;
    setText("");
    onSent(message);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void send();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <form onSubmit={onSubmit}>
      <Stack gap="xs">
        <Textarea
          label="Reply"
          description={enabled ? "Press Ctrl+Enter to send." : hint}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          onKeyDown={onKeyDown}
          disabled={!enabled}
          maxLength={MAX_REPLY}
          rows={4}
          resize="vertical"
        />
        {action.error && <Alert color="red">{action.error}</Alert>}
        <Group justify="flex-end">
          <Button type="submit" disabled={!enabled || !content} loading={action.busy}>
            Send reply
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
