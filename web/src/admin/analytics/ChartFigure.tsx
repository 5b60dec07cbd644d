// A chart with its heading and its text alternative. The drawing itself is hidden from
// assistive technology: the sentence beneath and the Daily figures table carry its content.

import { Box, Paper, Text, Title } from "@mantine/core";
import { useId, type ReactNode } from "react";

interface ChartFigureProps {
  title: string;
  /** What the chart shows, in words. */
  summary: string;
  children: ReactNode;
}

export function ChartFigure({ title, summary, children }: ChartFigureProps) {
  const id = useId();
  return (
    <Paper
      component="figure"
      withBorder
      p="md"
      m={0}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-summary`}
    >
      <Title order={3} size="h4" id={`${id}-title`}>
        {title}
      </Title>
      <Box aria-hidden="true" mt="sm">
        {children}
      </Box>
      <Text component="figcaption" id={`${id}-summary`} size="sm" mt="sm">
        {summary}
      </Text>
    </Paper>
  );
}
