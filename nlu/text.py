"""Folding a customer's text to the characters it means before anything reads it."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Fold compatibility forms and drop invisible format characters.

    Fullwidth `＃Ｗ１２３` reads `#W123`; zero-width spaces and joiners and bidi overrides,
    which hide or split words, go.

    Lookalike letters of other scripts (Cyrillic `а` for Latin `a`) are kept as they are: an
    id or an email spelled with them matches nothing, which is the safe reading.
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join(c for c in folded if unicodedata.category(c) != "Cf")


def strip_marks(text: str) -> str:
    """The folded text without combining marks (`i̇gnore` reads `ignore`), for phrase checks."""
    decomposed = unicodedata.normalize("NFKD", fold(text))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )
