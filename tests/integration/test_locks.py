"""Turn locks serialise one thread's turns, in process and through Redis."""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

import pytest
import redis

from supportgraph.api.locks import InProcessLocks, RedisLocks

REDIS_URL = os.environ.get("SUPPORTGRAPH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_or_skip() -> str:
    try:
        redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {error}")
    return REDIS_URL


async def overlap_of_two_turns(first: Any, second: Any, thread: str) -> int:
    """Run one 'turn' through each lock holder on one thread; return the most that overlapped."""
    running, peak = 0, 0

    async def one_turn(locks: Any) -> None:
        nonlocal running, peak
        async with locks.hold(thread):
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.05)
            running -= 1

    await asyncio.gather(one_turn(first), one_turn(second))
    return peak


@pytest.mark.asyncio
async def test_that_in_process_locks_run_one_turn_at_a_time() -> None:
    locks = InProcessLocks()
    assert await overlap_of_two_turns(locks, locks, "t") == 1


@pytest.mark.asyncio
async def test_that_redis_locks_run_one_turn_at_a_time_across_clients() -> None:
    url = redis_or_skip()
    thread = f"lock-{uuid.uuid4().hex}"
    first, second = RedisLocks(url), RedisLocks(url)
    peak = await overlap_of_two_turns(first, second, thread)
    await first.aclose()
    await second.aclose()
    assert peak == 1


@pytest.mark.asyncio
async def test_that_a_busy_thread_times_out_with_a_clear_error() -> None:
    url = redis_or_skip()
    thread = f"busy-{uuid.uuid4().hex}"
    holder, waiter = RedisLocks(url), RedisLocks(url, wait=0.1)
    async with holder.hold(thread):
        with pytest.raises(TimeoutError, match="busy"):
            async with waiter.hold(thread):
                pass
    await holder.aclose()
    await waiter.aclose()
