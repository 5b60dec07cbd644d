"""The sentiment benchmark's plumbing on tiny synthetic data: cuts, metrics, loading, report."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from supportgraph.graph.nodes.understand import NEGATIVE_SENTIMENT
from supportgraph.nlu.bench.sentiment import (
    DATASET,
    LABELS,
    POSITIVE_SENTIMENT,
    Example,
    SentimentScores,
    kind_accuracy,
    label_of,
    load_examples,
    markdown,
    rank_correlation,
    run_sentiment,
    score_cuts,
)


def test_that_the_product_cuts_are_the_escalation_cut_and_its_mirror() -> None:
    assert label_of(NEGATIVE_SENTIMENT, NEGATIVE_SENTIMENT, POSITIVE_SENTIMENT) == "negative"
    assert label_of(NEGATIVE_SENTIMENT + 0.01, NEGATIVE_SENTIMENT, POSITIVE_SENTIMENT) == "neutral"
    assert POSITIVE_SENTIMENT == -NEGATIVE_SENTIMENT


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (-0.9, "negative"),
        (-0.5, "negative"),
        (-0.49, "neutral"),
        (0.0, "neutral"),
        (0.49, "neutral"),
        (0.5, "positive"),
        (1.0, "positive"),
    ],
)
def test_that_scores_are_labelled_inclusively_at_both_cuts(score: float, label: str) -> None:
    assert label_of(score, -0.5, 0.5) == label


def test_metrics_on_a_known_confusion() -> None:
    # Predicted at ±0.5: neg, neu, neg | neu, neg | pos, neu.
    gold = ["negative", "negative", "negative", "neutral", "neutral", "positive", "positive"]
    scores = [-0.9, -0.1, -0.7, 0.2, -0.6, 0.8, 0.3]
    s = score_cuts(gold, scores, -0.5, 0.5)
    assert s.confusion == [[2, 1, 0], [1, 1, 0], [0, 1, 1]]
    assert s.accuracy == pytest.approx(4 / 7)
    assert s.negative_precision == pytest.approx(2 / 3)
    assert s.negative_recall == pytest.approx(2 / 3)
    # F1 per class: negative 2/3, neutral 2*(1/3)*(1/2)/(5/6) = 0.4, positive 2/3.
    assert s.macro_f1 == pytest.approx((2 / 3 + 0.4 + 2 / 3) / 3)


def test_that_no_negative_call_gives_zero_precision_not_an_error() -> None:
    s = score_cuts(["negative", "neutral"], [0.0, 0.0], -0.5, 0.5)
    assert s.negative_precision == 0.0
    assert s.negative_recall == 0.0


def test_that_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="length"):
        score_cuts(["negative"], [0.1, 0.2], -0.5, 0.5)


def test_that_rank_correlation_follows_the_label_order() -> None:
    gold = ["negative", "neutral", "positive", "neutral"]
    assert rank_correlation(gold, [-0.8, 0.0, 0.9, 0.05]) == pytest.approx(1.0, abs=0.06)
    assert rank_correlation(gold, [0.8, 0.0, -0.9, -0.05]) == pytest.approx(-1.0, abs=0.06)
    assert rank_correlation(gold, [0.1, 0.1, 0.1, 0.1]) is None
    assert rank_correlation(["neutral", "neutral"], [0.1, 0.2]) is None


def test_that_accuracy_is_broken_down_by_label_and_kind() -> None:
    examples = [
        Example("a", "negative", "written", "sarcasm"),
        Example("b", "negative", "written", "sarcasm"),
        Example("c", "neutral", "written"),
    ]
    assert kind_accuracy(examples, ["positive", "negative", "neutral"]) == {
        "negative/sarcasm": 0.5,
        "neutral/-": 1.0,
    }


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    return path


def test_that_an_unknown_label_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.jsonl", [{"text": "hi", "label": "angry", "source": "x"}])
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        load_examples(path)


def test_that_a_run_on_a_tiny_set_is_serialisable_and_renders_one_table(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "tiny.jsonl",
        [
            {"text": "This is the worst, I'm furious", "label": "negative", "source": "x"},
            {"text": "What is my order status?", "label": "neutral", "source": "x"},
            {"text": "Thank you so much, wonderful!", "label": "positive", "source": "x"},
        ],
    )
    result = run_sentiment(path)
    assert result.rows == 3
    assert result.label_counts == dict.fromkeys(LABELS, 1)
    assert isinstance(result.product, SentimentScores)
    assert result.mean_latency_ms >= 0.0
    assert json.loads(json.dumps(asdict(result)))["dataset"] == "tiny.jsonl"
    table = markdown(result)
    assert table.count("| product") == 1 and table.count("| VADER reference") == 1
    assert "3 messages" in table


def test_that_the_shipped_set_is_balanced_and_well_formed() -> None:
    examples = load_examples(DATASET)
    counts = {label: sum(e.label == label for e in examples) for label in LABELS}
    assert min(counts.values()) >= 0.3 * len(examples)
    assert len({e.text for e in examples}) == len(examples)
    assert all(e.source and e.kind for e in examples)
