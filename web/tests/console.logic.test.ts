import { describe, expect, it } from "vitest";
import { allowedActions } from "../src/console/actions";
import { addressLines, itemLabel, orderTotals, paymentLabel } from "../src/console/customer";
import { conversationTitle, parseServerTime, waitLabel, waitingSince } from "../src/console/format";
import { describeGuardrail, describeIntent, describeRule } from "../src/console/guardrail";
import {
  addLiveMessage,
  describeCitation,
  mergeMessages,
  messageFromEvent,
} from "../src/console/messages";
import { arrivalAnnouncement, inServingOrder, newArrivals } from "../src/console/queue";
import { describeTrend, sentimentPoints, trendDirection } from "../src/console/sentiment";
import type { Conversation, CustomerOrder, Message, QueueItem } from "../src/shared/types";
import { serverMessage } from "./messageFixtures";

function conversation(fields: Partial<Conversation> = {}): Conversation {
  return {
    conversation_id: "conv_1",
    status: "ESCALATED",
    priority: "MEDIUM",
    sentiment: 0,
    channel: "web",
    subject: "Refund for order #W1",
    anonymous: false,
    customer_id: null,
    assigned_agent_id: null,
    language: "en",
    specialization: null,
    escalation_reason: "requested",
    resolved_by: null,
    created_at: "2026-01-10T10:00:00",
    updated_at: "2026-01-10T10:00:00",
    escalated_at: "2026-01-10T10:01:00",
    assigned_at: null,
    resolved_at: null,
    ...fields,
  };
}

function queued(id: string, position: number, subject = `Subject ${id}`): QueueItem {
  return { ...conversation({ conversation_id: id, subject }), position };
}

function message(fields: Partial<Message> & Pick<Message, "message_id">): Message {
  return serverMessage({
    sender: "CUSTOMER",
    content: "hello",
    created_at: "2026-01-10T10:00:00",
    ...fields,
  });
}

describe("times", () => {
  it("reads zone-less server times as UTC", () => {
    expect(parseServerTime("2026-01-10T10:00:00").toISOString()).toBe("2026-01-10T10:00:00.000Z");
    expect(parseServerTime("2026-01-10T10:00:00+02:00").toISOString()).toBe(
      "2026-01-10T08:00:00.000Z",
    );
  });

  it("says how long a conversation has waited", () => {
    const since = "2026-01-10T10:00:00Z";
    const at = (minutes: number) => Date.parse(since) + minutes * 60_000;
    expect(waitLabel(since, at(0.5))).toBe("waiting less than a minute");
    expect(waitLabel(since, at(3))).toBe("waiting 3 min");
    expect(waitLabel(since, at(65))).toBe("waiting 1 h 5 min");
    expect(waitLabel(since, at(120))).toBe("waiting 2 h");
  });

  it("counts the wait from the escalation, else from the start", () => {
    expect(waitingSince(conversation())).toBe("2026-01-10T10:01:00");
    expect(waitingSince(conversation({ escalated_at: null }))).toBe("2026-01-10T10:00:00");
  });
});

describe("queue", () => {
  it("keeps the server's serving order", () => {
    const items = [queued("b", 1), queued("a", 0), queued("c", 2)];
    expect(inServingOrder(items).map((i) => i.conversation_id)).toEqual(["a", "b", "c"]);
  });

  it("finds arrivals, but none on the first look", () => {
    const now = [queued("a", 0), queued("b", 1)];
    expect(newArrivals(null, now)).toEqual([]);
    expect(newArrivals(new Set(["a"]), now).map((i) => i.conversation_id)).toEqual(["b"]);
  });

  it("announces arrivals by subject", () => {
    expect(arrivalAnnouncement([])).toBe("");
    expect(arrivalAnnouncement([queued("a", 0, "Broken lamp")])).toBe(
      "New conversation waiting: Broken lamp",
    );
    expect(arrivalAnnouncement([queued("a", 0, "Lamp"), queued("b", 1, "")])).toBe(
      "2 new conversations waiting: Lamp; Guest chat (b)",
    );
  });
});

