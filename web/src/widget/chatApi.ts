// The REST calls the widget makes, and what it remembers on this tab between reloads.

import { Api, ApiError } from "../shared/api";
import type {
  ConversationDetail,
  EscalateReply,
  FeedbackReply,
  MessageReply,
  StartedConversation,
} from "../shared/types";

const BASE = "/api/v1/support";
const CONVERSATION_KEY = "supportgraph.widget.conversation";
const DRAFT_KEY = "supportgraph.widget.draft";
export const SESSION_KEY = "supportgraph.widget.session";

export interface ClientConfig {
  dev_auth: boolean;
  anonymous_chat: boolean;
}

export interface FeedbackBody {
  message_id: string;
  helpful?: boolean;
  rating?: number;
}

export interface StartOptions {
  subject: string;
}

export function clientConfig(): Promise<ClientConfig> {
  return new Api(() => null).get<ClientConfig>(`${BASE}/client-config`);
}

/** Start a conversation as the signed-in customer, or anonymously when `api` sends no token. */
export function startConversation(
  api: Api,
  { subject }: StartOptions,
): Promise<StartedConversation> {
  return api.post<StartedConversation>(`${BASE}/conversations`, {
    channel: "web",
    subject: subject.slice(0, 200),
    language: "en",
  });
}

export function startGuestConversation(options: StartOptions): Promise<StartedConversation> {
  return startConversation(new Api(() => null), options);
}

export function loadConversation(api: Api, id: string): Promise<ConversationDetail> {
  return api.get<ConversationDetail>(`${BASE}/conversations/${encodeURIComponent(id)}`);
}

export function sendMessage(api: Api, id: string, content: string): Promise<MessageReply> {
  return api.post<MessageReply>(`${BASE}/conversations/${encodeURIComponent(id)}/message`, {
    content,
  });
}

export function escalate(api: Api, id: string): Promise<EscalateReply> {
  return api.post<EscalateReply>(`${BASE}/conversations/${encodeURIComponent(id)}/escalate`, {
    reason: "requested",
  });
}

export function sendFeedback(api: Api, id: string, body: FeedbackBody): Promise<FeedbackReply> {
  return api.post<FeedbackReply>(`${BASE}/conversations/${encodeURIComponent(id)}/feedback`, body);
}

/** The session is no longer valid: the customer has to sign in again. */
export function isExpired(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return "Something went wrong. Please try again.";
}

function tabStorage(): Storage | null {
  return typeof sessionStorage === "undefined" ? null : sessionStorage;
}

export const remembered = {
  conversation(): string | null {
    return tabStorage()?.getItem(CONVERSATION_KEY) ?? null;
  },
  setConversation(id: string | null): void {
    if (id) tabStorage()?.setItem(CONVERSATION_KEY, id);
    else tabStorage()?.removeItem(CONVERSATION_KEY);
  },
  draft(): string {
    return tabStorage()?.getItem(DRAFT_KEY) ?? "";
  },
  setDraft(text: string): void {
    if (text) tabStorage()?.setItem(DRAFT_KEY, text);
    else tabStorage()?.removeItem(DRAFT_KEY);
  },
};
