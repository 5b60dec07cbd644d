import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Session } from "../src/shared/session";
import { SESSION_KEY } from "../src/widget/chatApi";
import type { HostChange, HostLink } from "../src/widget/host";
import { WidgetApp } from "../src/widget/WidgetApp";
import { renderWithTheme } from "./render";
import {
  CID,
  createFakeSocket,
  CUSTOMER,
  customerToken,
  detail,
  events,
  FakeSocket,
  fakeFetch,
  guestToken,
  serverMessage,
} from "./widgetFixtures";

const BASE = "/api/v1/support";
const CONV = `${BASE}/conversations/${CID}`;
const CONFIG = {
  [`GET ${BASE}/client-config`]: { body: { dev_auth: true, anonymous_chat: true } },
};
const QUESTION = "Where is my order #W1?";
const ANSWER = "Your order #W1 is pending.";

// jsdom has no FontFaceSet; Mantine's autosizing Textarea listens to it.
if (!("fonts" in document)) {
  Object.defineProperty(document, "fonts", {
    value: { addEventListener: () => undefined, removeEventListener: () => undefined },
  });
}

const SETTINGS = { anonymous: true, subject: "" };

function host(): HostLink {
  return {
    embedded: false,
    token: () => null,
    settings: () => SETTINGS,
    subscribe: (_listener: (change: HostChange) => void) => () => undefined,
    close: vi.fn(),
  };
}

function signedIn(): Session {
  const session = new Session(SESSION_KEY);
  session.useToken(customerToken());
  sessionStorage.setItem("supportgraph.widget.conversation", CID);
  return session;
}

function renderWidget(session: Session) {
  renderWithTheme(<WidgetApp session={session} host={host()} createWebSocket={createFakeSocket} />);
  return userEvent.setup();
}

const log = () => screen.getByRole("log", { name: "Conversation" });

const answer = (fields: Record<string, unknown> = {}) => ({
  message_id: "msg_ai",
  ai_response: ANSWER,
  confidence_score: 0.9,
  processing_time_ms: 12,
  status: "ACTIVE",
  escalated: false,
  citations: [],
  awaiting_confirmation: false,
  ...fields,
});

