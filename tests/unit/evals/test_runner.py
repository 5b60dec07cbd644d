"""The eval runner over langsmith.aevaluate, offline: rows, repetitions, pass^k and gates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from supportgraph.evals.__main__ import suite_names
from supportgraph.evals.gates import check_gates
from supportgraph.evals.runner import OfflineClient, SuiteRun, run_suite, write_report
from supportgraph.evals.suite import (
    Row,
    Summary,
    mean,
    pass_hat_k,
    percentile,
    read_jsonl,
)


class EchoSuite:
    """Upper-cases its input; the third example's reference is wrong on purpose."""

    name = "echo"
    description = "echo"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def examples(self) -> list[dict[str, Any]]:
        words = ["a", "b", "c"]
        return [
            {"inputs": {"w": w}, "outputs": {"up": "X" if w == "c" else w.upper()}} for w in words
        ]

    def target(self) -> Any:
        async def upper(inputs: dict[str, Any]) -> dict[str, Any]:
            self.calls.append(inputs["w"])
            return {"up": inputs["w"].upper()}

        return upper

    def evaluators(self) -> list[Any]:
        def same(outputs: dict, reference_outputs: dict) -> dict:
            return {"key": "success", "score": outputs["up"] == reference_outputs["up"]}

        return [same]

    def summarize(self, rows: Sequence[Row]) -> Summary:
        return Summary(self.name, {"passed": mean([r.scores["success"] for r in rows])}, "t")

    def close(self) -> None:
        pass


async def test_that_a_suite_runs_offline_with_every_row_scored() -> None:
    suite = EchoSuite()
    run = await run_suite(suite, repetitions=2, upload=False)
    assert sorted(suite.calls) == ["a", "a", "b", "b", "c", "c"]
    assert len(run.rows) == 6 and not run.uploaded
    assert {r.repetition for r in run.rows} == {0, 1}
    by_word = {r.example["inputs"]["w"]: r.scores["success"] for r in run.rows}
    assert by_word == {"a": True, "b": True, "c": False}
    assert run.summary.metrics["passed"] == pytest.approx(2 / 3)


async def test_that_a_suite_without_examples_is_refused() -> None:
    suite = EchoSuite()
    suite.examples = lambda: []  # type: ignore[method-assign]
    with pytest.raises(ValueError, match="no examples"):
        await run_suite(suite, upload=False)


def test_that_the_offline_client_records_nothing() -> None:
    client = OfflineClient()
    assert client.create_run("x", {}, "chain") is None
    assert client.multipart_ingest([], []) is None
    assert client.create_feedback("run", "key", score=1) is None


def test_pass_hat_k_matches_the_combinatorial_definition() -> None:
    # Task 1 passed 3 of 4 trials, task 2 passed 1 of 4.
    assert pass_hat_k([3, 1], 4, 1) == pytest.approx((3 / 4 + 1 / 4) / 2)
    assert pass_hat_k([3, 1], 4, 2) == pytest.approx((3 / 6 + 0) / 2)
    assert pass_hat_k([4, 4], 4, 4) == 1.0
    with pytest.raises(ValueError):
        pass_hat_k([1], 2, 3)


def test_summary_helpers_skip_missing_values() -> None:
    assert mean([True, False, None]) == 0.5
    assert mean([None]) is None
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([], 95) is None


def test_that_gates_fail_below_a_minimum_above_a_maximum_and_when_unmeasured() -> None:
    runs = [
        SuiteRun(Summary("conv", {"pass^1": 0.8}, "")),
        SuiteRun(Summary("policy", {"violations": 2}, "")),
    ]
    gates = [
        {"suite": "conv", "metric": "pass^1", "min": 0.9},
        {"suite": "policy", "metric": "violations", "max": 0},
        {"suite": "conv", "metric": "missing", "min": 0},
        {"suite": "not-run", "metric": "x", "min": 1},
    ]
    failures = check_gates(runs, gates)
    assert len(failures) == 3
    assert "below the minimum 0.9" in failures[0]
    assert "above the maximum 0" in failures[1]
    assert "not measured" in failures[2]
    assert check_gates(runs, gates[3:]) == []


def test_that_the_repository_gates_name_known_suites() -> None:
    from supportgraph.evals.gates import load_gates

    known = set(suite_names(["all", "conversations-sample"]))
    assert {g["suite"] for g in load_gates()} <= known


def test_that_groups_expand_in_order_without_repeats() -> None:
    assert suite_names(None) == [
        "intents",
        "policy",
        "conversations-sample",
        "retrieval-store",
    ]
    assert suite_names(["retrieval", "retrieval-store"]) == [
        "retrieval-store",
        "retrieval-banking",
        "retrieval-dstc9",
    ]


def test_that_a_dataset_line_without_outputs_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"inputs": {}, "outputs": {}}\n\n{"inputs": {}}\n')
    with pytest.raises(ValueError, match=r"d.jsonl:3"):
        read_jsonl(path)


def test_that_the_report_holds_each_suite_and_its_rows(tmp_path: Path) -> None:
    run = SuiteRun(
        Summary("echo", {"passed": 1.0}, "table"),
        [Row({"inputs": {"w": "a"}}, {"up": "A"}, {"success": True})],
    )
    path = write_report(tmp_path / "r" / "eval.json", [run], {"responder": "flow"})
    doc = json.loads(path.read_text())
    assert doc["responder"] == "flow"
    assert doc["suites"][0]["rows"][0]["scores"] == {"success": True}
