import { describe, expect, it } from "vitest";
import type { MessageReply, ServerEvent } from "../src/shared/types";
import {
  assistantTyping,
  awaitingConfirmation,
  chatReducer,
  type ChatAction,
  type ChatState,
  initialChat,
} from "../src/widget/chatState";
import { detail, events, serverMessage } from "./widgetFixtures";

const QUESTION = "Where is my order?";
const ANSWER = "Your order #W1 is pending.";

function run(...actions: ChatAction[]): ChatState {
  return actions.reduce(chatReducer, initialChat);
}

const event = (e: ServerEvent): ChatAction => ({ type: "event", event: e });
const typed = (content = QUESTION, key = "k1"): ChatAction => ({ type: "typed", key, content });

function sent(fields: Partial<MessageReply> = {}, key = "k1"): ChatAction {
  const reply: MessageReply = {
    message_id: "msg_ai",
    ai_response: ANSWER,
    confidence_score: 0.9,
    processing_time_ms: 10,
    status: "ACTIVE",
    escalated: false,
    citations: [],
    awaiting_confirmation: false,
    ...fields,
  };
  return { type: "sent", key, reply };
}

describe("chatReducer: one message, whichever way it arrives", () => {
  it("keeps one answer when the WebSocket final event comes before the REST reply", () => {
    const state = run(
      typed(),
      event(events.customer("msg_c", QUESTION)),
      event(events.final("msg_ai", ANSWER)),
      sent(),
    );
    expect(state.messages.map((m) => [m.sender, m.id, m.content])).toEqual([
      ["CUSTOMER", "msg_c", QUESTION],
      ["AI", "msg_ai", ANSWER],
    ]);
    expect(state.messages[0]?.delivery).toBe("sent");
  });

  it("keeps one answer when the REST reply comes first", () => {
    const state = run(
      typed(),
      sent(),
      event(events.customer("msg_c", QUESTION)),
      event(events.final("msg_ai", ANSWER)),
    );
    expect(state.messages).toHaveLength(2);
    expect(state.messages.filter((m) => m.id === "msg_ai")).toHaveLength(1);
    expect(state.messages[0]?.key).toBe("k1");
  });

  it("names the typed message with the id of a reply that has no answer (a human owns it)", () => {
    const state = run(
      typed(),
      sent({ message_id: "msg_c", ai_response: null, status: "ASSIGNED" }),
      event(events.customer("msg_c", QUESTION)),
    );
    expect(state.messages).toHaveLength(1);
    expect(state.messages[0]).toMatchObject({ id: "msg_c", key: "k1", delivery: "sent" });
    expect(state.status).toBe("ASSIGNED");
  });

  it("adds a customer message typed elsewhere (another tab)", () => {
    const state = run(event(events.customer("msg_c", QUESTION)));
    expect(state.messages).toHaveLength(1);
    expect(state.messages[0]?.sender).toBe("CUSTOMER");
  });
});

describe("chatReducer: streaming", () => {
  it("assembles chunks in index order, showing only what has no gap", () => {
    let state = run(event(events.chunk("msg_ai", 0, "Your order ")));
    expect(state.messages[0]?.content).toBe("Your order ");
    state = chatReducer(state, event(events.chunk("msg_ai", 2, "pending.")));
    expect(state.messages[0]?.content).toBe("Your order ");
    state = chatReducer(state, event(events.chunk("msg_ai", 1, "#W1 is ")));
    expect(state.messages[0]?.content).toBe(ANSWER);
    expect(state.messages[0]?.parts).toBeDefined();
  });

  it("the final event completes the bubble, and later chunks do not change it", () => {
    const kb = [{ source: "kb", ref: "kb_returns", title: "Returns policy" }];
    const state = run(
      event(events.chunk("msg_ai", 0, "Your ")),
      event(events.final("msg_ai", ANSWER, { citations: kb })),
      event(events.chunk("msg_ai", 1, "stale")),
    );
    expect(state.messages).toHaveLength(1);
    expect(state.messages[0]).toMatchObject({ content: ANSWER, citations: kb });
    expect(state.messages[0]?.parts).toBeUndefined();
  });

  it("the REST reply completes a bubble still streaming", () => {
    const state = run(typed(), event(events.chunk("msg_ai", 0, "Your ")), sent());
    expect(state.messages[1]?.content).toBe(ANSWER);
    expect(state.messages[1]?.parts).toBeUndefined();
  });

  it("shows the typing indicator only until the answer starts to show", () => {
    let state = run(typed());
    expect(assistantTyping(state)).toBe(true);
    state = chatReducer(state, event(events.chunk("msg_ai", 0, "Your ")));
    expect(assistantTyping(state)).toBe(false);
    // With a person on the conversation, the assistant does not answer.
    expect(assistantTyping(run(event(events.status("ASSIGNED")), typed()))).toBe(false);
  });
});

