"""Run suites with `langsmith.aevaluate`: offline by default, uploaded when a key is set.

Offline, the examples go to `aevaluate` as in-memory `Example`s through `OfflineClient`, a
LangSmith client that sends nothing anywhere: `aevaluate` traces the target even when results
are not uploaded, and customer data must not leave the machine. With `LANGSMITH_API_KEY` set,
the suite's dataset is created (or its examples replaced) in LangSmith and the experiment is
uploaded under it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from langsmith import Client, aevaluate
from langsmith.schemas import Example, LangSmithInfo

from supportgraph.evals.suite import Row, Suite, Summary

logger = logging.getLogger(__name__)

EXAMPLE_NAMESPACE = uuid.UUID("8a4e7f4e-3c1b-4b55-9a57-1d2f6b0c9e11")
"""Example ids are derived from the suite name and the row, so they stay the same per run."""


class OfflineClient(Client):
    """A LangSmith client that records nothing and never opens a connection."""

    def __init__(self) -> None:
        """A client for an unreachable local endpoint, with the server info given up front."""
        super().__init__(
            api_url="http://127.0.0.1:9",
            api_key="offline",
            info=LangSmithInfo(),
            auto_batch_tracing=False,
        )

    def create_run(self, *args: Any, **kwargs: Any) -> None:  # noqa: D102
        return None

    def update_run(self, *args: Any, **kwargs: Any) -> None:  # noqa: D102
        return None

    def batch_ingest_runs(self, *args: Any, **kwargs: Any) -> None:  # noqa: D102
        return None

    def multipart_ingest(self, *args: Any, **kwargs: Any) -> None:  # noqa: D102
        return None

    def create_feedback(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102
        return None


def upload_enabled() -> bool:
    """Whether results go to LangSmith: only when `LANGSMITH_API_KEY` is set."""
    return bool(os.environ.get("LANGSMITH_API_KEY", "").strip())


def example_id(suite: str, index: int, row: dict[str, Any]) -> uuid.UUID:
    """A stable id for a suite's example: from the row's own id, else its position."""
    key = str(row.get("id") or row.get("inputs", {}).get("task_id") or index)
    return uuid.uuid5(EXAMPLE_NAMESPACE, f"{suite}/{key}")


def to_examples(suite: str, rows: Sequence[dict[str, Any]]) -> list[Example]:
    """LangSmith `Example`s for offline runs (one made-up dataset id per suite)."""
    dataset_id = uuid.uuid5(EXAMPLE_NAMESPACE, suite)
    now = dt.datetime.now(dt.UTC)
    return [
        Example(
            id=example_id(suite, i, row),
            dataset_id=dataset_id,
            inputs=row["inputs"],
            outputs=row["outputs"],
            metadata=row.get("metadata") or {},
            created_at=now,
        )
        for i, row in enumerate(rows)
    ]


def sync_dataset(client: Client, name: str, description: str, rows: Sequence[dict]) -> str:
    """Create the LangSmith dataset `name`, or replace its examples with `rows`.

    Args:
        client: A client with an API key.
        name: Dataset name.
        description: Shown in LangSmith.
        rows: The suite's examples.
    """
    if client.has_dataset(dataset_name=name):
        dataset = client.read_dataset(dataset_name=name)
        old = [e.id for e in client.list_examples(dataset_id=dataset.id)]
        if old:
            client.delete_examples(old)
    else:
        dataset = client.create_dataset(name, description=description)
    client.create_examples(
        dataset_id=dataset.id,
        examples=[
            {"inputs": r["inputs"], "outputs": r["outputs"], "metadata": r.get("metadata") or {}}
            for r in rows
        ],
    )
    return name


@dataclass
class SuiteRun:
    """One suite's scored rows and summary."""

    summary: Summary
    rows: list[Row] = field(default_factory=list)
    experiment: str = ""
    uploaded: bool = False
    sealed: bool = False
    """Totals only: a sealed suite (the blind split) never writes a row."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the summary and every row's inputs, outputs and scores."""
        return {
            "suite": self.summary.suite,
            "experiment": self.experiment,
            "uploaded": self.uploaded,
            "metrics": self.summary.metrics,
            "notes": self.summary.notes,
            "table": self.summary.table,
            "rows": []
            if self.sealed
            else [
                {
                    "inputs": r.example.get("inputs"),
                    "metadata": r.example.get("metadata"),
                    "outputs": r.outputs,
                    "scores": r.scores,
                    "comments": r.comments,
                    "repetition": r.repetition,
                }
                for r in self.rows
            ],
        }


