"""Customer names and zip codes, read only where the wording makes them unmistakable."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from supportgraph.settings import SHIPPED_DATA_DIR

USERS_PATH = SHIPPED_DATA_DIR / "retail" / "users.json"

_WORD = r"[A-Za-z][A-Za-z'-]*"
_CAP = r"[A-Z][A-Za-z'-]*"
NAME_IS = re.compile(
    rf"\b(?:my\s+name\s+is|my\s+name's|name\s*:|full\s+name\s+is)\s+({_WORD})(?:\s+({_WORD}))?",
    re.I,
)
SELF_INTRO = re.compile(
    rf"(?:\bI'?m|\bI\s+am|\b[Tt]his\s+is|\b[Ii]t'?s)\s+({_CAP})\s+({_CAP})\b"
    rf"|({_CAP})\s+({_CAP})\s+here\b"
)
NAME_THEN_ZIP = re.compile(
    rf"(?<![\w,])({_CAP})\s+({_CAP})\s*(?:,|-|/|\()?\s*(?:(?:from|in)\s+)?"
    r"(?:zip(?:\s*code)?\s*(?:is\s*)?:?\s*)?"
    r"(\d{5})(?!\w)"
)
# Lower-case introductions: "hi, i'm olivia ahmed, zip code 94152". Read only when the store
# knows both names, or a zip code or email follows at once, so "i'm looking for" stays unread.
LOWER_INTRO = re.compile(
    rf"(?:\bi'?m|\bi\s+am|\bthis\s+is|\bit'?s|\bname\s+is)\s+({_WORD})\s+({_WORD})\b"
    r"(?=(\s*(?:,|-|/|\(|\band\b)?\s*(?:my\s+)?(?:zip|postal|e-?mail|\d{5}(?!\w)))?)",
    re.I,
)
LOWER_NAME_THEN_ZIP = re.compile(
    rf"(?<![\w,'])({_WORD})\s+({_WORD})(?:\s*(?:,|-|/|\()?\s*(?:zip(?:\s*code)?\s*:?\s*)?"
    r"\d{5}(?!\w)|\s+here\b)",
    re.I,
)
ZIP_CUE = re.compile(
    r"\b(?:zip|zipcode|postal)\b(?:\s*code)?(?:\s+is|\s*:|\s*#)?\s*(\d{5})(?![\d,.]?\d)", re.I
)
BARE_ZIP = re.compile(r"^\W*(?:it'?s\s+|sure,?\s+)?(\d{5})\W*$", re.I)

# Capitalised words that follow "I'm" or "this is" without being a name.
NOT_NAMES = frozenset(
    """
a an the and or but so very really just not also still here there now again back sorry
trying looking writing calling having hoping wondering going getting done ok okay fine good
great glad happy upset angry frustrated confused unhappy disappointed interested ready sure
afraid unable able about from with in on at to for of order orders item items my your this
that it is was be hello hi hey thanks thank please yes no customer support team help
street drive avenue road lane suite broadway boulevard way court place city zip email
code i im speaking btw if as when what where how why who which
""".split()
)


@cache
def store_names(path: str = str(USERS_PATH)) -> tuple[frozenset[str], frozenset[str]]:
    """The first and last names of the store's customers, lower-cased.

    Args:
        path: A τ-bench style `users.json`; the shipped store by default.
    """
    try:
        users = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError:
        return frozenset(), frozenset()
    names = [u.get("name", {}) for u in users.values()]
    return (
        frozenset(str(n.get("first_name", "")).lower() for n in names),
        frozenset(str(n.get("last_name", "")).lower() for n in names),
    )


def _known(first: str, last: str) -> bool:
    firsts, lasts = store_names()
    return first.lower() in firsts and last.lower() in lasts


def _clean(word: str | None) -> str | None:
    if not word or word.lower() in NOT_NAMES:
        return None
    return word[:1].upper() + word[1:].lower() if word in (word.lower(), word.upper()) else word


def find_name(text: str, blocked: Sequence[tuple[int, int]] = ()) -> dict[str, str]:
    """First and last name from 'my name is …', 'I'm First Last' or 'First Last, 12345'.

    A name typed in lower case ('i'm olivia ahmed') is read only when the store has a customer
    with that first and that last name, or when a zip code or email follows at once.

    Args:
        text: A customer message.
        blocked: Character spans (e.g. an address) where no name may start.
    """
    for rx in (NAME_IS, SELF_INTRO, NAME_THEN_ZIP):
        pos = 0
        # Search again one character on, so "Hi Omar Anderson" still finds "Omar Anderson".
        while m := rx.search(text, pos):
            pos = m.start() + 1
            groups = [g for g in m.groups() if g is not None]
            if any(a <= m.start() < b for a, b in blocked):
                continue
            first = _clean(groups[0])
            last = _clean(groups[1]) if len(groups) > 1 and not groups[1].isdigit() else None
            if first and (last or rx is NAME_IS):
                return {"first_name": first, **({"last_name": last} if last else {})}
    return _lower_name(text, blocked)


def _lower_name(text: str, blocked: Sequence[tuple[int, int]]) -> dict[str, str]:
    """A full name typed in lower case, after 'i'm' or before a zip code."""
    for rx in (LOWER_INTRO, LOWER_NAME_THEN_ZIP):
        for m in rx.finditer(text):
            if any(a <= m.start(1) < b for a, b in blocked):
                continue
            first, last = _clean(m.group(1)), _clean(m.group(2))
            cued = rx is LOWER_INTRO and bool(m.group(3))
            if first and last and (cued or _known(first, last)):
                return {"first_name": first, "last_name": last}
    return {}


def find_zip(
    text: str,
    *,
    has_name: bool,
    blocked: Sequence[tuple[int, int]] = (),
    name: tuple[str, str] | None = None,
) -> str | None:
    """A five-digit zip code the customer gives as such.

    Accepted: after the word 'zip' or 'postal'; right after a full name ('Yusuf Hernandez,
    80265'); or a message that is only the number. Anything else with five digits (a street
    number, an amount, part of an id) is left alone.

    Args:
        text: A customer message.
        has_name: Whether a full name was read from the same message.
        blocked: Character spans (e.g. an address) whose digits are not the customer's zip.
        name: The first and last name read, to find a zip right after them in any case.
    """
    free = [m for m in ZIP_CUE.finditer(text) if not any(a <= m.start(1) < b for a, b in blocked)]
    if free:
        return free[0].group(1)
    if has_name:
        for m in NAME_THEN_ZIP.finditer(text):
            if not any(a <= m.start(3) < b for a, b in blocked):
                return m.group(3)
    if name:
        after = re.compile(
            rf"\b{re.escape(name[0])}\s+{re.escape(name[1])}\s*(?:,|-|/|\()?\s*"
            r"(?:(?:from|in)\s+)?(?:zip(?:\s*code)?\s*(?:is\s*)?:?\s*)?(\d{5})(?!\w)",
            re.I,
        )
        for m in after.finditer(text):
            if not any(a <= m.start(1) < b for a, b in blocked):
                return m.group(1)
    bare = BARE_ZIP.match(text)
    return bare.group(1) if bare else None