describe("message merge", () => {
  it("keeps one copy per id, oldest first, the fetched copy winning", () => {
    const live = message({ message_id: "m2", created_at: "2026-01-10T10:05:00Z" });
    const fetched = [
      message({ message_id: "m1", created_at: "2026-01-10T10:00:00" }),
      message({
        message_id: "m2",
        created_at: "2026-01-10T10:04:59",
        details: { intent: "refund" },
      }),
    ];
    const merged = mergeMessages([live], fetched);
    expect(merged.map((m) => m.message_id)).toEqual(["m1", "m2"]);
    expect(merged[1]?.details.intent).toBe("refund");
  });

  it("does not let a live event replace the stored copy", () => {
    const stored = [message({ message_id: "m1", details: { intent: "refund" } })];
    const again = message({ message_id: "m1" });
    expect(addLiveMessage(stored, again)).toBe(stored);
    const fresh = message({ message_id: "m9", created_at: "2026-01-10T11:00:00Z" });
    expect(addLiveMessage(stored, fresh)).toHaveLength(2);
  });

  it("turns live events into messages", () => {
    const now = new Date("2026-01-10T12:00:00Z");
    expect(
      messageFromEvent(
        {
          type: "CUSTOMER_MESSAGE",
          conversation_id: "c",
          message_id: "m1",
          message_type: "TEXT",
          content: "hi",
        },
        now,
      ),
    ).toMatchObject({
      message_id: "m1",
      sender: "CUSTOMER",
      content: "hi",
      created_at: now.toISOString(),
    });
    expect(
      messageFromEvent(
        {
          type: "AI_RESPONSE",
          conversation_id: "c",
          message_id: "m2",
          final: false,
          index: 0,
          chunk: "Hel",
        },
        now,
      ),
    ).toBeNull();
    expect(
      messageFromEvent(
        {
          type: "AI_RESPONSE",
          conversation_id: "c",
          message_id: "m2",
          final: true,
          content: "Shall I cancel it?",
          confidence_score: 0.9,
          processing_time_ms: 10,
          citations: [],
          awaiting_confirmation: true,
        },
        now,
      ),
    ).toMatchObject({ sender: "AI", awaiting_confirmation: true });
    expect(
      messageFromEvent(
        { type: "AGENT_MESSAGE", conversation_id: "c", message_id: "m3", content: "On it" },
        now,
      ),
    ).toMatchObject({ sender: "AGENT", content: "On it" });
    expect(
      messageFromEvent({ type: "SENTIMENT_UPDATE", conversation_id: "c", sentiment: -0.5 }, now),
    ).toBeNull();
  });

  it("names citations", () => {
    expect(describeCitation({ source: "kb", ref: "kb_1", title: "Return policy" })).toBe(
      "Return policy (knowledge base)",
    );
    expect(describeCitation({ source: "tool", tool: "get_order_details", ref: "#W1" })).toBe(
      "get order details #W1 (store lookup)",
    );
  });
});

describe("sentiment", () => {
  const messages = [
    message({ message_id: "a", details: { sentiment: -0.2 } }),
    message({ message_id: "b", sender: "AI", details: { sentiment: 0.9 } }),
    message({ message_id: "c", details: {} }),
    message({ message_id: "d", details: { sentiment: -0.6 } }),
  ];

  it("reads the customer's messages in order", () => {
    expect(sentimentPoints(messages)).toEqual([
      { turn: 1, sentiment: -0.2 },
      { turn: 2, sentiment: -0.6 },
    ]);
  });

  it("describes the trend in words", () => {
    expect(describeTrend(sentimentPoints(messages))).toBe("Sentiment trend: -0.2 → -0.6, falling");
    expect(describeTrend([])).toBe("No sentiment readings yet.");
    expect(describeTrend([{ turn: 1, sentiment: 0.04 }])).toBe(
      "Sentiment: 0.0 (one customer message so far)",
    );
    expect(trendDirection([0.1, 0.15])).toBe("steady");
    expect(trendDirection([-0.5, 0.2])).toBe("rising");
    const many = [0.5, 0.1, 0, -0.2, -0.4, -0.8].map((sentiment, i) => ({
      turn: i + 1,
      sentiment,
    }));
    expect(describeTrend(many)).toBe(
      "Sentiment trend over 6 customer messages: 0.5 → -0.8, falling",
    );
  });
});