async def run_suite(
    suite: Suite,
    *,
    repetitions: int = 1,
    concurrency: int = 1,
    upload: bool | None = None,
    metadata: dict[str, Any] | None = None,
    client: Client | None = None,
) -> SuiteRun:
    """Run one suite through `langsmith.aevaluate` and summarise it.

    Args:
        suite: The suite.
        repetitions: Runs per example (k of pass^k).
        concurrency: Examples in flight at once.
        upload: Upload to LangSmith; by default only when `LANGSMITH_API_KEY` is set.
        metadata: Experiment metadata (responder, model).
        client: The LangSmith client; a real one when uploading, `OfflineClient` otherwise.
    """
    # A sealed suite (the blind split) never leaves the machine: its rows stay unread.
    sealed = bool(getattr(suite, "sealed", False))
    upload = (upload_enabled() if upload is None else upload) and not sealed
    rows = suite.examples()
    if not rows:
        raise ValueError(f"suite {suite.name!r} has no examples")
    prefix = f"supportgraph-{suite.name}"
    if upload:
        client = client or Client()
        data: Any = sync_dataset(client, prefix, suite.description, rows)
    else:
        client = client or OfflineClient()
        data = to_examples(suite.name, rows)
    by_id = {example_id(suite.name, i, row): row for i, row in enumerate(rows)}
    # Offline results are what this runner is for; LangSmith flags the parameter as beta.
    warnings.filterwarnings("ignore", message=".*'upload_results' parameter is in beta")
    results = await aevaluate(
        suite.target(),
        data=data,
        evaluators=list(suite.evaluators()),
        upload_results=upload,
        num_repetitions=repetitions,
        max_concurrency=concurrency,
        experiment_prefix=prefix,
        metadata=metadata or {},
        client=client,
    )
    scored: list[Row] = []
    seen: dict[Any, int] = {}
    async for result in results:
        example = result["example"]
        row = by_id.get(example.id) or {
            "inputs": example.inputs,
            "outputs": example.outputs or {},
            "metadata": example.metadata or {},
        }
        run = result["run"]
        outputs = dict(run.outputs or {})
        if run.error:
            outputs.setdefault("error", run.error)
        scores: dict[str, Any] = {}
        comments: dict[str, str] = {}
        for ev in result["evaluation_results"]["results"]:
            scores[ev.key] = ev.score
            if ev.comment:
                comments[ev.key] = ev.comment
        repetition = seen.get(example.id, 0)
        seen[example.id] = repetition + 1
        scored.append(Row(dict(row, id=str(example.id)), outputs, scores, comments, repetition))
    summary = suite.summarize(scored)
    return SuiteRun(summary, scored, results.experiment_name, upload, sealed)


def write_report(path: Path, runs: Sequence[SuiteRun], context: dict[str, Any]) -> Path:
    """Write every suite's summary and rows as one JSON report.

    Args:
        path: Target file; its folder is created.
        runs: The suites that ran.
        context: Run details (date, responder, model, repetitions).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {**context, "suites": [r.to_dict() for r in runs]}
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    return path


def summary_dict(summary: Summary) -> dict[str, Any]:
    """A summary as a plain dict."""
    return asdict(summary)
