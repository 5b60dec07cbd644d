// The words a chart stands for, for people who cannot see it: the latest day, the best and worst
// days, and how many days had no figure. Every day's figures are also in the Daily figures table.

export interface Point {
  date: string;
  value: number | null;
}

export function describeSeries(
  name: string,
  points: Point[],
  format: (value: number) => string,
): string {
  const known = points.filter((p): p is { date: string; value: number } => p.value !== null);
  if (known.length === 0) return `${name}: no data in this range.`;
  const latest = known[known.length - 1] as { date: string; value: number };
  let high = latest;
  let low = latest;
  for (const point of known) {
    if (point.value > high.value) high = point;
    if (point.value < low.value) low = point;
  }
  const parts = [`latest ${format(latest.value)} on ${latest.date}`];
  if (known.length > 1) {
    parts.push(
      `highest ${format(high.value)} on ${high.date}`,
      `lowest ${format(low.value)} on ${low.date}`,
    );
  }
  const missing = points.length - known.length;
  if (missing > 0) parts.push(`no data on ${missing} of ${points.length} days`);
  return `${name}: ${parts.join("; ")}.`;
}
