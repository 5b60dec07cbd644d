// The rule form's contents as typed, and the rule they make once every field reads.

import type { EscalationRule, Priority } from "../../shared/types";
import { conditionToText, parseConditionText } from "./conditionText";
import { fieldsOfRule, type RuleFields } from "./rulesApi";

const SPECIALIZATION = /^[a-z0-9_-]+$/;

export interface RuleDraft {
  name: string;
  description: string;
  /** "" while the number field is empty. */
  priority: number | string;
  enabled: boolean;
  actionPriority: Priority;
  specialization: string;
  conditionText: string;
}

export type RuleProblems = Partial<
  Record<"name" | "priority" | "specialization" | "condition", string>
>;

export function draftOfRule(rule: EscalationRule | null): RuleDraft {
  if (!rule) {
    return {
      name: "",
      description: "",
      priority: 100,
      enabled: true,
      actionPriority: "MEDIUM",
      specialization: "",
      conditionText: "",
    };
  }
  const fields = fieldsOfRule(rule);
  return {
    name: fields.name,
    description: fields.description,
    priority: fields.priority,
    enabled: fields.enabled,
    actionPriority: fields.action.priority,
    specialization: fields.action.specialization ?? "",
    conditionText: conditionToText(fields.condition),
  };
}

/** The rule to send, or what stops it, field by field. */
export function checkRule(draft: RuleDraft): { problems: RuleProblems; fields: RuleFields | null } {
  const problems: RuleProblems = {};
  if (!draft.name.trim()) problems.name = "Enter a name.";
  const priority = draft.priority;
  const inRange =
    typeof priority === "number" && Number.isInteger(priority) && priority >= 0 && priority <= 100_000;
  if (!inRange) {
    problems.priority = "Enter a whole number from 0 to 100000.";
  }
  const specialization = draft.specialization.trim();
  if (specialization && !SPECIALIZATION.test(specialization)) {
    problems.specialization = "Use lower-case letters, digits, - or _ only.";
  }
  const parsed = parseConditionText(draft.conditionText);
  if (!parsed.ok) problems.condition = parsed.message;
  if (Object.keys(problems).length > 0 || !parsed.ok || typeof priority !== "number") {
    return { problems, fields: null };
  }
  return {
    problems,
    fields: {
      name: draft.name.trim(),
      description: draft.description.trim(),
      priority,
      enabled: draft.enabled,
      condition: parsed.condition,
      action: { priority: draft.actionPriority, specialization: specialization || null },
    },
  };
}
