"""CI gates: the thresholds in `evals/thresholds.json` that a run must meet.

Each gate names a suite, a metric and a bound. A gate whose suite did not run is not checked;
one whose metric is missing fails, since a gate that cannot fail would guard nothing. Raise the
minimums as the agent improves (never lower them to make a change pass).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from supportgraph.evals.runner import SuiteRun
from supportgraph.settings import PACKAGE_DIR

THRESHOLDS = PACKAGE_DIR / "evals" / "thresholds.json"


def load_gates(path: Path = THRESHOLDS) -> list[dict[str, Any]]:
    """The gates: `{"suite", "metric", "min"}` or `{"suite", "metric", "max"}` objects."""
    return list(json.loads(path.read_text(encoding="utf-8"))["gates"])


def check_gates(
    runs: Sequence[SuiteRun], gates: Sequence[dict[str, Any]] | None = None
) -> list[str]:
    """Every gate the runs fail, as a sentence; empty when all pass.

    Args:
        runs: The suites that ran.
        gates: The gates to check; the repository's by default.
    """
    by_suite = {run.summary.suite: run.summary.metrics for run in runs}
    failures = []
    for gate in load_gates() if gates is None else gates:
        metrics = by_suite.get(gate["suite"])
        if metrics is None:
            continue
        value = metrics.get(gate["metric"])
        name = f"{gate['suite']} {gate['metric']}"
        if value is None:
            failures.append(f"{name} was not measured")
        elif "min" in gate and value < gate["min"]:
            failures.append(f"{name} = {value:.4g}, below the minimum {gate['min']}")
        elif "max" in gate and value > gate["max"]:
            failures.append(f"{name} = {value:.4g}, above the maximum {gate['max']}")
    return failures
