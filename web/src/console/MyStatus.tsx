// My availability and load. Agents only: an admin has no agent profile to set.

import { Alert, Group, NativeSelect, Stack, Text, Title, VisuallyHidden } from "@mantine/core";
import { useEffect, useState } from "react";
import type { Api } from "../shared/api";
import { ApiError } from "../shared/api";
import type { AgentStatus, Role, SupportAgent } from "../shared/types";
import { errorMessage, useAction } from "./hooks";
import { myProfile, setMyStatus } from "./requests";

const STATUSES: { value: AgentStatus; label: string }[] = [
  { value: "AVAILABLE", label: "Available" },
  { value: "BUSY", label: "Busy" },
  { value: "AWAY", label: "Away" },
  { value: "OFFLINE", label: "Offline" },
];

export interface MyStatusProps {
  api: Api;
  role: Role;
  /** Changes when the queue reloads, so my load follows what I take and resolve. */
  revision: number;
}

type Profile =
  | { kind: "loading" }
  | { kind: "ready"; agent: SupportAgent }
  | { kind: "none"; message: string }
  | { kind: "error"; message: string };

const NO_PROFILE =
  "You do not have an agent profile yet, so conversations cannot be given to you. " +
  "Ask an admin to add you as an agent.";
const ADMIN_NOTE =
  "Status and load are for support agents. As an admin you can watch the queue, open any " +
  "conversation and assign waiting ones to an available agent.";

function explain(error: unknown): Profile {
  if (error instanceof ApiError && error.status === 404) {
    return { kind: "none", message: NO_PROFILE };
  }
  return { kind: "error", message: `Your status could not be loaded: ${errorMessage(error)}` };
}

export function MyStatus({ api, role, revision }: MyStatusProps) {
  const [profile, setProfile] = useState<Profile>({ kind: "loading" });
  const action = useAction();

  useEffect(() => {
    if (role === "ADMIN") {
      setProfile({ kind: "none", message: ADMIN_NOTE });
      return undefined;
    }
    let current = true;
    myProfile(api).then(
      (agent) => current && setProfile({ kind: "ready", agent }),
      (error: unknown) => current && setProfile(explain(error)),
    );
    return () => {
      current = false;
    };
  }, [api, role, revision]);

  const change = async (status: AgentStatus) => {
    const agent = await action.run("Your status was not changed", () => setMyStatus(api, status));
    if (agent) setProfile({ kind: "ready", agent });
  };

  return (
    <Stack component="section" aria-labelledby="console-status-heading" gap="xs">
      <VisuallyHidden>
        <Title order={2} id="console-status-heading">
          My availability
        </Title>
      </VisuallyHidden>
      {profile.kind === "loading" && <Text>Loading your status…</Text>}
      {profile.kind === "none" && <Text>{profile.message}</Text>}
      {profile.kind === "error" && <Alert color="red">{profile.message}</Alert>}
      {profile.kind === "ready" && (
        <Group align="flex-end" gap="md">
          <NativeSelect
            label="My status"
            data={STATUSES}
            value={profile.agent.status}
            disabled={action.busy}
            onChange={(event) => void change(event.currentTarget.value as AgentStatus)}
          />
          <Text>
            {`${profile.agent.current_load} of ${profile.agent.max_concurrent} conversations`}
          </Text>
        </Group>
      )}
      {action.error && <Alert color="red">{action.error}</Alert>}
    </Stack>
  );
}
