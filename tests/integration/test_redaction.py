"""PII planted through the HTTP app stays out of what leaves it: reports, exports and logs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportgraph import cli
from supportgraph.graph.responders.flow import FlowResponder
from supportgraph.guardrails.pii import uninstall_log_redaction
from supportgraph.server import create_app
from supportgraph.services import Services
from supportgraph.settings import Settings
from supportgraph.tests.fakes import EmptyKnowledge, PassGuardrail, ScriptedNLU

USER = "yusuf_rossi_9620"
EMAIL = "yusuf.rossi7301@example.com"
PHONE = "(303) 555-0142"
CARD = "4111 1111 1111 1111"
ADDRESS = "986 Sunset Drive"
PAYMENT = "credit_card_9513926"
ORDER = "#W2378156"
PII = (EMAIL, PHONE, CARD, ADDRESS, PAYMENT, "yusuf.r")
SENTENCE = f"I'm {EMAIL}, call {PHONE}, card {CARD}, ship to {ADDRESS}, use {PAYMENT}"
BASE = "/api/v1/support/conversations"


def assert_no_pii(text: str) -> None:
    """No piece of the planted PII is in `text`."""
    leaked = [piece for piece in PII if piece in text]
    assert not leaked, f"PII left the platform: {leaked}\n{text}"


class App:
    """The whole app on one backend, with the environment the CLI reads pointed at it too."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def login(self, role: str, user_id: str) -> dict[str, str]:
        response = self.client.post(
            "/api/v1/auth/dev-login", json={"role": role, "user_id": user_id}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def post(self, path: str, body: Any, headers: dict[str, str]) -> Any:
        response = self.client.post(path, json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def conversation(self, headers: dict[str, str], *, resolve: bool) -> str:
        """A conversation whose subject, messages, feedback and escalation reason hold PII."""
        cid = self.post(BASE, {"subject": f"Order {ORDER} for {EMAIL}"}, headers)["conversation_id"]
        self.post(f"{BASE}/{cid}/message", {"content": f"{SENTENCE}, about {ORDER}"}, headers)
        self.post(f"{BASE}/{cid}/message", {"content": f"my phone is {PHONE}"}, headers)
        comment = {"rating": 2, "comment": f"reach me at {EMAIL} or {PHONE}"}
        self.post(f"{BASE}/{cid}/feedback", comment, headers)
        # Long enough to be cut when stored: the email straddles the cut.
        reason = f"{'please, a person: ' * 3}{EMAIL}"
        self.post(f"{BASE}/{cid}/escalate", {"reason": reason}, headers)
        if resolve:
            self.post(f"{BASE}/{cid}/resolve", None, headers)
        return cid


@pytest.fixture
def app(
    commerce: Any, tmp_path: Path, backend: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[App]:
    settings = Settings(data_dir=tmp_path / "data", **({"database_url": ""} | backend))
    monkeypatch.setenv("SUPPORTGRAPH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SUPPORTGRAPH_DATABASE_URL", settings.database_url)
    services = Services(
        commerce=commerce,
        knowledge=EmptyKnowledge(),
        nlu=ScriptedNLU({}),
        guardrails=PassGuardrail(),
        responder=FlowResponder(),
    )
    factory = logging.getLogRecordFactory()
    with TestClient(create_app(settings, services=services)) as client:
        yield App(client)
    uninstall_log_redaction()
    logging.setLogRecordFactory(factory)


def today() -> str:
    return datetime.now(UTC).date().isoformat()


# -- analytics exports ------------------------------------------------------------------------


@pytest.mark.parametrize("report", ["performance", "feedback"])
def test_that_an_analytics_report_carries_no_customer_pii(app: App, report: str) -> None:
    app.conversation(app.login("USER", USER), resolve=False)
    admin = app.login("ADMIN", "admin_1")

    response = app.client.get(
        f"/api/v1/support/analytics/{report}",
        params={"start_date": today(), "end_date": today()},
        headers=admin,
    )

    assert response.status_code == 200, response.text
    assert_no_pii(response.text)
    body = response.json()
    if report == "performance":
        assert body["escalated_conversations"] == 1
        assert any("[EMAIL]" in reason for reason in body["escalation_reasons"])
    else:
        assert body["recent_comments"][0]["comment"] == "reach me at [EMAIL] or [PHONE]"


# -- training transcripts ---------------------------------------------------------------------


def test_that_exported_transcripts_are_a_redacted_langsmith_dataset(
    app: App, tmp_path: Path
) -> None:
    customer = app.login("USER", USER)
    app.conversation(customer, resolve=True)
    app.conversation(customer, resolve=False)  # still open: not training data yet
    out = tmp_path / "transcripts.jsonl"

    assert cli.main(["export-transcripts", "--out", str(out)]) == 0

    text = out.read_text(encoding="utf-8")
    assert_no_pii(text)
    examples = [json.loads(line) for line in text.splitlines()]
    assert len(examples) == 1
    example = examples[0]
    assert set(example) == {"inputs", "outputs", "metadata"}
    turns = example["inputs"]["turns"]
    assert turns == [
        "I'm [EMAIL], call [PHONE], card [CARD], ship to [ADDRESS], use [PAYMENT_METHOD], "
        f"about {ORDER}",
        "my phone is [PHONE]",
    ]
    roles = [line["role"] for line in example["outputs"]["transcript"]]
    assert roles.count("customer") == 2 and "agent" in roles
    assert all(isinstance(line["text"], str) for line in example["outputs"]["transcript"])
    assert example["metadata"]["source"] == "production"
    assert example["metadata"]["resolved_on"] == today()
    assert USER not in text


def test_that_export_transcripts_keeps_to_the_since_day_and_refuses_a_bad_one(
    app: App, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app.conversation(app.login("USER", USER), resolve=True)
    out = tmp_path / "later.jsonl"
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()

    assert cli.main(["export-transcripts", "--out", str(out), "--since", today()]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    assert cli.main(["export-transcripts", "--out", str(out), "--since", tomorrow]) == 0
    assert out.read_text(encoding="utf-8") == ""
    assert cli.main(["export-transcripts", "--out", str(out), "--since", "last week"]) == 2
    assert "is not a date: use YYYY-MM-DD" in capsys.readouterr().err


# -- server logs ------------------------------------------------------------------------------


@pytest.fixture
def uvicorn_logging() -> Iterator[None]:
    """uvicorn's own logging setup, as `uvicorn.run` makes it; the loggers put back after."""
    from uvicorn.config import Config

    names = ("", "uvicorn", "uvicorn.error", "uvicorn.access")
    loggers = [logging.getLogger(name) for name in names]
    saved = [(lg, list(lg.handlers), lg.propagate, lg.level) for lg in loggers]
    Config(app="supportgraph.server:app", log_level="info").configure_logging()
    yield
    for lg, handlers, propagate, level in saved:
        lg.handlers[:] = handlers
        lg.propagate, lg.level = propagate, level


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_that_the_running_server_redacts_its_own_and_uvicorns_logs(
    uvicorn_logging: None, app: App
) -> None:
    # The app is running (its lifespan has run); a handler added now was not there before.
    stream = io.StringIO()
    late = logging.StreamHandler(stream)
    logging.getLogger().addHandler(late)
    for handler in logging.getLogger("uvicorn").handlers:
        handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        logging.getLogger("supportgraph").warning("turn from %s", SENTENCE)
        try:
            raise KeyError(f"no customer {EMAIL} at {ADDRESS}")
        except KeyError:
            logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    finally:
        logging.getLogger().removeHandler(late)
    output = stream.getvalue()
    assert_no_pii(output)
    assert "turn from I'm [EMAIL], call [PHONE], card [CARD], ship to [ADDRESS]" in output
    assert "KeyError: 'no customer [EMAIL] at [ADDRESS]'" in output
