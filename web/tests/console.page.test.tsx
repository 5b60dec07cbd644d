import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConsolePage } from "../src/console/ConsolePage";
import type { MessageFields } from "../src/console/messages";
import { ReplyBox } from "../src/console/ReplyBox";
import { Api } from "../src/shared/api";
import { Session } from "../src/shared/session";
import type {
  Conversation,
  ConversationDetail,
  Message,
  QueueItem,
  ServerEvent,
} from "../src/shared/types";
import { serverMessage } from "./messageFixtures";
import { renderWithTheme } from "./render";

// --- A fake server: REST routes answered from a table, and a socket the test drives. ---

type Reply = { status: number; body?: unknown };
type Handler = (body: unknown) => Reply;

let routes: Record<string, Handler>;
let calls: { method: string; path: string; body: unknown }[];

function answer(status: number, body?: unknown): Reply {
  return { status, body };
}

function installFetch() {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      const path = new URL(url, "http://localhost").pathname;
      const body = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
      calls.push({ method, path, body });
      const handler = routes[`${method} ${path}`];
      const reply = handler
        ? handler(body)
        : answer(404, { detail: { code: "not_found", message: "no such route" } });
      return new Response(reply.status === 204 ? null : JSON.stringify(reply.body ?? null), {
        status: reply.status,
        headers: { "Content-Type": "application/json" },
      });
    }),
  );
}

class FakeSocket {
  static last: FakeSocket | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  sent: unknown[] = [];

  constructor(readonly url: string) {
    FakeSocket.last = this;
    setTimeout(() => this.onopen?.(), 0);
  }

  send(frame: string) {
    this.sent.push(JSON.parse(frame));
  }

  close() {
    this.onclose?.({ code: 1000 });
  }

  emit(event: ServerEvent) {
    act(() => this.onmessage?.({ data: JSON.stringify(event) }));
  }
}

function token(role: "AGENT" | "ADMIN", sub: string): string {
  const payload = btoa(JSON.stringify({ sub, role, exp: Math.floor(Date.now() / 1000) + 3600 }));
  return `header.${payload.replace(/=+$/, "")}.signature`;
}

function session(role: "AGENT" | "ADMIN" = "AGENT", sub = "maya"): Session {
  const s = new Session("console-test", null);
  s.useToken(token(role, sub));
  return s;
}

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

function conversation(fields: Partial<Conversation> = {}): Conversation {
  return {
    conversation_id: "conv_1",
    status: "ESCALATED",
    priority: "HIGH",
    sentiment: -0.6,
    channel: "web",
    subject: "Refund for my lamp",
    anonymous: false,
    customer_id: null,
    assigned_agent_id: null,
    language: "en",
    specialization: null,
    escalation_reason: "negative_sentiment",
    resolved_by: null,
    created_at: minutesAgo(5),
    updated_at: minutesAgo(3),
    escalated_at: minutesAgo(3.5),
    assigned_at: null,
    resolved_at: null,
    ...fields,
  };
}

/** A stored message, sent four minutes ago unless `fields` says when. */
const message = (fields: MessageFields) => serverMessage({ created_at: minutesAgo(4), ...fields });

const history: Message[] = [
  message({
    message_id: "m1",
    sender: "CUSTOMER",
    content: "My lamp arrived broken",
    created_at: minutesAgo(5),
    details: {
      intent: "return_request",
      confidence: 0.81,
      sentiment: -0.2,
      guardrail: { flagged: false, reason: "", tags: [] },
      rule: null,
    },
  }),
  message({
    message_id: "m2",
    sender: "AI",
    content: "I am sorry to hear that.",
    created_at: minutesAgo(4.5),
  }),
  message({
    message_id: "m3",
    sender: "CUSTOMER",
    content: "This is useless, get me a person",
    created_at: minutesAgo(4),
    details: {
      intent: "human_agent",
      confidence: 0.95,
      sentiment: -0.6,
      guardrail: { flagged: true, reason: "abuse: hostile tone", tags: ["escalate"] },
      rule: { rule_id: "r1", name: "Angry customer", priority: "HIGH", specialization: null },
    },
  }),
];

