// The range day by day, five charts. Rates are drawn as percentages; a day without a figure is a
// gap in the line, not a zero.

import { BarChart, LineChart } from "@mantine/charts";
import { SimpleGrid } from "@mantine/core";
import type { DailyPerformance } from "../../shared/types";
import { formatCount, formatMs, toPercentPoint } from "../format";
import { ChartFigure } from "./ChartFigure";
import { describeSeries, type Point } from "./chartSummary";

interface ChartRow {
  date: string;
  conversations: number;
  automation: number | null;
  escalation: number | null;
  csat: number | null;
  fcr: number | null;
  p50: number | null;
  p95: number | null;
}

function rowsOf(daily: DailyPerformance[]): ChartRow[] {
  return daily.map((d) => ({
    date: d.date,
    conversations: d.conversations,
    automation: toPercentPoint(d.automation_rate),
    escalation: toPercentPoint(d.escalation_rate),
    csat: toPercentPoint(d.csat_score),
    fcr: toPercentPoint(d.first_contact_resolution_rate),
    p50: d.p50_response_time_ms,
    p95: d.p95_response_time_ms,
  }));
}

type Key = Exclude<keyof ChartRow, "date">;

function points(rows: ChartRow[], key: Key): Point[] {
  return rows.map((row) => ({ date: row.date, value: row[key] }));
}

const percent = (value: number) => `${Math.round(value)}%`;
const CHART_HEIGHT = 220;
const LINE_DEFAULTS = {
  h: CHART_HEIGHT,
  dataKey: "date",
  connectNulls: false,
  accessibilityLayer: false,
  curveType: "linear",
} as const;

export function DailyCharts({ daily }: { daily: DailyPerformance[] }) {
  const rows = rowsOf(daily);
  const say = (name: string, key: Key, format: (value: number) => string) =>
    describeSeries(name, points(rows, key), format);

  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <ChartFigure
        title="Conversations per day"
        summary={say("Conversations", "conversations", formatCount)}
      >
        <BarChart
          h={CHART_HEIGHT}
          data={rows}
          dataKey="date"
          accessibilityLayer={false}
          valueFormatter={formatCount}
          yAxisProps={{ allowDecimals: false }}
          series={[{ name: "conversations", label: "Conversations", color: "indigo.8" }]}
        />
      </ChartFigure>
      <ChartFigure
        title="Automation and escalation rate"
        summary={[
          say("Automation rate", "automation", percent),
          say("Escalation rate", "escalation", percent),
        ].join(" ")}
      >
        <LineChart
          {...LINE_DEFAULTS}
          data={rows}
          valueFormatter={percent}
          withLegend
          yAxisProps={{ domain: [0, 100] }}
          series={[
            { name: "automation", label: "Automation rate", color: "teal.9" },
            {
              name: "escalation",
              label: "Escalation rate",
              color: "red.9",
              strokeDasharray: "6 4",
            },
          ]}
        />
      </ChartFigure>
      <ChartFigure title="Customer satisfaction (CSAT)" summary={say("CSAT", "csat", percent)}>
        <LineChart
          {...LINE_DEFAULTS}
          data={rows}
          valueFormatter={percent}
          yAxisProps={{ domain: [0, 100] }}
          series={[{ name: "csat", label: "CSAT", color: "indigo.8" }]}
        />
      </ChartFigure>
      <ChartFigure
        title="First-contact resolution"
        summary={say("First-contact resolution", "fcr", percent)}
      >
        <LineChart
          {...LINE_DEFAULTS}
          data={rows}
          valueFormatter={percent}
          yAxisProps={{ domain: [0, 100] }}
          series={[{ name: "fcr", label: "First-contact resolution", color: "grape.9" }]}
        />
      </ChartFigure>
      <ChartFigure
        title="AI response time (ms)"
        summary={[
          say("p50 response time", "p50", formatMs),
          say("p95 response time", "p95", formatMs),
        ].join(" ")}
      >
        <LineChart
          {...LINE_DEFAULTS}
          data={rows}
          withLegend
          valueFormatter={(value) => formatMs(value)}
          yAxisProps={{ width: 80 }}
          series={[
            { name: "p50", label: "p50", color: "indigo.8" },
            { name: "p95", label: "p95", color: "orange.9", strokeDasharray: "6 4" },
          ]}
        />
      </ChartFigure>
    </SimpleGrid>
  );
}
