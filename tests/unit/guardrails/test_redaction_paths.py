"""Customer PII is redacted on every path out of the platform: logs, traces and reports."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from supportgraph.guardrails.pii import install_log_redaction, redact, uninstall_log_redaction
from supportgraph.settings import SHIPPED_DATA_DIR

EMAIL = "noah.brown7922@example.com"
PHONE = "(303) 555-0142"
CARD = "4111 1111 1111 1111"
ADDRESS = "986 Sunset Drive"
PAYMENT = "credit_card_7815826"
PII = (EMAIL, PHONE, CARD, ADDRESS, PAYMENT)
MARKERS = ("[EMAIL]", "[PHONE]", "[CARD]", "[ADDRESS]", "[PAYMENT_METHOD]")
SENTENCE = f"I'm {EMAIL}, call {PHONE}, card {CARD}, ship to {ADDRESS}, use {PAYMENT}"
UVICORN = ("uvicorn", "uvicorn.error", "uvicorn.access", "arq.worker")


def assert_clean(output: str) -> None:
    """No piece of the planted PII is in `output`, and every redaction marker is."""
    leaked = [piece for piece in PII if piece in output]
    assert not leaked, f"PII reached the output: {leaked}\n{output}"
    missing = [marker for marker in MARKERS if marker not in output]
    assert not missing, f"markers missing: {missing}\n{output}"


@pytest.fixture
def clean_logging() -> Iterator[None]:
    """Put the root's and uvicorn's loggers and the record factory back after the test."""
    loggers = [logging.getLogger(name) for name in ("", *UVICORN)]
    saved = [(lg, list(lg.handlers), list(lg.filters), lg.propagate, lg.level) for lg in loggers]
    factory = logging.getLogRecordFactory()
    yield
    for lg, handlers, filters, propagate, level in saved:
        lg.handlers[:], lg.filters[:] = handlers, filters
        lg.propagate, lg.level = propagate, level
    uninstall_log_redaction()
    logging.setLogRecordFactory(factory)


def capture(logger: logging.Logger, formatter: logging.Formatter | None = None) -> io.StringIO:
    """A stream handler added to `logger` now, after redaction was installed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter or logging.Formatter("%(name)s %(message)s"))
    logger.addHandler(handler)
    return stream


def log_everything(logger: logging.Logger) -> None:
    """A message with PII in its arguments, then an exception quoting the customer."""
    logger.warning("customer wrote: %s", SENTENCE)
    try:
        raise ValueError(f"could not parse {SENTENCE!r}")
    except ValueError:
        logger.exception("turn failed")


# -- redact itself ----------------------------------------------------------------------------


def test_that_redact_removes_the_pii_of_a_real_store_customer_but_keeps_order_and_item_ids():
    users = json.loads((SHIPPED_DATA_DIR / "retail" / "users.json").read_text(encoding="utf-8"))
    user = users["noah_brown_6181"]
    order = user["orders"][0]
    address = user["address"]
    methods = list(user["payment_methods"])
    text = (
        f"I'm {user['email']}, at {address['address1']}, {address['address2']}. "
        f"Refund order {order} (item 6469567736) to {methods[0]} not {methods[1]}; "
        f"call {PHONE}, or charge {CARD}."
    )
    cleaned = redact(text)
    for piece in (user["email"], address["address1"], address["address2"], *methods, PHONE, CARD):
        assert piece not in cleaned
    assert order in cleaned and "6469567736" in cleaned
    assert cleaned.count("[PAYMENT_METHOD]") == 2


# -- logs -------------------------------------------------------------------------------------


def test_that_uvicorn_handlers_made_after_the_install_still_write_redacted_lines(clean_logging):
    from uvicorn.config import Config

    install_log_redaction()
    # uvicorn builds its own handlers from its dictConfig when the server starts.
    Config(app="supportgraph.server:app", log_level="info").configure_logging()
    error_stream, access_stream = io.StringIO(), io.StringIO()
    for handler in logging.getLogger("uvicorn").handlers:
        handler.setStream(error_stream)  # type: ignore[attr-defined]
    for handler in logging.getLogger("uvicorn.access").handlers:
        handler.setStream(access_stream)  # type: ignore[attr-defined]

    log_everything(logging.getLogger("uvicorn.error"))
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000",
        "GET",
        f"/lookup?q={SENTENCE}",
        "1.1",
        200,
    )

    assert_clean(error_stream.getvalue())
    assert "Traceback" in error_stream.getvalue()
    assert_clean(access_stream.getvalue())
    assert " 200" in access_stream.getvalue()