beforeEach(() => {
  sessionStorage.clear();
  FakeSocket.all = [];
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("widget: confirming a change", () => {
  const asking = detail([
    serverMessage({ message_id: "msg_c", sender: "CUSTOMER", content: "Cancel order #W1" }),
    serverMessage({
      message_id: "msg_ask",
      sender: "AI",
      content: "Cancel order #W1 because no longer needed? Please confirm (yes/no).",
      awaiting_confirmation: true,
    }),
  ]);

  it("offers Yes / No while an answer awaits confirmation, then hides them", async () => {
    const calls = fakeFetch({
      ...CONFIG,
      [`GET ${CONV}`]: { body: asking },
      [`POST ${CONV}/message`]: {
        body: answer({ message_id: "msg_done", ai_response: "Order #W1 is cancelled." }),
      },
    });
    const user = renderWidget(signedIn());
    const group = await screen.findByRole("group", { name: "Confirm the change" });
    expect(within(log()).getByText("You")).toBeInTheDocument();
    expect(within(log()).getByText("Assistant")).toBeInTheDocument();

    await user.click(within(group).getByRole("button", { name: "Yes" }));
    expect(await within(log()).findByText("Order #W1 is cancelled.")).toBeInTheDocument();
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({ content: "yes" });
    expect(screen.queryByRole("group", { name: "Confirm the change" })).not.toBeInTheDocument();
  });

  it("does not offer them when the latest answer asks nothing", async () => {
    fakeFetch({
      ...CONFIG,
      [`GET ${CONV}`]: {
        body: detail([serverMessage({ message_id: "msg_ai", sender: "AI", content: "Hello!" })]),
      },
    });
    renderWidget(signedIn());
    expect(await within(log()).findByText("Hello!")).toBeInTheDocument();
    expect(screen.queryByRole("group", { name: "Confirm the change" })).not.toBeInTheDocument();
  });
});

describe("widget: sending", () => {
  it("keeps a failed message, marked Not sent, and Retry sends it again", async () => {
    const calls = fakeFetch({
      ...CONFIG,
      [`GET ${CONV}`]: { body: detail([]) },
      [`POST ${CONV}/message`]: [
        {
          status: 503,
          body: { detail: { code: "unavailable", message: "The assistant is busy." } },
        },
        { body: answer() },
      ],
    });
    const user = renderWidget(signedIn());
    const input = await screen.findByRole("textbox", { name: "Message" });
    await user.type(input, "Where is my order #W1?{Enter}");

    expect(await screen.findByText("Not sent: The assistant is busy.")).toBeInTheDocument();
    expect(within(log()).getByText(QUESTION)).toBeInTheDocument();
    expect(input).toHaveValue("");

    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await within(log()).findByText(ANSWER)).toBeInTheDocument();
    expect(screen.queryByText(/Not sent/)).not.toBeInTheDocument();
    const sends = calls.filter((c) => c.path.endsWith("/message"));
    expect(sends.map((c) => c.body)).toEqual([
      { content: QUESTION },
      { content: QUESTION },
    ]);
    expect(within(log()).getAllByText(QUESTION)).toHaveLength(1);
  });

  it("Shift+Enter adds a line instead of sending", async () => {
    const calls = fakeFetch({ ...CONFIG, [`GET ${CONV}`]: { body: detail([]) } });
    const user = renderWidget(signedIn());
    const input = await screen.findByRole("textbox", { name: "Message" });
    await user.type(input, "first{Shift>}{Enter}{/Shift}second");
    expect(input).toHaveValue("first\nsecond");
    expect(calls.some((c) => c.method === "POST")).toBe(false);
  });

  it("streams the answer into one bubble and de-duplicates it with the REST reply", async () => {
    let release: (value: { body: unknown }) => void = () => undefined;
    fakeFetch({
      ...CONFIG,
      [`GET ${CONV}`]: { body: detail([]) },
      [`POST ${CONV}/message`]: () => new Promise((resolve) => (release = resolve)),
    });
    const user = renderWidget(signedIn());
    const input = await screen.findByRole("textbox", { name: "Message" });
    const socket = FakeSocket.latest();
    act(() => socket.open());
    expect(socket.sent).toContainEqual({ type: "SUBSCRIBE", conversation_id: CID });

    await user.type(input, "Where is my order #W1?{Enter}");
    expect(await screen.findByText("Assistant is typing")).toBeInTheDocument();

    act(() => {
      socket.emit(events.customer("msg_c", QUESTION));
      socket.emit(events.chunk("msg_ai", 0, "Your order "));
    });
    expect(within(log()).getByText("Your order")).toBeInTheDocument();
    expect(screen.queryByText("Assistant is typing")).not.toBeInTheDocument();
    act(() => socket.emit(events.chunk("msg_ai", 1, "#W1 is pending.")));
    expect(within(log()).getByText(ANSWER)).toBeInTheDocument();

    act(() => socket.emit(events.final("msg_ai", ANSWER)));
    await act(async () => release({ body: answer() }));
    expect(within(log()).getAllByText(ANSWER)).toHaveLength(1);
    expect(within(log()).getAllByText(QUESTION)).toHaveLength(1);
  });

  it("re-reads the conversation after a reconnect and merges it by id", async () => {
    const first = detail([serverMessage({ message_id: "msg_a", sender: "AI", content: "Hello!" })]);
    const later = detail([
      ...first.messages,
      serverMessage({ message_id: "msg_h", sender: "AGENT", content: "Back soon, Dana." }),
    ]);
    fakeFetch({ ...CONFIG, [`GET ${CONV}`]: [{ body: first }, { body: later }] });
    renderWidget(signedIn());
    await within(log()).findByText("Hello!");
    act(() => FakeSocket.latest().open());
    act(() => FakeSocket.latest().drop());
    expect(await screen.findByText("Reconnecting…")).toBeInTheDocument();

    await waitFor(() => expect(FakeSocket.all).toHaveLength(2), { timeout: 2000 });
    act(() => FakeSocket.latest().open());
    expect(await within(log()).findByText("Back soon, Dana.")).toBeInTheDocument();
    expect(within(log()).getAllByText("Hello!")).toHaveLength(1);
    expect(screen.queryByText("Reconnecting…")).not.toBeInTheDocument();
  });
});

describe("widget: feedback and sources", () => {
  const answered = detail([
    serverMessage({ message_id: "msg_c", sender: "CUSTOMER", content: "How do returns work?" }),
    serverMessage({
      message_id: "msg_ai",
      sender: "AI",
      content: "You can return delivered items within 30 days.",
      citations: [
        { source: "kb", ref: "kb_returns", title: "Returns policy" },
        { source: "kb", ref: "kb_exchanges" },
        { source: "tool", tool: "get_order_details", ref: "#W1" },
      ],
    }),
  ]);

  it("posts Helpful and a star rating for that answer", async () => {
    const calls = fakeFetch({
      ...CONFIG,
      [`GET ${CONV}`]: { body: answered },
      [`POST ${CONV}/feedback`]: {
        status: 201,
        body: { feedback_id: "fb_1", message_id: "msg_ai", rating: null, helpful: true },
      },
    });
    const user = renderWidget(signedIn());
    const helpful = await screen.findByRole("button", { name: "Helpful" });
    expect(helpful).toHaveAttribute("aria-pressed", "false");
    await user.click(helpful);
    expect(await screen.findByText("Thanks for your feedback")).toBeInTheDocument();
    expect(helpful).toHaveAttribute("aria-pressed", "true");
    const notHelpful = screen.getByRole("button", { name: "Not helpful" });
    expect(notHelpful).toHaveAttribute("aria-pressed", "false");

    const stars = screen.getByRole("radiogroup", { name: "Rate this answer" });
    const names = within(stars)
      .getAllByRole("radio")
      .map((radio) => radio.getAttribute("aria-label"));
    expect(names).toEqual(["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]);
    await user.click(within(stars).getByRole("radio", { name: "4 stars" }));
    const feedback = () => calls.filter((c) => c.path.endsWith("/feedback"));
    await waitFor(() => expect(feedback()).toHaveLength(2), { timeout: 2000 });
    expect(feedback().map((c) => c.body)).toEqual([
      { message_id: "msg_ai", helpful: true },
      { message_id: "msg_ai", rating: 4 },
    ]);
  });

  it("lists the cited knowledge-base entries and notes the order lookup", async () => {
    fakeFetch({ ...CONFIG, [`GET ${CONV}`]: { body: answered } });
    renderWidget(signedIn());
    const sources = await screen.findByRole("list", { name: "Sources" });
    expect(within(sources).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "Returns policy",
      "kb_exchanges",
    ]);
    expect(screen.getByText("From your order records")).toBeInTheDocument();
  });
});

describe("widget: handoff to a person", () => {
  it("shows the queue, the agent joining, their messages, and the resolution", async () => {
    const calls = fakeFetch({
      ...CONFIG,
      [`GET ${CONV}`]: { body: detail([]) },
      [`POST ${CONV}/escalate`]: {
        body: {
          escalated: true,
          agent_assigned: null,
          estimated_wait_time_minutes: 5,
          status: "ESCALATED",
          priority: "MEDIUM",
        },
      },
    });
    const user = renderWidget(signedIn());
    await user.click(await screen.findByRole("button", { name: "Talk to a person" }));
    expect(await screen.findByText("You're in the queue")).toBeInTheDocument();
    expect(screen.getByText("Estimated wait: about 5 min")).toBeInTheDocument();
    expect(calls.find((c) => c.path.endsWith("/escalate"))?.body).toEqual({ reason: "requested" });
    expect(screen.queryByRole("button", { name: "Talk to a person" })).not.toBeInTheDocument();

    const socket = FakeSocket.latest();
    act(() => {
      socket.open();
      socket.emit(events.assigned("Dana"));
      socket.emit(events.agent("msg_h", "Hi, Dana here.", "Dana"));
    });
    expect(screen.getByText("Dana has joined the conversation")).toBeInTheDocument();
    const item = within(log()).getByText("Hi, Dana here.").closest("li");
    expect(item && within(item).getByText("Dana")).toBeInTheDocument();

    act(() => socket.emit(events.status("RESOLVED")));
    expect(screen.getByText("This conversation is resolved")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Message" })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Start a new conversation" }));
    expect(screen.getByRole("textbox", { name: "Message" })).toBeEnabled();
    expect(within(log()).queryByText("Hi, Dana here.")).not.toBeInTheDocument();
    expect(sessionStorage.getItem("supportgraph.widget.conversation")).toBeNull();
  });
});

