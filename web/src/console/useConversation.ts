// The open conversation: fetched once, then kept live over the socket (SUBSCRIBE).

import { useCallback, useEffect, useRef, useState } from "react";
import type { Api } from "../shared/api";
import { ApiError } from "../shared/api";
import type { ConversationDetail, Message, ServerEvent } from "../shared/types";
import { errorMessage, useDebounced } from "./hooks";
import { useLiveEvents, type LiveFeed } from "./live";
import { addLiveMessage, mergeMessages, messageFromEvent } from "./messages";
import { conversationDetail } from "./requests";

export interface ConversationState {
  conversation: ConversationDetail | null;
  error: string | null;
  reload: () => Promise<void>;
  /** Put a message the console itself stored (my reply) into the history. */
  addMessage: (message: Message) => void;
  /** Take the conversation's new fields from an action's answer. */
  update: (changes: Partial<ConversationDetail>) => void;
}

/** Events after which the stored copy says more than the event did (details, system notes). */
const REFETCH_ON = new Set<ServerEvent["type"]>([
  "AI_RESPONSE",
  "AGENT_ASSIGNED",
  "CONVERSATION_STATUS",
  "SENTIMENT_UPDATE",
]);

const GONE =
  "This conversation is no longer open to you: another agent may have taken it, " +
  "or it went back to the AI assistant.";

function applyEvent(conversation: ConversationDetail, event: ServerEvent): ConversationDetail {
  const live = messageFromEvent(event);
  if (live) return { ...conversation, messages: addLiveMessage(conversation.messages, live) };
  if (event.type === "CONVERSATION_STATUS") {
    return {
      ...conversation,
      status: event.status,
      priority: event.priority,
      assigned_agent_id: event.assigned_agent_id,
    };
  }
  if (event.type === "SENTIMENT_UPDATE") return { ...conversation, sentiment: event.sentiment };
  return conversation;
}

export function useConversation(
  api: Api,
  feed: LiveFeed | null,
  id: string | null,
): ConversationState {
  const [conversation, setConversation] = useState<ConversationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const openId = useRef(id);
  openId.current = id;

  const reload = useCallback(async () => {
    if (!id) return;
    try {
      const fresh = await conversationDetail(api, id);
      if (openId.current !== id) return; // another conversation was opened meanwhile
      setConversation((current) =>
        current?.conversation_id === fresh.conversation_id
          ? { ...fresh, messages: mergeMessages(current.messages, fresh.messages) }
          : fresh,
      );
      setError(null);
    } catch (caught) {
      if (openId.current !== id) return;
      const gone = caught instanceof ApiError && caught.status === 404;
      setError(gone ? GONE : `The conversation could not be loaded: ${errorMessage(caught)}`);
    }
  }, [api, id]);

  useEffect(() => {
    setConversation(null);
    setError(null);
    void reload();
  }, [reload]);

  useEffect(() => {
    if (!id || !feed) return undefined;
    feed.socket.follow(id);
    return () => feed.socket.unfollow(id);
  }, [id, feed]);

  const reloadSoon = useDebounced(() => void reload(), 250);
  useLiveEvents(
    feed,
    (event) => {
      if (!id || !("conversation_id" in event) || event.conversation_id !== id) return;
      if (event.type === "AI_RESPONSE" && !event.final) return;
      setConversation((current) => (current ? applyEvent(current, event) : current));
      if (REFETCH_ON.has(event.type)) reloadSoon();
    },
    reloadSoon,
  );

  const addMessage = useCallback((message: Message) => {
    setConversation((current) =>
      current ? { ...current, messages: addLiveMessage(current.messages, message) } : current,
    );
  }, []);

  const update = useCallback((changes: Partial<ConversationDetail>) => {
    setConversation((current) =>
      current ? { ...current, ...changes, messages: current.messages } : current,
    );
  }, []);

  return { conversation, error, reload, addMessage, update };
}
