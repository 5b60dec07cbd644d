import { describe, expect, it } from "vitest";
import { checkAgent, type AgentDraft } from "../src/admin/agents/agentCheck";
import { agentBody } from "../src/admin/agents/agentsApi";
import { describeSeries } from "../src/admin/analytics/chartSummary";
import { defaultRange, isoDay, rangeProblem } from "../src/admin/dates";
import {
  formatCount,
  formatMs,
  formatPercent,
  formatRating,
  toPercentPoint,
} from "../src/admin/format";
import { listOf, summarizeAction, summarizeCondition } from "../src/admin/rules/conditionSummary";
import { parseConditionText } from "../src/admin/rules/conditionText";
import { checkRule, draftOfRule } from "../src/admin/rules/ruleDraft";
import type { EscalationRule } from "../src/shared/types";

describe("number formats", () => {
  it("writes rates as whole percentages and null as a dash", () => {
    expect(formatPercent(0.4199)).toBe("42%");
    expect(formatPercent(1)).toBe("100%");
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(null)).toBe("—");
  });

  it("writes times in milliseconds, counts and ratings", () => {
    expect(formatMs(850.4)).toBe("850 ms");
    expect(formatMs(2210.5)).toBe("2,211 ms");
    expect(formatMs(null)).toBe("—");
    expect(formatCount(1204)).toBe("1,204");
    expect(formatRating(4.25)).toBe("4.3 / 5");
    expect(formatRating(null)).toBe("—");
  });

  it("keeps missing chart points as gaps", () => {
    expect(toPercentPoint(0.7941)).toBe(79.4);
    expect(toPercentPoint(null)).toBeNull();
  });
});

describe("date ranges", () => {
  const now = new Date("2026-12-03T23:30:00Z");

  it("defaults to the 14 UTC days ending today", () => {
    expect(defaultRange(now)).toEqual({ from: "2026-11-20", to: "2026-12-03" });
    expect(isoDay(new Date("2026-12-03T23:30:00-05:00"))).toBe("2026-12-04");
  });

  it("says which end of a range is wrong", () => {
    expect(rangeProblem({ from: "2026-11-20", to: "2026-12-03" }, now)).toBeNull();
    expect(rangeProblem({ from: "", to: "2026-12-03" }, now)?.field).toBe("from");
    expect(rangeProblem({ from: "2026-02-30", to: "2026-12-03" }, now)?.field).toBe("from");
    expect(rangeProblem({ from: "2026-12-03", to: "2026-12-01" }, now)).toEqual({
      field: "to",
      message: "The last day is before the first day.",
    });
    expect(rangeProblem({ from: "2026-12-04", to: "2026-12-05" }, now)?.message).toMatch(/future/);
    const long = rangeProblem({ from: "2025-01-01", to: "2026-12-03" }, now);
    expect(long?.message).toMatch(/at most 366 days/);
  });
});

describe("chart text alternatives", () => {
  it("names the latest, highest and lowest days and the gaps", () => {
    const text = describeSeries(
      "CSAT",
      [
        { date: "2026-12-01", value: 80 },
        { date: "2026-12-02", value: null },
        { date: "2026-12-03", value: 60 },
        { date: "2026-12-04", value: 70 },
      ],
      (v) => `${v}%`,
    );
    expect(text).toBe(
      "CSAT: latest 70% on 2026-12-04; highest 80% on 2026-12-01; lowest 60% on 2026-12-03; " +
        "no data on 1 of 4 days.",
    );
  });

  it("says so when there is nothing to draw", () => {
    expect(describeSeries("CSAT", [{ date: "2026-12-01", value: null }], String)).toBe(
      "CSAT: no data in this range.",
    );
  });
});

