// The conversation history, merged from the REST snapshot and the live events.

import type { Citation, Message, ServerEvent } from "../shared/types";
import { parseServerTime } from "./format";

/**
 * Both lists merged, one entry per message_id, oldest first. An incoming copy replaces the
 * current one: a fetched message carries what a live event lacks (details, the server's time).
 */
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const message of current) byId.set(message.message_id, message);
  for (const message of incoming) byId.set(message.message_id, message);
  return [...byId.values()]
    .map((message, index) => ({ message, index }))
    .sort((a, b) => {
      const diff =
        parseServerTime(a.message.created_at).getTime() -
        parseServerTime(b.message.created_at).getTime();
      return diff !== 0 ? diff : a.index - b.index;
    })
    .map(({ message }) => message);
}

/** A live message joins the history unless it is there already (the stored copy says more). */
export function addLiveMessage(current: Message[], live: Message): Message[] {
  if (current.some((m) => m.message_id === live.message_id)) return current;
  return mergeMessages(current, [live]);
}

/** What every message names; the rest of a Message has defaults. */
export type MessageFields = Pick<Message, "message_id" | "sender" | "content"> & Partial<Message>;

/** A whole message from its fields, the others as a plain text message has them. */
export function messageRecord(fields: MessageFields): Message {
  return {
    sender_id: null,
    type: "TEXT",
    confidence_score: null,
    intent: null,
    citations: [],
    details: {},
    awaiting_confirmation: false,
    created_at: new Date().toISOString(),
    ...fields,
  };
}

/** The message a live event carries, or null for events that carry none. */
export function messageFromEvent(event: ServerEvent, now: Date = new Date()): Message | null {
  const created_at = now.toISOString();
  switch (event.type) {
    case "CUSTOMER_MESSAGE":
      return messageRecord({
        message_id: event.message_id,
        sender: "CUSTOMER",
        content: event.content,
        type: event.message_type,
        created_at,
      });
    case "AGENT_MESSAGE":
      return messageRecord({
        message_id: event.message_id,
        sender: "AGENT",
        sender_id: event.agent_id ?? null,
        content: event.content,
        created_at,
      });
    case "AI_RESPONSE":
      if (!event.final) return null;
      return messageRecord({
        message_id: event.message_id,
        sender: "AI",
        content: event.content,
        confidence_score: event.confidence_score,
        citations: event.citations,
        awaiting_confirmation: event.awaiting_confirmation,
        created_at,
      });
    default:
      return null;
  }
}

/** "Return policy (knowledge base)", "get order details #W2378156 (store lookup)". */
export function describeCitation(citation: Citation): string {
  const ref = typeof citation.ref === "string" ? citation.ref : "";
  if (citation.source === "kb") {
    const title = typeof citation.title === "string" && citation.title ? citation.title : ref;
    return `${title || "entry"} (knowledge base)`;
  }
  if (citation.source === "tool") {
    const tool = typeof citation.tool === "string" ? citation.tool.replace(/_/g, " ") : "tool";
    return `${[tool, ref].filter(Boolean).join(" ")} (store lookup)`;
  }
  if (citation.source === "guardrail") return `guardrail: ${ref || "flagged"}`;
  return [citation.source, ref].filter(Boolean).join(" ");
}

export const SENDER_LABELS: Record<Message["sender"], string> = {
  CUSTOMER: "Customer",
  AI: "AI assistant",
  AGENT: "Agent",
  SYSTEM: "System",
};
