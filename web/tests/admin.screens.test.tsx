import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AdminPage } from "../src/admin/AdminPage";
import { Session } from "../src/shared/session";
import type {
  DailyPerformance,
  EscalationRule,
  KnowledgeEntry,
  PerformanceReport,
  SupportAgent,
} from "../src/shared/types";
import { renderWithTheme } from "./render";

// jsdom has no FontFaceSet; Mantine's autosizing Textarea listens to it.
if (!("fonts" in document)) {
  Object.defineProperty(document, "fonts", {
    value: { addEventListener: () => undefined, removeEventListener: () => undefined },
  });
}

// Recharts warns that a chart has no size: jsdom lays nothing out.
const warn = console.warn.bind(console);
vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
  if (!String(args[0]).includes("of chart should be greater than 0")) warn(...args);
});

// A fake server: every request is recorded, and answered by the test's handler.
interface Call {
  method: string;
  url: URL;
  body: unknown;
}
type Reply = { status?: number; body?: unknown };

let calls: Call[] = [];
let handler: (call: Call) => Reply | undefined = () => undefined;

const refuse = (status: number, message: string): Reply => ({
  status,
  body: { detail: { code: `http_${status}`, message } },
});

beforeEach(() => {
  calls = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: string, init?: RequestInit) => {
      const call = {
        method: init?.method ?? "GET",
        url: new URL(input, "http://localhost"),
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      };
      calls.push(call);
      const reply = handler(call) ?? refuse(404, "no such route");
      const status = reply.status ?? 200;
      const body = status === 204 ? null : JSON.stringify(reply.body ?? null);
      return new Response(body, { status });
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const callsTo = (method: string, path: string) =>
  calls.filter((c) => c.method === method && c.url.pathname === `/api/v1/support${path}`);

function Where() {
  return <output data-testid="location">{useLocation().pathname}</output>;
}

function renderAdmin(path: string) {
  const session = new Session("admin-test", null);
  return renderWithTheme(
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route path="/admin/:section?" element={<AdminPage session={session} />} />
      </Routes>
      <Where />
    </MemoryRouter>,
  );
}

function day(date: string, figures: Partial<DailyPerformance> = {}): DailyPerformance {
  return {
    date,
    conversations: 0,
    automation_rate: null,
    escalation_rate: null,
    csat_score: null,
    first_contact_resolution_rate: null,
    p50_response_time_ms: null,
    p95_response_time_ms: null,
    ...figures,
  };
}

function performance(daily: DailyPerformance[]): PerformanceReport {
  return {
    start_date: daily[0]?.date ?? "",
    end_date: daily[daily.length - 1]?.date ?? "",
    total_conversations: 3,
    ai_resolved_conversations: 2,
    escalated_conversations: 1,
    human_resolved_conversations: 1,
    open_conversations: 0,
    automation_rate: 0.6667,
    escalation_rate: 0.3333,
    resolution_rate: 1,
    first_contact_resolution_rate: null,
    p50_response_time_ms: 850.2,
    p95_response_time_ms: 2210.5,
    customer_satisfaction: 4.5,
    csat_score: 1,
    daily,
  };
}

const feedback = (average: number | null) => ({
  start_date: "2026-11-20",
  end_date: "2026-12-03",
  total_feedback: 2,
  rated_feedback: average === null ? 0 : 2,
  average_rating: average,
});

/** Answers both analytics reports; `refused` answers a range the server turns down. */
function analytics(daily: DailyPerformance[], refused?: (url: URL) => Reply | undefined) {
  return ({ url }: Call): Reply | undefined => {
    const refusal = refused?.(url);
    if (refusal) return refusal;
    if (url.pathname.endsWith("/analytics/performance")) return { body: performance(daily) };
    if (url.pathname.endsWith("/analytics/feedback")) return { body: feedback(null) };
    return undefined;
  };
}

describe("analytics", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-03T10:00:00Z"));
  });

  it("asks for the last 14 UTC days and shows each one in the Daily figures table", async () => {
    const today = day("2026-12-03", {
      conversations: 3,
      automation_rate: 0.6667,
      escalation_rate: 0.3333,
      csat_score: 1,
      p50_response_time_ms: 850.2,
      p95_response_time_ms: 2210.5,
    });
    handler = analytics([day("2026-12-02"), today]);
    renderAdmin("/admin/analytics");

    expect(screen.getByRole("heading", { level: 2, name: "Analytics" })).toBeInTheDocument();
    expect(screen.getByLabelText("From")).toHaveValue("2026-11-20");
    expect(screen.getByLabelText("To")).toHaveValue("2026-12-03");

    const table = await screen.findByRole("table", { name: "Daily figures" });
    const row = within(table)
      .getAllByRole("row")
      .find((r) => r.textContent?.includes("2026-12-03")) as HTMLElement;
    const cells = within(row).getAllByRole("cell").map((cell) => cell.textContent);
    expect(cells).toEqual(["2026-12-03", "3", "67%", "33%", "100%", "—", "850 ms", "2,211 ms"]);

    const asked = callsTo("GET", "/analytics/performance")[0]?.url.searchParams;
    expect(asked?.get("start_date")).toBe("2026-11-20");
    expect(asked?.get("end_date")).toBe("2026-12-03");
    expect(callsTo("GET", "/analytics/feedback")).toHaveLength(1);

    // A null figure is a dash with a note, never a zero.
    const rating = screen.getByText("Average rating").closest("div") as HTMLElement;
    expect(within(rating).getByText("—")).toBeInTheDocument();
    expect(within(rating).getByText("No data")).toBeInTheDocument();
    const chart = screen.getByRole("figure", { name: "Automation and escalation rate" });
    expect(chart).toHaveAccessibleDescription(/^Automation rate: latest 67% on 2026-12-03/);
  });

  it("reads again on Refresh and shows the server's message when it refuses a range", async () => {
    handler = analytics([day("2026-12-03")], (url) =>
      url.searchParams.get("start_date") === "2026-12-01"
        ? refuse(422, "start_date is too early")
        : undefined,
    );
    renderAdmin("/admin/analytics");
    await screen.findByRole("table", { name: "Daily figures" });

    fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
    await waitFor(() => expect(callsTo("GET", "/analytics/performance")).toHaveLength(2));

    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2026-12-01" } });
    expect(await screen.findByRole("alert")).toHaveTextContent("start_date is too early");
  });

  it("does not ask for a range that ends before it starts", () => {
    handler = analytics([day("2026-12-03")]);
    renderAdmin("/admin/analytics");
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2026-11-01" } });
    expect(screen.getByLabelText("To")).toHaveAccessibleDescription(
      "The last day is before the first day.",
    );
    expect(screen.getByRole("button", { name: "Refresh" })).toBeDisabled();
  });
});

