"""Per-thread turn locks: one turn at a time per conversation, across server workers."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol


class ThreadLocks(Protocol):
    """Serialises turns of one conversation."""

    def hold(self, thread_id: str) -> Any:
        """An async context manager held for the whole turn."""
        ...


class InProcessLocks:
    """asyncio locks: enough for one server process."""

    def __init__(self) -> None:
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    @asynccontextmanager
    async def hold(self, thread_id: str) -> AsyncIterator[None]:
        """Hold the thread's lock."""
        async with self._locks[thread_id]:
            yield


class RedisLocks:
    """Redis locks, so several workers or hosts never run two turns of a thread at once."""

    def __init__(self, url: str, *, timeout: float = 120.0, wait: float = 60.0) -> None:
        """Connect lazily to Redis.

        Args:
            url: Redis URL, e.g. `redis://127.0.0.1:6379/0`.
            timeout: Seconds after which a lock held by a crashed worker expires.
            wait: Seconds a turn waits for the lock before failing.
        """
        import redis.asyncio as redis

        self._redis = redis.from_url(url)
        self._timeout, self._wait = timeout, wait

    @asynccontextmanager
    async def hold(self, thread_id: str) -> AsyncIterator[None]:
        """Hold the thread's lock."""
        lock = self._redis.lock(
            f"supportgraph:turn:{thread_id}", timeout=self._timeout, blocking_timeout=self._wait
        )
        if not await lock.acquire():
            raise TimeoutError(f"thread {thread_id} is busy with another turn")
        try:
            yield
        finally:
            await lock.release()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()


def build_locks(redis_url: str) -> ThreadLocks:
    """Redis locks when a URL is set, else in-process locks."""
    return RedisLocks(redis_url) if redis_url else InProcessLocks()


def build_removal_locks(redis_url: str) -> ThreadLocks:
    """Locks for erasures and the retention purge, which may hold one for many minutes."""
    return RedisLocks(redis_url, timeout=1800.0, wait=300.0) if redis_url else InProcessLocks()
