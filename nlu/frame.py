"""Several requests in one message: where each starts.

"Please return the kettle from #W1 via PayPal. Also cancel #W2, I ordered it by mistake" holds
two requests. `split_requests` cuts a message at sentence (or `;`) boundaries where a new
action verb starts, and keeps everything else (a refund method, a list of items, a reason)
with the request it belongs to. `NLU.requests` then reads each piece on its own and merges
neighbours that turn out to be the same request.
"""

from __future__ import annotations

import re

_LEAD = (
    r"(?:(?:and|also|then|plus|next|lastly|finally|additionally|oh|and also)[,:]?\s+)*"
    r"(?:for\s+(?:order\s+)?#?w?\d{5,},?\s*)?"
    r"(?:(?:and|also|then|please|kindly)[,:]?\s+)*"
    r"(?:(?:i|we)(?:'d|\s+would|\s+also|\s+really|\s+just)*\s+(?:like|want|need|wish|have)\s+to\s+|"
    r"(?:can|could|would)\s+you\s+(?:please\s+|also\s+)*|i'?m\s+(?:also\s+)?(?:looking|hoping)\s+to\s+|"
    r"(?:let'?s|help\s+me)\s+)?"
    r"(?:also\s+|please\s+)*"
)
ACTION_START = re.compile(
    _LEAD + r"(cancel|return|exchange|modify|change|swap|replace|update|send\s+back)\b",
    re.I,
)
"""A piece of a message that begins a new request: an action verb, after any lead-in."""
_PIECE = re.compile(r"(?<=[.;!?])\s+")


def split_requests(text: str) -> list[str]:
    """The message cut where each new action starts; one piece when there is only one.

    Text before the first action (a greeting, who the customer is) stays with the first
    request; text after an action without a verb of its own (a reason, a refund method, more
    items) stays with the request before it.
    """
    pieces = [p for p in _PIECE.split(" ".join(text.split())) if p]
    requests: list[str] = []
    started = False
    for piece in pieces:
        if ACTION_START.match(piece) and started:
            requests.append(piece)
            continue
        if requests:
            requests[-1] = f"{requests[-1]} {piece}"
        else:
            requests.append(piece)
        started = started or bool(ACTION_START.match(piece))
    return requests


_ADDRESS = re.compile(r"\baddress\b", re.I)
_PAYMENT = re.compile(r"\b(payment|pay with|paid with|pay for it with)\b", re.I)
_ORDER_ID = re.compile(r"#\s?W\d{5,}", re.I)
_NOUN_USE = re.compile(r"\s+(policy|policies|window|period|label|status|rules?|fees?)\b", re.I)
"""'Return policy', 'refund status': the verb is a noun, and the request a question."""
_EXCHANGE_VERBS = frozenset({"exchange", "swap", "replace"})
_FAMILY_INTENT = {
    "cancel": "cancel_order",
    "return": "return_items",
    "address": "modify_order_address",
    "payment": "modify_order_payment",
    "items": "modify_order_items",
}


def _leading_action(text: str) -> tuple[str, str] | None:
    """The action verb a piece starts with and its kind, or None when it starts with none.

    The kinds are `cancel`, `return`, `address`, `payment` and `items`; what a change, modify
    or update is about is read from the words right after the verb.
    """
    match = ACTION_START.match(text)
    if match is None or _NOUN_USE.match(text, match.end()):
        return None
    verb = " ".join(match.group(1).lower().split())
    if verb == "cancel":
        return verb, "cancel"
    if verb in ("return", "send back"):
        return verb, "return"
    rest = text[match.end() : match.end() + 60]
    if _ADDRESS.search(rest):
        return verb, "address"
    return verb, "payment" if _PAYMENT.search(rest) else "items"


def verb_family(text: str) -> str | None:
    """What kind of action a piece starts with, or None when it starts with no action verb."""
    lead = _leading_action(" ".join(text.split()))
    return lead[1] if lead else None


def verb_intent(text: str) -> str | None:
    """The intent a request names by its leading verb, when it also names an order.

    "Return #W1 via PayPal: Kettle" and "For #W2, change payment to credit_card_1" say what
    they want in their first words; the classifier, trained on whole sentences, can be swayed
    by the rest. Without an order id the classifier decides.
    """
    text = " ".join(text.split())
    lead = _leading_action(text) if _ORDER_ID.search(text) else None
    if lead is None:
        return None
    verb, family = lead
    return "exchange_items" if verb in _EXCHANGE_VERBS else _FAMILY_INTENT[family]
