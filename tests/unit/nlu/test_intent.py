"""The classifier's decision rule and persistence, with stub heads and no encoder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from supportgraph.nlu.intent import OUT_OF_SCOPE, IntentClassifier


class _StubHead:
    """A head whose probabilities are its input rows."""

    classes_ = np.array(["cancel_order", "greeting", "return_items"])

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return x


def test_that_a_low_top_probability_becomes_out_of_scope() -> None:
    model = IntentClassifier(_StubHead(), threshold=0.5)
    label, confidence, ranking = model.decide(np.array([0.4, 0.35, 0.25]))
    assert label == OUT_OF_SCOPE
    assert confidence == pytest.approx(0.6)
    assert ranking[0] == ("cancel_order", 0.4)


def test_that_a_confident_prediction_keeps_its_label() -> None:
    model = IntentClassifier(_StubHead(), threshold=0.5)
    preds = model.predict_vectors(np.array([[0.1, 0.8, 0.1], [0.05, 0.05, 0.9]]))
    assert [(p.label, p.confidence) for p in preds] == [("greeting", 0.8), ("return_items", 0.9)]


def test_that_save_and_load_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 4))
    y = ["a"] * 10 + ["b"] * 10 + ["c"] * 10
    x[10:20] += 3
    x[20:] -= 3
    model = IntentClassifier(LogisticRegression().fit(x, y), threshold=0.3, meta={"note": "t"})
    loaded = IntentClassifier.load(model.save(tmp_path / "m"))
    assert loaded.labels == ["a", "b", "c"] and loaded.threshold == 0.3
    assert loaded.meta["note"] == "t"
    assert [p.label for p in loaded.predict_vectors(x[[0, 15, 25]])] == ["a", "b", "c"]


def test_that_a_ranking_edited_by_a_caller_does_not_change_the_cache(models_dir: Path) -> None:
    model = IntentClassifier.load(models_dir / "intent")
    first = model.predict("hello there")
    first.ranking.clear()
    assert model.predict("hello there").ranking