describe("chatReducer: history merge", () => {
  const history = detail([
    serverMessage({ message_id: "msg_c", sender: "CUSTOMER", content: QUESTION }),
    serverMessage({ message_id: "msg_ai", sender: "AI", content: ANSWER }),
  ]);
  const load: ChatAction = { type: "history", conversation: history };

  it("merges by id and matches a message typed here to its stored copy", () => {
    const state = run(typed(), load);
    expect(state.messages.map((m) => m.id)).toEqual(["msg_c", "msg_ai"]);
    // Its REST reply is still on the way: it stays "sending" under its own key.
    expect(state.messages[0]).toMatchObject({ key: "k1", delivery: "sending" });
    const done = chatReducer(state, sent());
    expect(done.messages).toHaveLength(2);
    expect(done.messages[0]?.delivery).toBe("sent");
  });

  it("keeps what only this page has: a failed send stays, with its text", () => {
    const error = "The server cannot be reached.";
    const state = run(load, typed("Cancel it", "k2"), { type: "failed", key: "k2", error }, load);
    expect(state.messages.map((m) => m.content)).toEqual([QUESTION, ANSWER, "Cancel it"]);
    expect(state.messages[2]).toMatchObject({ delivery: "failed", error });
  });

  it("does not duplicate on a second load", () => {
    expect(run(load, load).messages).toHaveLength(2);
  });

  it("a failed send the server announces after all is marked sent", () => {
    const state = run(
      typed(),
      { type: "failed", key: "k1", error: "timeout" },
      event(events.customer("msg_c", QUESTION)),
    );
    expect(state.messages[0]).toMatchObject({ id: "msg_c", delivery: "sent", error: null });
  });
});

describe("awaitingConfirmation", () => {
  const asking: ChatAction = {
    type: "history",
    conversation: detail([
      serverMessage({ message_id: "msg_c", sender: "CUSTOMER", content: "Cancel order #W1" }),
      serverMessage({
        message_id: "msg_ask",
        sender: "AI",
        content: "Cancel order #W1? Reply yes or no.",
        awaiting_confirmation: true,
      }),
    ]),
  };

  it("is true while the latest AI answer asks, false once the customer answered", () => {
    const state = run(asking);
    expect(awaitingConfirmation(state)).toBe(true);
    expect(awaitingConfirmation(chatReducer(state, typed("yes", "k9")))).toBe(false);
  });

  it("is false when the latest answer does not ask", () => {
    const state = run(asking, event(events.final("msg_ai2", "Anything else?")));
    expect(awaitingConfirmation(state)).toBe(false);
  });
});

describe("handoff status", () => {
  it("follows the queue, the assignment and the agent's messages", () => {
    let state = run({
      type: "escalated",
      reply: {
        escalated: true,
        agent_assigned: null,
        estimated_wait_time_minutes: 5,
        status: "ESCALATED",
        priority: "MEDIUM",
      },
    });
    expect(state).toMatchObject({ status: "ESCALATED", waitMinutes: 5 });
    state = chatReducer(state, event(events.assigned("Dana")));
    expect(state).toMatchObject({ status: "ASSIGNED", agentName: "Dana", waitMinutes: null });
    state = chatReducer(state, event(events.agent("msg_h", "Hi, I'm on it.")));
    expect(state.messages[0]).toMatchObject({ sender: "AGENT", agentName: "Dana" });
  });
});
