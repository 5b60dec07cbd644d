"""Per-role rate limits (the `limits` library, on Redis or in memory) and a request-size cap."""

from __future__ import annotations

import json
import math
import time
from typing import Any

from fastapi import HTTPException, Response
from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from supportgraph.api.auth import Principal, Role

PER_MINUTE = {Role.USER: 100, Role.AGENT: 500, Role.ADMIN: 1000}
"""Requests per minute by role; anonymous callers count as customers."""


class RateLimits:
    """A moving one-minute window per caller: 100 for customers, 500 agents, 1000 admins."""

    def __init__(self, redis_url: str = "", per_minute: dict[Role, int] | None = None) -> None:
        """Count in Redis when a URL is set (shared by every server process), else in memory.

        Args:
            redis_url: Redis URL, e.g. `redis://127.0.0.1:6379/0`.
            per_minute: Overrides of the per-role limits.
        """
        storage: Storage = (
            RedisStorage(redis_url, implementation="redispy", key_prefix="supportgraph-rl")
            if redis_url
            else MemoryStorage()
        )
        self._limiter = MovingWindowRateLimiter(storage)
        self._items = {
            role: RateLimitItemPerMinute(n) for role, n in (per_minute or PER_MINUTE).items()
        }

    async def check(self, principal: Principal | None, client: str) -> tuple[int, int | None]:
        """Count one call.

        Returns:
            The caller's limit per minute, and the seconds until they may call again when
            they are over it (None while they are within it).
        """
        role = principal.role if principal and principal.role else Role.USER
        key = f"{role.value}:{principal.subject}" if principal else f"ip:{client}"
        item = self._items[role]
        if await self._limiter.hit(item, key):
            return item.amount, None
        stats = await self._limiter.get_window_stats(item, key)
        return item.amount, max(1, math.ceil(stats.reset_time - time.time()))

    async def hit(self, principal: Principal | None, client: str, response: Response) -> None:
        """Count one request; raise 429 with Retry-After when the caller is over the limit."""
        limit, retry = await self.check(principal, client)
        if retry is not None:
            raise HTTPException(
                429,
                {"code": "rate_limited", "message": f"over {limit} requests a minute"},
                headers={"Retry-After": str(retry)},
            )
        response.headers["X-RateLimit-Limit"] = str(limit)


class BodySizeLimit:
    """ASGI middleware: refuse a request body over `max_bytes` with 413, before it is read."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        """Wrap an ASGI app.

        Args:
            app: The app.
            max_bytes: Largest body accepted.
        """
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Pass the request on, counting its body as it arrives."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(send, self.max_bytes)
            return
        seen = 0
        started = False

        async def counted_receive() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracked_send(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _BodyTooLarge:
            if not started:
                await _too_large(send, self.max_bytes)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Any, max_bytes: int) -> None:
    body = json.dumps(
        {"detail": {"code": "payload_too_large", "message": f"request body over {max_bytes} bytes"}}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})
