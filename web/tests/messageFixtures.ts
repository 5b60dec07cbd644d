// The message records the tests build histories from: stored, as the REST API returns them.
import { messageRecord, type MessageFields } from "../src/console/messages";
import type { Message } from "../src/shared/types";

/** A stored message; sent at a fixed time unless `fields` says when. */
export function serverMessage(fields: MessageFields): Message {
  return messageRecord({ created_at: "2026-12-01T10:00:00Z", ...fields });
}
