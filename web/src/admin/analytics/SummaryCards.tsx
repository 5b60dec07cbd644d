// The range's headline figures, one card each, as a description list.

import { Paper, SimpleGrid, Text } from "@mantine/core";
import { formatCount, formatMs, formatPercent, formatRating, NO_DATA } from "../format";
import type { Reports } from "./reports";

interface Figure {
  label: string;
  value: string;
  hint: string;
}

export function figuresOf({ performance: p, feedback }: Reports): Figure[] {
  return [
    {
      label: "Conversations",
      value: formatCount(p.total_conversations),
      hint: "Opened in the range",
    },
    {
      label: "Automation rate",
      value: formatPercent(p.automation_rate),
      hint: "Resolved by the AI alone",
    },
    { label: "Escalation rate", value: formatPercent(p.escalation_rate), hint: "Sent to a person" },
    { label: "CSAT", value: formatPercent(p.csat_score), hint: "Ratings of 4 or 5" },
    {
      label: "First-contact resolution",
      value: formatPercent(p.first_contact_resolution_rate),
      hint: "Resolved with no escalation or follow-up",
    },
    {
      label: "Response time p50",
      value: formatMs(p.p50_response_time_ms),
      hint: "Half of AI answers were faster",
    },
    {
      label: "Response time p95",
      value: formatMs(p.p95_response_time_ms),
      hint: "95% of AI answers were faster",
    },
    {
      label: "Average rating",
      value: formatRating(feedback.average_rating),
      hint: `From ${formatCount(feedback.rated_feedback)} ${
        feedback.rated_feedback === 1 ? "rating" : "ratings"
      }`,
    },
  ];
}

export function SummaryCards({ reports }: { reports: Reports }) {
  return (
    <SimpleGrid component="dl" cols={{ base: 1, xs: 2, md: 4 }} m={0}>
      {figuresOf(reports).map((figure) => (
        <Paper key={figure.label} withBorder p="md">
          <Text component="dt" fw={600}>
            {figure.label}
          </Text>
          <Text component="dd" m={0} fz="xl" fw={700}>
            {figure.value}
          </Text>
          <Text component="dd" m={0} size="sm" c="dimmed">
            {figure.value === NO_DATA ? "No data" : figure.hint}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
