// Escalation-rule conditions in plain words, for admins who do not read JSON. The kinds are the
// ones the rule engine evaluates; a kind it does not know is named, not guessed at.

import type { EscalationRule, Priority } from "../../shared/types";

type Condition = Record<string, unknown>;

function isCondition(value: unknown): value is Condition {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** "a", "a or b", "a, b or c". */
export function listOf(items: string[], joiner: "or" | "and" = "or"): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${joiner} ${items[items.length - 1]}`;
}

function quoted(items: string[]): string[] {
  return items.map((item) => `“${item}”`);
}

function count(value: unknown, one: string, many: string): string {
  const n = typeof value === "number" ? value : Number.NaN;
  return `at least ${Number.isNaN(n) ? "?" : n} ${n === 1 ? one : many} in a row`;
}

function threshold(value: unknown): string {
  return typeof value === "number" ? String(value) : "?";
}

function nested(value: unknown): string {
  const text = describe(value);
  return isCondition(value) && (value.kind === "all" || value.kind === "any") ? `(${text})` : text;
}

function describe(condition: unknown): string {
  if (!isCondition(condition)) return "an unreadable condition";
  switch (condition.kind) {
    case "sentiment_below":
      return `sentiment below ${threshold(condition.threshold)}`;
    case "intent":
      return `intent is ${listOf(strings(condition.intents))}`;
    case "keyword":
      return `message mentions ${listOf(quoted(strings(condition.keywords)))}`;
    case "repeated_failure":
      return count(
        condition.at_least,
        "failed lookup or misunderstood message",
        "failed lookups or misunderstood messages",
      );
    case "negative_turns":
      return count(condition.at_least, "strongly negative message", "strongly negative messages");
    case "customer_request":
      return "customer asks for a person";
    case "confidence_below":
      return `intent confidence below ${threshold(condition.threshold)}`;
    case "all":
    case "any": {
      const parts = Array.isArray(condition.conditions) ? condition.conditions.map(nested) : [];
      return listOf(parts, condition.kind === "all" ? "and" : "or") || "no conditions";
    }
    case "not":
      return `not ${nested(condition.condition)}`;
    default:
      return `unknown condition “${String(condition.kind ?? "")}”`;
  }
}

/** The condition as a sentence: "Sentiment below -0.6 and at least 2 strongly negative …". */
export function summarizeCondition(condition: unknown): string {
  const text = describe(condition);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const PRIORITY_WORDS: Record<Priority, string> = {
  LOW: "Low",
  MEDIUM: "Medium",
  HIGH: "High",
  URGENT: "Urgent",
};

export function priorityLabel(priority: Priority): string {
  return PRIORITY_WORDS[priority];
}

/** What the rule does: "Urgent priority · specialization: escalations". */
export function summarizeAction(action: EscalationRule["action"]): string {
  const priority = `${priorityLabel(action.priority ?? "MEDIUM")} priority`;
  const specialization = action.specialization;
  return specialization ? `${priority} · specialization: ${specialization}` : priority;
}
