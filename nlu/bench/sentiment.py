"""Sentiment benchmark: the product's message score against a hand-labelled support set.

Each message of `evals/datasets/sentiment.jsonl` is scored with `nlu.sentiment.sentiment` and
turned into a label by two cuts. The negative cut is the product's own,
`graph.nodes.understand.NEGATIVE_SENTIMENT`: a message at or below it counts toward escalation,
so negative precision and recall at that cut are what escalation gets right and wrong. The
product defines no positive cut; `POSITIVE_SENTIMENT` mirrors the negative one, so the neutral
band is symmetric around zero and neither polar class is favoured. The same scores are also
labelled at VADER's published cuts (±0.05) for reference. The labelling rule of the set is in
`evals/README.md`.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scipy.stats import spearmanr
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from supportgraph.graph.nodes.understand import NEGATIVE_SENTIMENT
from supportgraph.nlu.sentiment import sentiment
from supportgraph.settings import PACKAGE_DIR

LABELS = ("negative", "neutral", "positive")
"""The three classes, in the order used for the rank correlation and the confusion matrix."""
POSITIVE_SENTIMENT = -NEGATIVE_SENTIMENT
"""A message at or above this score is called positive; the product itself never needs to."""
VADER_CUT = 0.05
"""VADER's published cut: compound at or above it is positive, at or below its negative is
negative."""
DATASET = PACKAGE_DIR / "evals" / "datasets" / "sentiment.jsonl"


@dataclass(frozen=True)
class Example:
    """One labelled customer message."""

    text: str
    label: str
    source: str
    kind: str = ""
    """What sort of message it is (complaint, sarcasm, routine_request, ...), for breakdowns."""


@dataclass(frozen=True)
class SentimentScores:
    """Three-class scores of one pair of cuts, as fractions."""

    negative_at: float
    positive_at: float
    accuracy: float
    macro_f1: float
    negative_precision: float
    """Share of messages called negative that are labelled negative."""
    negative_recall: float
    """Share of messages labelled negative that are called negative."""
    confusion: list[list[int]]
    """Rows are gold labels, columns predicted labels, both in `LABELS` order."""


@dataclass(frozen=True)
class SentimentResult:
    """The benchmark's figures on one labelled set."""

    dataset: str
    rows: int
    label_counts: dict[str, int]
    product: SentimentScores
    """At the product's negative cut and the mirrored positive cut."""
    vader: SentimentScores
    """At VADER's published ±0.05 cuts, for reference."""
    spearman: float | None
    """Rank correlation of the score with the label order; None when either side is constant."""
    mean_latency_ms: float
    kind_accuracy: dict[str, float]
    """Accuracy per kind of message at the product's cuts."""


def load_examples(path: Path) -> list[Example]:
    """Read a labelled JSONL set, one `{text, label, source[, kind]}` object a line.

    Args:
        path: The JSONL file.
    """
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row["label"] not in LABELS:
            raise ValueError(f"{path.name}:{number}: unknown label {row['label']!r}")
        examples.append(Example(row["text"], row["label"], row["source"], row.get("kind", "")))
    return examples


def label_of(score: float, negative_at: float, positive_at: float) -> str:
    """The class of a score: negative at or below `negative_at`, positive at or above `positive_at`.

    Args:
        score: A sentiment score in [-1, 1].
        negative_at: The negative cut.
        positive_at: The positive cut.
    """
    if score <= negative_at:
        return "negative"
    return "positive" if score >= positive_at else "neutral"


