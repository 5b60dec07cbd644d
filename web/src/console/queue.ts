// The queue as the console shows it: the server's order, and what is new since the last look.

import type { QueueItem } from "../shared/types";
import { conversationTitle } from "./format";

/** Waiting conversations in the order they should be taken (the server ranks them). */
export function inServingOrder(items: QueueItem[]): QueueItem[] {
  return [...items].sort((a, b) => a.position - b.position);
}

/** Conversations waiting now that were not waiting before; none on the first look. */
export function newArrivals(before: ReadonlySet<string> | null, waiting: QueueItem[]): QueueItem[] {
  if (before === null) return [];
  return waiting.filter((item) => !before.has(item.conversation_id));
}

/** What a screen reader hears when conversations join the queue. */
export function arrivalAnnouncement(arrivals: QueueItem[]): string {
  if (arrivals.length === 0) return "";
  const titles = arrivals.map(conversationTitle);
  if (titles.length === 1) return `New conversation waiting: ${titles[0]}`;
  return `${titles.length} new conversations waiting: ${titles.join("; ")}`;
}
