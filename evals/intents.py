"""The intent suite: the product's intent model on labelled utterances it was not trained on.

`evals/datasets/intents.jsonl` holds the held-out split of the product's intent data
(`data/nlu/intents_heldout.jsonl`) as LangSmith examples; `python -P -m
supportgraph.evals.intents` rewrites it from that file. The summary reports accuracy,
macro-F1, out-of-scope recall and single-query latency, and writes the confusion table to the
data directory's reports folder and to `evals/reports/`.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from supportgraph.evals.suite import Row, Summary, Target, markdown_table, percentile, read_jsonl
from supportgraph.nlu.bench.metrics import score
from supportgraph.nlu.dataset import HELDOUT_PATH
from supportgraph.nlu.evaluate import confusion_markdown
from supportgraph.nlu.intent import OUT_OF_SCOPE, IntentClassifier
from supportgraph.nlu.train import ensure_intent_model
from supportgraph.settings import PACKAGE_DIR, Settings

DATASET = PACKAGE_DIR / "evals" / "datasets" / "intents.jsonl"
REPORTS = PACKAGE_DIR / "evals" / "reports"


def to_examples(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """LangSmith examples from `text,label,source` rows."""
    return [
        {
            "inputs": {"text": r["text"]},
            "outputs": {"label": r["label"]},
            "metadata": {"source": r.get("source", "")},
        }
        for r in rows
    ]


def build(source: Path = HELDOUT_PATH, out: Path = DATASET) -> Path:
    """Rewrite the intent dataset from the held-out split."""
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line]
    lines = [json.dumps(e, ensure_ascii=False) for e in to_examples(rows)]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def correct(outputs: dict[str, Any], reference_outputs: dict[str, Any]) -> dict[str, Any]:
    """The predicted label is the gold one."""
    ok = outputs.get("label") == reference_outputs["label"]
    return {"key": "correct", "score": ok, "comment": "" if ok else str(outputs.get("label"))}


class IntentSuite:
    """The product intent model against `evals/datasets/intents.jsonl`.

    Args:
        settings: Where the product's models live (trained first if missing or stale).
        limit: Score at most this many examples.
    """

    name = "intents"
    description = "Held-out utterances labelled with the product's intents (and out-of-scope)."

    def __init__(self, settings: Settings, *, limit: int | None = None) -> None:
        self.settings = settings
        self.limit = limit
        self._model: IntentClassifier | None = None

    def examples(self) -> list[dict[str, Any]]:
        """The dataset, limited as asked."""
        rows = read_jsonl(DATASET)
        return rows[: self.limit] if self.limit else rows

    def target(self) -> Target:
        """Classify one utterance, timing the encoder and head (no answer cache)."""
        if self._model is None:
            self._model = IntentClassifier.load(ensure_intent_model(self.settings.models_dir))
        model = self._model

        async def classify(inputs: dict[str, Any]) -> dict[str, Any]:
            start = time.perf_counter()
            prediction = model.predict_batch([inputs["text"]])[0]
            return {
                "label": prediction.label,
                "confidence": prediction.confidence,
                "seconds": time.perf_counter() - start,
            }

        return classify

    def evaluators(self) -> list[Any]:
        """Label correctness."""
        return [correct]

    def summarize(self, rows: Sequence[Row]) -> Summary:
        """Accuracy, macro-F1, OOS recall, latency, a table per source; writes the confusion."""
        gold = [r.example["outputs"]["label"] for r in rows]
        predicted = [str(r.outputs.get("label")) for r in rows]
        right = [g == p for g, p in zip(gold, predicted, strict=True)]
        scores = score(gold, predicted, OUT_OF_SCOPE)
        seconds = [r.outputs["seconds"] for r in rows if "seconds" in r.outputs]
        metrics = {
            "examples": len(rows),
            "accuracy": scores.accuracy,
            "macro_f1": scores.macro_f1,
            "oos_recall": scores.oos_recall if OUT_OF_SCOPE in gold else None,
            "latency_p50_ms": _ms(percentile(seconds, 50)),
            "latency_p95_ms": _ms(percentile(seconds, 95)),
        }
        by_source: dict[str, list[bool]] = defaultdict(list)
        for row, ok in zip(rows, right, strict=True):
            by_source[row.example.get("metadata", {}).get("source") or "-"].append(ok)
        table = markdown_table(
            ["source", "right", "rows", "accuracy"],
            [[s, sum(v), len(v), f"{sum(v) / len(v):.1%}"] for s, v in sorted(by_source.items())]
            + [["**all**", sum(right), len(right), f"{metrics['accuracy']:.1%}"]],
        )
        table += "\n" + ", ".join(f"{k} {_fmt(v)}" for k, v in metrics.items()) + "\n"
        confusion = confusion_markdown(gold, predicted)
        notes = []
        # Only a run over the whole set replaces the table kept in the repository.
        folders = [self.settings.data_dir / "reports"] + ([] if self.limit else [REPORTS])
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "intent_confusion.md"
            path.write_text(
                f"Product intent model on {len(rows)} held-out utterances: accuracy "
                f"{metrics['accuracy']:.1%}, macro-F1 {metrics['macro_f1']:.1%}.\n\n{confusion}",
                encoding="utf-8",
            )
            notes.append(f"confusion table: {path}")
        return Summary(self.name, metrics, table, notes)

    def close(self) -> None:
        """Nothing to release."""


def _fmt(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


if __name__ == "__main__":
    print(build())  # noqa: T201