describe("guardrail and rules", () => {
  it("says plainly what the guardrail decided", () => {
    expect(describeGuardrail({ flagged: false, reason: "", tags: [] })).toBe("Guardrail: allowed");
    expect(
      describeGuardrail({
        flagged: true,
        reason: "injection: role tag",
        tags: ["prompt_injection", "refuse"],
      }),
    ).toBe("Guardrail: blocked — injection: role tag");
    expect(describeGuardrail({ flagged: true, reason: "abuse: threat", tags: ["escalate"] })).toBe(
      "Guardrail: flagged, sent to a person — abuse: threat",
    );
    expect(describeGuardrail(null)).toBeNull();
  });

  it("describes the intent and the rule that fired", () => {
    expect(describeIntent({ intent: "order_status", confidence: 0.934 })).toBe(
      "Intent: order status (93% sure)",
    );
    expect(describeIntent({})).toBeNull();
    expect(describeRule({ rule_id: "r1", name: "Chargeback threat", priority: "URGENT" })).toBe(
      "Escalation rule: Chargeback threat (priority Urgent)",
    );
    expect(describeRule(null)).toBeNull();
  });
});

describe("customer records", () => {
  it("names payment methods by type", () => {
    const card = { source: "credit_card", brand: "visa", last_four: "1234", id: "cc" };
    expect(paymentLabel(card)).toBe("credit card ending 1234");
    expect(paymentLabel({ source: "paypal", id: "p" })).toBe("paypal");
    expect(paymentLabel({ source: "gift_card", balance: 20, id: "g" })).toBe("gift card");
  });

  it("totals an order from its items and payments", () => {
    const order: CustomerOrder = {
      order_id: "#W1",
      status: "delivered",
      items: [
        { name: "Water Bottle", item_id: "1", price: 47.84, options: { capacity: "1000ml" } },
        { name: "Office Chair", item_id: "2", price: 488.81 },
      ],
      payment_history: [
        { transaction_type: "payment", amount: 536.65, payment_method_id: "g" },
        { transaction_type: "refund", amount: 47.84, payment_method_id: "g" },
      ],
    };
    const totals = orderTotals(order);
    expect(totals.items).toBeCloseTo(536.65);
    expect(totals.paid).toBeCloseTo(536.65);
    expect(totals.refunded).toBeCloseTo(47.84);
    expect(itemLabel(order.items[0]!)).toBe("Water Bottle (1000ml)");
  });

  it("lays out an address", () => {
    expect(
      addressLines({
        address1: "1 Main St",
        address2: "",
        city: "Denver",
        state: "CO",
        zip: "80279",
        country: "USA",
      }),
    ).toEqual(["1 Main St", "Denver, CO 80279", "USA"]);
  });
});

describe("allowed actions", () => {
  const agent = { role: "AGENT" as const, id: "maya" };
  const admin = { role: "ADMIN" as const, id: "boss" };

  it("lets an agent take a waiting conversation but not reply yet", () => {
    const allowed = allowedActions(conversation(), agent);
    expect(allowed).toMatchObject({ take: true, reply: false, handBack: false, resolve: false });
    expect(allowed.replyHint).toBe("Take this conversation to reply to the customer.");
  });

  it("lets the assigned agent reply, hand back and resolve", () => {
    const mine = conversation({ status: "ASSIGNED", assigned_agent_id: "maya" });
    expect(allowedActions(mine, agent)).toMatchObject({
      take: false,
      reply: true,
      handBack: true,
      resolve: true,
      replyHint: null,
    });
  });

  it("keeps another agent's conversation closed to me", () => {
    const theirs = conversation({ status: "ASSIGNED", assigned_agent_id: "sam" });
    expect(allowedActions(theirs, agent)).toMatchObject({
      reply: false,
      handBack: false,
      resolve: false,
    });
    expect(allowedActions(theirs, admin)).toMatchObject({
      reply: false,
      handBack: true,
      resolve: true,
    });
  });

  it("offers nothing on a resolved conversation", () => {
    const done = conversation({ status: "RESOLVED", assigned_agent_id: "maya" });
    expect(allowedActions(done, agent)).toMatchObject({
      take: false,
      reply: false,
      resolve: false,
    });
    expect(allowedActions(done, agent).replyHint).toBe("This conversation is resolved.");
  });
});

describe("conversation titles", () => {
  it("use the subject, else the customer and a short id", () => {
    const id = "conv_0123456789abcdef";
    expect(conversationTitle({ subject: " Lamp ", conversation_id: id })).toBe("Lamp");
    expect(conversationTitle({ subject: "", conversation_id: id, customer_id: "mei_kovacs_8020" })).toBe(
      "Chat with mei_kovacs_8020 (abcdef)",
    );
    expect(conversationTitle({ subject: "", conversation_id: id, customer_id: null })).toBe("Guest chat (abcdef)");
  });
});
