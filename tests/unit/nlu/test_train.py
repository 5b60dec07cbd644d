"""The trainer: tiny CSV/JSONL data in, a saved model that loads and predicts out."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from supportgraph.nlu import train as train_module
from supportgraph.nlu.intent import IntentClassifier
from supportgraph.nlu.train import ensure_intent_model, evaluate_heldout, train_intents

ROWS = {
    "greeting": [
        "hi",
        "hello",
        "hey there",
        "good morning",
        "hiya",
        "hello friend",
        "hey hey",
        "good evening",
    ],
    "thanks": [
        "thanks",
        "thank you",
        "thanks a lot",
        "many thanks",
        "thank you so much",
        "cheers, thanks",
        "thx",
        "much appreciated",
    ],
    "cancel_order": [
        "cancel my order",
        "please cancel the order",
        "I want to cancel order",
        "cancel it now",
        "stop my order and cancel",
        "cancel order #W1234567",
        "I need to cancel",
        "cancel the purchase",
    ],
    "order_status": [
        "where is my order",
        "has my order shipped",
        "track my package",
        "order status please",
        "when will my order arrive",
        "is my order delivered",
        "where is my package",
        "tracking number for my order",
    ],
}


def _write(path: Path, fmt: str) -> Path:
    rows = [(text, label) for label, texts in ROWS.items() for text in texts]
    if fmt == "csv":
        with path.open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["text", "label"])
            writer.writerows(rows)
    else:
        path.write_text("".join(json.dumps({"text": t, "label": lab}) + "\n" for t, lab in rows))
    return path


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_that_training_saves_a_model_that_loads_and_predicts(tmp_path: Path, fmt: str) -> None:
    data = _write(tmp_path / f"tiny.{fmt}", fmt)
    report = train_intents(data, tmp_path / "model", progress=False)

    assert report.rows == 32 and report.val_rows >= 4
    assert 0.0 <= report.accuracy <= 1.0 and 0.0 <= report.macro_f1 <= 1.0
    meta = json.loads((tmp_path / "model" / "meta.json").read_text())
    assert meta["labels"] == sorted(ROWS) and meta["data_sha256"] == report.data_sha256
    assert {"threshold", "trained_at", "accuracy"} <= meta.keys()

    model = IntentClassifier.load(tmp_path / "model")
    label, confidence, ranking = model.predict("could you cancel my order please")
    assert label == "cancel_order" and 0.0 < confidence <= 1.0
    assert ranking[0][0] == "cancel_order" and len(ranking) == 4
    assert [p.label for p in model.predict_batch(["thank you!", "where's my package?"])] == [
        "thanks",
        "order_status",
    ]


def test_that_a_single_label_file_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "one.jsonl"
    data.write_text(json.dumps({"text": "hi", "label": "greeting"}) + "\n")
    with pytest.raises(ValueError, match="two labels"):
        train_intents(data, tmp_path / "model", progress=False)


def test_that_the_model_is_retrained_only_when_its_data_changes(tmp_path: Path) -> None:
    data = _write(tmp_path / "tiny.jsonl", "jsonl")
    model_dir = ensure_intent_model(tmp_path / "models", data)
    first = json.loads((model_dir / "meta.json").read_text())["trained_at"]
    ensure_intent_model(tmp_path / "models", data)
    assert json.loads((model_dir / "meta.json").read_text())["trained_at"] == first

    with data.open("a") as f:
        f.write(json.dumps({"text": "howdy partner", "label": "greeting"}) + "\n")
    ensure_intent_model(tmp_path / "models", data)
    assert json.loads((model_dir / "meta.json").read_text())["trained_at"] != first


def test_that_a_retrain_encodes_only_the_new_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _write(tmp_path / "tiny.jsonl", "jsonl")
    train_intents(data, tmp_path / "model", progress=False)
    encoded: list[str] = []
    real_embed = train_module.embed

    def counting_embed(texts, **kwargs):
        encoded.extend(texts)
        return real_embed(texts, **kwargs)

    monkeypatch.setattr(train_module, "embed", counting_embed)
    with data.open("a") as f:
        f.write(json.dumps({"text": "howdy partner", "label": "greeting"}) + "\n")
    report = train_intents(data, tmp_path / "model", progress=False)
    assert encoded == ["howdy partner"]
    assert report.rows == 33


def test_that_the_heldout_report_writes_a_confusion_table(tmp_path: Path) -> None:
    model_dir = train_intents(_write(tmp_path / "t.csv", "csv"), tmp_path / "m", progress=False)
    heldout = tmp_path / "heldout.jsonl"
    heldout.write_text(
        json.dumps({"text": "cancel that order", "label": "cancel_order", "source": "unit"}) + "\n"
    )
    report = evaluate_heldout(Path(model_dir.model_dir), heldout, tmp_path / "confusion.md")

    assert report.rows == 1 and set(report.per_source) == {"unit"}
    table = (tmp_path / "confusion.md").read_text()
    assert "| cancel_order |" in table
    evaluate_heldout(Path(model_dir.model_dir), heldout, tmp_path / "confusion.csv")
    assert (tmp_path / "confusion.csv").read_text().startswith("gold\\predicted")