function queueItem(fields: Partial<Conversation> = {}, position = 0): QueueItem {
  return { ...conversation(fields), position };
}

function agent(load = 0) {
  return {
    agent_id: "maya",
    display_name: "Maya",
    email: null,
    status: "AVAILABLE",
    specializations: [],
    languages: ["en"],
    max_concurrent: 5,
    current_load: load,
    free_slots: 5 - load,
  };
}

beforeEach(() => {
  calls = [];
  routes = {};
  installFetch();
  vi.stubGlobal("WebSocket", FakeSocket);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the queue", () => {
  it("lists what waits and takes a conversation, which then opens", async () => {
    let taken = false;
    const detail = (): ConversationDetail => ({
      ...conversation(taken ? { status: "ASSIGNED", assigned_agent_id: "maya" } : {}),
      messages: history,
    });
    routes = {
      "GET /api/v1/support/agents/me": () => answer(200, agent(taken ? 1 : 0)),
      "GET /api/v1/support/agents/me/queue": () =>
        answer(200, {
          assigned: taken ? [detail()] : [],
          waiting: taken ? [] : [queueItem()],
        }),
      "POST /api/v1/support/conversations/conv_1/assign": () => {
        taken = true;
        return answer(200, {
          conversation: detail(),
          agent_id: "maya",
          agent_name: "Maya",
          estimated_wait_time_minutes: 1,
        });
      },
      "GET /api/v1/support/conversations/conv_1": () => answer(200, detail()),
      "GET /api/v1/support/conversations/conv_1/customer": () =>
        answer(404, { detail: { code: "not_found", message: "the customer is not identified" } }),
    };
    const user = userEvent.setup();
    renderWithTheme(<ConsolePage session={session()} />);

    const queue = await screen.findByRole("region", { name: "Queue" });
    const waiting = await within(queue).findByRole("list", { name: /Waiting/ });
    expect(within(waiting).getByRole("button", { name: "Refund for my lamp" })).toBeInTheDocument();
    expect(within(waiting).getByText("High priority")).toBeInTheDocument();
    expect(within(waiting).getByText("waiting 3 min")).toBeInTheDocument();
    expect(within(waiting).getByText("The customer is upset")).toBeInTheDocument();
    expect(await screen.findByText("0 of 5 conversations")).toBeInTheDocument();

    await user.click(within(waiting).getByRole("button", { name: "Take Refund for my lamp" }));

    expect(calls).toContainEqual({
      method: "POST",
      path: "/api/v1/support/conversations/conv_1/assign",
      body: {},
    });
    const mine = await within(queue).findByRole("list", { name: /My conversations/ });
    expect(within(mine).getByRole("button", { name: "Refund for my lamp" })).toHaveAttribute(
      "aria-current",
      "true",
    );
    expect(await screen.findByText("1 of 5 conversations")).toBeInTheDocument();

    const centre = screen.getByRole("region", { name: "Refund for my lamp" });
    const log = within(centre).getByRole("log", { name: "Conversation history" });
    expect(within(log).getByText("My lamp arrived broken")).toBeInTheDocument();
    expect(within(log).getByText("Intent: return request (81% sure)")).toBeInTheDocument();
    expect(within(log).getByText("Guardrail: allowed")).toBeInTheDocument();
    expect(
      within(log).getByText("Guardrail: flagged, sent to a person — abuse: hostile tone"),
    ).toBeInTheDocument();
    expect(
      within(log).getByText("Escalation rule: Angry customer (priority High)"),
    ).toBeInTheDocument();
    expect(within(centre).getByText("Sentiment trend: -0.2 → -0.6, falling")).toBeInTheDocument();
    expect(within(centre).getByText("Latest: -0.6 (negative)")).toBeInTheDocument();
    await waitFor(() => expect(within(centre).getByLabelText("Reply")).toBeEnabled());

    const customer = screen.getByRole("region", { name: "Customer" });
    expect(
      await within(customer).findByText("The customer has not been identified yet."),
    ).toBeInTheDocument();

    // The socket follows the open conversation.
    await waitFor(() =>
      expect(FakeSocket.last?.sent).toContainEqual({
        type: "SUBSCRIBE",
        conversation_id: "conv_1",
      }),
    );
  });

  it("says so when Take next finds nothing", async () => {
    routes = {
      "GET /api/v1/support/agents/me": () => answer(200, agent()),
      "GET /api/v1/support/agents/me/queue": () => answer(200, { assigned: [], waiting: [] }),
      "POST /api/v1/support/agents/me/next": () => answer(204),
    };
    const user = userEvent.setup();
    renderWithTheme(<ConsolePage session={session()} />);
    expect(await screen.findByText("No conversations are waiting.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Take next" }));
    expect(
      await screen.findByText("Nothing is waiting that you can take right now."),
    ).toBeInTheDocument();
  });

  it("shows the server's message when someone else took it first", async () => {
    routes = {
      "GET /api/v1/support/agents/me": () => answer(200, agent()),
      "GET /api/v1/support/agents/me/queue": () =>
        answer(200, { assigned: [], waiting: [queueItem()] }),
      "POST /api/v1/support/conversations/conv_1/assign": () =>
        answer(409, { detail: { code: "conflict", message: "another agent took it first" } }),
    };
    const user = userEvent.setup();
    renderWithTheme(<ConsolePage session={session()} />);
    await user.click(await screen.findByRole("button", { name: "Take Refund for my lamp" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Could not take the conversation: another agent took it first",
    );
  });

  it("refetches on QUEUE_UPDATED and announces the arrival", async () => {
    let waiting: QueueItem[] = [];
    routes = {
      "GET /api/v1/support/agents/me": () => answer(200, agent()),
      "GET /api/v1/support/agents/me/queue": () => answer(200, { assigned: [], waiting }),
    };
    renderWithTheme(<ConsolePage session={session()} />);
    expect(await screen.findByText("No conversations are waiting.")).toBeInTheDocument();
    await waitFor(() => expect(FakeSocket.last?.onmessage).toBeTruthy());

    waiting = [
      queueItem({ conversation_id: "conv_2", subject: "Where is my parcel?", priority: "URGENT" }),
    ];
    FakeSocket.last?.emit({
      type: "QUEUE_UPDATED",
      conversation_id: "conv_2",
      status: "ESCALATED",
      priority: "URGENT",
      assigned_agent_id: null,
      estimated_wait_time_minutes: 2,
    });

    expect(await screen.findByRole("button", { name: "Where is my parcel?" })).toBeInTheDocument();
    expect(screen.getByText("New conversation waiting: Where is my parcel?")).toBeInTheDocument();
  });
});

describe("the open conversation", () => {
  async function openMine() {
    routes = {
      "GET /api/v1/support/agents/me": () => answer(200, agent(1)),
      "GET /api/v1/support/agents/me/queue": () =>
        answer(200, {
          assigned: [conversation({ status: "ASSIGNED", assigned_agent_id: "maya" })],
          waiting: [],
        }),
      "GET /api/v1/support/conversations/conv_1": () =>
        answer(200, {
          ...conversation({ status: "ASSIGNED", assigned_agent_id: "maya" }),
          messages: history,
        }),
      "GET /api/v1/support/conversations/conv_1/customer": () =>
        answer(200, {
          user_id: "noah_brown_6181",
          name: { first_name: "Noah", last_name: "Brown" },
          email: "noah.brown7922@example.com",
          address: {
            address1: "986 Sunset Drive",
            address2: "Suite 259",
            city: "Denver",
            country: "USA",
            state: "CO",
            zip: "80279",
          },
          payment_methods: {
            paypal_5727330: { source: "paypal", id: "paypal_5727330" },
            credit_card_7815826: {
              source: "credit_card",
              brand: "mastercard",
              last_four: "9212",
              id: "credit_card_7815826",
            },
          },
          orders: [
            {
              order_id: "#W7678072",
              status: "delivered",
              items: [
                { name: "Desk Lamp", item_id: "1", price: 150.5, options: { color: "black" } },
              ],
              payment_history: [
                { transaction_type: "payment", amount: 150.5, payment_method_id: "paypal_5727330" },
              ],
            },
          ],
        }),
    };
    const user = userEvent.setup();
    renderWithTheme(<ConsolePage session={session()} />);
    await user.click(await screen.findByRole("button", { name: "Refund for my lamp" }));
    const centre = await screen.findByRole("region", { name: "Refund for my lamp" });
    return { user, centre };
  }

  it("shows the customer's profile and orders, read only", async () => {
    await openMine();
    const customer = screen.getByRole("region", { name: "Customer" });
    expect(await within(customer).findByText("Noah Brown")).toBeInTheDocument();
    expect(within(customer).getByText("credit card ending 9212")).toBeInTheDocument();
    expect(within(customer).getByText("paypal")).toBeInTheDocument();
    expect(within(customer).getByRole("heading", { name: "Order #W7678072" })).toBeInTheDocument();
    expect(within(customer).getByText("Desk Lamp (black) — $150.50")).toBeInTheDocument();
    expect(within(customer).getByText("Items total: $150.50")).toBeInTheDocument();
    expect(within(customer).queryByRole("button")).toBeNull();
  });

  it("adds live messages once, however often they arrive", async () => {
    const { centre } = await openMine();
    const log = within(centre).getByRole("log", { name: "Conversation history" });
    await waitFor(() => expect(FakeSocket.last?.onmessage).toBeTruthy());
    const event: ServerEvent = {
      type: "CUSTOMER_MESSAGE",
      conversation_id: "conv_1",
      message_id: "m4",
      message_type: "TEXT",
      content: "Are you still there?",
    };
    FakeSocket.last?.emit(event);
    FakeSocket.last?.emit(event);
    FakeSocket.last?.emit({
      ...event,
      conversation_id: "conv_other",
      message_id: "m5",
      content: "Not mine",
    });
    expect(within(log).getAllByText("Are you still there?")).toHaveLength(1);
    expect(within(log).queryByText("Not mine")).toBeNull();
  });

  it("asks before resolving, then resolves", async () => {
    const { user, centre } = await openMine();
    routes["POST /api/v1/support/conversations/conv_1/resolve"] = () =>
      answer(200, conversation({ status: "RESOLVED", assigned_agent_id: "maya" }));
    await user.click(within(centre).getByRole("button", { name: "Resolve" }));
    const question = within(centre).getByRole("group", { name: /Resolve this conversation\?/ });
    expect(calls.some((c) => c.path.endsWith("/resolve"))).toBe(false);
    await user.click(within(question).getByRole("button", { name: "Cancel" }));
    expect(within(centre).queryByRole("group", { name: /Resolve this conversation\?/ })).toBeNull();

    await user.click(within(centre).getByRole("button", { name: "Resolve" }));
    await user.click(within(centre).getByRole("button", { name: "Yes, resolve" }));
    await waitFor(() => expect(within(centre).getByText("Resolved")).toBeInTheDocument());
    expect(calls.filter((c) => c.path.endsWith("/resolve"))).toHaveLength(1);
    expect(within(centre).getByLabelText("Reply")).toBeDisabled();
  });

  it("hands the conversation back to the AI and closes it", async () => {
    const { user, centre } = await openMine();
    routes["POST /api/v1/support/conversations/conv_1/handback"] = () =>
      answer(200, conversation({ status: "ACTIVE", assigned_agent_id: null }));
    await user.click(within(centre).getByRole("button", { name: "Hand back to AI" }));
    expect(
      await screen.findByText("Refund for my lamp was handed back to the AI assistant."),
    ).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Conversation" })).toBeInTheDocument();
    expect(calls.filter((c) => c.path.endsWith("/handback"))).toHaveLength(1);
  });

  it("changes my status", async () => {
    const { user } = await openMine();
    routes["PUT /api/v1/support/agents/me/status"] = (body) =>
      answer(200, { ...agent(1), status: (body as { status: string }).status });
    await user.selectOptions(await screen.findByLabelText("My status"), "AWAY");
    expect(calls).toContainEqual({
      method: "PUT",
      path: "/api/v1/support/agents/me/status",
      body: { status: "AWAY" },
    });
    await waitFor(() => expect(screen.getByLabelText("My status")).toHaveValue("AWAY"));
  });
});

describe("an admin", () => {
  it("sees the whole queue, assigns to an available agent, and has no status to set", async () => {
    routes = {
      "GET /api/v1/support/queue": () => answer(200, { items: [queueItem()], total: 1 }),
      "POST /api/v1/support/conversations/conv_1/assign": () =>
        answer(200, {
          conversation: conversation({ status: "ASSIGNED", assigned_agent_id: "sam" }),
          agent_id: "sam",
          agent_name: "Sam",
          estimated_wait_time_minutes: 1,
        }),
      "GET /api/v1/support/conversations/conv_1": () =>
        answer(200, {
          ...conversation({ status: "ASSIGNED", assigned_agent_id: "sam" }),
          messages: history,
        }),
    };
    const user = userEvent.setup();
    renderWithTheme(<ConsolePage session={session("ADMIN", "boss")} />);
    await user.click(await screen.findByRole("button", { name: "Assign Refund for my lamp" }));
    expect(await screen.findByText("Assigned to Sam.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Take next" })).toBeNull();
    expect(screen.queryByLabelText("My status")).toBeNull();
    expect(screen.getByText(/Status and load are for support agents/)).toBeInTheDocument();
    expect(calls.some((c) => c.path === "/api/v1/support/agents/me")).toBe(false);
    const centre = await screen.findByRole("region", { name: "Refund for my lamp" });
    expect(within(centre).getByLabelText("Reply")).toHaveAccessibleDescription(
      "This conversation is assigned to another agent.",
    );
  });
});

