"""The benchmark plumbing on tiny synthetic data: splits, loaders, metrics, choices, report."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from supportgraph.nlu.bench import (
    LOADERS,
    Result,
    Split,
    datasets_dir,
    markdown,
    percentiles_ms,
    score,
    stratified_split,
    write_json,
)


def _rows(labels: dict[str, int]) -> Split:
    texts = [f"{label} request number {i}" for label, n in labels.items() for i in range(n)]
    return Split(texts, [t.split()[0] for t in texts])


def test_that_a_split_keeps_every_label_in_proportion() -> None:
    rows = _rows({"a": 50, "b": 30, "c": 20})
    train, test = stratified_split(rows, 0.2)
    assert Counter(test.labels) == {"a": 10, "b": 6, "c": 4}
    assert Counter(train.labels) == {"a": 40, "b": 24, "c": 16}
    assert not set(train.texts) & set(test.texts)
    assert sorted(train.texts + test.texts) == sorted(rows.texts)


def test_that_the_same_seed_gives_the_same_split_and_another_seed_another() -> None:
    rows = _rows({"a": 50, "b": 50})
    first, again = stratified_split(rows, 0.2, seed=0), stratified_split(rows, 0.2, seed=0)
    other = stratified_split(rows, 0.2, seed=1)
    assert first[1].texts == again[1].texts
    assert first[1].texts != other[1].texts


def test_metrics_on_a_known_confusion() -> None:
    # a: 3 gold, 2 right; b: 2 gold, 1 right; one b predicted a, one a predicted b.
    gold = ["a", "a", "a", "b", "b"]
    pred = ["a", "a", "b", "b", "a"]
    s = score(gold, pred)
    assert s.accuracy == pytest.approx(3 / 5)
    # F1(a) = 2*(2/3)*(2/3)/(4/3) = 2/3; F1(b) = 2*(1/2)*(1/2)/1 = 1/2.
    assert s.macro_f1 == pytest.approx((2 / 3 + 1 / 2) / 2)
    assert s.in_scope_accuracy is None and s.oos_recall is None


def test_that_oos_recall_counts_rejected_out_of_scope_rows_only() -> None:
    gold = ["a", "a", "b", "b", "oos", "oos", "oos", "oos"]
    pred = ["a", "oos", "b", "a", "oos", "oos", "a", "oos"]
    s = score(gold, pred, "oos")
    assert s.oos_recall == pytest.approx(3 / 4)
    # A rejected in-scope row is an error of in-scope accuracy.
    assert s.in_scope_accuracy == pytest.approx(2 / 4)
    assert s.accuracy == pytest.approx(5 / 8)


def test_that_score_refuses_lists_of_different_lengths() -> None:
    with pytest.raises(ValueError):
        score(["a"], ["a", "b"])


def test_latency_percentiles_are_in_milliseconds() -> None:
    p50, p95 = percentiles_ms([i / 1000 for i in range(1, 101)])
    assert p50 == pytest.approx(50.5)
    assert p95 == pytest.approx(95.05)
    assert percentiles_ms([]) == [0.0, 0.0]


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny copy of the shared datasets layout, selected through the env override."""
    (tmp_path / "banking77").mkdir()
    for name, n in (("train", 20), ("test", 4)):
        with (tmp_path / f"banking77/{name}.csv").open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["text", "category"])
            w.writerows(
                [f"{name} card {i}", "card_arrival" if i % 2 else "top_up"] for i in range(n)
            )
    (tmp_path / "clinc150").mkdir()
    data = {
        split: [[f"{split} q{i}", f"intent_{i % 3}"] for i in range(n)]
        for split, n in (("train", 30), ("val", 9), ("test", 12))
    }
    data |= {
        f"oos_{s}": [[f"{s} oos {i}", "oos"] for i in range(n)]
        for s, n in (("train", 3), ("val", 2), ("test", 5))
    }
    (tmp_path / "clinc150/data_full.json").write_text(json.dumps(data))
    bitext = tmp_path / "bitext-customer-support"
    bitext.mkdir()
    with (bitext / "Bitext_Sample_Customer_Support_Training_Dataset.csv").open(
        "w", newline=""
    ) as f:
        w = csv.writer(f)
        w.writerow(["instruction", "intent", "response"])
        w.writerows([f"bitext {i}", f"intent_{i % 2}", "a reply,\nover lines"] for i in range(50))
    monkeypatch.setenv("SUPPORTGRAPH_DATASETS_DIR", str(tmp_path))
    return tmp_path


def test_that_the_env_override_names_the_datasets_folder(shared: Path) -> None:
    assert datasets_dir() == shared


