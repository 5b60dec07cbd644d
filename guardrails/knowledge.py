"""Flag knowledge-base passages that carry instructions, customer data or payment lures.

A passage is quoted to the customer and shown to the model as the store's own word, so a
poisoned entry (an admin account taken over, a bad edit) would speak with the store's
authority. Policy and FAQ text explains rules to customers: it never addresses the agent,
never names one customer's email or order, and never sends anyone to pay elsewhere.
"""

from __future__ import annotations

import re

from supportgraph.guardrails.base import GuardrailResult
from supportgraph.guardrails.injection import normalise
from supportgraph.guardrails.tool_data import detect_instructions_in_data

_RULES = (
    (
        "customer_identifier",
        re.compile(
            r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+"
            r"|#?\bW(?!0{7})\d{7}\b"
            r"|\b[a-z]+_[a-z]+_\d{4}\b"
            r"|\b(?:credit_card|gift_card|paypal)_\d{5,10}\b",
            re.IGNORECASE,
        ),
    ),
    (
        "payment_lure",
        re.compile(
            r"\b(?:pay|payment|deposit|card\s+numbers?|security\s+codes?|cvv|bank\s+details"
            r"|send\s+(?:money|funds))\b[^\n]{0,80}?(?:https?://|www\.|\b[\w-]+\.(?:example|com"
            r"|net|org|io|biz|info|xyz|ru|top)\b)",
            re.IGNORECASE,
        ),
    ),
)


def detect_poisoned_passage(text: str) -> GuardrailResult:
    """Flag a knowledge-base passage that no honest policy or FAQ entry would contain.

    Reuses the tool-data rules (instructions aimed at the agent) and adds a customer's
    identifiers (an email, order, user or payment-method id) and a lure to pay or hand over
    card details at some address.

    Args:
        text: The passage's title and body.
    """
    clean = normalise(text)
    found = detect_instructions_in_data(clean)
    rules = [tag for tag in found.tags if tag not in ("prompt_injection", "tool_data", "refuse")]
    rules += [name for name, pattern in _RULES if pattern.search(clean)]
    if not rules:
        return GuardrailResult.passed()
    unique = tuple(dict.fromkeys(rules))
    return GuardrailResult(
        flagged=True,
        reason=f"knowledge passage not fit to quote ({', '.join(unique)})",
        tags=("knowledge", *unique),
    )
