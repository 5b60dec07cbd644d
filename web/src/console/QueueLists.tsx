// The two lists of the queue panel: conversations waiting, and those I hold.

import {
  Button,
  Group,
  Paper,
  Stack,
  Text,
  Title,
  UnstyledButton,
  VisuallyHidden,
} from "@mantine/core";
import type { ReactNode } from "react";
import type { Conversation, QueueItem } from "../shared/types";
import { PriorityBadge, StatusBadge } from "./Badges";
import classes from "./console.module.css";
import { conversationTitle, languageName, reasonLabel, waitLabel, waitingSince } from "./format";

interface CardProps {
  conversation: Conversation;
  selected: boolean;
  onOpen: (conversationId: string) => void;
  children: ReactNode;
}

/** One conversation in a list: its subject opens it; the rest describes it. */
function Card({ conversation, selected, onOpen, children }: CardProps) {
  return (
    <Paper withBorder p="sm" className={selected ? classes.selected : undefined}>
      <Stack gap={4}>
        <UnstyledButton
          className={classes.openButton}
          aria-current={selected ? "true" : undefined}
          onClick={() => onOpen(conversation.conversation_id)}
        >
          <Text fw={600} component="span">
            {conversationTitle(conversation)}
          </Text>
        </UnstyledButton>
        {children}
      </Stack>
    </Paper>
  );
}

interface ListProps<T extends Conversation> {
  headingId: string;
  heading: string;
  empty: string;
  items: T[];
  render: (item: T) => ReactNode;
}

function ConversationList<T extends Conversation>(props: ListProps<T>) {
  const { headingId, heading, empty, items, render } = props;
  return (
    <Stack gap="xs">
      <Title order={3} id={headingId}>
        {`${heading} (${items.length})`}
      </Title>
      {items.length === 0 ? (
        <Text>{empty}</Text>
      ) : (
        <ul className={classes.list} aria-labelledby={headingId}>
          {items.map((item) => (
            <li key={item.conversation_id}>{render(item)}</li>
          ))}
        </ul>
      )}
    </Stack>
  );
}

export interface WaitingListProps {
  items: QueueItem[];
  now: number;
  selectedId: string | null;
  /** "Take" for agents; admins "Assign" it to the best available agent. */
  takeLabel: string;
  busy: boolean;
  onOpen: (conversationId: string) => void;
  onTake: (conversationId: string) => void;
}

export function WaitingList(props: WaitingListProps) {
  const { now, selectedId, takeLabel, busy, onOpen, onTake } = props;
  return (
    <ConversationList
      headingId="console-waiting-heading"
      heading="Waiting"
      empty="No conversations are waiting."
      items={props.items}
      render={(item) => {
        const reason = reasonLabel(item.escalation_reason);
        return (
          <Card conversation={item} selected={item.conversation_id === selectedId} onOpen={onOpen}>
            <Group gap="xs">
              <PriorityBadge priority={item.priority} />
              <Text size="sm">{languageName(item.language)}</Text>
            </Group>
            {reason && <Text size="sm">{reason}</Text>}
            <Group justify="space-between">
              <Text size="sm">{waitLabel(waitingSince(item), now)}</Text>
              <Button
                size="xs"
                variant="outline"
                disabled={busy}
                onClick={() => onTake(item.conversation_id)}
              >
                {takeLabel}
                <VisuallyHidden>{` ${conversationTitle(item)}`}</VisuallyHidden>
              </Button>
            </Group>
          </Card>
        );
      }}
    />
  );
}

export interface AssignedListProps {
  items: Conversation[];
  selectedId: string | null;
  onOpen: (conversationId: string) => void;
}

export function AssignedList({ items, selectedId, onOpen }: AssignedListProps) {
  return (
    <ConversationList
      headingId="console-mine-heading"
      heading="My conversations"
      empty="You are not handling any conversations."
      items={items}
      render={(item) => (
        <Card conversation={item} selected={item.conversation_id === selectedId} onOpen={onOpen}>
          <Group gap="xs">
            <StatusBadge status={item.status} />
            <PriorityBadge priority={item.priority} />
            <Text size="sm">{languageName(item.language)}</Text>
          </Group>
        </Card>
      )}
    />
  );
}
