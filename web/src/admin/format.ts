// How the admin screens write numbers. A missing figure (the API's null) is always an em dash,
// so "no data" never reads as a zero.

export const NO_DATA = "—";

const whole = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

function known(value: number | null | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** A rate in [0, 1] as a whole percentage: 0.4199 -> "42%". */
export function formatPercent(rate: number | null | undefined): string {
  return known(rate) ? `${whole.format(rate * 100)}%` : NO_DATA;
}

/** A duration in milliseconds: 850.4 -> "850 ms". */
export function formatMs(ms: number | null | undefined): string {
  return known(ms) ? `${whole.format(ms)} ms` : NO_DATA;
}

/** A count: 1204 -> "1,204". */
export function formatCount(count: number | null | undefined): string {
  return known(count) ? whole.format(count) : NO_DATA;
}

/** A mean rating out of five: 4.25 -> "4.3 / 5". */
export function formatRating(rating: number | null | undefined): string {
  return known(rating) ? `${oneDecimal.format(rating)} / 5` : NO_DATA;
}

/** A rate as a chart value (0-100), keeping null so the chart shows a gap. */
export function toPercentPoint(rate: number | null | undefined): number | null {
  return known(rate) ? Math.round(rate * 1000) / 10 : null;
}
