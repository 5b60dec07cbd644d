// What the signed-in person may do with a conversation, as the server decides it
// (api/handoff.py): agents work only what is assigned to them; admins may hand back or
// resolve any conversation, but reply only to one assigned to them.

import type { Conversation, Role } from "../shared/types";

export interface Viewer {
  role: Role;
  id: string;
}

export interface Allowed {
  take: boolean;
  reply: boolean;
  handBack: boolean;
  resolve: boolean;
  /** Why replying is not possible now, for the reply box. */
  replyHint: string | null;
}

export function allowedActions(conversation: Conversation, viewer: Viewer): Allowed {
  const mine = conversation.assigned_agent_id === viewer.id;
  const waiting = conversation.status === "ESCALATED" && conversation.assigned_agent_id === null;
  const assigned = conversation.status === "ASSIGNED";
  const admin = viewer.role === "ADMIN";
  const reply = assigned && mine;
  return {
    take: waiting,
    reply,
    handBack: admin ? assigned || waiting : assigned && mine,
    resolve: conversation.status !== "RESOLVED" && (admin || mine),
    replyHint: reply ? null : replyHint(conversation, waiting, mine),
  };
}

function replyHint(conversation: Conversation, waiting: boolean, mine: boolean): string {
  if (conversation.status === "RESOLVED") return "This conversation is resolved.";
  if (waiting) return "Take this conversation to reply to the customer.";
  if (conversation.status === "ACTIVE") return "The AI assistant is handling this conversation.";
  if (!mine) return "This conversation is assigned to another agent.";
  return "You cannot reply to this conversation now.";
}