describe("widget: signing in", () => {
  it("signs in with a customer ID and starts the conversation on the first message", async () => {
    const token = customerToken();
    const calls = fakeFetch({
      ...CONFIG,
      "POST /api/v1/auth/dev-login": {
        body: { access_token: token, refresh_token: "", token_type: "bearer", expires_in: 3600 },
      },
      [`POST ${BASE}/conversations`]: {
        status: 201,
        body: { ...detail([]), conversation_token: null },
      },
      [`POST ${CONV}/message`]: { body: answer({ ai_response: "Hello! How can I help?" }) },
    });
    const user = renderWidget(new Session(SESSION_KEY));
    await user.type(await screen.findByLabelText("Customer ID"), CUSTOMER);
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    const input = await screen.findByRole("textbox", { name: "Message" });
    const login = calls.find((c) => c.path === "/api/v1/auth/dev-login");
    expect(login?.body).toEqual({ role: "USER", user_id: CUSTOMER });

    await user.type(input, "Hi{Enter}");
    expect(await within(log()).findByText("Hello! How can I help?")).toBeInTheDocument();
    const start = calls.find((c) => c.method === "POST" && c.path === `${BASE}/conversations`);
    expect(start?.authorization).toBe(`Bearer ${token}`);
    expect(sessionStorage.getItem("supportgraph.widget.conversation")).toBe(CID);
  });

  it("starts a guest chat without Authorization and uses its conversation token", async () => {
    const token = guestToken();
    const calls = fakeFetch({
      ...CONFIG,
      [`POST ${BASE}/conversations`]: {
        status: 201,
        body: { ...detail([], { anonymous: true }), conversation_token: token },
      },
      [`GET ${CONV}`]: { body: detail([], { anonymous: true }) },
    });
    const user = renderWidget(new Session(SESSION_KEY));
    await user.click(await screen.findByRole("button", { name: "Chat as guest" }));
    await screen.findByRole("textbox", { name: "Message" });
    const start = calls.find((c) => c.method === "POST" && c.path === `${BASE}/conversations`);
    expect(start?.authorization).toBeNull();
    const history = () => calls.find((c) => c.method === "GET" && c.path === CONV);
    await waitFor(() => expect(history()?.authorization).toBe(`Bearer ${token}`));
    expect(FakeSocket.latest().url).toContain(`token=${encodeURIComponent(token)}`);
  });

  it("says when the session has expired and offers to sign in again", async () => {
    fakeFetch({
      ...CONFIG,
      [`GET ${CONV}`]: {
        status: 401,
        body: { detail: { code: "expired_token", message: "token expired" } },
      },
    });
    const user = renderWidget(signedIn());
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Your session has expired");
    await user.click(within(alert).getByRole("button", { name: "Sign in again" }));
    expect(await screen.findByLabelText("Customer ID")).toBeInTheDocument();
  });

  it("shows the server's message when support cannot be reached", async () => {
    vi.stubGlobal("fetch", vi.fn(() => Promise.reject(new TypeError("Failed to fetch"))));
    renderWidget(new Session(SESSION_KEY));
    expect(await screen.findByRole("alert")).toHaveTextContent("The server cannot be reached");
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});

describe("widget: in the host page's frame", () => {
  it("focuses the composer when opened; Escape and Close chat ask the host to close", async () => {
    fakeFetch({ ...CONFIG, [`GET ${CONV}`]: { body: detail([]) } });
    let notify: (change: HostChange) => void = () => undefined;
    const framed: HostLink = {
      ...host(),
      embedded: true,
      subscribe: (listener) => {
        notify = listener;
        return () => undefined;
      },
    };
    renderWithTheme(
      <WidgetApp session={signedIn()} host={framed} createWebSocket={createFakeSocket} />,
    );
    const user = userEvent.setup();
    const input = await screen.findByRole("textbox", { name: "Message" });
    act(() => notify("open"));
    expect(input).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(framed.close).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole("button", { name: "Close chat" }));
    expect(framed.close).toHaveBeenCalledTimes(2);
    expect(screen.getByRole("heading", { level: 1, name: "Support" })).toBeInTheDocument();
  });
});