def test_that_the_default_datasets_folder_sits_beside_the_repository(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SUPPORTGRAPH_DATASETS_DIR", raising=False)
    assert datasets_dir().parts[-2:] == ("shared", "datasets")


def test_that_banking77_validation_comes_from_train_and_test_is_kept_whole(shared: Path) -> None:
    bench = LOADERS["banking77"](datasets_dir())
    assert (len(bench.train), len(bench.val), len(bench.test)) == (18, 2, 4)
    assert all(t.startswith("train") for t in bench.train.texts + bench.val.texts)
    assert bench.oos_label is None


def test_that_clinc150_splits_carry_their_out_of_scope_rows(shared: Path) -> None:
    bench = LOADERS["clinc150"](datasets_dir())
    assert bench.oos_label == "oos"
    assert Counter(bench.train.labels)["oos"] == 3
    assert Counter(bench.val.labels)["oos"] == 2
    assert Counter(bench.test.labels)["oos"] == 5
    assert len(bench.test) == 17


def test_that_bitext_is_split_80_20_then_validation_is_carved_from_train(shared: Path) -> None:
    bench = LOADERS["bitext"](datasets_dir())
    assert len(bench.test) == 10
    assert len(bench.train) + len(bench.val) == 40
    assert not set(bench.test.texts) & set(bench.train.texts + bench.val.texts)
    assert Counter(bench.test.labels) == {"intent_0": 5, "intent_1": 5}


def test_that_the_oos_threshold_is_chosen_to_keep_recall_on_validation() -> None:
    from supportgraph.nlu.bench.model import BenchClassifier
    from supportgraph.nlu.finetune import FineTuneConfig

    model = BenchClassifier(FineTuneConfig(), oos_label="oos")
    model.labels = ["a", "b", "oos"]
    # In-scope rows are confident (0.9); out-of-scope rows peak at 0.5 on an in-scope label.
    neural = np.array([[0.9, 0.05, 0.05]] * 8 + [[0.5, 0.3, 0.2]] * 8)
    gold = ["a"] * 8 + ["oos"] * 8
    margins = np.zeros_like(neural)
    choice = model._choose(neural, margins, gold)
    w = choice.weight
    assert 0.5 * (1 - w) + w / 3 < choice.threshold <= 0.9 * (1 - w) + w / 3
    assert choice.val["oos_recall"] == 1.0
    assert choice.val["in_scope_accuracy"] == 1.0


def test_that_the_table_names_date_machine_and_leaves_oos_blank_for_closed_sets(
    tmp_path: Path,
) -> None:
    closed = Result("banking77", 9, 1, 4, score(["a", "b"], ["a", "a"]), 61.0, 4.2, 7.9, 4, {})
    open_ = Result("clinc150", 9, 1, 4, score(["a", "oos"], ["a", "oos"], "oos"), 5, 4, 8, 4, {})
    text = markdown([closed, open_], date="2026-11-21", machine="2 cores, CPU", total_seconds=75)
    assert "2026-11-21" in text and "2 cores, CPU" in text and "1 min 15 s" in text
    rows = [line for line in text.splitlines() if line.startswith("| banking77")]
    assert rows == [
        "| banking77 | 9 / 1 / 4 | 50.00 % | 33.33 % | – | – | 1 min 01 s | 4.2 ms | 7.9 ms |"
    ]
    assert "| 100.00 % | 100.00 % |" in text
    path = write_json(tmp_path / "r/bench.json", [closed], date="d", machine="m", extra={"x": 1})
    doc = json.loads(path.read_text())
    assert doc["x"] == 1 and doc["results"][0]["scores"]["accuracy"] == 0.5


def test_that_the_classifier_trains_predicts_and_times_on_a_tiny_set() -> None:
    from supportgraph.nlu.bench.model import BenchClassifier
    from supportgraph.nlu.finetune import FineTuneConfig

    rows = {
        "refund": ["refund my money", "I want a refund", "give me my money back", "refund please"],
        "card": ["my card is lost", "card stolen", "I lost my card", "where is my new card"],
        "oos": ["what is the weather", "tell me a joke", "play some music", "who won the game"],
    }
    train = Split(
        [t for ts in rows.values() for t in ts], [k for k, ts in rows.items() for _ in ts]
    )
    config = FineTuneConfig(layers=1, epochs=1, batch_size=4)
    model = BenchClassifier(config, oos_label="oos").fit(train, train)
    labels = model.predict_batch(["refund my money", "is it sunny"])
    assert set(labels) <= set(rows)
    assert model.predict("refund my money") == labels[0]
    seconds = model.time_queries(["refund my money", "card stolen"], warmup=1)
    assert len(seconds) == 2 and all(s > 0 for s in seconds)


def test_that_class_distance_is_smallest_near_a_class_mean() -> None:
    from supportgraph.nlu.bench.model import ClassDistance

    rng = np.random.default_rng(0)
    a = rng.normal(0.0, 0.1, size=(50, 3)) + [1.0, 0.0, 0.0]
    b = rng.normal(0.0, 0.1, size=(50, 3)) + [0.0, 1.0, 0.0]
    distance = ClassDistance(np.vstack([a, b]), ["a"] * 50 + ["b"] * 50)
    near_a, near_b, far = distance(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 3.0]]))
    assert near_a < 1.0 and near_b < 1.0
    assert far > 100 * max(near_a, near_b)


def test_that_a_confident_row_far_from_every_class_is_rejected_by_the_distance_cut() -> None:
    from supportgraph.nlu.bench.model import BenchClassifier
    from supportgraph.nlu.finetune import FineTuneConfig

    model = BenchClassifier(FineTuneConfig(), oos_label="oos")
    model.labels = ["a", "b", "oos"]
    # Every row is confidently "a": only the distance tells the out-of-scope rows apart.
    neural = np.array([[0.95, 0.03, 0.02]] * 16)
    gold = ["a"] * 8 + ["oos"] * 8
    distances = np.array([1.0 + i / 10 for i in range(8)] + [50.0 + i for i in range(8)])
    choice = model._choose(neural, np.zeros_like(neural), gold, distances)
    assert 1.7 <= choice.distance < 50.0
    assert choice.val["oos_recall"] == 1.0
    assert choice.val["in_scope_accuracy"] == 1.0
    # Without it, confidence alone can reach the recall only by turning in-scope rows away.
    without = model._choose(neural, np.zeros_like(neural), gold)
    assert without.val["in_scope_accuracy"] < 1.0