const ENTRY: KnowledgeEntry = {
  id: "faq/gift-wrap",
  title: "Do you offer gift wrapping?",
  content: "Gift wrapping is free.",
  category: "orders",
  tags: ["gift"],
  version: 2,
  usage_count: 14,
  success_rate: 0.83,
};
const ENTRY_PATH = "/knowledge-base/faq/gift-wrap";
const entries = (items: KnowledgeEntry[], total = items.length): Reply => ({
  body: { items, page: 1, size: 20, total },
});

describe("knowledge base", () => {
  it("says when someone else changed the entry, and saves on the version reloaded", async () => {
    const user = userEvent.setup();
    const latest = { ...ENTRY, version: 3, content: "Gift wrapping costs $2." };
    handler = ({ method, url, body }) => {
      const path = url.pathname.replace("/api/v1/support", "");
      if (method === "GET" && path === "/knowledge-base") return entries([ENTRY]);
      if (method === "GET" && path === ENTRY_PATH) return { body: latest };
      if (method === "PUT" && path === ENTRY_PATH) {
        const change = body as { version: number };
        if (change.version !== 3) return refuse(409, "the entry is at version 3");
        return { body: { ...latest, ...change, version: 4 } };
      }
      return undefined;
    };
    renderAdmin("/admin/knowledge");

    const table = await screen.findByRole("table", { name: /Knowledge-base entries/ });
    expect(within(table).getByText("83%")).toBeInTheDocument();
    await user.click(within(table).getByRole("button", { name: `Edit ${ENTRY.title}` }));

    const dialog = await screen.findByRole("dialog", { name: "Edit entry" });
    const title = within(dialog).getByLabelText(/^Title/);
    await user.clear(title);
    await user.type(title, "Is gift wrapping free?");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));

    expect(await within(dialog).findByText("Someone else changed this entry")).toBeInTheDocument();
    expect(callsTo("PUT", ENTRY_PATH)[0]?.body).toEqual({
      version: 2,
      title: "Is gift wrapping free?",
      content: "Gift wrapping is free.",
      category: "orders",
      tags: ["gift"],
    });

    await user.click(within(dialog).getByRole("button", { name: "Reload entry" }));
    const content = within(dialog).getByLabelText(/^Content/);
    await waitFor(() => expect(content).toHaveValue("Gift wrapping costs $2."));
    expect(within(dialog).getByLabelText(/^Title/)).toHaveValue(ENTRY.title);
    expect(within(dialog).getByLabelText(/^Title/)).toHaveFocus();
    expect(within(dialog).queryByText("Someone else changed this entry")).not.toBeInTheDocument();

    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await screen.findByText(`Saved “${ENTRY.title}”.`)).toBeInTheDocument();
    expect(callsTo("PUT", ENTRY_PATH)[1]?.body).toMatchObject({ version: 3 });
  });

  it("shows the server's validation message next to the form", async () => {
    const user = userEvent.setup();
    handler = ({ method }) =>
      method === "POST"
        ? { status: 422, body: { detail: [{ loc: ["body", "category"], msg: "bad pattern" }] } }
        : entries([]);
    renderAdmin("/admin/knowledge");
    expect(await screen.findByText("The knowledge base has no entries yet.")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "New entry" }));
    const dialog = await screen.findByRole("dialog", { name: "New entry" });
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(within(dialog).getByLabelText(/^Title/)).toHaveAccessibleDescription(/Enter a title\./);
    expect(calls.some((c) => c.method === "POST")).toBe(false);

    await user.type(within(dialog).getByLabelText(/^Title/), "Gift cards?");
    await user.type(within(dialog).getByLabelText(/^Content/), "Yes.");
    await user.clear(within(dialog).getByLabelText(/^Category/));
    await user.type(within(dialog).getByLabelText(/^Category/), "Gift Cards!");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("category: bad pattern");
  });

  it("searches once typing stops, from the first page", async () => {
    handler = () => entries([ENTRY]);
    renderAdmin("/admin/knowledge");
    await screen.findByRole("table", { name: /Knowledge-base entries/ });
    await userEvent.type(screen.getByLabelText(/Search the knowledge base/), "gift wrap");
    await waitFor(() => expect(calls.at(-1)?.url.search).toBe("?q=gift+wrap&page=1&size=20"));
    expect(calls.filter((c) => c.url.searchParams.has("q"))).toHaveLength(1);
  });
});

