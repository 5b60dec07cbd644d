// The live regions around the conversation. Each stays mounted, empty when there is nothing to
// say, so that screen readers announce what appears in it.
import { Box, Text } from "@mantine/core";
import type { SocketState } from "../shared/socket";
import type { ConversationStatus } from "../shared/types";
import classes from "./widget.module.css";

export interface HandoffStatusProps {
  status: ConversationStatus | null;
  waitMinutes: number | null;
  agentName: string | null;
}

function waitText(minutes: number): string {
  if (minutes < 1) return "Estimated wait: less than a minute";
  return `Estimated wait: about ${minutes} min`;
}

/** Where the handoff to a person stands: queued, joined, or resolved. */
export function HandoffStatus({ status, waitMinutes, agentName }: HandoffStatusProps) {
  const shown = status === "ESCALATED" || status === "ASSIGNED" || status === "RESOLVED";
  return (
    <Box
      role="status"
      bg={shown ? "indigo.0" : undefined}
      className={shown ? classes.padded : undefined}
    >
      {status === "ESCALATED" && (
        <>
          <Text fw={600}>You're in the queue</Text>
          {waitMinutes !== null && <Text size="sm">{waitText(waitMinutes)}</Text>}
        </>
      )}
      {status === "ASSIGNED" && (
        <Text fw={600}>{agentName || "A support agent"} has joined the conversation</Text>
      )}
      {status === "RESOLVED" && <Text fw={600}>This conversation is resolved</Text>}
    </Box>
  );
}

export interface ConnectionBannerProps {
  connection: SocketState | null;
}

export function ConnectionBanner({ connection }: ConnectionBannerProps) {
  const reconnecting = connection === "reconnecting";
  return (
    <Box
      role="status"
      bg={reconnecting ? "yellow.1" : undefined}
      className={reconnecting ? classes.padded : undefined}
    >
      {reconnecting && <Text size="sm">Reconnecting…</Text>}
    </Box>
  );
}

export interface TypingIndicatorProps {
  typing: boolean;
}

export function TypingIndicator({ typing }: TypingIndicatorProps) {
  return (
    <div role="status" className={classes.typing}>
      {typing && (
        <>
          <span className={classes.dots} aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          Assistant is typing
        </>
      )}
    </div>
  );
}
