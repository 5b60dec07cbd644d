"""Score a saved intent model on a held-out file and write its confusion table."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

from supportgraph.nlu.intent import IntentClassifier


@dataclass(frozen=True)
class HeldoutReport:
    """Held-out scores of one model, overall and per data source."""

    rows: int
    accuracy: float
    macro_f1: float
    per_source: dict[str, float] = field(default_factory=dict)
    per_label: dict[str, float] = field(default_factory=dict)


def confusion_markdown(gold: Sequence[str], predicted: Sequence[str]) -> str:
    """A Markdown confusion table: gold labels as rows, predictions as columns, zeros blank."""
    labels = sorted(set(gold) | set(predicted))
    counts = Counter(zip(gold, predicted, strict=True))
    lines = [
        "| gold \\ predicted | " + " | ".join(labels) + " |",
        "|---" * (len(labels) + 1) + "|",
    ]
    for g in labels:
        cells = [str(counts[(g, p)] or "") for p in labels]
        lines.append("| " + " | ".join([g, *cells]) + " |")
    return "\n".join(lines) + "\n"


def _read(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8", newline="") as f:
        if Path(path).suffix.lower() == ".csv":
            return list(csv.DictReader(f))
        return [json.loads(line) for line in f if line.strip()]


def evaluate_heldout(model_dir: Path, heldout_path: Path, out_path: Path) -> HeldoutReport:
    """Classify every held-out row and write a confusion table (gold rows, predicted columns).

    The table is Markdown when `out_path` ends in `.md`, CSV otherwise.

    Args:
        model_dir: A directory written by `IntentClassifier.save`.
        heldout_path: JSONL or CSV rows with `text`, `label` and optionally `source`.
        out_path: Where to write the confusion table.
    """
    rows = _read(heldout_path)
    model = IntentClassifier.load(model_dir)
    preds = [p.label for p in model.predict_batch([r["text"] for r in rows])]
    gold = [r["label"] for r in rows]
    labels = sorted(set(gold) | set(preds))
    confusion = Counter(zip(gold, preds, strict=True))
    hits: dict[str, list[bool]] = defaultdict(list)
    per_label: dict[str, list[bool]] = defaultdict(list)
    for row, pred in zip(rows, preds, strict=True):
        hits[row.get("source") or "all"].append(pred == row["label"])
        per_label[row["label"]].append(pred == row["label"])
    report = HeldoutReport(
        rows=len(rows),
        accuracy=round(float(accuracy_score(gold, preds)), 4),
        macro_f1=round(float(f1_score(gold, preds, average="macro", zero_division=0)), 4),
        per_source={s: round(sum(v) / len(v), 4) for s, v in sorted(hits.items())},
        per_label={s: round(sum(v) / len(v), 4) for s, v in sorted(per_label.items())},
    )
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if out_path.suffix.lower() == ".md":
        caption = (
            f"Held-out rows: {report.rows}; accuracy {report.accuracy}; "
            f"macro-F1 {report.macro_f1}; per source {report.per_source}"
        )
        out_path.write_text(f"{caption}\n\n{confusion_markdown(gold, preds)}", encoding="utf-8")
    else:
        table = [[g] + [str(confusion[(g, p)]) for p in labels] for g in labels]
        with out_path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["gold\\predicted", *labels])
            writer.writerows(table)
    return report
