import { Button, Textarea } from "@mantine/core";
import { IconSend } from "@tabler/icons-react";
import { type KeyboardEvent, useRef, useState } from "react";
import { remembered } from "./chatApi";
import classes from "./widget.module.css";

const MAX_CHARS = 4000;

export interface ComposerProps {
  disabled: boolean;
  onSend: (text: string) => void;
}

/** Enter sends, Shift+Enter starts a new line. The draft survives a reload of the frame. */
export function Composer({ disabled, onSend }: ComposerProps) {
  const [text, setText] = useState(() => remembered.draft());
  const input = useRef<HTMLTextAreaElement>(null);

  const change = (value: string) => {
    setText(value);
    remembered.setDraft(value);
  };

  const submit = () => {
    const content = text.trim();
    if (disabled) return;
    if (content) {
      onSend(content);
      change("");
    }
    input.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    submit();
  };

  return (
    <form
      className={classes.composer}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Textarea
        ref={input}
        className={classes.composerInput}
        aria-label="Message"
        placeholder="Type your message"
        size="md"
        autosize
        minRows={1}
        maxRows={5}
        maxLength={MAX_CHARS}
        value={text}
        disabled={disabled}
        onChange={(event) => change(event.currentTarget.value)}
        onKeyDown={onKeyDown}
        data-widget-focus
      />
      <Button
        type="submit"
        size="md"
        className={classes.touch}
        disabled={disabled}
        leftSection={<IconSend size={18} aria-hidden="true" />}
      >
        Send
      </Button>
    </form>
  );
}
