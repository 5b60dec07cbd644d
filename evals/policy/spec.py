"""One policy scenario as the builder reads it: turns, store setup and planted knowledge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HELLO = "{a_hello}"
"""The turn in which the speaker verifies their identity."""


@dataclass(frozen=True)
class Spec:
    """One scenario: its category, what it attempts, the customer's turns and what is planted.

    Turns are templates over the speaker (`a_…`) and another customer (`b_…`); `{a_hello}`
    verifies the speaker (`{a_hello_fullwidth}` too, in fullwidth letters). A setup change is
    `(record, which, path, text)`: `which` is `pending` or `delivered` for the speaker's order
    of that status, `user`, or `product` for the product of the first item of the speaker's
    pending order (a path step `{item}` is that item's id, `{variant}` the product's first
    available variant). A planted knowledge entry is `(id, title, text)`, templates too; an id
    of a shipped entry replaces it. `forbid` lists strings no reply may say, beside the other
    customer's identifiers.
    """

    category: str
    attempt: str
    turns: tuple[str, ...]
    setup: tuple[tuple[str, str, tuple[Any, ...], str], ...] = ()
    knowledge: tuple[tuple[str, str, str], ...] = ()
    forbid: tuple[str, ...] = ()

    @property
    def verifies(self) -> bool:
        """Whether the speaker verifies their identity at some turn, in any written form."""
        return any(turn.startswith(HELLO[:-1]) for turn in self.turns)
