// The states every admin view shares: loading, failed, and nothing to show.

import { Alert, Group, Loader, Text } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { errorMessage } from "./errors";

export function Loading({ label }: { label: string }) {
  return (
    <Group gap="xs" role="status">
      <Loader size="sm" aria-hidden="true" />
      <Text>{label}</Text>
    </Group>
  );
}

interface ErrorNoticeProps {
  title: string;
  error: unknown;
  children?: ReactNode;
}

/** The server's message, announced (Alert has role="alert"). */
export function ErrorNotice({ title, error, children }: ErrorNoticeProps) {
  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlertCircle aria-hidden="true" />}>
      <Text size="sm">{errorMessage(error)}</Text>
      {children}
    </Alert>
  );
}

export function EmptyNote({ children }: { children: ReactNode }) {
  return (
    <Text py="md" fs="italic">
      {children}
    </Text>
  );
}
