// Records and fakes the widget tests share: server records, a fetch router, a fake WebSocket.
import { vi } from "vitest";
import type {
  ConversationDetail,
  ConversationStatus,
  Message,
  ServerEvent,
} from "../src/shared/types";

export const CUSTOMER = "yusuf_rossi_9620";
export const CID = "conv_1";

export function jwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${encode({ alg: "HS256", typ: "JWT" })}.${encode(claims)}.signature`;
}

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

export const customerToken = () =>
  jwt({ sub: CUSTOMER, role: "USER", user_id: CUSTOMER, exp: inAnHour() });

export const guestToken = () =>
  jwt({ sub: `conversation:${CID}`, typ: "conversation", cid: CID, exp: inAnHour() });

export { serverMessage } from "./messageFixtures";

export function detail(
  messages: Message[],
  fields: Partial<ConversationDetail> = {},
): ConversationDetail {
  return {
    conversation_id: CID,
    status: "ACTIVE",
    priority: "MEDIUM",
    sentiment: 0,
    channel: "web",
    subject: "",
    anonymous: false,
    customer_id: CUSTOMER,
    assigned_agent_id: null,
    language: "en",
    specialization: null,
    escalation_reason: null,
    resolved_by: null,
    created_at: "2026-12-01T10:00:00Z",
    updated_at: "2026-12-01T10:00:00Z",
    escalated_at: null,
    assigned_at: null,
    resolved_at: null,
    messages,
    ...fields,
  };
}

export interface Call {
  method: string;
  path: string;
  body: unknown;
  authorization: string | null;
}

type Answer = { status?: number; body?: unknown };
type Reply = Answer | (() => Promise<Answer>);

/** A fetch that answers "METHOD /path" from a table and records every call. */
export function fakeFetch(routes: Record<string, Reply | Reply[]>) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://localhost");
    const method = init?.method ?? "GET";
    const headers = (init?.headers ?? {}) as Record<string, string>;
    calls.push({
      method,
      path: url.pathname,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
      authorization: headers.Authorization ?? null,
    });
    const route = routes[`${method} ${url.pathname}`];
    const next = Array.isArray(route) ? (route.length > 1 ? route.shift() : route[0]) : route;
    if (!next) return new Response(JSON.stringify({ detail: "no route" }), { status: 404 });
    const { status = 200, body = null } = typeof next === "function" ? await next() : next;
    return new Response(status === 204 ? null : JSON.stringify(body), { status });
  });
  vi.stubGlobal("fetch", fetchMock);
  return calls;
}

/** A WebSocket the test drives: open it, push server events, drop the connection. */
export class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  sent: Record<string, unknown>[] = [];

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  static latest(): FakeSocket {
    const socket = FakeSocket.all.at(-1);
    if (!socket) throw new Error("no socket was opened");
    return socket;
  }

  send(frame: string) {
    this.sent.push(JSON.parse(frame) as Record<string, unknown>);
  }

  close() {
    this.onclose?.({ code: 1000 });
  }

  open() {
    this.onopen?.();
  }

  emit(event: ServerEvent) {
    this.onmessage?.({ data: JSON.stringify(event) });
  }

  drop() {
    this.onclose?.({ code: 1006 });
  }
}

export const createFakeSocket = (url: string) => new FakeSocket(url) as unknown as WebSocket;

type FinalAnswer = Extract<ServerEvent, { type: "AI_RESPONSE"; final: true }>;

/** Server events of conversation CID, as the WebSocket sends them. */
export const events = {
  customer: (message_id: string, content: string): ServerEvent => ({
    type: "CUSTOMER_MESSAGE",
    conversation_id: CID,
    message_id,
    message_type: "TEXT",
    content,
  }),
  chunk: (message_id: string, index: number, chunk: string): ServerEvent => ({
    type: "AI_RESPONSE",
    conversation_id: CID,
    message_id,
    final: false,
    index,
    chunk,
  }),
  final: (message_id: string, content: string, fields: Partial<FinalAnswer> = {}): ServerEvent => ({
    type: "AI_RESPONSE",
    conversation_id: CID,
    message_id,
    final: true,
    content,
    confidence_score: 0.9,
    processing_time_ms: 12,
    citations: [],
    awaiting_confirmation: false,
    ...fields,
  }),
  assigned: (agent_name: string): ServerEvent => ({
    type: "AGENT_ASSIGNED",
    conversation_id: CID,
    agent_id: "agent_1",
    agent_name,
    estimated_wait_time_minutes: 1,
  }),
  agent: (message_id: string, content: string, agent_name?: string): ServerEvent => ({
    type: "AGENT_MESSAGE",
    conversation_id: CID,
    message_id,
    content,
    agent_id: "agent_1",
    agent_name,
  }),
  status: (status: ConversationStatus, wait: number | null = null): ServerEvent => ({
    type: "CONVERSATION_STATUS",
    conversation_id: CID,
    status,
    priority: "MEDIUM",
    assigned_agent_id: null,
    estimated_wait_time_minutes: wait,
  }),
};
