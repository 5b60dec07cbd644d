// The analytics API's two reports, fetched together for one range of days.

import { type Api, query } from "../../shared/api";
import type { PerformanceReport } from "../../shared/types";
import type { DayRange } from "../dates";

/** The part of GET /analytics/feedback these screens show (shared/types.ts has no type for it). */
export interface FeedbackSummary {
  start_date: string;
  end_date: string;
  total_feedback: number;
  rated_feedback: number;
  average_rating: number | null;
}

export interface Reports {
  performance: PerformanceReport;
  feedback: FeedbackSummary;
}

const BASE = "/api/v1/support/analytics";

export async function loadReports(api: Api, range: DayRange): Promise<Reports> {
  const params = query({ start_date: range.from, end_date: range.to });
  const [performance, feedback] = await Promise.all([
    api.get<PerformanceReport>(`${BASE}/performance${params}`),
    api.get<FeedbackSummary>(`${BASE}/feedback${params}`),
  ]);
  return { performance, feedback };
}
