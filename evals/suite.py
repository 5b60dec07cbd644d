"""What an eval suite gives the runner: examples, a target, evaluators and a summary.

A suite's examples are LangSmith examples (`inputs`, `outputs`, `metadata`) kept as JSON lines
in `evals/datasets/`. The runner hands them to `langsmith.aevaluate` with the suite's target
and evaluators, offline unless a LangSmith key is set, and then asks the suite to summarise the
scored rows into metrics and a table.

Evaluators follow LangSmith's signature by argument name: any of `inputs`, `outputs`,
`reference_outputs`, `run`, `example`; they return `{"key": ..., "score": ...}` (or
`{"results": [...]}` for several keys). A score of None means "does not apply to this row".
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

Target = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
Evaluator = Callable[..., dict[str, Any]]


@dataclass
class Row:
    """One scored run of one example."""

    example: dict[str, Any]
    """The LangSmith example: `inputs`, `outputs`, `metadata`, and its `id`."""
    outputs: dict[str, Any]
    """What the target returned."""
    scores: dict[str, Any] = field(default_factory=dict)
    """Evaluator key -> score (bool, number or None)."""
    comments: dict[str, str] = field(default_factory=dict)
    """Evaluator key -> its comment, where it gave one."""
    repetition: int = 0


@dataclass
class Summary:
    """A suite's headline metrics, its table and the gates CI checks."""

    suite: str
    metrics: dict[str, Any]
    table: str
    """Markdown, printed after the run and kept in the report."""
    notes: list[str] = field(default_factory=list)
    """Skipped evaluators and other things the reader must know."""


class Suite(Protocol):
    """One eval suite."""

    name: str
    description: str

    def examples(self) -> list[dict[str, Any]]:
        """The suite's LangSmith examples."""
        ...

    def target(self) -> Target:
        """An async function from an example's `inputs` to the run's outputs."""
        ...

    def evaluators(self) -> Sequence[Evaluator]:
        """Per-example evaluators."""
        ...

    def summarize(self, rows: Sequence[Row]) -> Summary:
        """Metrics and a table over every scored row."""
        ...

    def close(self) -> None:
        """Release what the target holds (stores, indexes, models)."""
        ...


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """LangSmith examples from a JSON-lines file, each given a stable `id` if it has none.

    Args:
        path: The dataset file.
    """
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
        if not isinstance(row, dict) or not {"inputs", "outputs"} <= row.keys():
            raise ValueError(f"{path}:{n}: a LangSmith example needs 'inputs' and 'outputs'")
        row.setdefault("metadata", {})
        rows.append(row)
    return rows


def pass_hat_k(successes: Sequence[int], trials: int, k: int) -> float:
    """τ-bench's pass^k: the chance that k trials of a task, drawn from `trials`, all pass.

    Averaged over tasks: mean of C(c, k) / C(n, k), where c of n trials passed.

    Args:
        successes: Passed trials per task.
        trials: Trials per task (n).
        k: How many must all pass.
    """
    if not successes:
        return 0.0
    if not 1 <= k <= trials:
        raise ValueError(f"k must be between 1 and {trials}, got {k}")
    total = math.comb(trials, k)
    return sum(math.comb(c, k) / total for c in successes) / len(successes)


def mean(values: Sequence[float | bool | None]) -> float | None:
    """Mean of the values that are not None, or None when none are."""
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100, linear interpolation), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table; floats in [0, 1] are not reformatted, so format them before."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
