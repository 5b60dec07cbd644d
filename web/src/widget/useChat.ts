// One conversation, live: its history over REST, its events over the WebSocket, and the
// customer's actions (send, retry, escalate, feedback). Sends go over REST, which is reliable and
// reports errors; the socket streams the answer as it is written.

import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { ApiError } from "../shared/api";
import type { Session } from "../shared/session";
import { SupportSocket, type SocketState } from "../shared/socket";
import type { ServerEvent } from "../shared/types";
import {
  errorMessage,
  escalate as escalateCall,
  type FeedbackBody,
  isExpired,
  loadConversation,
  sendFeedback,
  sendMessage,
  startConversation,
} from "./chatApi";
import { chatReducer, initialChat, type ChatState } from "./chatState";

export interface Notice {
  message: string;
  /** The server could not be reached: offer to try again. */
  unreachable: boolean;
}

export interface ChatOptions {
  session: Session;
  conversationId: string | null;
  /** A conversation was started here, or the remembered one is gone (null). */
  onConversation: (id: string | null) => void;
  subject: string;
  /** Builds the WebSocket (tests give a fake). */
  createWebSocket?: (url: string) => WebSocket;
}

export interface Chat {
  state: ChatState;
  loading: boolean;
  connection: SocketState | null;
  notice: Notice | null;
  expired: boolean;
  escalating: boolean;
  send: (text: string) => void;
  retry: (key: string) => void;
  escalate: () => Promise<void>;
  feedback: (body: FeedbackBody) => Promise<void>;
  reload: () => Promise<void>;
  dismiss: () => void;
}

let localCount = 0;
function localKey(): string {
  localCount += 1;
  return `local_${Date.now().toString(36)}_${localCount}`;
}

export function useChat(options: ChatOptions): Chat {
  const { session, conversationId, subject, createWebSocket } = options;
  const [state, dispatch] = useReducer(chatReducer, initialChat);
  const [loading, setLoading] = useState(conversationId !== null);
  const [connection, setConnection] = useState<SocketState | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [expired, setExpired] = useState(false);
  const [escalating, setEscalating] = useState(false);

  const stateRef = useRef(state);
  stateRef.current = state;
  const idRef = useRef(conversationId);
  idRef.current = conversationId;
  const onConversation = useRef(options.onConversation);
  onConversation.current = options.onConversation;
  const creating = useRef<Promise<string> | null>(null);

  const fail = useCallback((error: unknown) => {
    if (isExpired(error)) setExpired(true);
    else
      setNotice({
        message: errorMessage(error),
        unreachable: error instanceof ApiError && error.status === 0,
      });
  }, []);

  const reload = useCallback(async () => {
    const id = idRef.current;
    if (!id) return;
    try {
      const detail = await loadConversation(session.api, id);
      dispatch({ type: "history", conversation: detail });
      setNotice(null);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) onConversation.current(null);
      else fail(error);
    } finally {
      setLoading(false);
    }
  }, [session, fail]);

  // The remembered conversation's history, once, when the chat opens.
  useEffect(() => {
    if (idRef.current) void reload();
  }, [reload]);

  useEffect(() => {
    if (!conversationId) return;
    let live = true;
    const socket = new SupportSocket({
      token: () => session.token,
      create: createWebSocket,
      onEvent: (event: ServerEvent) => {
        if (!live) return;
        if ("conversation_id" in event && event.conversation_id !== conversationId) return;
        if (event.type === "ERROR") setNotice({ message: event.message, unreachable: false });
        else dispatch({ type: "event", event });
      },
      onState: (next) => {
        if (!live) return;
        setConnection(next);
        if (next === "unauthorized") setExpired(true);
      },
      onReconnect: () => void reload(),
    });
    socket.connect();
    socket.follow(conversationId);
    return () => {
      live = false;
      socket.close();
    };
  }, [conversationId, session, createWebSocket, reload]);

  const ensureConversation = useCallback((): Promise<string> => {
    if (idRef.current) return Promise.resolve(idRef.current);
    creating.current ??= startConversation(session.api, { subject })
      .then((conversation) => {
        idRef.current = conversation.conversation_id;
        onConversation.current(conversation.conversation_id);
        return conversation.conversation_id;
      })
      .finally(() => {
        creating.current = null;
      });
    return creating.current;
  }, [session, subject]);

  const deliver = useCallback(
    async (key: string, text: string) => {
      try {
        const id = await ensureConversation();
        const reply = await sendMessage(session.api, id, text);
        dispatch({ type: "sent", key, reply });
      } catch (error) {
        const stored = stateRef.current.messages.find((m) => m.key === key)?.id;
        dispatch({ type: "failed", key, error: errorMessage(error) });
        if (isExpired(error)) setExpired(true);
        else if (stored) fail(error);
        // A resolved conversation refuses messages: show where it stands now.
        if (error instanceof ApiError && error.status === 409) void reload();
      }
    },
    [ensureConversation, session, fail, reload],
  );

  const send = useCallback(
    (text: string) => {
      const key = localKey();
      dispatch({ type: "typed", key, content: text });
      void deliver(key, text);
    },
    [deliver],
  );

  const retry = useCallback(
    (key: string) => {
      const message = stateRef.current.messages.find((m) => m.key === key);
      if (!message || message.delivery !== "failed") return;
      dispatch({ type: "sending", key });
      void deliver(key, message.content);
    },
    [deliver],
  );

  const escalate = useCallback(async () => {
    setEscalating(true);
    try {
      const id = await ensureConversation();
      const reply = await escalateCall(session.api, id);
      dispatch({ type: "escalated", reply });
    } catch (error) {
      fail(error);
    } finally {
      setEscalating(false);
    }
  }, [ensureConversation, session, fail]);

  const feedback = useCallback(
    async (body: FeedbackBody) => {
      const id = idRef.current;
      if (!id) return;
      try {
        await sendFeedback(session.api, id, body);
      } catch (error) {
        if (isExpired(error)) setExpired(true);
        throw error;
      }
    },
    [session],
  );

  const dismiss = useCallback(() => setNotice(null), []);

  return {
    state,
    loading,
    connection,
    notice,
    expired,
    escalating,
    send,
    retry,
    escalate,
    feedback,
    reload,
    dismiss,
  };
}
