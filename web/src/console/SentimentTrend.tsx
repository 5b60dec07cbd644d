// The customer's sentiment over the conversation: a small chart, and the same in words.

import { LineChart } from "@mantine/charts";
import { Stack, Text, Title } from "@mantine/core";
import type { Message } from "../shared/types";
import { describeTrend, formatSentiment, moodWord, sentimentPoints } from "./sentiment";

export interface SentimentTrendProps {
  messages: Message[];
  /** The conversation's latest sentiment (SENTIMENT_UPDATE), used before any message has one. */
  current: number;
}

export function SentimentTrend({ messages, current }: SentimentTrendProps) {
  const points = sentimentPoints(messages);
  const latest = points[points.length - 1]?.sentiment ?? current;
  return (
    <Stack gap={4}>
      <Title order={3}>Sentiment</Title>
      <Text fw={600}>
        Latest: {formatSentiment(latest)} ({moodWord(latest)})
      </Text>
      <figure style={{ margin: 0 }}>
        {points.length > 1 && (
          // The chart repeats the caption; screen readers get the caption.
          <div aria-hidden="true">
            <LineChart
              h={110}
              data={points}
              dataKey="turn"
              series={[{ name: "sentiment", color: "indigo.8", label: "Sentiment" }]}
              yAxisProps={{ domain: [-1, 1], ticks: [-1, 0, 1] }}
              withTooltip={false}
              accessibilityLayer={false}
              curveType="linear"
              gridAxis="y"
              referenceLines={[{ y: 0, color: "gray.7" }]}
            />
          </div>
        )}
        <Text component="figcaption" size="sm">
          {describeTrend(points)}
        </Text>
      </figure>
    </Stack>
  );
}
