// What the assistant read from a customer message, in plain words for the agent.
// `details.guardrail` is the graph's safety verdict: {flagged, reason, tags}; a flagged message
// tagged "escalate" went to a person, any other flagged message was refused.

import type { MessageDetails } from "../shared/types";
import { priorityLabel } from "./format";

interface Verdict {
  flagged: boolean;
  reason: string;
  tags: string[];
}

function readVerdict(raw: unknown): Verdict | null {
  if (!raw || typeof raw !== "object") return null;
  const value = raw as { flagged?: unknown; reason?: unknown; tags?: unknown };
  return {
    flagged: value.flagged === true,
    reason: typeof value.reason === "string" ? value.reason : "",
    tags: Array.isArray(value.tags)
      ? value.tags.filter((tag): tag is string => typeof tag === "string")
      : [],
  };
}

/** "Guardrail: allowed", "Guardrail: blocked — <reason>", or null when it was not checked. */
export function describeGuardrail(raw: unknown): string | null {
  const verdict = readVerdict(raw);
  if (!verdict) return null;
  if (!verdict.flagged) return "Guardrail: allowed";
  const outcome = verdict.tags.includes("escalate") ? "flagged, sent to a person" : "blocked";
  return verdict.reason ? `Guardrail: ${outcome} — ${verdict.reason}` : `Guardrail: ${outcome}`;
}

export function isBlocked(raw: unknown): boolean {
  return readVerdict(raw)?.flagged === true;
}

/** "Intent: order_status (93% sure)", or null when none was read. */
export function describeIntent(details: MessageDetails): string | null {
  if (!details.intent) return null;
  const confidence =
    typeof details.confidence === "number"
      ? ` (${Math.round(details.confidence * 100)}% sure)`
      : "";
  return `Intent: ${details.intent.replace(/_/g, " ")}${confidence}`;
}

/** "Escalation rule: Chargeback threat (priority URGENT)", or null when no rule fired. */
export function describeRule(raw: unknown): string | null {
  if (!raw || typeof raw !== "object") return null;
  const rule = raw as { name?: unknown; rule_id?: unknown; priority?: unknown };
  const name = typeof rule.name === "string" && rule.name ? rule.name : rule.rule_id;
  if (typeof name !== "string" || !name) return null;
  const priority =
    typeof rule.priority === "string" && rule.priority
      ? ` (priority ${priorityLabel(rule.priority)})`
      : "";
  return `Escalation rule: ${name}${priority}`;
}
