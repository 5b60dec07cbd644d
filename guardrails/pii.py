"""Find and redact customer PII, in text and in every log record."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
# 13-19 digits, optionally grouped by spaces or dashes; Luhn decides whether it is a card.
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
_SSN = re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])")
# A phone number needs visible phone formatting: bare 10-digit runs are item and product ids
# in this store, and redacting those would hide what the customer is talking about.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[ .-]?)?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])"
    r"|(?<![\w+])\+\d{1,3}[ .-]?\d{6,12}(?!\w)"
)
_STREET_SUFFIX = (
    r"Street|St|Road|Rd|Avenue|Ave|Drive|Dr|Lane|Ln|Boulevard|Blvd|Court|Ct|Way|Place|Pl"
    r"|Terrace|Circle|Parkway|Pkwy|Highway|Hwy"
)
# Street names are written capitalised in addresses; lowercase prose like "2 of them way" is not.
_STREET = re.compile(
    rf"\b\d{{1,6}}\s+(?:[A-Z][a-z]+\s+){{1,3}}(?:{_STREET_SUFFIX})\b\.?"
    r"(?:,?\s+(?:Suite|Apt|Apartment|Unit)\.?\s*#?\w+)?"
)
_UNIT = re.compile(r"\b(?:Suite|Apt|Apartment|Unit)\.?\s*#?\d+\b")
# A payment method id (`credit_card_7815826`) names one customer's card or account for good;
# order (`#W2611340`) and product ids name what was bought, so they stay.
_PAYMENT_METHOD = re.compile(r"\b(?:credit_card|debit_card|gift_card|paypal|bank_account)_\d+\b")


@dataclass(frozen=True, slots=True)
class PIIMatch:
    """One piece of PII found in a text.

    Attributes:
        kind: `email`, `card`, `ssn`, `phone`, `address` or `payment_method`.
        start: Offset of the first character.
        end: Offset after the last character.
    """

    kind: str
    start: int
    end: int


PLACEHOLDERS = {
    "email": "[EMAIL]",
    "card": "[CARD]",
    "ssn": "[SSN]",
    "phone": "[PHONE]",
    "address": "[ADDRESS]",
    "payment_method": "[PAYMENT_METHOD]",
}


def luhn_valid(number: str) -> bool:
    """Return True if the digits of `number` pass the Luhn checksum."""
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return bool(digits) and total % 10 == 0


def find_pii(text: str) -> list[PIIMatch]:
    """Return the PII in `text`, ordered by position and without overlaps.

    Args:
        text: Any text: a customer message, a tool result, a log line.
    """
    found: list[PIIMatch] = []
    found += [PIIMatch("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    found += [
        PIIMatch("card", m.start(), m.end()) for m in _CARD.finditer(text) if luhn_valid(m.group())
    ]
    found += [PIIMatch("ssn", m.start(), m.end()) for m in _SSN.finditer(text)]
    found += [PIIMatch("phone", m.start(), m.end()) for m in _PHONE.finditer(text)]
    found += [PIIMatch("address", m.start(), m.end()) for m in _STREET.finditer(text)]
    found += [PIIMatch("address", m.start(), m.end()) for m in _UNIT.finditer(text)]
    found += [
        PIIMatch("payment_method", m.start(), m.end()) for m in _PAYMENT_METHOD.finditer(text)
    ]
    # Earlier and longer matches win, so a card is never also half-redacted as a phone.
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[PIIMatch] = []
    for match in found:
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept


def redact(text: str) -> str:
    """Replace emails, cards, SSNs, phones, street addresses and payment method ids.

    Args:
        text: The text to clean.

    Returns:
        The text with `[EMAIL]`, `[CARD]`, `[SSN]`, `[PHONE]`, `[ADDRESS]` or
        `[PAYMENT_METHOD]` in place of PII.
    """
    pieces: list[str] = []
    cursor = 0
    for match in find_pii(text):
        pieces += [text[cursor : match.start], PLACEHOLDERS[match.kind]]
        cursor = match.end
    pieces.append(text[cursor:])
    return "".join(pieces)


_REDACTED = "_pii_redacted"
"""Marks a record already cleaned, so a record is redacted once however many hooks see it."""
_STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact PII from a log record in place: message, arguments, traceback and `extra` fields.

    Args:
        record: The record; its message is redacted once however many hooks see it.

    Returns:
        The same record.
    """
    if not getattr(record, _REDACTED, False):
        _redact_message(record)
        setattr(record, _REDACTED, True)
    # `extra={...}` fields, which structured formatters write out as their own keys, are set
    # after the record factory has run, so they are looked at every time.
    for key, value in list(vars(record).items()):
        if key not in _STANDARD_ATTRIBUTES and isinstance(value, str):
            setattr(record, key, redact(value))
    return record


def _redact_message(record: logging.LogRecord) -> None:
    # Redact the template and each argument in place: formatters such as uvicorn's access
    # log unpack `record.args`, so its shape must survive.
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_redact_arg(arg) for arg in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: _redact_arg(arg) for key, arg in record.args.items()}
    # The traceback is rendered and redacted now; the exception itself is dropped, because a
    # formatter that renders `exc_info` again (JSON formatters do) would bring the PII back.
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    record.exc_info = None
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


class PIIRedactingFilter(logging.Filter):
    """Logging filter that redacts PII from a record's message before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place and always let it through."""
        redact_record(record)
        return True


def _redact_arg(arg: object) -> object:
    """Numbers stay numbers (for %d); anything else is logged as its redacted text."""
    if arg is None or isinstance(arg, (bool, int, float)):
        return arg
    return redact(str(arg))


class _RedactingRecordFactory:
    """Wraps the process's log record factory so every record is born redacted."""

    def __init__(self, inner: Callable[..., logging.LogRecord]) -> None:
        self.inner = inner

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(self.inner(*args, **kwargs))


def install_log_redaction(logger: logging.Logger | None = None) -> PIIRedactingFilter:
    """Redact PII from every log record of this process, whoever logs it and wherever it goes.

    Two hooks, so no handler can miss it: the log record factory is wrapped, which covers
    handlers created later (uvicorn's and arq's, Python's last-resort stderr handler); and
    every handler `logger` has now gets a filter, which covers records built elsewhere (e.g.
    `logging.makeLogRecord` by a queue or socket listener) and `extra={...}` fields, which
    Python sets after the factory has run. Calling it again adds neither a second factory
    nor a second filter.

    Args:
        logger: The logger whose handlers get the filter (the root by default).

    Returns:
        The filter, shared by all handlers.
    """
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _RedactingRecordFactory):
        logging.setLogRecordFactory(_RedactingRecordFactory(factory))
    target = logger or logging.getLogger()
    existing = [f for h in target.handlers for f in h.filters if isinstance(f, PIIRedactingFilter)]
    redactor = existing[0] if existing else PIIRedactingFilter()
    for handler in target.handlers:
        if not any(isinstance(f, PIIRedactingFilter) for f in handler.filters):
            handler.addFilter(redactor)
    return redactor


def uninstall_log_redaction() -> None:
    """Restore the log record factory `install_log_redaction` wrapped (handler filters stay)."""
    factory = logging.getLogRecordFactory()
    if isinstance(factory, _RedactingRecordFactory):
        logging.setLogRecordFactory(factory.inner)
