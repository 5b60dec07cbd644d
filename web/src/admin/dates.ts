// Report ranges are whole UTC days, written YYYY-MM-DD, as the analytics API takes them.

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The longest range the analytics API reports on, both ends included. */
export const MAX_RANGE_DAYS = 366;

export interface DayRange {
  from: string;
  to: string;
}

/** The UTC calendar day of an instant: 2026-12-03T23:30:00-05:00 -> "2026-12-04". */
export function isoDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** The `days` days ending today (UTC), today included. */
export function defaultRange(now: Date = new Date(), days = 14): DayRange {
  return { from: isoDay(new Date(now.getTime() - (days - 1) * DAY_MS)), to: isoDay(now) };
}

function parseDay(value: string): number | null {
  if (!ISO_DAY.test(value)) return null;
  const time = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(time) || isoDay(new Date(time)) !== value ? null : time;
}

export interface RangeProblem {
  field: keyof DayRange;
  message: string;
}

/** Why a range cannot be reported on, and which end to fix; null when it can. */
export function rangeProblem(range: DayRange, now: Date = new Date()): RangeProblem | null {
  const from = parseDay(range.from);
  const to = parseDay(range.to);
  if (from === null) return { field: "from", message: "Enter the first day as a date." };
  if (to === null) return { field: "to", message: "Enter the last day as a date." };
  if (range.from > isoDay(now)) {
    return { field: "from", message: "The first day is in the future." };
  }
  if (to < from) return { field: "to", message: "The last day is before the first day." };
  const span = (to - from) / DAY_MS + 1;
  if (span > MAX_RANGE_DAYS) {
    const message = `Choose at most ${MAX_RANGE_DAYS} days; this range has ${span}.`;
    return { field: "from", message };
  }
  return null;
}
