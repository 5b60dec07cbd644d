// The staff app: sign-in, the agent console and the admin screens, each behind its role.

import { Anchor, AppShell, Button, Group, Text, Title } from "@mantine/core";
import { lazy, Suspense } from "react";
import { Link, Navigate, Route, Routes, useLocation } from "react-router";
import { Session } from "../shared/session";
import type { Role } from "../shared/types";
import { SignIn } from "./SignIn";
import { useSession } from "./useSession";

const session = new Session("supportgraph.staff");
// Each screen loads on first use: agents never download the admin's charts.
const AdminPage = lazy(() => import("../admin/AdminPage").then((m) => ({ default: m.AdminPage })));
const ConsolePage = lazy(() =>
  import("../console/ConsolePage").then((m) => ({ default: m.ConsolePage })),
);

export function home(role: Role | undefined): string {
  if (role === "ADMIN") return "/admin/analytics";
  if (role === "AGENT") return "/console";
  return "/";
}

export function App({ staff = session }: { staff?: Session }) {
  useSession(staff);
  const claims = staff.signedIn ? staff.claims : null;
  const location = useLocation();
  if (!claims) {
    return (
      <Routes>
        <Route path="/" element={<SignIn session={staff} />} />
        <Route path="*" element={<Navigate to="/" replace state={{ from: location.pathname }} />} />
      </Routes>
    );
  }
  const admin = claims.role === "ADMIN";
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <Text fw={700} size="lg">
              supportgraph
            </Text>
            <nav aria-label="Sections">
              <Group gap="md" wrap="nowrap">
                <Anchor component={Link} to="/console">
                  Console
                </Anchor>
                {admin && (
                  <Anchor component={Link} to="/admin/analytics">
                    Admin
                  </Anchor>
                )}
              </Group>
            </nav>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm">
              {claims.sub} · {claims.role.toLowerCase()}
            </Text>
            <Button variant="default" size="xs" onClick={() => staff.signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <Suspense fallback={<Text role="status">Loading…</Text>}>
          <Routes>
            <Route path="/" element={<Navigate to={home(claims.role)} replace />} />
            <Route
              path="/console"
              element={claims.role === "USER" ? <NotForCustomers /> : <ConsolePage session={staff} />}
            />
            <Route
              path="/admin/:section?"
              element={admin ? <AdminPage session={staff} /> : <Navigate to={home(claims.role)} replace />}
            />
            <Route path="*" element={<Navigate to={home(claims.role)} replace />} />
          </Routes>
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}

function NotForCustomers() {
  return (
    <div>
      <Title order={2}>This console is for the support team</Title>
      <Text>
        Customers chat through the widget on the store's site.{" "}
        <Anchor href="/demo.html">Open the demo store</Anchor>.
      </Text>
    </div>
  );
}
