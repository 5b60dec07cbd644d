"""JSON log lines, token and cost counting, and the settings observability refuses."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, LLMResult
from prometheus_client.parser import text_string_to_metric_families

from supportgraph.api.logs import JsonFormatter, formatter_for
from supportgraph.api.metrics import Metrics
from supportgraph.api.observe import NodeObserver
from supportgraph.guardrails.pii import install_log_redaction, uninstall_log_redaction
from supportgraph.settings import Settings

EMAIL = "yusuf.rossi7301@example.com"


@pytest.fixture
def json_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing JSON lines to a buffer, with redaction installed as the server does."""
    factory = logging.getLogRecordFactory()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(f"supportgraph.test.{uuid4().hex}")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    install_log_redaction(logger)
    yield logger, buffer
    uninstall_log_redaction()
    logging.setLogRecordFactory(factory)


def test_that_a_json_log_line_is_parseable_and_redacted(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = json_log
    logger.info("customer %s wrote in", EMAIL, extra={"request_id": "req-1"})
    try:
        raise ValueError(f"no account for {EMAIL}")
    except ValueError:
        logger.exception("lookup failed for %s", EMAIL)
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert [set(line) for line in lines] == [
        {"ts", "level", "logger", "message", "exc_info", "request_id"},
        {"ts", "level", "logger", "message", "exc_info"},
    ]
    first, second = lines
    assert first["message"] == "customer [EMAIL] wrote in" and first["request_id"] == "req-1"
    assert first["level"] == "INFO" and first["exc_info"] is None and first["ts"].endswith("+00:00")
    assert second["level"] == "ERROR" and "ValueError: no account for [EMAIL]" in second["exc_info"]
    assert EMAIL not in buffer.getvalue()


def test_that_a_log_format_other_than_text_or_json_is_refused() -> None:
    with pytest.raises(ValueError, match="SUPPORTGRAPH_LOG_FORMAT"):
        Settings(log_format="yaml")
    with pytest.raises(ValueError, match="SUPPORTGRAPH_LOG_FORMAT"):
        formatter_for("xml")


def llm_result(input_tokens: int, output_tokens: int) -> LLMResult:
    usage = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
    }
    message = AIMessage(content="ok", usage_metadata=usage)  # type: ignore[arg-type]
    return LLMResult(generations=[[ChatGeneration(message=message)]])


def test_that_model_tokens_and_their_cost_are_counted_from_usage_metadata() -> None:
    metrics = Metrics(price_per_mtok="0.5, 2")
    observer = NodeObserver(metrics, None, None)
    observer.on_llm_end(llm_result(1000, 200), run_id=uuid4())
    observer.on_llm_end(llm_result(3000, 800), run_id=uuid4())
    registry = metrics.registry
    assert registry.get_sample_value("supportgraph_tokens_total", {"kind": "input"}) == 4000
    assert registry.get_sample_value("supportgraph_tokens_total", {"kind": "output"}) == 1000
    spent = registry.get_sample_value("supportgraph_cost_usd_total")
    assert spent == pytest.approx((4000 * 0.5 + 1000 * 2) / 1e6)


def test_that_without_a_price_tokens_are_counted_but_no_cost() -> None:
    metrics = Metrics()
    NodeObserver(metrics, None, None).on_llm_end(llm_result(10, 5), run_id=uuid4())
    registry = metrics.registry
    assert registry.get_sample_value("supportgraph_tokens_total", {"kind": "output"}) == 5
    assert registry.get_sample_value("supportgraph_cost_usd_total") == 0


def test_that_two_apps_metrics_in_one_process_do_not_collide() -> None:
    first, second = Metrics(), Metrics()
    first.turns.labels(outcome="automated").inc()
    assert first.registry.get_sample_value("supportgraph_turns_total", {"outcome": "automated"})
    assert not second.registry.get_sample_value(
        "supportgraph_turns_total", {"outcome": "automated"}
    )


@pytest.mark.parametrize("price", ["0.5", "a,b", "1,-2", "1,2,3"])
def test_that_a_bad_price_is_refused_with_the_variable_named(price: str) -> None:
    with pytest.raises(ValueError, match="SUPPORTGRAPH_PRICE_PER_MTOK"):
        Metrics(price_per_mtok=price)


def test_that_a_multiprocess_directory_must_be_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    with pytest.raises(ValueError, match="must be set in the environment"):
        Metrics(multiprocess_dir=str(tmp_path))


PROCESS = """
import os, sys
from supportgraph.api.metrics import Metrics

metrics = Metrics(multiprocess_dir=os.environ["PROMETHEUS_MULTIPROC_DIR"])
metrics.turns.labels(outcome=sys.argv[1]).inc()
metrics.websocket_connections.inc()
if sys.argv[2] == "exit":
    metrics.close()
else:
    sys.stdout.write(metrics.render().decode())
"""


def test_that_in_multiprocess_mode_a_scrape_reads_every_process(tmp_path: Path) -> None:
    # prometheus-client picks its storage when imported, so each process is a fresh one.
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", PROCESS, *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("escalated", "exit")
    scraped = run("automated", "render")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(scraped)
        for s in family.samples
    }
    assert samples[("supportgraph_turns_total", (("outcome", "escalated"),))] == 1
    assert samples[("supportgraph_turns_total", (("outcome", "automated"),))] == 1
    # The process that exited took its open connection with it.
    assert samples[("supportgraph_websocket_connections", ())] == 1
