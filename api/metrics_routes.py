"""`GET /metrics`: the Prometheus scrape, open or behind `SUPPORTGRAPH_METRICS_TOKEN`."""

from __future__ import annotations

import asyncio
import hmac

from fastapi import APIRouter, HTTPException, Request, Response

from supportgraph.api.auth import AuthError, bearer
from supportgraph.api.metrics import CONTENT_TYPE, Metrics


def build_metrics_router(metrics: Metrics, *, token: str = "") -> APIRouter:
    """The scrape route of these metrics.

    The metrics hold no customer data, but a scrape endpoint is internal: with `token` set a
    scrape must send `Authorization: Bearer <token>`; without it, restrict `/metrics` at the
    ingress.
    """
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def scrape(request: Request) -> Response:
        if token:
            try:
                sent = bearer(request.headers.get("authorization")) or ""
            except AuthError:
                sent = ""
            if not hmac.compare_digest(sent.encode(), token.encode()):
                raise HTTPException(
                    401,
                    {"code": "invalid_token", "message": "send the metrics bearer token"},
                    headers={"WWW-Authenticate": "Bearer"},
                )
        # The queue and CSAT figures are database queries: off the event loop.
        body = await asyncio.to_thread(metrics.render)
        return Response(body, media_type=CONTENT_TYPE)

    return router