describe("condition summaries", () => {
  it.each([
    [{ kind: "sentiment_below", threshold: -0.5 }, "Sentiment below -0.5"],
    [
      { kind: "intent", intents: ["return_order", "exchange_order"] },
      "Intent is return_order or exchange_order",
    ],
    [
      { kind: "keyword", keywords: ["lawyer", "legal action", "chargeback"] },
      "Message mentions “lawyer”, “legal action” or “chargeback”",
    ],
    [
      { kind: "repeated_failure", at_least: 3 },
      "At least 3 failed lookups or misunderstood messages in a row",
    ],
    [{ kind: "negative_turns", at_least: 1 }, "At least 1 strongly negative message in a row"],
    [{ kind: "customer_request" }, "Customer asks for a person"],
    [{ kind: "confidence_below", threshold: 0.3 }, "Intent confidence below 0.3"],
  ])("reads %o", (condition, words) => {
    expect(summarizeCondition(condition)).toBe(words);
  });

  it("nests all, any and not with brackets where they are needed", () => {
    const condition = {
      kind: "all",
      conditions: [
        { kind: "sentiment_below", threshold: -0.6 },
        {
          kind: "any",
          conditions: [{ kind: "negative_turns", at_least: 2 }, { kind: "customer_request" }],
        },
        { kind: "not", condition: { kind: "intent", intents: ["order_status"] } },
      ],
    };
    expect(summarizeCondition(condition)).toBe(
      "Sentiment below -0.6, " +
        "(at least 2 strongly negative messages in a row or customer asks for a person) " +
        "and not intent is order_status",
    );
  });

  it("names a kind it does not know instead of guessing", () => {
    expect(summarizeCondition({ kind: "moon_phase" })).toBe("Unknown condition “moon_phase”");
    expect(summarizeCondition(null)).toBe("An unreadable condition");
  });

  it("joins lists and describes actions", () => {
    expect(listOf(["a"])).toBe("a");
    expect(listOf(["a", "b", "c"], "and")).toBe("a, b and c");
    expect(summarizeAction({ priority: "URGENT", specialization: "escalations" })).toBe(
      "Urgent priority · specialization: escalations",
    );
    expect(summarizeAction({ priority: "HIGH", specialization: null })).toBe("High priority");
  });
});

describe("condition JSON", () => {
  it("accepts one object with a kind", () => {
    expect(parseConditionText('{"kind": "customer_request"}')).toEqual({
      ok: true,
      condition: { kind: "customer_request" },
    });
  });

  it("refuses what is not a condition object", () => {
    const refusal = (text: string) => {
      const parsed = parseConditionText(text);
      return parsed.ok ? null : parsed.message;
    };
    expect(refusal("")).toBe("Enter the condition as JSON.");
    expect(refusal("{kind: keyword}")).toMatch(/^This is not valid JSON/);
    expect(refusal("[1]")).toMatch(/one JSON object/);
    expect(refusal('{"threshold": 1}')).toMatch(/needs a "kind"/);
  });
});

describe("rule forms", () => {
  const rule: EscalationRule = {
    rule_id: "rule_legal_threat",
    name: "Legal threat",
    description: "",
    priority: 10,
    enabled: true,
    condition: { kind: "keyword", keywords: ["lawyer"] },
    action: { priority: "URGENT", specialization: "escalations" },
    created_at: "2026-12-01T10:00:00Z",
    updated_at: "2026-12-01T10:00:00Z",
    updated_by: "admin_root",
  };

  it("turns a stored rule into a draft and back into what the server accepts", () => {
    const draft = draftOfRule(rule);
    expect(JSON.parse(draft.conditionText)).toEqual(rule.condition);
    expect(draft.conditionText).toContain('\n  "kind": "keyword"');
    expect(checkRule(draft)).toEqual({
      problems: {},
      fields: {
        name: "Legal threat",
        description: "",
        priority: 10,
        enabled: true,
        condition: { kind: "keyword", keywords: ["lawyer"] },
        action: { priority: "URGENT", specialization: "escalations" },
      },
    });
  });

  it("sends no rule while a field cannot be read", () => {
    const draft = { ...draftOfRule(null), priority: "", specialization: "Billing Team" };
    const result = checkRule(draft);
    expect(result.fields).toBeNull();
    expect(Object.keys(result.problems).sort()).toEqual([
      "condition",
      "name",
      "priority",
      "specialization",
    ]);
    const fractional = checkRule({ ...draftOfRule(rule), priority: 2.5 });
    expect(fractional.problems.priority).toMatch(/whole number/);
  });
});

describe("agent forms", () => {
  const draft: AgentDraft = {
    agent_id: "agent_maya",
    display_name: "Maya",
    email: "",
    status: "AVAILABLE",
    specializations: ["returns"],
    languages: ["en", "pt-BR"],
    max_concurrent: 3,
  };

  it("accepts a valid agent and sends no blank email", () => {
    expect(checkAgent(draft, true, [])).toEqual({});
    const { agent_id: _, ...fields } = draft;
    expect(agentBody({ ...fields, max_concurrent: 3 })).toEqual({
      display_name: "Maya",
      status: "AVAILABLE",
      specializations: ["returns"],
      languages: ["en", "pt-BR"],
      max_concurrent: 3,
    });
  });

  it("says what the server would refuse, field by field", () => {
    const problems = checkAgent(
      {
        ...draft,
        agent_id: "maya smith",
        email: "maya",
        specializations: ["Returns"],
        languages: [],
        max_concurrent: 0,
      },
      true,
      [],
    );
    expect(Object.keys(problems).sort()).toEqual([
      "agent_id",
      "email",
      "languages",
      "max_concurrent",
      "specializations",
    ]);
    expect(checkAgent(draft, true, ["agent_maya"]).agent_id).toMatch(/already exists/);
    expect(checkAgent({ ...draft, agent_id: "" }, false, ["agent_maya"])).toEqual({});
  });
});
