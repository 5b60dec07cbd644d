"""Scripted customer conversations on the real NLU, knowledge, guardrails and flow responder."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from supportgraph.evals.conversations import load_examples
from supportgraph.evals.conversations.replay import replay_hash
from supportgraph.evals.conversations.report import SuiteReport
from supportgraph.evals.conversations.runner import run_suite
from supportgraph.evals.conversations.sample import stratified_sample
from supportgraph.evals.conversations.services import FreshStoreServices
from supportgraph.graph.responders.flow import FlowResponder

THRESHOLDS = Path(__file__).resolve().parents[2] / "evals" / "thresholds.json"
# Single and multi-action tasks, one whose gold action the store refuses, and a dev task.
REPLAYED = ("train-0", "train-3", "train-24", "train-70", "dev-12")


@pytest.fixture(scope="module")
def examples() -> list[dict[str, Any]]:
    return load_examples()


@pytest.fixture(scope="module")
def sample(examples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return stratified_sample(examples)


@pytest.fixture(scope="module")
def factory() -> Iterator[FreshStoreServices]:
    services = FreshStoreServices.from_settings(responder=FlowResponder())
    yield services
    services.close()


@pytest.fixture(scope="module")
def report(sample: list[dict[str, Any]], factory: FreshStoreServices) -> SuiteReport:
    return asyncio.run(run_suite(sample, factory))


def test_that_expected_hashes_match_replaying_the_gold_actions(
    examples: list[dict[str, Any]], commerce_seed_file: Path, tmp_path: Path
) -> None:
    by_id = {e["inputs"]["task_id"]: e for e in examples}
    for task_id in REPLAYED:
        example = by_id[task_id]
        store_hash, _ = replay_hash(commerce_seed_file, example["outputs"]["actions"], tmp_path)
        assert store_hash == example["outputs"]["store_hash"], task_id
        assert len(example["inputs"]["turns"]) == 2 + 2 * len(example["outputs"]["actions"])


def test_that_the_sample_covers_every_flow(
    examples: list[dict[str, Any]], sample: list[dict[str, Any]]
) -> None:
    flows = {f for e in examples for f in e["metadata"]["flows"]}
    assert flows == {f for e in sample for f in e["metadata"]["flows"]}
    assert 50 <= len(sample) <= 70


def test_that_refusal_conversations_leave_the_store_untouched(report: SuiteReport) -> None:
    refusals = [r for r in report.results if "refusal" in r.flows]
    assert len(refusals) >= 10
    changed = [r.task_id for r in refusals if not r.hash_ok]
    assert not changed, f"refusal conversations changed the store: {changed}"


def test_that_the_sample_pass_rate_meets_the_threshold(report: SuiteReport) -> None:
    gates = json.loads(THRESHOLDS.read_text())["gates"]
    (threshold,) = [
        g["min"] for g in gates if g["suite"] == "conversations-sample" and g["metric"] == "pass^1"
    ]
    failed = ", ".join(r.task_id for r in report.failures)
    assert report.pass_rate >= threshold, f"{report.table()}\nfailed: {failed}"
