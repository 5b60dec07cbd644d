// What the customer sees of one conversation, as a pure reducer. Three sources describe the
// same messages: the REST reply to a send, the WebSocket events, and the conversation's history
// (GET, after a reload or a reconnect). They are merged by server message id; a message the
// customer typed has a stable local `key` and gets its server id once the server names it.

import type {
  Citation,
  ConversationDetail,
  ConversationStatus,
  EscalateReply,
  Message,
  MessageReply,
  Sender,
  ServerEvent,
} from "../shared/types";

export type Delivery = "sending" | "sent" | "failed";

export interface ChatMessage {
  /** Stable for the life of the message on this page (React key, send/retry target). */
  key: string;
  /** The server's message id; null until the server has named a message typed here. */
  id: string | null;
  sender: Sender;
  content: string;
  citations: Citation[];
  awaitingConfirmation: boolean;
  agentName: string | null;
  /** Only customer messages typed here are ever "sending" or "failed". */
  delivery: Delivery;
  error: string | null;
  /** An AI answer still arriving: its chunks by index. Absent once it is complete. */
  parts?: string[];
}

export interface ChatState {
  messages: ChatMessage[];
  status: ConversationStatus | null;
  waitMinutes: number | null;
  agentName: string | null;
}

export type ChatAction =
  | { type: "history"; conversation: ConversationDetail }
  | { type: "typed"; key: string; content: string }
  | { type: "sending"; key: string }
  | { type: "sent"; key: string; reply: MessageReply }
  | { type: "failed"; key: string; error: string }
  | { type: "escalated"; reply: EscalateReply }
  | { type: "event"; event: ServerEvent };

export const initialChat: ChatState = {
  messages: [],
  status: null,
  waitMinutes: null,
  agentName: null,
};

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case "history":
      return mergeHistory(state, action.conversation);
    case "typed":
      return {
        ...state,
        messages: [
          ...state.messages,
          message({ key: action.key, sender: "CUSTOMER", content: action.content }, "sending"),
        ],
      };
    case "sending":
      return updateByKey(state, action.key, { delivery: "sending", error: null });
    case "failed":
      return updateByKey(state, action.key, (m) =>
        // Once the server has announced the message it is stored: only the answer failed.
        m.id ? { delivery: "sent" } : { delivery: "failed", error: action.error },
      );
    case "sent":
      return applyReply(state, action.key, action.reply);
    case "escalated": {
      const { status, estimated_wait_time_minutes: wait } = action.reply;
      return { ...state, status, waitMinutes: status === "ESCALATED" ? wait : null };
    }
    case "event":
      return applyEvent(state, action.event);
  }
}

function message(
  fields: Partial<ChatMessage> & Pick<ChatMessage, "key" | "sender" | "content">,
  delivery: Delivery = "sent",
): ChatMessage {
  return {
    id: null,
    citations: [],
    awaitingConfirmation: false,
    agentName: null,
    error: null,
    ...fields,
    delivery,
  };
}

function fromServer(m: Message): ChatMessage {
  return message({
    key: m.message_id,
    id: m.message_id,
    sender: m.sender,
    content: m.content,
    citations: m.citations ?? [],
    awaitingConfirmation: Boolean(m.awaiting_confirmation),
  });
}

type Patch = Partial<ChatMessage> | ((m: ChatMessage) => Partial<ChatMessage>);

function updateByKey(state: ChatState, key: string, patch: Patch): ChatState {
  return {
    ...state,
    messages: state.messages.map((m) =>
      m.key === key ? { ...m, ...(typeof patch === "function" ? patch(m) : patch) } : m,
    ),
  };
}

/** Update the message with this server id, or append the one `create` builds. */
function upsert(
  state: ChatState,
  id: string,
  patch: Patch,
  create: () => ChatMessage,
): ChatState {
  if (!state.messages.some((m) => m.id === id)) {
    const created = create();
    const extra = typeof patch === "function" ? patch(created) : patch;
    return { ...state, messages: [...state.messages, { ...created, ...extra }] };
  }
  return {
    ...state,
    messages: state.messages.map((m) =>
      m.id === id ? { ...m, ...(typeof patch === "function" ? patch(m) : patch) } : m,
    ),
  };
}

function applyReply(state: ChatState, key: string, reply: MessageReply): ChatState {
  const sent = updateByKey(state, key, { delivery: "sent", error: null });
  const next = { ...sent, status: reply.status };
  if (reply.ai_response === null) {
    // No answer: the id is the customer message's own (a human owns the conversation).
    const taken = next.messages.some((m) => m.id === reply.message_id && m.key !== key);
    if (taken) return { ...next, messages: next.messages.filter((m) => m.key !== key) };
    return updateByKey(next, key, { id: reply.message_id });
  }
  const content = reply.ai_response;
  return upsert(
    next,
    reply.message_id,
    {
      content,
      citations: reply.citations ?? [],
      awaitingConfirmation: Boolean(reply.awaiting_confirmation),
      parts: undefined,
    },
    () => message({ key: reply.message_id, id: reply.message_id, sender: "AI", content }),
  );
}

