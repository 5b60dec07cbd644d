// Priority and status badges. Shades are picked for AA contrast with their text colour;
// the words, not the colour, carry the meaning.

import { Badge } from "@mantine/core";
import type { ConversationStatus, Priority } from "../shared/types";
import { priorityLabel, statusLabel } from "./format";

const PRIORITY_COLORS: Record<Priority, { color: string; c: string }> = {
  URGENT: { color: "red.9", c: "white" },
  HIGH: { color: "orange.3", c: "black" },
  MEDIUM: { color: "blue.8", c: "white" },
  LOW: { color: "gray.7", c: "white" },
};

const STATUS_COLORS: Record<ConversationStatus, { color: string; c: string }> = {
  ACTIVE: { color: "teal.9", c: "white" },
  ESCALATED: { color: "yellow.3", c: "black" },
  ASSIGNED: { color: "indigo.8", c: "white" },
  RESOLVED: { color: "gray.7", c: "white" },
};

const FALLBACK = { color: "gray.7", c: "white" };

export function PriorityBadge({ priority }: { priority: string }) {
  const { color, c } = PRIORITY_COLORS[priority as Priority] ?? FALLBACK;
  return (
    <Badge color={color} c={c} variant="filled">
      {priorityLabel(priority)} priority
    </Badge>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { color, c } = STATUS_COLORS[status as ConversationStatus] ?? FALLBACK;
  return (
    <Badge color={color} c={c} variant="filled" tt="none">
      {statusLabel(status)}
    </Badge>
  );
}
