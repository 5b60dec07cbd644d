// The customer's sentiment over the conversation, in [-1, 1], from their messages in order.

import type { Message } from "../shared/types";

export interface SentimentPoint {
  turn: number;
  sentiment: number;
}

export function sentimentPoints(messages: Message[]): SentimentPoint[] {
  return messages
    .filter((m) => m.sender === "CUSTOMER" && typeof m.details?.sentiment === "number")
    .map((m, index) => ({ turn: index + 1, sentiment: m.details.sentiment as number }));
}

/** Moves smaller than this read as steady. */
const STEADY = 0.1;

export function formatSentiment(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  // Avoid "-0".
  return (Object.is(rounded, -0) ? 0 : rounded).toFixed(1);
}

export function moodWord(value: number): "negative" | "neutral" | "positive" {
  if (value <= -0.3) return "negative";
  if (value >= 0.3) return "positive";
  return "neutral";
}

export function trendDirection(values: number[]): "rising" | "falling" | "steady" {
  const first = values[0] ?? 0;
  const last = values[values.length - 1] ?? 0;
  if (last - first > STEADY) return "rising";
  if (first - last > STEADY) return "falling";
  return "steady";
}

/** Past this many readings, the text alternative gives only the first and the last. */
const MAX_SPOKEN = 5;

/** The chart's text alternative: "Sentiment trend: -0.2 → -0.6, falling". */
export function describeTrend(points: SentimentPoint[]): string {
  if (points.length === 0) return "No sentiment readings yet.";
  const values = points.map((p) => p.sentiment);
  if (values.length === 1) {
    return `Sentiment: ${formatSentiment(values[0] as number)} (one customer message so far)`;
  }
  const direction = trendDirection(values);
  if (values.length > MAX_SPOKEN) {
    const ends = [values[0] as number, values[values.length - 1] as number].map(formatSentiment);
    const over = `over ${values.length} customer messages`;
    return `Sentiment trend ${over}: ${ends.join(" → ")}, ${direction}`;
  }
  return `Sentiment trend: ${values.map(formatSentiment).join(" → ")}, ${direction}`;
}
