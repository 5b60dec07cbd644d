// One support socket for the whole console, shared by the queue and the open conversation.

import { useEffect, useRef, useState } from "react";
import type { Session } from "../shared/session";
import { SupportSocket, type SocketState } from "../shared/socket";
import type { ServerEvent } from "../shared/types";

type FeedListener = (event: ServerEvent) => void;

export class LiveFeed {
  private readonly listeners = new Set<FeedListener>();
  private readonly reconnectListeners = new Set<() => void>();
  readonly socket: SupportSocket;

  constructor(token: () => string | null, onState: (state: SocketState) => void) {
    this.socket = new SupportSocket({
      token,
      onState,
      onEvent: (event) => {
        for (const listener of this.listeners) listener(event);
      },
      onReconnect: () => {
        for (const listener of this.reconnectListeners) listener();
      },
    });
  }

  on(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }
}

/** The console's live feed, connected while the page is shown. */
export function useLiveFeed(session: Session): { feed: LiveFeed | null; state: SocketState } {
  const [feed, setFeed] = useState<LiveFeed | null>(null);
  const [state, setState] = useState<SocketState>("connecting");
  useEffect(() => {
    const live = new LiveFeed(() => session.token, setState);
    live.socket.connect();
    setFeed(live);
    return () => live.socket.close();
  }, [session]);
  return { feed, state };
}

/** Calls `handler` for each live event and each reconnect, with the latest handler. */
export function useLiveEvents(
  feed: LiveFeed | null,
  handler: FeedListener,
  onReconnect?: () => void,
): void {
  const handlerRef = useRef(handler);
  const reconnectRef = useRef(onReconnect);
  handlerRef.current = handler;
  reconnectRef.current = onReconnect;
  useEffect(() => {
    if (!feed) return undefined;
    const offEvent = feed.on((event) => handlerRef.current(event));
    const offReconnect = feed.onReconnect(() => reconnectRef.current?.());
    return () => {
      offEvent();
      offReconnect();
    };
  }, [feed]);
}
