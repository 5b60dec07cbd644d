"""Message sentiment: the VADER compound score, tuned for a retail support desk."""

from __future__ import annotations

import re
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# Routine support wording that VADER's general lexicon scores as emotion: "gift card" and
# "credit card" read as positive, "cancel", "by mistake" and "no longer needed" as negative.
NEUTRAL_PHRASES = re.compile(
    r"\b(?:gift\s?cards?|credit\s?cards?|store credit|website credit|by mistake|by accident"
    r"|no longer (?:need|needed|want|required)|(?:i'?d|would) like to|can you help|help me)\b",
    re.I,
)
# Product defects that the general lexicon does not know.
LEXICON_ADDITIONS: dict[str, float] = {
    "overcharged": -2.0,
    "chipped": -1.2,
    "leaking": -1.5,
    "leaks": -1.3,
    "cracked": -1.5,
    "malfunctioning": -1.8,
    "unusable": -2.0,
    "ripoff": -2.5,
    "late": -0.8,
}
# Words dropped from the lexicon. "cancel" is a routine request here. Catalogue words are
# scored too: size "L" reads as +2.0, "Smart Watch" and "Indoor Security Camera" as praise,
# "Dumbbell Set" and "15 bar pressure" as insults. "hard" and "low" stay: they are more often
# about the experience than a variant. Entries are removed rather than set to 0, because VADER
# still pushes a zero-valued word in capitals ("size L") towards negative.
NEUTRAL_WORDS = (
    "cancel",
    "cancelled",
    "canceled",
    "cancellation",
    "l",
    "smart",
    "security",
    "natural",
    "fresh",
    "warm",
    "brightness",
    "cleaner",
    "amazon",
    "difficulty",
    "dumbbell",
    "pressure",
    "grey",
)


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(LEXICON_ADDITIONS)
    for word in NEUTRAL_WORDS:
        analyzer.lexicon.pop(word, None)
    return analyzer


def sentiment(text: str) -> float:
    """Compound sentiment of a message in [-1, 1]; 0 for neutral or empty text.

    Args:
        text: A customer message.
    """
    cleaned = NEUTRAL_PHRASES.sub(" ", text or "").strip()
    if not cleaned:
        return 0.0
    return round(float(_analyzer().polarity_scores(cleaned)["compound"]), 4)
