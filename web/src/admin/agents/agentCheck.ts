// What the server would refuse in an agent form, said per field before it is sent.

import type { AgentFields } from "./agentsApi";

const AGENT_ID = /^[A-Za-z0-9_.@-]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const SPECIALIZATION = /^[a-z0-9_-]+$/;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;

export interface AgentDraft extends Omit<AgentFields, "max_concurrent"> {
  agent_id: string;
  max_concurrent: number | string;
}

export type AgentProblems = Partial<Record<keyof AgentDraft, string>>;

export function checkAgent(
  draft: AgentDraft,
  creating: boolean,
  existingIds: string[],
): AgentProblems {
  const problems: AgentProblems = {};
  const id = draft.agent_id.trim();
  if (creating) {
    if (!id) problems.agent_id = "Enter the id the agent signs in with.";
    else if (id.length > 128 || !AGENT_ID.test(id)) {
      problems.agent_id = "Use letters, digits and . _ - @ only (at most 128).";
    } else if (existingIds.includes(id)) {
      problems.agent_id = "An agent with this id already exists: edit them instead.";
    }
  }
  if (!draft.display_name.trim()) problems.display_name = "Enter a display name.";
  const email = draft.email.trim();
  if (email && !EMAIL.test(email)) {
    problems.email = "Enter an email address such as maya@example.com.";
  }
  const badSkill = draft.specializations.find((s) => !SPECIALIZATION.test(s) || s.length > 64);
  if (badSkill !== undefined) {
    problems.specializations = `“${badSkill}”: use lower-case letters, digits, - or _ only.`;
  }
  const badLanguage = draft.languages.find((l) => !LANGUAGE.test(l));
  if (draft.languages.length === 0) problems.languages = "Add at least one language, such as en.";
  else if (badLanguage !== undefined) {
    problems.languages = `“${badLanguage}” is not a language code such as en or pt-BR.`;
  }
  const max = draft.max_concurrent;
  if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 50) {
    problems.max_concurrent = "Enter a whole number from 1 to 50.";
  }
  return problems;
}