/** The chunks received from index 0 on, without gaps: what can be shown so far. */
function contiguous(parts: string[]): string {
  let text = "";
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i];
    if (part === undefined) break;
    text += part;
  }
  return text;
}

function applyEvent(state: ChatState, event: ServerEvent): ChatState {
  switch (event.type) {
    case "CUSTOMER_MESSAGE":
      return confirmCustomer(state, event.message_id, event.content);
    case "AI_RESPONSE": {
      const create = () =>
        message({ key: event.message_id, id: event.message_id, sender: "AI", content: "" });
      if (!event.final) {
        return upsert(
          state,
          event.message_id,
          (m) => {
            if (m.parts === undefined && m.content !== "") return {}; // already complete
            const parts = [...(m.parts ?? [])];
            parts[event.index] = event.chunk;
            return { parts, content: contiguous(parts) };
          },
          () => ({ ...create(), parts: [] }),
        );
      }
      return upsert(
        state,
        event.message_id,
        {
          content: event.content,
          citations: event.citations ?? [],
          awaitingConfirmation: Boolean(event.awaiting_confirmation),
          parts: undefined,
        },
        create,
      );
    }
    case "AGENT_MESSAGE": {
      const agentName = event.agent_name ?? state.agentName;
      const { message_id: id, content } = event;
      const next = upsert(state, id, { content, agentName }, () =>
        message({ key: id, id, sender: "AGENT", content }),
      );
      return { ...next, agentName };
    }
    case "AGENT_ASSIGNED":
      return { ...state, status: "ASSIGNED", agentName: event.agent_name, waitMinutes: null };
    case "CONVERSATION_STATUS":
      return {
        ...state,
        status: event.status,
        waitMinutes: event.status === "ESCALATED" ? event.estimated_wait_time_minutes : null,
      };
    default:
      return state;
  }
}

/** The server stored a customer message: name the matching one typed here, or add it. */
function confirmCustomer(state: ChatState, id: string, content: string): ChatState {
  if (state.messages.some((m) => m.id === id)) return state;
  const mine = state.messages.find(
    (m) => m.id === null && m.sender === "CUSTOMER" && m.content === content,
  );
  if (mine) {
    return updateByKey(state, mine.key, (m) => ({
      id,
      // A send the REST call gave up on was stored after all.
      ...(m.delivery === "failed" ? { delivery: "sent" as const, error: null } : {}),
    }));
  }
  return {
    ...state,
    messages: [...state.messages, message({ key: id, id, sender: "CUSTOMER", content })],
  };
}

/** The server's history is the truth; what only this page knows is kept after it. */
function mergeHistory(state: ChatState, detail: ConversationDetail): ChatState {
  const known = new Map(state.messages.filter((m) => m.id).map((m) => [m.id as string, m]));
  const unnamed = state.messages.filter((m) => m.id === null && m.sender === "CUSTOMER");
  const claimed = new Set<string>();

  const merged = detail.messages.map((server): ChatMessage => {
    const fresh = fromServer(server);
    const before = known.get(server.message_id);
    if (before) {
      const delivery: Delivery = before.delivery === "sending" ? "sending" : "sent";
      return { ...fresh, key: before.key, agentName: before.agentName, delivery };
    }
    if (server.sender === "CUSTOMER") {
      const mine = unnamed.find((m) => !claimed.has(m.key) && m.content === server.content);
      if (mine) {
        claimed.add(mine.key);
        // A send still waiting for its REST reply stays "sending" until that reply arrives.
        const delivery: Delivery = mine.delivery === "sending" ? "sending" : "sent";
        return { ...fresh, key: mine.key, delivery };
      }
    }
    return fresh;
  });

  const onServer = new Set(detail.messages.map((m) => m.message_id));
  const onlyHere = state.messages.filter((m) =>
    m.id === null ? !claimed.has(m.key) : !onServer.has(m.id) && m.parts !== undefined,
  );
  const withNames = merged.map((m) =>
    m.sender === "AGENT" && !m.agentName ? { ...m, agentName: state.agentName } : m,
  );
  const status = detail.status;
  return {
    ...state,
    messages: [...withNames, ...onlyHere],
    status,
    waitMinutes: status === "ESCALATED" && state.status === "ESCALATED" ? state.waitMinutes : null,
  };
}

/** Whether to offer Yes / No: the latest AI answer asks to confirm and nothing followed it. */
export function awaitingConfirmation(state: ChatState): boolean {
  if (state.status !== null && state.status !== "ACTIVE") return false;
  const last = state.messages.findLast((m) => m.sender !== "SYSTEM");
  return last?.sender === "AI" && last.parts === undefined && last.awaitingConfirmation;
}

/** Whether the assistant is working on an answer that has not started to show. */
export function assistantTyping(state: ChatState): boolean {
  if (state.status !== null && state.status !== "ACTIVE") return false;
  const sending = state.messages.some((m) => m.sender === "CUSTOMER" && m.delivery === "sending");
  const showing = state.messages.some((m) => m.parts !== undefined && m.content !== "");
  return sending && !showing;
}
