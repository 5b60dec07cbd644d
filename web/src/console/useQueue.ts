// The queue panel's data: what I hold and what waits, kept fresh by the live feed.

import { useCallback, useEffect, useRef, useState } from "react";
import type { Api } from "../shared/api";
import type { Conversation, MyQueue, QueueItem, QueueOut, Role } from "../shared/types";
import { errorMessage, useDebounced } from "./hooks";
import { useLiveEvents, type LiveFeed } from "./live";
import { arrivalAnnouncement, inServingOrder, newArrivals } from "./queue";

export interface QueueState {
  assigned: Conversation[];
  waiting: QueueItem[];
  loading: boolean;
  error: string | null;
  /** The latest arrivals, for the polite live region. */
  announcement: string;
  /** Counts loads, so panels that depend on the queue (my load) refresh with it. */
  revision: number;
  reload: () => Promise<void>;
}

/** Agents see their own queue; admins see the whole queue and hold nothing themselves. */
async function fetchQueue(api: Api, role: Role): Promise<MyQueue> {
  if (role === "ADMIN") {
    const queue = await api.get<QueueOut>("/api/v1/support/queue");
    return { assigned: [], waiting: queue.items };
  }
  return api.get<MyQueue>("/api/v1/support/agents/me/queue");
}

export function useQueue(api: Api, role: Role, feed: LiveFeed | null): QueueState {
  const [queue, setQueue] = useState<MyQueue>({ assigned: [], waiting: [] });
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [revision, setRevision] = useState(0);
  const seen = useRef<Set<string> | null>(null);

  const reload = useCallback(async () => {
    try {
      const next = await fetchQueue(api, role);
      const waiting = inServingOrder(next.waiting);
      const arrivals = newArrivals(seen.current, waiting);
      seen.current = new Set(waiting.map((item) => item.conversation_id));
      if (arrivals.length > 0) setAnnouncement(arrivalAnnouncement(arrivals));
      setQueue({ assigned: next.assigned, waiting });
      setError(null);
    } catch (caught) {
      setError(`The queue could not be loaded: ${errorMessage(caught)}`);
    } finally {
      setLoading(false);
      setRevision((r) => r + 1);
    }
  }, [api, role]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const reloadSoon = useDebounced(() => void reload(), 300);
  useLiveEvents(
    feed,
    (event) => {
      if (event.type === "QUEUE_UPDATED") reloadSoon();
    },
    reloadSoon,
  );

  return { ...queue, loading, error, announcement, revision, reload };
}
