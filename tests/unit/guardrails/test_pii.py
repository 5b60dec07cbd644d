"""Tests for PII redaction in text and in log records."""

from __future__ import annotations

import io
import logging

import pytest

from supportgraph.guardrails.pii import (
    PIIRedactingFilter,
    find_pii,
    install_log_redaction,
    luhn_valid,
    redact,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at noah.brown7922@example.com", "mail me at [EMAIL]"),
        ("card 4111 1111 1111 1111 please", "card [CARD] please"),
        ("card 5500-0000-0000-0004", "card [CARD]"),
        ("my ssn is 123-45-6789", "my ssn is [SSN]"),
        ("call (555) 123-4567 or 555.123.4567", "call [PHONE] or [PHONE]"),
        ("or +1 555 123 4567", "or [PHONE]"),
        ("ship to 215 River Road, Suite 991, New York", "ship to [ADDRESS], New York"),
        ("I live at 986 Sunset Drive", "I live at [ADDRESS]"),
        (
            "payment credit_card_7815826 and gift_card_1725971",
            "payment [PAYMENT_METHOD] and [PAYMENT_METHOD]",
        ),
    ],
)
def test_that_personal_data_is_replaced_by_placeholders(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "order #W2611340, item 6469567736, product 8310926033",
        "tracking id 357962501027",
        "total 536.65 on 2024-05-12 at 02:30:00 EST, zip 80279",
        "card 4111111111111112 fails the checksum",
        "I bought 2 of them way back",
    ],
)
def test_that_store_ids_and_amounts_are_left_alone(text):
    assert redact(text) == text


def test_that_the_luhn_check_accepts_real_test_cards_only():
    assert luhn_valid("4111 1111 1111 1111")
    assert not luhn_valid("4111 1111 1111 1112")


def test_that_matches_do_not_overlap():
    kinds = [m.kind for m in find_pii("4111 1111 1111 1111 / a@b.co")]
    assert kinds == ["card", "email"]


def test_that_a_log_record_with_an_email_is_redacted():
    stream = io.StringIO()
    logger = logging.getLogger("tests.pii.redaction")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        install_log_redaction(logger)
        install_log_redaction(logger)
        logger.warning("customer %s wrote from %s", "Noah", "noah.brown7922@example.com")
        try:
            raise ValueError("bad card 4111 1111 1111 1111")
        except ValueError:
            logger.exception("lookup failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "customer Noah wrote from [EMAIL]" in output
    assert "noah.brown7922" not in output and "4111" not in output
    assert sum(isinstance(f, PIIRedactingFilter) for f in handler.filters) == 1


def test_that_root_handlers_redact_records_from_any_library(caplog):
    caplog.set_level(logging.INFO)
    redactor = install_log_redaction()
    try:
        logging.getLogger("some.library").info("user email is a.b@example.org")
    finally:
        for handler in logging.getLogger().handlers:
            handler.removeFilter(redactor)
    assert caplog.records[-1].getMessage() == "user email is [EMAIL]"


def test_that_uvicorn_access_records_keep_their_arguments_and_lose_their_pii() -> None:
    from uvicorn.logging import AccessFormatter

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/lookup?email=jane.doe@example.com", "1.1", 200),
        None,
    )
    PIIRedactingFilter().filter(record)
    line = AccessFormatter('%(client_addr)s "%(request_line)s" %(status_code)s').format(record)
    assert "jane.doe@example.com" not in line
    assert "[EMAIL]" in line and "200" in line
