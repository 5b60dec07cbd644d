"""Webhook signatures and the pure retry rules: what a receiver checks and when a sender waits."""

from __future__ import annotations

import hashlib
import hmac
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from supportgraph.api.webhooks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    backoff_delay,
    classify,
    retry_after_seconds,
    sign,
    verify_signature,
)

SECRET = "whsec-test-0123456789"
BODY = b'{"event_id":"evt_1","type":"SUPPORT_CONVERSATION_CREATED","payload":{"n":1}}'
NOW = 1_900_000_000


def signed_headers(
    timestamp: int = NOW, body: bytes = BODY, secret: str = SECRET
) -> dict[str, str]:
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(SECRET, timestamp, body)}


def test_that_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, NOW, BODY) == f"sha256={expected}"
    assert sign(SECRET, str(NOW), BODY.decode()) == f"sha256={expected}"


def test_that_a_genuine_delivery_verifies() -> None:
    assert verify_signature(SECRET, signed_headers(), BODY, now=NOW + 10)


def test_that_header_names_are_matched_in_any_case() -> None:
    lowered = {name.lower(): value for name, value in signed_headers().items()}
    assert verify_signature(SECRET, lowered, BODY, now=NOW)


def test_that_a_tampered_body_is_rejected() -> None:
    tampered = BODY.replace(b'"n":1', b'"n":2')
    assert not verify_signature(SECRET, signed_headers(), tampered, now=NOW)


def test_that_a_wrong_secret_is_rejected() -> None:
    assert not verify_signature("another-secret", signed_headers(), BODY, now=NOW)


def test_that_a_changed_timestamp_is_rejected() -> None:
    headers = signed_headers()
    headers[TIMESTAMP_HEADER] = str(NOW + 1)
    assert not verify_signature(SECRET, headers, BODY, now=NOW)


@pytest.mark.parametrize("age", [301, -301, 3600])
def test_that_a_stale_or_future_timestamp_is_rejected(age: int) -> None:
    assert not verify_signature(SECRET, signed_headers(NOW - age), BODY, now=NOW)


def test_that_the_tolerance_is_configurable() -> None:
    headers = signed_headers(NOW - 100)
    assert verify_signature(SECRET, headers, BODY, now=NOW)
    assert not verify_signature(SECRET, headers, BODY, now=NOW, tolerance_seconds=60)


def test_that_a_fresh_signature_verifies_against_the_system_clock() -> None:
    timestamp = int(datetime.now(UTC).timestamp())
    assert verify_signature(SECRET, signed_headers(timestamp), BODY)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {TIMESTAMP_HEADER: str(NOW)},
        {SIGNATURE_HEADER: sign(SECRET, NOW, BODY)},
        {TIMESTAMP_HEADER: "soon", SIGNATURE_HEADER: sign(SECRET, "soon", BODY)},
        {TIMESTAMP_HEADER: str(NOW), SIGNATURE_HEADER: "sha256=ünïcode"},
    ],
)
def test_that_missing_or_malformed_headers_are_rejected(headers: dict[str, str]) -> None:
    assert not verify_signature(SECRET, headers, BODY, now=NOW)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, "delivered"),
        (204, "delivered"),
        (301, "failed"),
        (400, "failed"),
        (401, "failed"),
        (404, "failed"),
        (410, "failed"),
        (408, "retry"),
        (429, "retry"),
        (500, "retry"),
        (503, "retry"),
    ],
)
def test_that_statuses_are_classified(status: int, outcome: str) -> None:
    assert classify(status) == outcome


def test_that_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    now = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds(format_datetime(now + timedelta(minutes=5), usegmt=True), now) == 300
    assert retry_after_seconds(format_datetime(now - timedelta(minutes=5), usegmt=True), now) == 0
    assert retry_after_seconds(None, now) is None
    assert retry_after_seconds("later", now) is None


def test_that_backoff_doubles_up_to_the_cap_with_full_jitter() -> None:
    class Highest(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return b

    assert [backoff_delay(n, 2.0, 20.0, Highest()) for n in range(1, 6)] == [2, 4, 8, 16, 20]
    rng = random.Random(7)
    samples = [backoff_delay(3, 2.0, 3600.0, rng) for _ in range(200)]
    assert all(0.0 <= sample <= 8.0 for sample in samples)
    assert min(samples) < 2.0 < 6.0 < max(samples)
