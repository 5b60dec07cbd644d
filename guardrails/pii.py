"""Find and redact customer PII, in text and in every log record."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class PIIMatch:
    """One piece of PII found in a text.

    Attributes:
        kind: `email`, `card`, `ssn`, `phone` or `address`.
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
    # Earlier and longer matches win, so a card is never also half-redacted as a phone.
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[PIIMatch] = []
    for match in found:
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept


def redact(text: str) -> str:
    """Replace emails, card numbers, SSNs, phone numbers and street addresses by placeholders.

    Args:
        text: The text to clean.

    Returns:
        The text with `[EMAIL]`, `[CARD]`, `[SSN]`, `[PHONE]` or `[ADDRESS]` in place of PII.
    """
    pieces: list[str] = []
    cursor = 0
    for match in find_pii(text):
        pieces += [text[cursor : match.start], PLACEHOLDERS[match.kind]]
        cursor = match.end
    pieces.append(text[cursor:])
    return "".join(pieces)


class PIIRedactingFilter(logging.Filter):
    """Logging filter that redacts PII from a record's message before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place and always let it through."""
        # Redact the template and each argument in place: formatters such as uvicorn's access
        # log unpack `record.args`, so its shape must survive.
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redact_arg(arg) for key, arg in record.args.items()}
        # Format the traceback now, so the handler's formatter reuses the redacted text.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _redact_arg(arg: object) -> object:
    """Numbers stay numbers (for %d); anything else is logged as its redacted text."""
    if arg is None or isinstance(arg, (bool, int, float)):
        return arg
    return redact(str(arg))


def install_log_redaction(logger: logging.Logger | None = None) -> PIIRedactingFilter:
    """Attach one PII-redacting filter to every handler of `logger` (the root by default).

    Filters on handlers, unlike filters on loggers, also see records propagated from
    child loggers, so this covers every library that logs through the root. Calling it
    again does not add a second filter.

    Args:
        logger: The logger whose handlers get the filter.

    Returns:
        The filter, shared by all handlers.
    """
    target = logger or logging.getLogger()
    existing = [f for h in target.handlers for f in h.filters if isinstance(f, PIIRedactingFilter)]
    redactor = existing[0] if existing else PIIRedactingFilter()
    for handler in target.handlers:
        if not any(isinstance(f, PIIRedactingFilter) for f in handler.filters):
            handler.addFilter(redactor)
    return redactor
