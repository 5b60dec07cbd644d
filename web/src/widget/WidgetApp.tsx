import { ActionIcon, Title } from "@mantine/core";
import { IconX } from "@tabler/icons-react";
import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import type { Session } from "../shared/session";
import { clientConfig, errorMessage, remembered, startGuestConversation } from "./chatApi";
import { ChatView } from "./ChatView";
import type { HostLink } from "./host";
import { type ConfigState, SignIn } from "./SignIn";
import classes from "./widget.module.css";

export interface WidgetAppProps {
  session: Session;
  host: HostLink;
  /** Builds the WebSocket (tests give a fake). */
  createWebSocket?: (url: string) => WebSocket;
}

const EXPIRED = "Your session has expired. Sign in again to continue.";

/** The conversation an anonymous (guest) token is bound to, if the session holds one. */
function guestConversation(session: Session): string | null {
  const claims = session.claims;
  return claims?.typ === "conversation" && typeof claims.cid === "string" ? claims.cid : null;
}

function focusFirstControl(): void {
  document.querySelector<HTMLElement>("[data-widget-focus]")?.focus();
}

/** The widget in its frame: who the customer is, then their conversation. */
export function WidgetApp({ session, host, createWebSocket }: WidgetAppProps) {
  const subscribeSession = useCallback(
    (onChange: () => void) => session.subscribe(() => onChange()),
    [session],
  );
  const token = useSyncExternalStore(subscribeSession, () => session.token);
  const subscribeHost = useCallback((onChange: () => void) => host.subscribe(onChange), [host]);
  const settings = useSyncExternalStore(subscribeHost, host.settings);

  const [config, setConfig] = useState<ConfigState>({ kind: "loading" });
  const [conversationId, setConversationId] = useState(
    () => guestConversation(session) ?? remembered.conversation(),
  );
  const [chatKey, setChatKey] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);

  const choose = useCallback((id: string | null) => {
    remembered.setConversation(id);
    setConversationId(id);
  }, []);
  /** Show a different conversation (or none yet) from a clean slate. */
  const restart = useCallback(
    (id: string | null) => {
      choose(id);
      setChatKey((key) => key + 1);
    },
    [choose],
  );

  const loadConfig = useCallback(() => {
    setConfig({ kind: "loading" });
    clientConfig().then(
      (value) => setConfig({ kind: "ready", config: value }),
      (error: unknown) => setConfig({ kind: "error", message: errorMessage(error) }),
    );
  }, []);
  useEffect(() => loadConfig(), [loadConfig]);

  useEffect(() => {
    if (session.token && !session.signedIn) {
      session.signOut();
      restart(null);
      setNotice(EXPIRED);
    }
  }, [session, restart]);

  // A token from the host page signs the customer in; a different customer starts afresh.
  useEffect(() => {
    const apply = () => {
      const next = host.token();
      if (!next || next === session.token) return;
      const before = session.claims?.sub;
      session.useToken(next);
      if (session.claims?.sub !== before) restart(null);
      setNotice(null);
    };
    apply();
    return host.subscribe((change) => {
      if (change === "token") apply();
      if (change === "open") focusFirstControl();
    });
  }, [host, session, restart]);

  // Focus is inside the frame while the chat is open, so the frame handles Escape itself.
  useEffect(() => {
    if (!host.embedded) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") host.close();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [host]);

  const signIn = async (customerId: string) => {
    await session.devLogin("USER", customerId);
    setNotice(null);
    restart(null);
  };

  const startGuest = async () => {
    try {
      const started = await startGuestConversation({ subject: settings.subject });
      if (!started.conversation_token) throw new Error("no conversation token");
      session.useToken(started.conversation_token);
      setNotice(null);
      restart(started.conversation_id);
    } catch (error) {
      session.signOut();
      restart(null);
      setNotice(`Could not start a chat: ${errorMessage(error)}`);
    }
  };

  const signInAgain = () => {
    session.signOut();
    restart(null);
    setNotice(EXPIRED);
  };

  const startNew = () => {
    if (guestConversation(session)) void startGuest();
    else restart(null);
  };

  const signedIn = token !== null && session.signedIn;
  return (
    <div className={classes.app}>
      <header className={classes.header}>
        <Title order={1} size="h3">
          Support
        </Title>
        {host.embedded && (
          <ActionIcon
            variant="subtle"
            color="dark"
            size={40}
            aria-label="Close chat"
            onClick={host.close}
          >
            <IconX size={22} aria-hidden="true" />
          </ActionIcon>
        )}
      </header>
      <main className={classes.body}>
        {signedIn ? (
          <ChatView
            key={chatKey}
            session={session}
            conversationId={conversationId}
            onConversation={choose}
            subject={settings.subject}
            onSignInAgain={signInAgain}
            onStartNew={startNew}
            createWebSocket={createWebSocket}
          />
        ) : (
          <SignIn
            config={config}
            onRetryConfig={loadConfig}
            guestAllowed={settings.anonymous}
            onSignIn={signIn}
            onGuest={startGuest}
            notice={notice}
          />
        )}
      </main>
    </div>
  );
}
