"""Conversation events for live clients, fanned out in process or across servers by Redis.

Every event the WebSocket sends goes through the bus, so a client connected to one server
process sees what another process published: AI_RESPONSE chunks, CUSTOMER_MESSAGE,
AGENT_MESSAGE, CONVERSATION_STATUS, SENTIMENT_UPDATE, AGENT_ASSIGNED, and QUEUE_UPDATED on
the queue's own channel.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

AI_RESPONSE = "AI_RESPONSE"
AGENT_ASSIGNED = "AGENT_ASSIGNED"
AGENT_MESSAGE = "AGENT_MESSAGE"
CUSTOMER_MESSAGE = "CUSTOMER_MESSAGE"
CONVERSATION_STATUS = "CONVERSATION_STATUS"
SENTIMENT_UPDATE = "SENTIMENT_UPDATE"
QUEUE_UPDATED = "QUEUE_UPDATED"
SERVER_EVENTS = (
    AI_RESPONSE,
    AGENT_ASSIGNED,
    AGENT_MESSAGE,
    CUSTOMER_MESSAGE,
    CONVERSATION_STATUS,
    SENTIMENT_UPDATE,
    QUEUE_UPDATED,
)
CHUNK_WORDS = 6
"""Words per AI_RESPONSE chunk of a reply that arrives whole (the embedded responder)."""
_CHUNK = re.compile(r"\S+\s*")
QUEUE_CHANNEL = "__queue__"
"""The bus channel of the human queue: agents and admins follow it for QUEUE_UPDATED."""


def chunks(text: str, words: int = CHUNK_WORDS) -> list[str]:
    """Split a reply into chunks of a few words; joined, they give back the reply exactly."""
    pieces = _CHUNK.findall(text)
    lead = text[: len(text) - len(text.lstrip())]
    out = ["".join(pieces[i : i + words]) for i in range(0, len(pieces), words)] or [""]
    out[0] = lead + out[0]
    return out


class EventBus(Protocol):
    """Publishes a conversation's events to everyone subscribed to it."""

    async def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        """Send one event to the conversation's subscribers."""
        ...

    def subscribe(self, conversation_id: str) -> Any:
        """An async context manager yielding an async iterator of the conversation's events."""
        ...


class InProcessBus:
    """asyncio queues: enough for one server process."""

    def __init__(self) -> None:
        self._queues: defaultdict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)

    async def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        """Queue the event for every subscriber of the conversation."""
        for queue in list(self._queues.get(conversation_id, ())):
            queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self, conversation_id: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        """Receive the conversation's events while the context is open."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._queues[conversation_id].add(queue)

        async def events() -> AsyncIterator[dict[str, Any]]:
            while True:
                yield await queue.get()

        try:
            yield events()
        finally:
            self._queues[conversation_id].discard(queue)
            if not self._queues[conversation_id]:
                del self._queues[conversation_id]


class RedisBus:
    """Redis pub/sub: every server process sees every conversation's events."""

    def __init__(self, url: str) -> None:
        """Connect lazily to Redis.

        Args:
            url: Redis URL, e.g. `redis://127.0.0.1:6379/0`.
        """
        import redis.asyncio as redis

        self._redis = redis.from_url(url)

    @staticmethod
    def channel(conversation_id: str) -> str:
        """The pub/sub channel of one conversation."""
        return f"supportgraph:conversation:{conversation_id}"

    async def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        """Publish the event on the conversation's channel."""
        await self._redis.publish(self.channel(conversation_id), json.dumps(event))

    @asynccontextmanager
    async def subscribe(self, conversation_id: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        """Receive the conversation's events while the context is open."""
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(self.channel(conversation_id))

        async def events() -> AsyncIterator[dict[str, Any]]:
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    yield json.loads(message["data"])

        try:
            yield events()
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()


def build_bus(redis_url: str) -> EventBus:
    """Redis pub/sub when a URL is set, else in-process queues."""
    return RedisBus(redis_url) if redis_url else InProcessBus()
