"""Reading the customer's answer to a confirmation question."""

from __future__ import annotations

import re
from typing import Any

from supportgraph.nlu.patterns import order_ids

_YES = re.compile(
    r"^(yes|yeah|yep|yup|yes please|sure|ok|okay|confirm(ed)?|correct|absolutely|affirmative|"
    r"please do|do it|go ahead|proceed|please proceed|i (do )?confirm|that'?s (right|correct))\b",
)
_NO = re.compile(
    r"\b(no|nope|nah|not|don'?t|do not|cancel that|stop|wait|hold on|never ?mind|"
    r"actually|but|instead|change|wrong)\b",
)
# A yes asked as a question or hedged ("ok?", "yes, I guess", "sure, maybe later") leaves the
# customer's decision open, so it confirms nothing.
_HEDGE = re.compile(
    r"\?|\b(maybe|perhaps|probably|possibly|i guess|i think|i suppose|not sure|unsure|later|"
    r"hmm+|um+|uh+)\b"
)


def read_confirmation(text: str) -> bool | None:
    """Return True for an explicit yes, False for a no, None when the answer is anything else.

    Only an unqualified yes counts: "yes, but change the reason" is not a yes, since the
    details the customer confirmed would no longer be the ones shown, and neither is a yes
    asked back or hedged ("ok?", "yes, I guess").
    """
    answer = " ".join(text.lower().replace("’", "'").split()).strip(" .!,")
    if not answer:
        return None
    if _NO.search(answer):
        return False if re.match(r"^(no|nope|nah|don'?t|do not|stop)\b", answer) else None
    return True if _YES.match(answer) and not _HEDGE.search(answer) else None


_ACTIONS = (
    (re.compile(r"\bcancel"), frozenset({"cancel_pending_order"})),
    (
        re.compile(r"\b(?:return|send(?:ing)? (?:it |them )?back)"),
        frozenset({"return_delivered_order_items"}),
    ),
    (
        re.compile(r"\b(?:exchange|swap|replace)"),
        frozenset({"exchange_delivered_order_items", "modify_pending_order_items"}),
    ),
    (re.compile(r"\baddress"), frozenset({"modify_pending_order_address", "modify_user_address"})),
    (re.compile(r"\b(?:payment|pay with)"), frozenset({"modify_pending_order_payment"})),
)
"""Words naming a kind of write, and the tools that write it."""


def names_something_else(text: str, call: dict[str, Any]) -> bool:
    """Whether an answer names another order or another kind of change than the held call.

    "Yes, cancel #W2" to a held cancellation of #W1, or "yes, cancel it" to a held address
    change, is a yes to something that was never shown, so it confirms nothing.

    Args:
        text: The customer's answer.
        call: The held write: `name` and `args`.
    """
    held = (call.get("args") or {}).get("order_id")
    if any(order_id != held for order_id in order_ids(text)):
        return True
    low = text.lower()
    return any(pattern.search(low) and call.get("name") not in tools for pattern, tools in _ACTIONS)
