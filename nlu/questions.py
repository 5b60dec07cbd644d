"""Questions about the customer's own records: which figure they ask for.

"What was the priciest thing in there, and what did it cost?" asks for the most expensive item
of an order; "What did I pay for it with?" for the payment method the order was paid with, not
for a change of it. `record_question` names the figure; the flow computes it from the records.
"""

from __future__ import annotations

import re

QUESTIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        (
            "priciest_item",
            r"\b(?:priciest|most\s+expensive|costliest|highest[-\s]priced|dearest)\s+"
            r"(?:item|thing|product|purchase|one\s+in)\b"
            r"|\b(?:priciest|most\s+expensive|costliest)\b[^.?!]{0,12}\bin\s+(?:there|it|that|the|my)\b",
        ),
        (
            "cheapest_item",
            r"\b(?:cheapest|least\s+expensive|lowest[-\s]priced)\s+(?:item|thing|one|product)\b",
        ),
        (
            "payment_used",
            r"\b(?:what|which)\s+(?:card|payment(?:\s+method)?|method)\s+(?:did|was|is|have)\s+"
            r"(?:i|it|this|that|the\s+order)\b.*\b(?:use|used|pay|paid|charged|on)\b"
            r"|\bwhat\s+did\s+i\s+pay\s+(?:for\s+(?:it|this|that|the\s+order|them)\s+)?with\b"
            r"|\bhow\s+did\s+i\s+pay\b|\bwhat\s+(?:was|is)\s+(?:it|this|that|the\s+order)\s+"
            r"(?:paid|charged)\s+(?:with|to|on)\b",
        ),
        (
            "refund_total",
            r"\b(?:refunds?|money\s+back)\b[^.?!]{0,40}\b(?:come\s+to|add\s+up|total|altogether|"
            r"in\s+total|how\s+much)\b"
            r"|\bhow\s+much\s+(?:(?:will|would|do|did|am)\s+i|i\s+(?:will|would|'ll))\s+"
            r"(?:get\s+back|be\s+refunded|get\s+refunded|receive)\b",
        ),
        (
            "order_total",
            r"\bwhat\s+(?:does|will|did|would)\s+(?:that|this|the|my)\s+order\s+"
            r"(?:come\s+to|cost|total)\b|\bwhat\s+(?:does|will|would)\s+(?:it|that)\s+come\s+to\b"
            r"|\b(?:order|grand)\s+total\b|\bhow\s+much\s+(?:is|was|does)\s+(?:that|this|the|my)\s+"
            r"order\b|\btotal\s+(?:cost|price|amount)\b",
        ),
        (
            "item_price",
            r"\bhow\s+much\s+(?:did|was|were|is|are|does|do)\b|\bwhat\s+did\s+(?:it|that|they|"
            r"the\s+\w+(?:\s+\w+)?)\s+cost\b|\bprice\s+(?:of|for)\b|\bwhat\s+(?:was|is)\s+the\s+price\b",
        ),
        ("tracking", r"\btracking\s+(?:number|id|code|info)"),
        ("item_count", r"\bhow\s+many\s+(?:items|things|products)\b"),
        ("order_count", r"\bhow\s+many\s+orders\b"),
    )
)
"""Question kinds in the order they are tried: the more specific first."""


def record_question(text: str) -> list[str]:
    """The figures a message asks for about the customer's records, in order of mention."""
    found = sorted((m.start(), kind) for kind, rx in QUESTIONS if (m := rx.search(text)))
    kinds = [kind for _, kind in found]
    # "The priciest thing, and what did it cost": the price is part of the superlative.
    if "item_price" in kinds and {"priciest_item", "cheapest_item"} & set(kinds):
        kinds.remove("item_price")
    return kinds
