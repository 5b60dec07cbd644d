// Right column: who the customer is and what they ordered, read only.

import { Alert, Group, Loader, Stack, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import type { Api } from "../shared/api";
import { ApiError } from "../shared/api";
import type { CustomerProfile } from "../shared/types";
import { addressLines, paymentLabel } from "./customer";
import { errorMessage } from "./hooks";
import { OrderList } from "./OrderList";
import { customerOf } from "./requests";

export interface CustomerPanelProps {
  api: Api;
  conversationId: string | null;
  /** The conversation's customer id; a change (the customer identified) fetches again. */
  customerId: string | null;
}

type Loaded =
  | { kind: "loading" }
  | { kind: "unknown" }
  | { kind: "error"; message: string }
  | { kind: "ready"; profile: CustomerProfile };

function useCustomer(api: Api, conversationId: string | null, customerId: string | null): Loaded {
  const [state, setState] = useState<Loaded>({ kind: "loading" });
  useEffect(() => {
    if (!conversationId) return undefined;
    let current = true;
    setState({ kind: "loading" });
    customerOf(api, conversationId).then(
      (profile) => current && setState({ kind: "ready", profile }),
      (error: unknown) => {
        if (!current) return;
        if (error instanceof ApiError && error.status === 404) setState({ kind: "unknown" });
        else setState({ kind: "error", message: errorMessage(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [api, conversationId, customerId]);
  return state;
}

function Profile({ profile }: { profile: CustomerProfile }) {
  const methods = Object.values(profile.payment_methods ?? {});
  return (
    <Stack gap="sm">
      <dl style={{ margin: 0 }}>
        <Text component="dt" fw={700}>
          Name
        </Text>
        <Text component="dd" ml={0} mb="xs">
          {`${profile.name.first_name} ${profile.name.last_name}`}
        </Text>
        <Text component="dt" fw={700}>
          Email
        </Text>
        <Text component="dd" ml={0} mb="xs">
          {profile.email}
        </Text>
        <Text component="dt" fw={700}>
          Address
        </Text>
        <Text component="dd" ml={0} mb="xs">
          {addressLines(profile.address ?? {}).map((line) => (
            <span key={line} style={{ display: "block" }}>
              {line}
            </span>
          ))}
        </Text>
        <Text component="dt" fw={700}>
          Customer ID
        </Text>
        <Text component="dd" ml={0} mb="xs">
          {profile.user_id}
        </Text>
      </dl>
      <Title order={3}>Payment methods</Title>
      {methods.length === 0 ? (
        <Text>No payment methods on file.</Text>
      ) : (
        <ul style={{ margin: 0 }}>
          {methods.map((method, index) => (
            <li key={typeof method.id === "string" ? method.id : index}>{paymentLabel(method)}</li>
          ))}
        </ul>
      )}
      <OrderList orders={profile.orders ?? []} />
    </Stack>
  );
}

export function CustomerPanel({ api, conversationId, customerId }: CustomerPanelProps) {
  const state = useCustomer(api, conversationId, customerId);
  return (
    <Stack component="section" aria-labelledby="console-customer-heading" gap="sm">
      <Title order={2} id="console-customer-heading">
        Customer
      </Title>
      {!conversationId ? (
        <Text>Open a conversation to see its customer.</Text>
      ) : state.kind === "loading" ? (
        <Group gap="xs">
          <Loader size="sm" aria-hidden />
          <Text>Loading the customer…</Text>
        </Group>
      ) : state.kind === "unknown" ? (
        <Text>The customer has not been identified yet.</Text>
      ) : state.kind === "error" ? (
        <Alert color="red" title="Customer unavailable">
          {`The customer could not be loaded: ${state.message}`}
        </Alert>
      ) : (
        <Profile profile={state.profile} />
      )}
    </Stack>
  );
}
