import { Alert, Button, Divider, Loader, Stack, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { errorMessage, type ClientConfig } from "./chatApi";
import classes from "./widget.module.css";

const CUSTOMER_ID = /^[A-Za-z0-9_.@-]+$/;

export type ConfigState =
  | { kind: "loading" }
  | { kind: "error"; message: string }
  | { kind: "ready"; config: ClientConfig };

export interface SignInProps {
  config: ConfigState;
  onRetryConfig: () => void;
  /** The host page allows anonymous chat. */
  guestAllowed: boolean;
  onSignIn: (customerId: string) => Promise<void>;
  onGuest: () => Promise<void>;
  /** Why the customer is here again, e.g. an expired session or a failed guest start. */
  notice: string | null;
}

function DevSignIn({ onSignIn }: Pick<SignInProps, "onSignIn">) {
  const [customerId, setCustomerId] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const id = customerId.trim();
    if (!CUSTOMER_ID.test(id)) {
      setInvalid(id ? "Use letters, digits and . _ @ - only." : "Enter your customer ID.");
      return;
    }
    setInvalid(null);
    setError(null);
    setBusy(true);
    try {
      await onSignIn(id);
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="sm">
        {error && (
          <Alert color="red" title="Sign-in failed">
            {error}
          </Alert>
        )}
        <TextInput
          label="Customer ID"
          size="md"
          autoComplete="username"
          value={customerId}
          error={invalid}
          onChange={(event) => setCustomerId(event.currentTarget.value)}
          data-widget-focus
        />
        <Button type="submit" size="md" loading={busy}>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}

function GuestStart({ onGuest }: Pick<SignInProps, "onGuest">) {
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setBusy(true);
    try {
      await onGuest();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      size="md"
      variant="default"
      loading={busy}
      onClick={() => void start()}
      data-widget-focus
    >
      Chat as guest
    </Button>
  );
}

/** How the customer starts: development sign-in, a guest chat, or a pointer to the site's own. */
export function SignIn(props: SignInProps) {
  const { config, onRetryConfig, guestAllowed, onSignIn, onGuest, notice } = props;
  if (config.kind === "loading") {
    return (
      <Stack className={classes.padded} align="center" role="status">
        <Loader size="sm" aria-hidden="true" />
        <Text>Loading…</Text>
      </Stack>
    );
  }
  if (config.kind === "error") {
    return (
      <Stack className={classes.padded}>
        <Alert color="red" title="Cannot reach support">
          {config.message}
        </Alert>
        <Button variant="default" onClick={onRetryConfig}>
          Try again
        </Button>
      </Stack>
    );
  }
  const { dev_auth: devAuth, anonymous_chat: anonymous } = config.config;
  const guest = anonymous && guestAllowed;
  return (
    <Stack className={classes.padded} gap="md">
      <Title order={2} size="h4">
        Start a chat
      </Title>
      {notice && (
        <Alert color="red">
          <Text size="sm">{notice}</Text>
        </Alert>
      )}
      {devAuth && <DevSignIn onSignIn={onSignIn} />}
      {devAuth && guest && <Divider label="or" labelPosition="center" />}
      {guest && <GuestStart onGuest={onGuest} />}
      {!devAuth && !guest && <Text>Sign in on this site to chat with us.</Text>}
    </Stack>
  );
}
