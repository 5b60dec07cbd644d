// The support WebSocket, kept open: it reconnects with backoff, re-subscribes to the
// conversations it followed, and queues what is sent while it is down, so nothing typed is lost.
// After a reconnect, `onReconnect` runs so the page can fetch what it missed over REST.

import type { ServerEvent } from "./types";

export type SocketState = "connecting" | "open" | "reconnecting" | "closed" | "unauthorized";

export interface SocketOptions {
  token: () => string | null;
  onEvent: (event: ServerEvent) => void;
  onState?: (state: SocketState) => void;
  onReconnect?: () => void;
  /** Where the socket lives; the page's own origin by default. */
  url?: string;
  /** Builds the socket (tests give a fake). */
  create?: (url: string) => WebSocket;
  maxDelayMs?: number;
}

const UNAUTHORIZED_CLOSE = 4401;

export function socketUrl(origin: string = window.location.origin): string {
  return `${origin.replace(/^http/, "ws")}/api/v1/support/ws`;
}

export class SupportSocket {
  private socket: WebSocket | null = null;
  private readonly outbox: string[] = [];
  private readonly followed = new Set<string>();
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private everOpened = false;
  state: SocketState = "connecting";

  constructor(private readonly options: SocketOptions) {}

  connect(): void {
    this.stopped = false;
    const token = this.options.token();
    const base = this.options.url ?? socketUrl();
    const url = token ? `${base}?token=${encodeURIComponent(token)}` : base;
    const socket = (this.options.create ?? ((u: string) => new WebSocket(u)))(url);
    this.socket = socket;
    socket.onopen = () => {
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempts = 0;
      this.setState("open");
      for (const id of this.followed) this.raw({ type: "SUBSCRIBE", conversation_id: id });
      while (this.outbox.length > 0) socket.send(this.outbox.shift() as string);
      if (reconnected) this.options.onReconnect?.();
    };
    socket.onmessage = (message: MessageEvent) => {
      try {
        this.options.onEvent(JSON.parse(String(message.data)) as ServerEvent);
      } catch {
        // A frame that is not JSON is not ours; ignore it.
      }
    };
    socket.onclose = (event: CloseEvent) => {
      this.socket = null;
      if (event.code === UNAUTHORIZED_CLOSE) {
        this.setState("unauthorized");
        return;
      }
      if (this.stopped) {
        this.setState("closed");
        return;
      }
      this.setState("reconnecting");
      const cap = this.options.maxDelayMs ?? 15_000;
      const delay = Math.min(cap, 500 * 2 ** this.attempts) * (0.5 + Math.random() / 2);
      this.attempts += 1;
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  /** Follow a conversation's events, now and after every reconnect. */
  follow(conversationId: string): void {
    this.followed.add(conversationId);
    if (this.state === "open") this.raw({ type: "SUBSCRIBE", conversation_id: conversationId });
  }

  unfollow(conversationId: string): void {
    this.followed.delete(conversationId);
  }

  /** Send an event; queued until the socket is open. */
  send(event: Record<string, unknown>): void {
    const frame = JSON.stringify(event);
    if (this.socket && this.state === "open") this.socket.send(frame);
    else this.outbox.push(frame);
  }

  close(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close();
    this.setState("closed");
  }

  private raw(event: Record<string, unknown>): void {
    this.socket?.send(JSON.stringify(event));
  }

  private setState(state: SocketState): void {
    this.state = state;
    this.options.onState?.(state);
  }
}