def test_that_a_json_formatter_rendering_exceptions_and_extras_gets_no_pii(clean_logging):
    class JsonFormatter(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            body = {"message": record.getMessage(), "customer": getattr(record, "customer", "")}
            if record.exc_info:
                body["exc"] = self.formatException(record.exc_info)
            if record.exc_text:
                body["exc_text"] = record.exc_text
            return json.dumps(body)

    logger = logging.getLogger("supportgraph.tests.json")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    stream = capture(logger, JsonFormatter())
    # `extra` fields are set after the record is made, so the handler's filter cleans them.
    install_log_redaction(logger)
    try:
        logger.info("looked up", extra={"customer": SENTENCE})
        log_everything(logger)
    finally:
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines[0]["customer"].startswith("I'm [EMAIL]")
    assert "ValueError" in lines[-1]["exc_text"]
    assert_clean(stream.getvalue())


def test_that_a_command_without_logging_setup_still_redacts_the_last_resort_output(
    clean_logging, capsys
):
    install_log_redaction()
    logger = logging.getLogger("supportgraph.tests.unconfigured")
    logger.propagate = False  # no handler anywhere: Python's last-resort stderr handler writes
    try:
        log_everything(logger)
    finally:
        logger.propagate = True
    assert_clean(capsys.readouterr().err)


def test_that_the_worker_command_redacts_what_the_worker_and_arq_log(clean_logging, monkeypatch):
    from arq.utils import args_to_string

    from supportgraph import cli
    from supportgraph.api import worker

    emitted: dict[str, str] = {}

    def run_worker(settings: Any, *, url: str, queue_name: str, concurrency: int) -> None:
        # What `run_worker` does before arq takes over, then what a job logs.
        worker.hide_job_arguments()
        logging.getLogger("arq.worker").setLevel(logging.INFO)
        stream = capture(logging.getLogger())
        ticket = {"ticket_id": "t1", "from": EMAIL, "subject": "hi", "body": SENTENCE}
        arguments = args_to_string([ticket], {})
        ref = f"b1-t1:{worker.JOB_FUNCTION}"
        logging.getLogger("arq.worker").info("%6.2fs → %s(%s)%s", 0.01, ref, arguments, "")
        log_everything(logging.getLogger("supportgraph.api.worker"))
        emitted["output"] = stream.getvalue()

    monkeypatch.setattr(worker, "run_worker", run_worker)
    assert cli.main(["worker", "--queue", "redis://127.0.0.1:6379/0"]) == 0
    output = emitted["output"]
    assert_clean(output.split("\n", 1)[1])
    assert f"b1-t1:{worker.JOB_FUNCTION}(…)" in output
    assert "noah.brown" not in output


# -- traces -----------------------------------------------------------------------------------


@pytest.fixture
def tracing_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """LangSmith tracing switched on, pointed at a closed local port; the global client reset."""
    from langsmith import run_trees
    from langsmith.utils import get_env_var

    from supportgraph.guardrails import tracing

    monkeypatch.setenv("LANGSMITH_TRACING", "true")
    monkeypatch.setenv("LANGSMITH_API_KEY", "lsv2-test-never-valid")
    monkeypatch.setenv("LANGSMITH_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setattr(tracing, "_INSTALLED", {})
    get_env_var.cache_clear()  # LangSmith reads each variable once and caches it
    yield
    run_trees.configure(client=None)
    monkeypatch.undo()
    get_env_var.cache_clear()


def traced_run() -> dict[str, Any]:
    """A run's inputs as LangGraph hands them over: message objects, nested state."""
    return {
        "messages": [
            HumanMessage(SENTENCE),
            AIMessage("", tool_calls=[{"name": "find", "args": {"email": EMAIL}, "id": "c1"}]),
        ],
        "state": {"memory": {"turns": [{"customer": {"said": [SENTENCE]}}]}},
    }


def test_that_the_tracing_client_redacts_inputs_outputs_and_errors(tracing_on):
    from supportgraph.guardrails.tracing import redacting_client

    client = redacting_client()
    run = traced_run()
    inputs = client._hide_run_inputs(run)
    outputs = client._hide_run_outputs({"output": {"messages": run["messages"]}})
    error = client._hide_run_error(f"ValueError('{SENTENCE}')")

    assert_clean(json.dumps(inputs))
    assert_clean(json.dumps(outputs))
    assert_clean(error)
    assert inputs["messages"][1]["tool_calls"][0]["args"] == {"email": "[EMAIL]"}
    assert run["messages"][0].content == SENTENCE, "the live graph state must not change"


def test_that_with_tracing_on_the_graph_is_traced_through_the_redacting_client(
    tracing_on, commerce
):
    from langchain_core.callbacks.manager import CallbackManager
    from langchain_core.tracers.langchain import LangChainTracer

    from supportgraph.graph.builder import build_graph
    from supportgraph.graph.responders.flow import FlowResponder
    from supportgraph.guardrails import tracing
    from supportgraph.services import Services
    from supportgraph.tests.fakes import EmptyKnowledge, PassGuardrail, StaticNLU

    services = Services(
        commerce=commerce,
        knowledge=EmptyKnowledge(),
        nlu=StaticNLU(),
        guardrails=PassGuardrail(),
        responder=FlowResponder(),
    )
    build_graph(services)
    # The callback manager a graph run gets, built exactly as LangChain builds it.
    tracers = [h for h in CallbackManager.configure().handlers if isinstance(h, LangChainTracer)]

    assert len(tracers) == 1
    assert tracers[0].client is tracing._INSTALLED["client"]
    assert tracers[0].client._anonymizer is tracing.redact_payload


def test_that_with_tracing_off_no_client_is_built(monkeypatch):
    from langsmith.utils import get_env_var

    from supportgraph.guardrails import tracing

    monkeypatch.setattr(tracing, "_INSTALLED", {})
    get_env_var.cache_clear()
    assert tracing.configure_tracing() is None
    assert tracing._INSTALLED == {}
