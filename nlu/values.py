"""How customers say option values: unit spellings, and yes/no or 'none' options by their name.

A catalogue value is matched through a forgiving pattern ('5 ft' ~ '5 feet' ~ '5-foot',
'1L' ~ '1 liter', '1000ml' ~ '1000 ml'). An option whose values are yes/no or include 'none'
is also read from its name: 'waterproof' means waterproof yes, 'not water resistant' means
water resistance no, 'no armrest' means armrest none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Spellings of the units the catalogue's values use; any spelling matches any value's unit.
UNIT_SPELLINGS = (
    r"ft|feet|foot|'",
    r"inch(?:es)?|in\.|\"",
    r"ml|millilit(?:er|re)s?",
    r"l|lit(?:er|re)s?",
    r"gb|gigs?|gigabytes?",
    r"hours?|hrs?",
    r"lbs?|pounds?",
    r"degrees?|°",
    r"cups?",
    r"mm|millimet(?:er|re)s?",
    r"pieces?|pcs",
)
_QUANTITY = re.compile(
    r"(?P<number>\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?)[\s-]?(?P<unit>[A-Za-z]+)(?P<rest>\s.*)?", re.S
)
NEGATIONS = r"(?:not|non|isn'?t|is\s+not|no|without(?:\s+an?)?|with\s+no)"
# A value named right after a yes/no option ('waterproof: no') is read by the value matcher.
_STATED = r"(?!\s*(?:[:=]|is)?\s*(?:yes|no|none|true|false)\b)"


def core(value: str) -> str:
    """A forgiving regex for a value: '1000ml' ~ '1000 ml', 'v-neck' ~ 'v neck' ~ 'vneck'."""
    out = "".join(r"[\s-]?" if ch in " -" else re.escape(ch) for ch in value)
    return re.sub(r"(\d)([A-Za-z])", r"\1\\s?\2", out)


def surface(value: str) -> str:
    """The regex of every way `value` is written, units spelled any common way."""
    m = _QUANTITY.fullmatch(value)
    unit = m.group("unit") if m else ""
    spellings = next((s for s in UNIT_SPELLINGS if re.fullmatch(s, unit, re.I)), None)
    if not m or not spellings:
        return core(value)
    number = r"\s*(?:-|to)\s*".join(re.escape(n) for n in m.group("number").split("-"))
    rest = core(m.group("rest")) if m.group("rest") else ""
    return rf"{number}[\s-]?(?:{spellings}){rest}"


def bounded(pattern: str, *, open_end: bool = False) -> str:
    """Word guards around a pattern; a value ending in '%' or a quote has no boundary after it."""
    tail = "" if open_end else r"(?![\w%-])"
    return rf"(?<![\w-])(?:{pattern}){tail}"


@dataclass(frozen=True)
class NamedOption:
    """A phrase that gives an option's value by the option's name."""

    option: str
    """The option name, e.g. 'water resistance'."""
    positive: bool
    """True for 'waterproof', 'with armrest'; False for 'not waterproof', 'no armrest'."""
    pattern: re.Pattern
    """Where the phrase occurs."""


def option_value(values: list[str], *, positive: bool) -> str | None:
    """The value a yes/no phrase stands for among an option's values, if it has one.

    Args:
        values: The option's catalogue values.
        positive: Whether the phrase affirms the option.
    """
    if positive:
        return "yes" if "yes" in values else None
    negative = [v for v in values if v in ("no", "none") or v.startswith("not ")]
    return negative[0] if len(negative) == 1 else None


def named_options(options: dict[str, dict[str, list[str]]]) -> list[NamedOption]:
    """Phrases for every option that a name alone can set, negative phrases first.

    Args:
        options: Product name -> option name -> values, as in the catalogue.
    """
    names = sorted(
        {
            name
            for product in options.values()
            for name, values in product.items()
            if option_value(values, positive=True) or option_value(values, positive=False)
        },
        key=len,
        reverse=True,
    )
    negatives, positives = [], []
    for name in names:
        forms = {name, name + "s"}
        if name.endswith("resistance"):
            forms.add(name.removesuffix("ance") + "ant")
        said = "|".join(core(f) for f in sorted(forms, key=len, reverse=True))
        negative = rf"\b{NEGATIONS}[\s-]+(?:{said})"
        negatives.append(NamedOption(name, False, re.compile(bounded(negative), re.I)))
        positive = re.compile(bounded(rf"(?:{said}){_STATED}"), re.I)
        positives.append(NamedOption(name, True, positive))
    return negatives + positives
