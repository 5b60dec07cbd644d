import type { AgentStatus } from "../../shared/types";

export const STATUS_LABELS: Record<AgentStatus, string> = {
  AVAILABLE: "Available",
  BUSY: "Busy",
  AWAY: "Away",
  OFFLINE: "Offline",
};

export const STATUS_OPTIONS = (Object.keys(STATUS_LABELS) as AgentStatus[]).map((value) => ({
  value,
  label: STATUS_LABELS[value],
}));
