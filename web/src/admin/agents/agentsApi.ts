// The agent API: PUT /agents/{agent_id} both creates an agent and changes one. The server
// refuses nulls, so a field left blank is not sent (an email cannot be cleared here).

import type { Api } from "../../shared/api";
import type { AgentStatus, SupportAgent } from "../../shared/types";

const BASE = "/api/v1/support/agents";

export interface AgentFields {
  display_name: string;
  email: string;
  status: AgentStatus;
  specializations: string[];
  languages: string[];
  max_concurrent: number;
}

export function listAgents(api: Api): Promise<SupportAgent[]> {
  return api.get<SupportAgent[]>(BASE);
}

export function agentBody(fields: AgentFields): Record<string, unknown> {
  const email = fields.email.trim();
  return {
    display_name: fields.display_name.trim(),
    ...(email ? { email } : {}),
    status: fields.status,
    specializations: fields.specializations,
    languages: fields.languages,
    max_concurrent: fields.max_concurrent,
  };
}

export function saveAgent(api: Api, agentId: string, fields: AgentFields): Promise<SupportAgent> {
  return api.put<SupportAgent>(`${BASE}/${encodeURIComponent(agentId)}`, agentBody(fields));
}