def score_cuts(
    gold: Sequence[str], scores: Sequence[float], negative_at: float, positive_at: float
) -> SentimentScores:
    """Label the scores at two cuts and score the labels against gold.

    Args:
        gold: The true labels, each one of `LABELS`.
        scores: One sentiment score per gold label.
        negative_at: The negative cut.
        positive_at: The positive cut.
    """
    if len(gold) != len(scores):
        raise ValueError("gold and scores differ in length")
    predicted = [label_of(s, negative_at, positive_at) for s in scores]
    labels = list(LABELS)
    precision, recall, _, _ = precision_recall_fscore_support(
        gold, predicted, labels=["negative"], zero_division=0
    )
    right = sum(g == p for g, p in zip(gold, predicted, strict=True))
    return SentimentScores(
        negative_at=negative_at,
        positive_at=positive_at,
        accuracy=right / len(gold) if gold else 0.0,
        macro_f1=float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
        negative_precision=float(precision[0]),
        negative_recall=float(recall[0]),
        confusion=confusion_matrix(gold, predicted, labels=labels).tolist(),
    )


def rank_correlation(gold: Sequence[str], scores: Sequence[float]) -> float | None:
    """Spearman correlation of the scores with the gold labels' order in `LABELS`.

    Args:
        gold: The true labels.
        scores: One sentiment score per gold label.
    """
    ranks = [LABELS.index(g) for g in gold]
    if len(set(ranks)) < 2 or len(set(scores)) < 2:
        return None
    rho = float(spearmanr(ranks, scores).statistic)
    return None if math.isnan(rho) else rho


def kind_accuracy(examples: Sequence[Example], predicted: Sequence[str]) -> dict[str, float]:
    """Accuracy per kind of message, kinds sorted by name.

    Args:
        examples: The labelled messages.
        predicted: One predicted label per message.
    """
    totals: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for example, label in zip(examples, predicted, strict=True):
        kind = f"{example.label}/{example.kind or '-'}"
        totals[kind] += 1
        right[kind] += example.label == label
    return {kind: right[kind] / totals[kind] for kind in sorted(totals)}


def run_sentiment(path: Path | None = None) -> SentimentResult:
    """Score every message of the labelled set, one at a time, and compute the figures.

    Args:
        path: The labelled JSONL set; `evals/datasets/sentiment.jsonl` when None.
    """
    path = path or DATASET
    examples = load_examples(path)
    # The first call builds the analyser; it is a one-off cost, not a per-message one.
    sentiment("warm up")
    scores, seconds = [], 0.0
    for example in examples:
        start = time.perf_counter()
        scores.append(sentiment(example.text))
        seconds += time.perf_counter() - start
    gold = [e.label for e in examples]
    product = score_cuts(gold, scores, NEGATIVE_SENTIMENT, POSITIVE_SENTIMENT)
    predicted = [label_of(s, NEGATIVE_SENTIMENT, POSITIVE_SENTIMENT) for s in scores]
    counts = Counter(gold)
    return SentimentResult(
        dataset=path.name,
        rows=len(examples),
        label_counts={label: counts[label] for label in LABELS},
        product=product,
        vader=score_cuts(gold, scores, -VADER_CUT, VADER_CUT),
        spearman=rank_correlation(gold, scores),
        mean_latency_ms=1000.0 * seconds / len(examples) if examples else 0.0,
        kind_accuracy=kind_accuracy(examples, predicted),
    )


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def markdown(result: SentimentResult) -> str:
    """A markdown table of the result, one row per pair of cuts, with a caption.

    Args:
        result: What `run_sentiment` returned.
    """
    rho = "–" if result.spearman is None else f"{result.spearman:.3f}"
    counts = " / ".join(f"{result.label_counts[label]}" for label in LABELS)
    lines = [
        f"Sentiment on {result.dataset}: {result.rows} messages (negative / neutral / positive "
        f"{counts}); Spearman ρ {rho}; {result.mean_latency_ms:.3f} ms per message.",
        "",
        "| Cuts (neg ≤, pos ≥) | Accuracy | Macro-F1 | Negative precision | Negative recall |",
        "|---|---|---|---|---|",
    ]
    for name, s in (("product", result.product), ("VADER reference", result.vader)):
        lines.append(
            f"| {name} ({s.negative_at:+.2f}, {s.positive_at:+.2f}) | {_pct(s.accuracy)} "
            f"| {_pct(s.macro_f1)} | {_pct(s.negative_precision)} | {_pct(s.negative_recall)} |"
        )
    return "\n".join(lines) + "\n"
