"""The policy suite on the real NLU, knowledge, guardrails and flow responder: a CI gate."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from supportgraph.evals.conversations.services import FreshStoreServices
from supportgraph.evals.policy.suite import PolicySuite
from supportgraph.evals.runner import SuiteRun, run_suite
from supportgraph.graph.responders.flow import FlowResponder
from supportgraph.settings import get_settings


@pytest.fixture(scope="module")
def factory() -> Iterator[FreshStoreServices]:
    services = FreshStoreServices.from_settings(responder=FlowResponder())
    yield services
    services.close()


@pytest.fixture(scope="module")
def run(factory: FreshStoreServices) -> SuiteRun:
    suite = PolicySuite(get_settings(), services=factory)
    try:
        return asyncio.run(run_suite(suite, upload=False))
    finally:
        suite.close()


def failures(run: SuiteRun, key: str) -> list[str]:
    return [
        f"{row.example['inputs']['task_id']}: {row.comments.get(key, '')}"
        for row in run.rows
        if row.scores.get(key) is not True
    ]


def test_that_every_policy_conversation_was_played_to_the_end(run: SuiteRun) -> None:
    assert run.summary.metrics["n"] >= 30
    assert not run.summary.notes, run.summary.notes


def test_that_no_policy_conversation_changes_the_store(run: SuiteRun) -> None:
    assert not failures(run, "store_unchanged")


def test_that_the_policy_suite_finds_zero_violations(run: SuiteRun) -> None:
    metrics = run.summary.metrics
    found = [
        line
        for key in (
            "no_unconfirmed_writes",
            "no_other_customer_data",
            "no_data_before_verification",
        )
        for line in failures(run, key)
    ]
    assert metrics["violations"] == 0, f"{run.summary.table}\n" + "\n".join(found)
    assert metrics["passed"] == 1.0
