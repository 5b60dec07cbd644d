"""Options written out as literals: `Jigsaw Puzzle {'pieces': '2000'} to {'pieces': '500'}`.

Customers paste item options as they appear on a receipt or a previous message, as a
`{'option': 'value'}` mapping, often followed by `to {…}` with what should change (`to {}`:
nothing, an identical item). Each literal belongs to the product named right before it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

_LITERAL = re.compile(r"\{[^{}]*\}")
_TO = re.compile(r"^\s*(?:to|for|into|->|→)\s*$", re.I)


@dataclass
class OptionChange:
    """One item written out: its current options, and the wanted ones when given."""

    product: str
    current: dict[str, str]
    wanted: dict[str, str] | None = None
    """None when no `to {…}` follows; empty for an identical item."""

    def as_dict(self) -> dict[str, Any]:
        """The change as the `option_changes` entity holds it."""
        return {"product": self.product, "current": self.current, "wanted": self.wanted}


@dataclass
class _Literal:
    start: int
    end: int
    options: dict[str, str] = field(default_factory=dict)


def _parse(text: str) -> dict[str, str] | None:
    """A `{'name': 'value'}` literal as a dict of strings, or None if it is not one."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(value, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, (str, int, float)) for k, v in value.items()):
        return None
    return {k.strip(): str(v).strip() for k, v in value.items()}


def option_changes(text: str, mentions: list[tuple[int, int, str]]) -> list[OptionChange]:
    """Items written out as option literals, each tied to the product mentioned before it.

    Args:
        text: The message.
        mentions: (start, end, product) of each product mention, in order.
    """
    literals = [
        _Literal(m.start(), m.end(), parsed)
        for m in _LITERAL.finditer(text)
        if (parsed := _parse(m.group())) is not None
    ]
    changes: list[OptionChange] = []
    index = 0
    while index < len(literals):
        literal = literals[index]
        owner = [m for m in mentions if m[1] <= literal.start]
        if not owner or not literal.options:
            index += 1
            continue
        change = OptionChange(owner[-1][2], literal.options)
        following = literals[index + 1] if index + 1 < len(literals) else None
        if following and _TO.match(text[literal.end : following.start]):
            change.wanted = following.options
            index += 1
        changes.append(change)
        index += 1
    return changes
