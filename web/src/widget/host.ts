// The link between this frame and the page that embeds it (public/embed.js). Messages are taken
// only from the origin named in `?host=` (or this frame's own origin), and only from the parent.
// It listens from the moment the module loads, so a token posted right after the frame's load
// event is never missed.

export interface HostSettings {
  /** The host page allows anonymous chat (data-anonymous); the server has the final say. */
  anonymous: boolean;
  /** The subject new conversations get (data-subject). */
  subject: string;
}

export type HostChange = "token" | "settings" | "open";

export interface HostLink {
  /** Whether the widget runs in a frame of a host page (so it can be closed). */
  readonly embedded: boolean;
  token(): string | null;
  settings(): HostSettings;
  subscribe(listener: (change: HostChange) => void): () => void;
  /** Ask the host page to close the chat. */
  close(): void;
}

const DEFAULT_SETTINGS: HostSettings = { anonymous: true, subject: "" };

function originOf(value: string | null): string | null {
  if (!value) return null;
  try {
    const origin = new URL(value).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

interface HostMessage {
  type?: unknown;
  token?: unknown;
  anonymous?: unknown;
  subject?: unknown;
}

export function connectHost(win: Window = window): HostLink {
  const hostOrigin = originOf(new URLSearchParams(win.location.search).get("host"));
  const embedded = win.parent !== win;
  const listeners = new Set<(change: HostChange) => void>();
  let token: string | null = null;
  let settings = DEFAULT_SETTINGS;

  const emit = (change: HostChange) => {
    for (const listener of listeners) listener(change);
  };

  win.addEventListener("message", (event: MessageEvent) => {
    const trusted = event.origin === hostOrigin || event.origin === win.location.origin;
    if (!trusted || event.source !== win.parent) return;
    const data = (event.data ?? {}) as HostMessage;
    if (data.type === "supportgraph:token" && typeof data.token === "string" && data.token) {
      token = data.token;
      emit("token");
    } else if (data.type === "supportgraph:config") {
      settings = {
        anonymous: data.anonymous !== false,
        subject: typeof data.subject === "string" ? data.subject : "",
      };
      emit("settings");
    } else if (data.type === "supportgraph:open") {
      emit("open");
    }
  });

  const post = (message: Record<string, unknown>) => {
    if (embedded && hostOrigin) win.parent.postMessage(message, hostOrigin);
  };
  // The host answers with its settings and token, whenever this frame is ready for them.
  post({ type: "supportgraph:ready" });

  return {
    embedded,
    token: () => token,
    settings: () => settings,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => post({ type: "supportgraph:close" }),
  };
}
