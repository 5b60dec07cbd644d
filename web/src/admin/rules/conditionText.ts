// The condition as the admin types it: JSON text that must hold one object. The server checks
// the kinds and their fields; this catches what it could not even read.

export type ParsedCondition =
  | { ok: true; condition: Record<string, unknown> }
  | { ok: false; message: string };

export function parseConditionText(text: string): ParsedCondition {
  if (!text.trim()) return { ok: false, message: "Enter the condition as JSON." };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : "";
    return { ok: false, message: `This is not valid JSON${detail ? `: ${detail}` : "."}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const message = 'The condition must be one JSON object, such as {"kind": "customer_request"}.';
    return { ok: false, message };
  }
  if (typeof (value as { kind?: unknown }).kind !== "string") {
    return { ok: false, message: 'The condition needs a "kind", such as "keyword" or "all".' };
  }
  return { ok: true, condition: value as Record<string, unknown> };
}

export function conditionToText(condition: Record<string, unknown>): string {
  return JSON.stringify(condition, null, 2);
}
