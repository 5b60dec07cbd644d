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
LEXICON_UPDATES: dict[str, float] = {
    "cancel": 0.0, "cancelled": 0.0, "canceled": 0.0, "cancellation": 0.0,
    # Product defects that the general lexicon does not know.
    "overcharged": -2.0, "chipped": -1.2, "leaking": -1.5, "leaks": -1.3, "cracked": -1.5,
    "malfunctioning": -1.8, "unusable": -2.0, "ripoff": -2.5, "late": -0.8,
}


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(LEXICON_UPDATES)
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
