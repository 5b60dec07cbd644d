"""HTTP hardening: security headers on every response, and a strict CORS policy.

Every response says `nosniff`, sends no referrer, isolates its window and may not be framed. The
web screens get a Content-Security-Policy that admits only the server's own scripts. The widget's
frame is the one page that may be framed, and only by the configured store origins.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

BASE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), geolocation=(), microphone=(), payment=(), usb=()",
}
HSTS = "max-age=63072000; includeSubDomains"
"""Sent on HTTPS responses only (behind a proxy, run uvicorn with --proxy-headers)."""

# Mantine and the charts set style attributes at run time, hence 'unsafe-inline' for styles
# only; scripts come from the server alone.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-src 'self'; frame-ancestors {ancestors}"
)
WIDGET_PAGE = "widget.html"


def origin(value: str) -> str:
    """`scheme://host[:port]` of a configured origin; ValueError when it is not one."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"not an origin (scheme://host[:port]): {value!r}")
    return f"{parts.scheme}://{parts.netloc}"


def page_policy(path: str, widget_origins: tuple[str, ...]) -> str:
    """The Content-Security-Policy of one of the web screens."""
    if path.rsplit("/", 1)[-1] == WIDGET_PAGE:
        ancestors = " ".join(("'self'", *(origin(o) for o in widget_origins)))
    else:
        ancestors = "'none'"
    return PAGE_POLICY.format(ancestors=ancestors)


class SecurityHeaders:
    """ASGI middleware adding the headers above; a response's own value wins."""

    def __init__(self, app: Any) -> None:
        """Wrap an ASGI app."""
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Add the headers to every HTTP response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                extra = dict(BASE_HEADERS)
                if b"content-security-policy" not in present:
                    extra["X-Frame-Options"] = "DENY"
                if https:
                    extra["Strict-Transport-Security"] = HSTS
                for name, value in extra.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def harden(app: FastAPI, *, cors_origins: tuple[str, ...]) -> None:
    """Add the security headers, and CORS for exactly these origins (none: same origin only).

    Raises:
        ValueError: An origin is `*` or not an origin.
    """
    if "*" in cors_origins:
        raise ValueError("SUPPORTGRAPH_CORS_ORIGINS may not be '*': list the origins")
    allowed = [origin(o) for o in cors_origins]
    if allowed:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=allowed,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=["Retry-After", "X-RateLimit-Limit"],
            allow_credentials=False,
            max_age=600,
        )
    app.add_middleware(SecurityHeaders)
