// Staff sign-in: the development issuer when the server has it on, else the identity
// provider's token pasted in (or handed over by a single sign-on page).

import {
  Alert,
  Anchor,
  Button,
  Container,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from "@mantine/core";
import { type FormEvent, useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { ApiError } from "../shared/api";
import { readClaims, type Session } from "../shared/session";
import type { Role } from "../shared/types";

interface ClientConfig {
  dev_auth: boolean;
  anonymous_chat: boolean;
}

export function SignIn({ session }: { session: Session }) {
  const navigate = useNavigate();
  const [config, setConfig] = useState<ClientConfig | null>(null);
  const [role, setRole] = useState<Role>("AGENT");
  const [userId, setUserId] = useState("");
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    session.api
      .get<ClientConfig>("/api/v1/support/client-config")
      .then(setConfig)
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [session]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      if (config?.dev_auth) {
        await session.devLogin(role, userId.trim());
      } else {
        const claims = readClaims(token.trim());
        if (!claims) throw new Error("That is not a token: paste the whole access token.");
        if (claims.role === "USER") throw new Error("This token is a customer's: use a staff token.");
        session.useToken(token.trim());
      }
      navigate("/", { replace: true });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Container size={420} py={64} component="main">
      <Title order={1} ta="center">
        supportgraph
      </Title>
      <Text ta="center" mb="lg">
        Sign in to the support console
      </Text>
      <Paper withBorder p="lg" radius="md" component="form" onSubmit={submit} aria-label="Sign in">
        <Stack>
          {error && (
            <Alert color="red" role="alert" title="Could not sign in">
              {error}
            </Alert>
          )}
          {config === null && !error && <Text>Loading…</Text>}
          {config?.dev_auth && (
            <>
              <div>
                <Text component="label" id="role-label" size="sm" fw={500}>
                  Role
                </Text>
                <SegmentedControl
                  fullWidth
                  aria-labelledby="role-label"
                  value={role}
                  onChange={(value) => setRole(value as Role)}
                  data={[
                    { label: "Agent", value: "AGENT" },
                    { label: "Admin", value: "ADMIN" },
                  ]}
                />
              </div>
              <TextInput
                label="User ID"
                description="Development sign-in: any id, e.g. agent_maya"
                required
                value={userId}
                onChange={(e) => setUserId(e.currentTarget.value)}
                pattern="[A-Za-z0-9_.@\-]+"
                maxLength={128}
              />
            </>
          )}
          {config && !config.dev_auth && (
            <Textarea
              label="Access token"
              description="Your identity provider's token for this platform"
              required
              autosize
              minRows={3}
              value={token}
              onChange={(e) => setToken(e.currentTarget.value)}
            />
          )}
          <Button type="submit" loading={busy} disabled={config === null}>
            Sign in
          </Button>
          <Text size="sm">
            Customers: <Anchor href="/demo.html">open the demo store</Anchor> and use its chat.
          </Text>
        </Stack>
      </Paper>
    </Container>
  );
}
