import { Text } from "@mantine/core";
import { useId } from "react";
import type { Citation } from "../shared/types";
import classes from "./widget.module.css";

// Short, customer-facing names for where a tool answer came from.
const TOOL_NOTES: Record<string, string> = {
  get_order_details: "From your order records",
  get_user_details: "From your account details",
  get_product_details: "From our product catalog",
  list_all_product_types: "From our product catalog",
};
const DEFAULT_TOOL_NOTE = "From our records";

export interface SourcesProps {
  citations: Citation[];
}

/** The knowledge-base entries an answer cites, and a short note for tool lookups. */
export function Sources({ citations }: SourcesProps) {
  const headingId = useId();
  const entries = new Map<string, string>();
  for (const c of citations) {
    if (c.source !== "kb") continue;
    const label = c.title || c.ref;
    if (label) entries.set(c.ref ?? label, label);
  }
  const notes = new Set(
    citations
      .filter((c) => c.source === "tool")
      .map((c) => (c.tool && TOOL_NOTES[c.tool]) || DEFAULT_TOOL_NOTE),
  );
  if (entries.size === 0 && notes.size === 0) return null;
  return (
    <div className={classes.meta}>
      {entries.size > 0 && (
        <>
          <Text id={headingId} size="sm" fw={600}>
            Sources
          </Text>
          <ul className={classes.sources} aria-labelledby={headingId}>
            {[...entries].map(([ref, label]) => (
              <li key={ref}>{label}</li>
            ))}
          </ul>
        </>
      )}
      {[...notes].map((note) => (
        <Text key={note} size="sm" c="dimmed">
          {note}
        </Text>
      ))}
    </div>
  );
}