const RULE: EscalationRule = {
  rule_id: "rule_angry_customer",
  name: "Angry customer",
  description: "Two strongly negative messages in a row.",
  priority: 20,
  enabled: true,
  condition: { kind: "negative_turns", at_least: 2 },
  action: { priority: "HIGH", specialization: null },
  created_at: "2026-12-01T10:00:00Z",
  updated_at: "2026-12-01T10:00:00Z",
  updated_by: null,
};
const RULE_PATH = "/escalation-rules/rule_angry_customer";

describe("escalation rules", () => {
  it("lists rules in words and toggles one by sending the whole rule", async () => {
    handler = ({ method, body }) =>
      method === "PUT" ? { body: { ...RULE, ...(body as object) } } : { body: [RULE] };
    renderAdmin("/admin/rules");

    const table = await screen.findByRole("table", { name: /Escalation rules/ });
    const row = within(table).getByRole("row", { name: /Angry customer/ });
    expect(within(row).getByText("At least 2 strongly negative messages in a row")).toBeVisible();
    expect(within(row).getByText("High priority")).toBeVisible();

    const toggle = within(row).getByRole("switch", { name: "Enabled: Angry customer" });
    fireEvent.click(toggle);
    expect(await screen.findByText("“Angry customer” is now disabled.")).toBeInTheDocument();
    expect(toggle).not.toBeChecked();
    expect(callsTo("PUT", RULE_PATH)[0]?.body).toEqual({
      name: "Angry customer",
      description: "Two strongly negative messages in a row.",
      priority: 20,
      enabled: false,
      condition: { kind: "negative_turns", at_least: 2 },
      action: { priority: "HIGH", specialization: null },
    });
  });

  it("checks the condition JSON before sending, then shows the server's refusal", async () => {
    const user = userEvent.setup();
    handler = ({ method }) =>
      method === "POST" ? refuse(422, "condition.keyword.keywords: Field required") : { body: [] };
    renderAdmin("/admin/rules");
    await user.click(await screen.findByRole("button", { name: "New rule" }));
    const dialog = await screen.findByRole("dialog", { name: "New rule" });
    await user.type(within(dialog).getByLabelText(/^Name/), "Chargeback");
    const condition = within(dialog).getByLabelText(/^Condition \(JSON\)/);

    fireEvent.change(condition, { target: { value: "{kind: keyword}" } });
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(condition).toHaveAccessibleDescription(/This is not valid JSON/);
    expect(calls.some((c) => c.method === "POST")).toBe(false);

    fireEvent.change(condition, { target: { value: '{"kind": "keyword"}' } });
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "condition.keyword.keywords: Field required",
    );
    expect(callsTo("POST", "/escalation-rules")[0]?.body).toEqual({
      name: "Chargeback",
      description: "",
      priority: 100,
      enabled: true,
      condition: { kind: "keyword" },
      action: { priority: "MEDIUM", specialization: null },
    });
  });

  it("deletes a rule only once it is confirmed, then moves the focus to the heading", async () => {
    const user = userEvent.setup();
    let deleted = false;
    handler = ({ method }) => {
      if (method !== "DELETE") return { body: deleted ? [] : [RULE] };
      deleted = true;
      return { status: 204 };
    };
    renderAdmin("/admin/rules");
    await user.click(await screen.findByRole("button", { name: "Delete Angry customer" }));
    const dialog = await screen.findByRole("dialog", { name: "Delete rule" });
    expect(dialog).toHaveTextContent("Delete the rule “Angry customer”? This cannot be undone.");
    expect(deleted).toBe(false);

    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    expect(await screen.findByText("There are no escalation rules yet.")).toBeInTheDocument();
    expect(callsTo("DELETE", RULE_PATH)).toHaveLength(1);
    const heading = screen.getByRole("heading", { level: 2, name: "Escalation rules" });
    await waitFor(() => expect(heading).toHaveFocus());
  });
});

