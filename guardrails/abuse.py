"""A small offline lexicon of threats and insults aimed at the agent or staff.

Abuse does not end the conversation: it tags the turn so that it can be handed to a
human. Complaints about a product ("this kettle is useless") are not abuse, so insults
must be addressed to someone ("you are useless").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TARGET = (
    r"(?:you|u|ya|the\s+staff|everyone\s+(?:there|at\s+\w+)"
    r"|your\s+(?:staff|employees|team|company|store|family))"
)
_FUTURE = (
    r"(?:i\s*'ll|i\s+will|i\s+shall|i\s+would|i\s+could|i\s*'m\s+going\s+to|i\s+am\s+going\s+to"
    r"|i\s*'m\s+gonna|i\s+am\s+gonna|i\s+gonna|let\s+me|someone\s+(?:will|should))"
)
_HARM = r"(?:kill|murder|hurt|shoot|stab|beat\s+up|beat|strangle|punch|attack|harm|destroy|end)"
_INSULT_ADJ = r"(?:stupid|dumb|useless|worthless|pathetic|incompetent|brainless)"
_INTENSIFIER = r"(?:such|so|a|an|the|totally|completely|really|fucking|damn)"
_INSULT_NOUN = (
    r"(?:idiots?|morons?|imbeciles?|clowns?|scum|losers?|retard\w*|bastard\w*|bitch\w*|asshole\w*"
    r"|dickhead\w*|jerks?|piece\s+of\s+(?:shit|crap|garbage|trash|junk))"
)
_INSULT = rf"(?:{_INSULT_ADJ}|{_INSULT_NOUN}|trash|garbage)"
_YOU_ARE = r"(?:you\s*'re|you\s+are|u\s*r|u\s+are)"

LEXICON: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("threat", rf"\b{_FUTURE}\s+(?:\w+\s+){{0,2}}?{_HARM}\s+{_TARGET}\b"),
        ("threat", r"\bi\s+know\s+where\s+(?:you|u|your\s+\w+)\s+(?:live|work)s?\b"),
        (
            "threat",
            rf"\b{_FUTURE}\s+(?:find|track\s+down|come\s+for|come\s+after|hunt\s+down)\s+{_TARGET}\b",
        ),
        (
            "threat",
            rf"\b{_FUTURE}\s+(?:bomb|burn\s+down|blow\s+up|torch|shoot\s+up)\s+"
            r"(?:your|the|this)\s+(?:store|office|warehouse|building|headquarters|company|shop)\b",
        ),
        (
            "threat",
            r"\b(?:you|u)\s+(?:deserve|should|ought)\s+to\s+(?:die|be\s+(?:killed|shot|hurt|beaten))\b",
        ),
        ("insult", rf"\b{_YOU_ARE}\s+(?:{_INTENSIFIER}\s+)*{_INSULT}\b"),
        ("insult", rf"\b(?:you|u)\s+(?:(?:{_INSULT_ADJ}|fucking|damn)\s+){{0,2}}{_INSULT_NOUN}\b"),
        (
            "insult",
            r"\b(?:fuck|f\*+k|f\*\*\*|screw)\s+(?:you|u|off|this\s+(?:bot|assistant|company|store))\b"
            r"|\bgo\s+to\s+hell\b|\bshut\s+(?:the\s+\w+\s+)?up\b",
        ),
        (
            "insult",
            rf"\b{_INSULT_ADJ}\s+(?:bot|robot|machine|assistant|ai|agent|company)\b",
        ),
    )
)


@dataclass(frozen=True, slots=True)
class AbuseMatch:
    """One abusive phrase.

    Attributes:
        kind: `threat` or `insult`.
        start: Offset of the match.
        end: Offset after the match.
    """

    kind: str
    start: int
    end: int


def find_abuse(text: str) -> list[AbuseMatch]:
    """Return the threats and insults in `text`, in order of appearance.

    Args:
        text: A customer message.
    """
    matches = [
        AbuseMatch(kind, m.start(), m.end())
        for kind, pattern in LEXICON
        for m in pattern.finditer(text)
    ]
    return sorted(matches, key=lambda m: m.start)
