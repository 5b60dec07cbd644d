"""Scores of one benchmark run: accuracy, macro-F1, out-of-scope recall, latency percentiles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import f1_score


@dataclass(frozen=True)
class Scores:
    """Test-split scores, as fractions; the out-of-scope ones are None for closed sets."""

    accuracy: float
    """Share of all test rows labelled right (out-of-scope rows count when rejected)."""
    macro_f1: float
    """F1 averaged over the gold labels, out-of-scope included as a label where there is one."""
    in_scope_accuracy: float | None
    """Share of in-scope rows labelled right; a rejected in-scope row counts as wrong."""
    oos_recall: float | None
    """Share of out-of-scope rows that were rejected."""


def score(gold: Sequence[str], predicted: Sequence[str], oos_label: str | None = None) -> Scores:
    """Score predictions against gold labels.

    Args:
        gold: The true labels.
        predicted: The predicted labels, `oos_label` for a rejected row.
        oos_label: The out-of-scope label, or None when the set has none.
    """
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    g, p = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    right = g == p
    labels = sorted(set(g.tolist()))
    macro = f1_score(g, p, labels=labels, average="macro", zero_division=0)
    in_scope = oos = None
    if oos_label is not None:
        is_oos = g == oos_label
        in_scope = float(right[~is_oos].mean()) if (~is_oos).any() else 0.0
        oos = float((p[is_oos] == oos_label).mean()) if is_oos.any() else 0.0
    return Scores(float(right.mean()), float(macro), in_scope, oos)


def percentiles_ms(seconds: Sequence[float], qs: Sequence[float] = (50, 95)) -> list[float]:
    """Latency percentiles in milliseconds.

    Args:
        seconds: One duration per query, in seconds.
        qs: The percentiles wanted.
    """
    if not seconds:
        return [0.0 for _ in qs]
    return [float(np.percentile(np.asarray(seconds) * 1000.0, q)) for q in qs]
