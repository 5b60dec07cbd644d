// Words and times as the console shows them.

import type { Conversation, ConversationStatus, Priority } from "../shared/types";

/** A server timestamp as a Date; SQLite hands them back without a zone, and they are UTC. */
export function parseServerTime(value: string): Date {
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(value);
  return new Date(zoned ? value : `${value}Z`);
}

export function minutesSince(value: string, now: number): number {
  return Math.max(0, Math.floor((now - parseServerTime(value).getTime()) / 60_000));
}

/** "waiting 3 min", "waiting 1 h 5 min", "waiting less than a minute". */
export function waitLabel(since: string, now: number): string {
  const minutes = minutesSince(since, now);
  if (minutes < 1) return "waiting less than a minute";
  if (minutes < 60) return `waiting ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `waiting ${hours} h ${rest} min` : `waiting ${hours} h`;
}

/** When the conversation started waiting for a person. */
export function waitingSince(conversation: Conversation): string {
  return conversation.escalated_at ?? conversation.created_at;
}

export function clockTime(value: string): string {
  return parseServerTime(value).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** The subject, else who it is with and a short id the agent can read out. */
export function conversationTitle(
  conversation: Pick<Conversation, "subject" | "conversation_id"> &
    Partial<Pick<Conversation, "customer_id">>,
): string {
  const subject = conversation.subject.trim();
  if (subject) return subject;
  const short = conversation.conversation_id.slice(-6);
  return conversation.customer_id ? `Chat with ${conversation.customer_id} (${short})` : `Guest chat (${short})`;
}

const REASONS: Record<string, string> = {
  requested: "The customer asked for a person",
  transfer_tool: "The assistant transferred it",
  repeated_failure: "The assistant failed several times",
  negative_sentiment: "The customer is upset",
  guardrail: "A guardrail flagged a message",
  tool_budget: "The assistant needed too many steps",
  rule: "An escalation rule matched",
};

export function reasonLabel(reason: string | null): string | null {
  if (!reason) return null;
  return REASONS[reason] ?? reason;
}

export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export const STATUS_LABELS: Record<ConversationStatus, string> = {
  ACTIVE: "With the AI assistant",
  ESCALATED: "Waiting for an agent",
  ASSIGNED: "With an agent",
  RESOLVED: "Resolved",
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status as ConversationStatus] ?? status;
}

export const PRIORITY_LABELS: Record<Priority, string> = {
  URGENT: "Urgent",
  HIGH: "High",
  MEDIUM: "Medium",
  LOW: "Low",
};

export function priorityLabel(priority: string): string {
  return PRIORITY_LABELS[priority as Priority] ?? priority;
}