describe("the reply box", () => {
  const api = new Api(() => "token");

  it("sends the reply and clears the box", async () => {
    const sent = message({ message_id: "m9", sender: "AGENT", content: "Hi, I'm Maya." });
    routes["POST /api/v1/support/conversations/conv_1/reply"] = () => answer(201, sent);
    const onSent = vi.fn();
    const user = userEvent.setup();
    renderWithTheme(
      <ReplyBox api={api} conversationId="conv_1" enabled hint={null} onSent={onSent} />,
    );

    const box = screen.getByLabelText("Reply");
    expect(screen.getByRole("button", { name: "Send reply" })).toBeDisabled();
    await user.type(box, "  Hi, I'm Maya.  ");
    await user.click(screen.getByRole("button", { name: "Send reply" }));

    await waitFor(() => expect(onSent).toHaveBeenCalledWith(sent));
    expect(calls).toContainEqual({
      method: "POST",
      path: "/api/v1/support/conversations/conv_1/reply",
      body: { content: "Hi, I'm Maya." },
    });
    expect(box).toHaveValue("");
  });

  it("keeps the text and shows the server's message when sending fails", async () => {
    routes["POST /api/v1/support/conversations/conv_1/reply"] = () =>
      answer(409, { detail: { code: "conflict", message: "the conversation is resolved" } });
    const onSent = vi.fn();
    const user = userEvent.setup();
    renderWithTheme(
      <ReplyBox api={api} conversationId="conv_1" enabled hint={null} onSent={onSent} />,
    );
    await user.type(screen.getByLabelText("Reply"), "Anything else?{Control>}{Enter}{/Control}");
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Your reply was not sent: the conversation is resolved",
    );
    expect(screen.getByLabelText("Reply")).toHaveValue("Anything else?");
    expect(onSent).not.toHaveBeenCalled();
  });

  it("is closed, with the reason, until the conversation is mine", () => {
    renderWithTheme(
      <ReplyBox
        api={api}
        conversationId="conv_1"
        enabled={false}
        hint="Take this conversation to reply to the customer."
        onSent={vi.fn()}
      />,
    );
    expect(screen.getByLabelText("Reply")).toBeDisabled();
    expect(screen.getByLabelText("Reply")).toHaveAccessibleDescription(
      "Take this conversation to reply to the customer.",
    );
    expect(screen.getByRole("button", { name: "Send reply" })).toBeDisabled();
  });
});
