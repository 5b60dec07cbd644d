"""HTTP hardening: security headers, a strict CORS policy, the screens' CSP, and the
WebSocket held to the caller's rate limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from supportgraph.api.auth import Role
from supportgraph.api.hardening import harden, origin, page_policy
from supportgraph.api.limits import PER_MINUTE
from supportgraph.api.web import web_app
from supportgraph.tests.integration.test_conversations_api import USER, client_for, login
from supportgraph.tests.integration.test_handoff import READINGS

SHOP = "https://shop.example"
WS = "/api/v1/support/ws"


def test_every_response_carries_the_security_headers(commerce: Any, tmp_path: Path) -> None:
    with client_for(commerce, tmp_path, READINGS) as client:
        for response in (client.get("/health"), client.get("/api/v1/support/nothing")):
            headers = response.headers
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "no-referrer"
            assert headers["x-frame-options"] == "DENY"
            assert "camera=()" in headers["permissions-policy"]
            assert "strict-transport-security" not in headers  # plain HTTP
    with client_for(commerce, tmp_path / "tls", READINGS) as client:
        secure = TestClient(client.app, base_url="https://testserver")
        assert "max-age=" in secure.get("/health").headers["strict-transport-security"]


def test_cors_admits_only_the_configured_origins(commerce: Any, tmp_path: Path) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
    }
    with client_for(commerce, tmp_path, READINGS) as client:
        same_origin_only = client.options(
            "/api/v1/support/conversations", headers={"Origin": SHOP, **preflight}
        )
        assert "access-control-allow-origin" not in same_origin_only.headers
    with client_for(commerce, tmp_path / "cors", READINGS, cors_origins=(SHOP,)) as client:
        allowed = client.options(
            "/api/v1/support/conversations", headers={"Origin": SHOP, **preflight}
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == SHOP
        assert "access-control-allow-credentials" not in allowed.headers
        other = client.options(
            "/api/v1/support/conversations",
            headers={"Origin": "https://evil.example", **preflight},
        )
        assert other.status_code == 400 and "access-control-allow-origin" not in other.headers
        simple = client.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in simple.headers


@pytest.mark.parametrize("bad", [("*",), ("shop.example",), ("https://shop.example/path",)])
def test_a_loose_or_malformed_cors_origin_is_refused(bad: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        harden(FastAPI(), cors_origins=bad)


def test_only_the_widget_may_be_framed_and_only_by_the_stores(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    for page in ("index.html", "widget.html", "demo.html"):
        (dist / page).write_text(f"<!doctype html><title>{page}</title>")
    app = FastAPI()
    harden(app, cors_origins=())
    screens = web_app(dist, widget_origins=(SHOP,))
    assert screens is not None
    app.mount("/", screens)
    client = TestClient(app)
    widget = client.get("/widget.html").headers
    assert f"frame-ancestors 'self' {SHOP}" in widget["content-security-policy"]
    assert "x-frame-options" not in widget
    for page in ("/", "/console", "/demo.html"):
        policy = client.get(page).headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, page
    assert (
        "'unsafe-inline'" not in page_policy("index.html", ()).split("script-src")[1].split(";")[0]
    )
    assert origin("https://shop.example:8443/") == "https://shop.example:8443"


def test_websocket_frames_count_against_the_callers_rate_limit(
    commerce: Any, tmp_path: Path
) -> None:
    limit = PER_MINUTE[Role.USER]
    with client_for(commerce, tmp_path, READINGS) as client:
        headers = login(client, "USER", USER)
        with client.websocket_connect(WS, headers=headers) as ws:
            codes = []
            for _ in range(limit + 2):
                ws.send_text('{"type": "PING"}')
                codes.append(ws.receive_json()["code"])
        assert codes.count("unknown_event") == limit
        assert codes[-2:] == ["rate_limited", "rate_limited"]
