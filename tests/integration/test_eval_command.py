"""`supportgraph eval` end to end: a suite through langsmith offline, a table, a report, gates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportgraph.cli import main as cli
from supportgraph.settings import get_settings


def test_that_eval_prints_a_table_writes_a_report_and_passes_its_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "eval.json"
    code = cli(["eval", "--suite", "intents", "--limit", "120", "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "offline (no LANGSMITH_API_KEY)" in out
    assert "| **all** | " in out
    doc = json.loads(report.read_text())
    (suite,) = doc["suites"]
    assert suite["suite"] == "intents" and not suite["uploaded"]
    assert len(suite["rows"]) == 120
    assert {"correct"} == set(suite["rows"][0]["scores"])
    assert 0.0 <= suite["metrics"]["accuracy"] <= 1.0
    assert (get_settings().data_dir / "reports" / "intent_confusion.md").exists()


def test_that_simulation_without_a_model_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["eval", "--suite", "conversations", "--simulate"]) == 2
    assert "--simulate needs a model" in capsys.readouterr().err


def test_that_an_unknown_suite_is_an_error() -> None:
    with pytest.raises(SystemExit):
        cli(["eval", "--suite", "nonsense"])


def test_that_the_store_retrieval_suite_meets_its_gate(tmp_path: Path) -> None:
    report = tmp_path / "eval.json"
    assert cli(["eval", "--suite", "retrieval-store", "--report", str(report)]) == 0
    (suite,) = json.loads(report.read_text())["suites"]
    assert suite["metrics"]["n"] == len(suite["rows"]) >= 60
