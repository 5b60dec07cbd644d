// One message of the history; a customer message also shows what the assistant read from it.

import { Badge, Group, List, Paper, Stack, Text } from "@mantine/core";
import type { Message } from "../shared/types";
import classes from "./console.module.css";
import { clockTime, parseServerTime } from "./format";
import { describeGuardrail, describeIntent, describeRule, isBlocked } from "./guardrail";
import { describeCitation, SENDER_LABELS } from "./messages";

function CustomerDetails({ message }: { message: Message }) {
  const details = message.details ?? {};
  const lines = [
    describeIntent(details),
    describeGuardrail(details.guardrail),
    describeRule(details.rule),
  ].filter((line): line is string => line !== null);
  if (lines.length === 0) return null;
  return (
    <List size="sm" spacing={2} aria-label="What the assistant read from this message">
      {lines.map((line) => (
        <List.Item
          key={line}
          fw={line.startsWith("Guardrail") && isBlocked(details.guardrail) ? 700 : undefined}
        >
          {line}
        </List.Item>
      ))}
    </List>
  );
}

const BACKGROUNDS: Record<Message["sender"], string | undefined> = {
  CUSTOMER: "gray.0",
  AI: "indigo.0",
  AGENT: "teal.0",
  SYSTEM: undefined,
};

export function MessageItem({ message }: { message: Message }) {
  const time = parseServerTime(message.created_at);
  const dateTime = Number.isNaN(time.getTime()) ? undefined : time.toISOString();
  return (
    <Paper withBorder={message.sender !== "SYSTEM"} p="sm" bg={BACKGROUNDS[message.sender]}>
      <Stack gap={4}>
        <Group gap="xs">
          <Text fw={700} size="sm" component="span">
            {SENDER_LABELS[message.sender] ?? message.sender}
          </Text>
          <Text size="sm" component="time" dateTime={dateTime}>
            {clockTime(message.created_at)}
          </Text>
          {message.awaiting_confirmation && (
            <Badge color="yellow.3" c="black" tt="none">
              Waiting for the customer to confirm
            </Badge>
          )}
        </Group>
        <Text
          className={classes.messageText}
          fs={message.sender === "SYSTEM" ? "italic" : undefined}
        >
          {message.content}
        </Text>
        {message.sender === "CUSTOMER" && <CustomerDetails message={message} />}
        {message.citations.length > 0 && (
          <Text size="sm">Sources: {message.citations.map(describeCitation).join("; ")}</Text>
        )}
      </Stack>
    </Paper>
  );
}
