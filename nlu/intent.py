"""Intent classifier: frozen MiniLM sentence embeddings under a logistic-regression head."""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression

from supportgraph.nlu.embeddings import embed

OUT_OF_SCOPE = "out_of_scope"
HEAD_FILE, META_FILE = "head.joblib", "meta.json"
MODEL_FORMAT = 1
"""Bumped when the saved layout changes, so older model directories are retrained."""


class IntentPrediction(NamedTuple):
    """One classified message; unpacks as `(label, confidence, ranking)`."""

    label: str
    confidence: float
    ranking: list[tuple[str, float]]


class IntentClassifier:
    """Embeds messages and scores them with a scikit-learn probabilistic head.

    A message whose best probability is below `threshold` is labelled `out_of_scope`, with
    confidence `1 - best`: the head did not find any intent it is sure of.
    """

    def __init__(
        self,
        head: LogisticRegression,
        *,
        threshold: float,
        meta: dict[str, Any] | None = None,
        top_k: int = 5,
    ) -> None:
        """Wrap a fitted head.

        Args:
            head: A fitted classifier with `predict_proba` and `classes_`.
            threshold: Minimum top probability for an in-scope label.
            meta: Training metadata saved next to the head.
            top_k: Length of the returned ranking.
        """
        self.head = head
        self.threshold = float(threshold)
        self.meta = dict(meta or {})
        self.top_k = top_k
        self.labels: list[str] = [str(c) for c in head.classes_]
        # Short turns ("yes", "thanks") repeat across conversations; skip re-encoding them.
        self._cache: OrderedDict[str, IntentPrediction] = OrderedDict()

    def decide(self, probs: np.ndarray) -> IntentPrediction:
        """Turn one probability row into a prediction, applying the out-of-scope threshold."""
        order = np.argsort(-probs)
        ranking = [(self.labels[i], round(float(probs[i]), 4)) for i in order[: self.top_k]]
        best_label, best = self.labels[order[0]], float(probs[order[0]])
        if best < self.threshold:
            return IntentPrediction(OUT_OF_SCOPE, round(1.0 - best, 4), ranking)
        return IntentPrediction(best_label, round(best, 4), ranking)

    def predict_vectors(self, vectors: np.ndarray) -> list[IntentPrediction]:
        """Classify already-embedded messages."""
        return [self.decide(row) for row in self.head.predict_proba(vectors)]

    def predict_batch(self, texts: Sequence[str]) -> list[IntentPrediction]:
        """Classify many messages with one encoder pass."""
        return self.predict_vectors(embed(list(texts)))

    def predict(self, text: str) -> IntentPrediction:
        """Classify one message: `(label, confidence, ranking)`."""
        key = text.strip()
        hit = self._cache.get(key)
        if hit is None:
            hit = self.predict_batch([key])[0]
            self._cache[key] = hit
            if len(self._cache) > 1024:
                self._cache.popitem(last=False)
        self._cache.move_to_end(key)
        # A fresh ranking list, so a caller that edits it cannot alter the cache.
        return IntentPrediction(hit.label, hit.confidence, list(hit.ranking))

    def save(self, directory: Path) -> Path:
        """Write `head.joblib` and `meta.json` into `directory` and return it."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        meta = {
            **self.meta,
            "labels": self.labels,
            "threshold": self.threshold,
            "format": MODEL_FORMAT,
        }
        # Each file is written aside and renamed into place, and meta.json (which carries the
        # data hash) goes last, so a process loading concurrently never reads a torn file.
        head_tmp = directory / f"{HEAD_FILE}.{os.getpid()}.tmp"
        meta_tmp = directory / f"{META_FILE}.{os.getpid()}.tmp"
        joblib.dump(self.head, head_tmp)
        os.replace(head_tmp, directory / HEAD_FILE)
        meta_tmp.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
        os.replace(meta_tmp, directory / META_FILE)
        return directory

    @classmethod
    def load(cls, directory: Path) -> IntentClassifier:
        """Load a classifier saved by `save` (only load directories this project wrote).

        Args:
            directory: The model directory.
        """
        directory = Path(directory)
        meta = json.loads((directory / META_FILE).read_text())
        head = joblib.load(directory / HEAD_FILE)
        if [str(c) for c in head.classes_] != meta["labels"]:
            raise ValueError(f"{directory}: head classes do not match meta.json labels")
        return cls(head, threshold=meta["threshold"], meta=meta)
