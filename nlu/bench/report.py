"""The benchmark's results as a markdown table (for the README) and as a JSON report."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from supportgraph.nlu.bench.metrics import Scores


@dataclass(frozen=True)
class Result:
    """One benchmark's test scores, sizes and timings."""

    dataset: str
    train_rows: int
    val_rows: int
    test_rows: int
    scores: Scores
    train_seconds: float
    """Fine-tuning, SVM fitting and the choices made on validation."""
    latency_p50_ms: float
    latency_p95_ms: float
    latency_queries: int
    choice: dict[str, Any]
    """Temperature, weight, threshold and validation scores chosen during training."""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.2f} %"


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def markdown(results: Sequence[Result], *, date: str, machine: str, total_seconds: float) -> str:
    """A markdown table of the results with a caption naming the date and machine.

    Args:
        results: One row per benchmark.
        date: The run's date, ISO format.
        machine: A short description of the machine.
        total_seconds: Wall time of the whole run.
    """
    lines = [
        f"Intent benchmarks, {date}, {machine}; whole run {_duration(total_seconds)}.",
        "",
        "| Dataset | Train / val / test | Accuracy | Macro-F1 | In-scope acc. | OOS recall "
        "| Training | p50 | p95 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        s = r.scores
        lines.append(
            f"| {r.dataset} | {r.train_rows:,} / {r.val_rows:,} / {r.test_rows:,} "
            f"| {_pct(s.accuracy)} | {_pct(s.macro_f1)} | {_pct(s.in_scope_accuracy)} "
            f"| {_pct(s.oos_recall)} | {_duration(r.train_seconds)} "
            f"| {r.latency_p50_ms:.1f} ms | {r.latency_p95_ms:.1f} ms |"
        )
    return "\n".join(lines) + "\n"


def write_json(
    path: Path, results: Sequence[Result], *, date: str, machine: str, extra: dict[str, Any]
) -> Path:
    """Write the results and run details to `path` as JSON and return it.

    Args:
        path: Target file; its folder is created.
        results: One entry per benchmark.
        date: The run's date, ISO format.
        machine: A short description of the machine.
        extra: Further run details (settings, wall time).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"date": date, "machine": machine, **extra, "results": [asdict(r) for r in results]}
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return path