const MAYA: SupportAgent = {
  agent_id: "agent_maya",
  display_name: "Maya",
  email: "maya@example.com",
  status: "AVAILABLE",
  specializations: ["returns"],
  languages: ["en", "es"],
  max_concurrent: 3,
  current_load: 1,
  free_slots: 2,
};

describe("agents", () => {
  it("shows each agent's load and adds an agent with PUT, never over an existing one", async () => {
    const user = userEvent.setup();
    handler = ({ method, body }) =>
      method === "PUT"
        ? { body: { ...MAYA, agent_id: "agent_li", current_load: 0, ...(body as object) } }
        : { body: [MAYA] };
    renderAdmin("/admin/agents");

    const table = await screen.findByRole("table", { name: /Support agents/ });
    const row = within(table).getByRole("row", { name: /Maya/ });
    expect(within(row).getByText("1 of 3")).toBeVisible();
    expect(within(row).getByText("en, es")).toBeVisible();

    await user.click(screen.getByRole("button", { name: "Add agent" }));
    const dialog = await screen.findByRole("dialog", { name: "Add agent" });
    const agentId = within(dialog).getByLabelText(/^Agent id/);
    await user.type(agentId, "agent_maya");
    await user.type(within(dialog).getByLabelText(/^Display name/), "Li");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(agentId).toHaveAccessibleDescription(/An agent with this id already exists/);

    await user.clear(agentId);
    await user.type(agentId, "agent_li");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Saved Li.")).toBeInTheDocument();
    expect(callsTo("PUT", "/agents/agent_li")[0]?.body).toEqual({
      display_name: "Li",
      status: "OFFLINE",
      specializations: [],
      languages: ["en"],
      max_concurrent: 3,
    });
  });
});

