// The escalation-rule API. A rule is always written whole (PUT replaces it), in the shape the
// server accepts: none of the stored fields it adds (id, timestamps, author).

import type { Api } from "../../shared/api";
import type { EscalationRule, Priority } from "../../shared/types";

const BASE = "/api/v1/support/escalation-rules";

export interface RuleFields {
  name: string;
  description: string;
  priority: number;
  enabled: boolean;
  condition: Record<string, unknown>;
  action: { priority: Priority; specialization: string | null };
}

export function fieldsOfRule(rule: EscalationRule): RuleFields {
  return {
    name: rule.name,
    description: rule.description,
    priority: rule.priority,
    enabled: rule.enabled,
    condition: rule.condition,
    action: {
      priority: rule.action.priority ?? "MEDIUM",
      specialization: rule.action.specialization ?? null,
    },
  };
}

export function listRules(api: Api): Promise<EscalationRule[]> {
  return api.get<EscalationRule[]>(BASE);
}

/** Adds a rule, or replaces the one with `ruleId`. */
export function saveRule(
  api: Api,
  fields: RuleFields,
  ruleId: string | null,
): Promise<EscalationRule> {
  return ruleId === null
    ? api.post<EscalationRule>(BASE, fields)
    : api.put<EscalationRule>(`${BASE}/${encodeURIComponent(ruleId)}`, fields);
}

export function deleteRule(api: Api, ruleId: string): Promise<void> {
  return api.delete<void>(`${BASE}/${encodeURIComponent(ruleId)}`);
}
