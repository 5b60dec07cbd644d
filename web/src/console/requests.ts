// The console's calls to the support API.

import type { Api } from "../shared/api";
import type {
  AgentStatus,
  Assignment,
  Conversation,
  ConversationDetail,
  CustomerProfile,
  Message,
  SupportAgent,
} from "../shared/types";

const BASE = "/api/v1/support";

function conversationPath(id: string): string {
  return `${BASE}/conversations/${encodeURIComponent(id)}`;
}

/** Take a waiting conversation (agents); an admin's call hands it to the best available agent. */
export function takeConversation(api: Api, id: string): Promise<Assignment> {
  return api.post<Assignment>(`${conversationPath(id)}/assign`, {});
}

/** The next conversation I should take, or null when nothing waits that I can take (204). */
export async function takeNext(api: Api): Promise<Assignment | null> {
  return (await api.post<Assignment | undefined>(`${BASE}/agents/me/next`)) ?? null;
}

export function sendReply(api: Api, id: string, content: string): Promise<Message> {
  return api.post<Message>(`${conversationPath(id)}/reply`, { content });
}

export function handBack(api: Api, id: string): Promise<Conversation> {
  return api.post<Conversation>(`${conversationPath(id)}/handback`);
}

export function resolveConversation(api: Api, id: string): Promise<Conversation> {
  return api.post<Conversation>(`${conversationPath(id)}/resolve`);
}

export function customerOf(api: Api, id: string): Promise<CustomerProfile> {
  return api.get<CustomerProfile>(`${conversationPath(id)}/customer`);
}

export function conversationDetail(api: Api, id: string): Promise<ConversationDetail> {
  return api.get<ConversationDetail>(conversationPath(id));
}

export function myProfile(api: Api): Promise<SupportAgent> {
  return api.get<SupportAgent>(`${BASE}/agents/me`);
}

export function setMyStatus(api: Api, status: AgentStatus): Promise<SupportAgent> {
  return api.put<SupportAgent>(`${BASE}/agents/me/status`, { status });
}