describe("the admin page", () => {
  it("follows the URL: an unknown section shows analytics, a tab changes the URL", async () => {
    const reports = analytics([day("2026-12-03")]);
    handler = (call) => (call.url.pathname.endsWith("/agents") ? { body: [] } : reports(call));
    renderAdmin("/admin/nowhere");
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/admin/analytics"));
    expect(screen.getByRole("tab", { name: "Analytics", selected: true })).toBeInTheDocument();

    await act(async () => {
      fireEvent.click(screen.getByRole("tab", { name: "Agents" }));
    });
    expect(screen.getByTestId("location")).toHaveTextContent("/admin/agents");
    expect(await screen.findByRole("heading", { level: 2, name: "Agents" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { level: 2, name: "Analytics" })).not.toBeInTheDocument();
  });
});

async function seriousViolations(): Promise<string[]> {
  const results = await axe.run(document.body, {
    resultTypes: ["violations"],
    // jsdom draws nothing, so contrast cannot be measured here (the theme is built for AA).
    rules: { "color-contrast": { enabled: false } },
  });
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("accessibility", () => {
  beforeEach(() => {
    const reports = analytics([day("2026-12-02"), day("2026-12-03", { conversations: 2 })]);
    const unrated = { ...ENTRY, id: "kb_2", title: "Returns", tags: [], success_rate: null };
    handler = (call) => {
      const path = call.url.pathname;
      if (path.endsWith("/knowledge-base")) return entries([ENTRY, unrated], 45);
      if (path.endsWith("/escalation-rules")) return { body: [RULE] };
      if (path.endsWith("/agents")) return { body: [{ ...MAYA, email: null, specializations: [] }] };
      return reports(call);
    };
  });

  it.each([
    ["analytics", "Daily figures", []],
    ["knowledge", /Knowledge-base entries/, ["New entry", `Edit ${ENTRY.title}`]],
    ["rules", /Escalation rules/, ["New rule", "Edit Angry customer"]],
    ["agents", /Support agents/, ["Add agent", "Edit Maya"]],
  ])("the %s section, and its forms, have no serious violations", async (section, table, forms) => {
    const user = userEvent.setup();
    renderAdmin(`/admin/${section}`);
    await screen.findByRole("table", { name: table });
    expect(await seriousViolations()).toEqual([]);
    for (const opener of forms) {
      await user.click(screen.getByRole("button", { name: opener }));
      const dialog = await screen.findByRole("dialog");
      expect(await seriousViolations()).toEqual([]);
      await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
      await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    }
  });
});
