"""Lexical similarity over the knowledge base: character n-gram TF-IDF, fitted on the documents.

Character n-grams within words still match a misspelt word ("cancle", "retrun"), and they
match names and rare terms that the sentence encoder blurs. The knowledge base blends this
score with the encoder's cosine similarity.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


class LexicalIndex:
    """Cosine similarity of character 3–5-gram TF-IDF vectors, for a fixed set of documents.

    Args:
        ids: Document ids, in the order of `texts`.
        texts: The text of each document, as it is indexed.
    """

    def __init__(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        self.ids = list(ids)
        self._position = {doc_id: n for n, doc_id in enumerate(self.ids)}
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True
        )
        # TF-IDF rows are L2-normalised, so a dot product is a cosine.
        self._matrix = self._vectorizer.fit_transform(list(texts)) if self.ids else None

    def scores(self, query: str) -> np.ndarray:
        """Similarity of the query to every document, in the order of `ids`.

        Args:
            query: Free text.
        """
        if self._matrix is None:
            return np.zeros(0, dtype=np.float32)
        return np.asarray((self._matrix @ self._vectorizer.transform([query]).T).todense()).ravel()

    def top(self, scores: np.ndarray, n: int) -> list[str]:
        """The ids of the n best-scoring documents, best first.

        Args:
            scores: What `scores` returned.
            n: How many.
        """
        order = np.argsort(-scores, kind="stable")[:n]
        return [self.ids[i] for i in order if scores[i] > 0]

    def score_of(self, scores: np.ndarray, doc_id: str) -> float:
        """One document's score, 0 for an id the index does not hold.

        Args:
            scores: What `scores` returned.
            doc_id: The document.
        """
        position = self._position.get(doc_id)
        return 0.0 if position is None else float(scores[position])
