"""Erasing a customer's events from the Redis stream the outbox relay publishes to."""

from __future__ import annotations

from collections.abc import Collection

PAGE = 500
"""Stream entries read per XRANGE call."""


async def erase_stream_entries(url: str, stream: str, conversation_ids: Collection[str]) -> int:
    """Delete the stream entries of these conversations; how many were deleted.

    Consumers that already read an entry keep their copy: the stream only stops serving it.

    Args:
        url: The Redis URL (`Settings.redis_url`).
        stream: The stream's key (`Settings.events_stream`).
        conversation_ids: The conversations whose events go.
    """
    import redis.asyncio as redis

    wanted = {cid.encode() for cid in conversation_ids}
    if not wanted:
        return 0
    client = redis.from_url(url)
    removed, start = 0, "-"
    try:
        while True:
            entries = await client.xrange(stream, min=start, max="+", count=PAGE)
            doomed = [key for key, fields in entries if fields.get(b"conversation_id") in wanted]
            if doomed:
                removed += int(await client.xdel(stream, *doomed))
            if len(entries) < PAGE:
                return removed
            start = "(" + entries[-1][0].decode()  # exclusive: after the last entry read
    finally:
        await client.aclose()
