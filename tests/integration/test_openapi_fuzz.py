"""Property-based fuzzing of the support and auth operations from the app's OpenAPI schema.

Schemathesis generates requests from `/openapi.json` for every `/api/v1/support/*` and
`/api/v1/auth/*` operation; none may answer with a server error. Part of the calls carry a
real bearer token (ADMIN, a signed-in customer, or an anonymous conversation token) and a
real conversation id, so generated bodies reach the handlers rather than stopping at 401/404.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import utils as cu
from hypothesis_jsonschema import _from_schema
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlalchemy.engine import Engine
from sqlmodel import Session

from supportgraph.api.auth import Authenticator, Role
from supportgraph.api.conversations import new_id
from supportgraph.api.db import engine_for
from supportgraph.api.tables import Conversation
from supportgraph.commerce.local import InProcessCommerce
from supportgraph.commerce.store import Store
from supportgraph.graph.responders.flow import FlowResponder
from supportgraph.server import create_app
from supportgraph.services import Services
from supportgraph.settings import Settings
from supportgraph.tests.fakes import TEST_KEYRING, EmptyKnowledge, PassGuardrail, ScriptedNLU

OPERATIONS = r"^/api/v1/(support|auth)/"
CALLERS = ("generated", "admin", "agent", "customer", "anonymous")
"""Whose token a call carries; `generated` keeps whatever the fuzzer made of the header."""


class _LegacyMany:
    """The `more()`/`reject()` collection API hypothesis-jsonschema 0.23 drives, on top of the
    `with many(...) as elements: for _ in elements:` API of current Hypothesis."""

    def __init__(self, data: Any, **sizes: Any) -> None:
        self._many = cu.many(data, **sizes)
        self._elements: Iterator[None] | None = None

    def more(self) -> bool:
        if self._elements is None:
            self._elements = iter(self._many.__enter__())
        try:
            next(self._elements)
        except StopIteration:
            self._many.__exit__(None, None, None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


@pytest.fixture(scope="module", autouse=True)
def _object_generation_on_current_hypothesis() -> Iterator[None]:
    """Generate JSON objects with optional keys on the locked Hypothesis release."""
    with pytest.MonkeyPatch.context() as patch:
        if not hasattr(cu.many, "more"):
            patch.setattr(_from_schema, "cu", SimpleNamespace(many=_LegacyMany))
        yield


@dataclass
class App:
    """The running app, its database and its token issuer."""

    app: Any
    client: TestClient
    engine: Engine
    auth: Authenticator


@pytest.fixture(scope="module")
def running(commerce_seed_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copy(commerce_seed_file, root / "commerce.db")
    store = Store(f"sqlite:///{root / 'commerce.db'}", keyring=TEST_KEYRING)
    services = Services(
        commerce=InProcessCommerce(store),
        knowledge=EmptyKnowledge(),
        nlu=ScriptedNLU({}),
        guardrails=PassGuardrail(),
        responder=FlowResponder(),
    )
    settings_ = Settings(data_dir=root / "data", database_url="")
    app = create_app(settings_, services=services)
    with TestClient(app) as client:
        engine = engine_for(settings_)
        yield App(app=app, client=client, engine=engine, auth=Authenticator(settings_))
        engine.dispose()
    store.dispose()


@pytest.fixture(scope="module")
def api_schema(running: App) -> OpenApiSchema:
    schema = schemathesis.openapi.from_asgi("/openapi.json", running.app)
    included = schema.include(path_regex=OPERATIONS)
    assert isinstance(included, OpenApiSchema)
    return included


def _conversation(engine: Engine, owner: str | None) -> str:
    row = Conversation(id=new_id("conv"), owner_id=owner, customer_id=owner, anonymous=not owner)
    with Session(engine, expire_on_commit=False) as session:
        session.add(row)
        session.commit()
    return row.id


def _authorize(running: App, case: Any, caller: str, real_id: bool) -> dict[str, str]:
    """A real bearer token for the call, and a conversation that token may use, as drawn."""
    if caller == "generated":
        return {}
    customer = f"fuzz_{uuid.uuid4().hex[:12]}"
    cid = _conversation(running.engine, None if caller == "anonymous" else customer)
    if caller == "anonymous":
        token = running.auth.conversation_token(cid)
    elif caller == "customer":
        token = running.auth.issue(Role.USER, customer)
    elif caller == "agent":
        token = running.auth.issue(Role.AGENT, f"agent_{customer}")
    else:
        token = running.auth.issue(Role.ADMIN, "fuzz_admin")
    if real_id and "conversation_id" in (case.path_parameters or {}):
        case.path_parameters["conversation_id"] = cid
    return {"Authorization": f"Bearer {token}"}


def _send(client: TestClient, case: Any, auth: dict[str, str]) -> Any:
    """Send the generated request through the app's own client (its lifespan is running)."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    request: dict[str, Any] = {
        key: kwargs[key] for key in ("params", "json") if kwargs.get(key) is not None
    }
    # Header values go out as the UTF-8 bytes a client would put on the wire.
    headers = {
        name: value
        for name, value in (kwargs.get("headers") or {}).items()
        if not (auth and name.lower() == "authorization")
    }
    headers.update(auth)
    request["headers"] = {name: str(value).encode() for name, value in headers.items()}
    data = kwargs.get("data")
    if isinstance(data, str | bytes):
        request["content"] = data
    elif data is not None:
        request["data"] = data
    return client.request(kwargs["method"], kwargs["url"], **request)


OPERATIONS_FUZZED = (
    ("GET", "/api/v1/support/conversations"),
    ("POST", "/api/v1/support/conversations"),
    ("GET", "/api/v1/support/conversations/{conversation_id}"),
    ("POST", "/api/v1/support/conversations/{conversation_id}/message"),
    ("POST", "/api/v1/support/conversations/{conversation_id}/escalate"),
    ("POST", "/api/v1/support/conversations/{conversation_id}/resolve"),
    ("GET", "/api/v1/support/conversations/{conversation_id}/customer"),
    ("GET", "/api/v1/support/audit"),
    ("POST", "/api/v1/support/conversations/{conversation_id}/feedback"),
    ("POST", "/api/v1/auth/dev-login"),
    ("POST", "/api/v1/auth/refresh"),
    ("GET", "/api/v1/support/queue"),
    ("POST", "/api/v1/support/conversations/{conversation_id}/assign"),
    ("POST", "/api/v1/support/conversations/{conversation_id}/reply"),
    ("POST", "/api/v1/support/conversations/{conversation_id}/handback"),
    ("GET", "/api/v1/support/agents"),
    ("GET", "/api/v1/support/agents/available"),
    ("GET", "/api/v1/support/agents/me"),
    ("PUT", "/api/v1/support/agents/me/status"),
    ("GET", "/api/v1/support/agents/me/queue"),
    ("POST", "/api/v1/support/agents/me/next"),
    ("PUT", "/api/v1/support/agents/{agent_id}"),
    ("GET", "/api/v1/support/escalation-rules"),
    ("POST", "/api/v1/support/escalation-rules"),
    ("GET", "/api/v1/support/escalation-rules/{rule_id}"),
    ("PUT", "/api/v1/support/escalation-rules/{rule_id}"),
    ("DELETE", "/api/v1/support/escalation-rules/{rule_id}"),
    ("GET", "/api/v1/support/analytics/performance"),
    ("GET", "/api/v1/support/analytics/feedback"),
    ("GET", "/api/v1/support/knowledge-base"),
    ("POST", "/api/v1/support/knowledge-base"),
    ("GET", "/api/v1/support/knowledge-base/{entry_id}"),
    ("PUT", "/api/v1/support/knowledge-base/{entry_id}"),
    ("DELETE", "/api/v1/support/knowledge-base/{entry_id}"),
)
NO_INPUT = (("GET", "/api/v1/support/client-config"),)
"""Operations with no input at all, so nothing to fuzz (test_console_routes.py covers them)."""


@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value
)
@pytest.mark.parametrize(
    ("method", "path"), OPERATIONS_FUZZED, ids=[f"{m} {p}" for m, p in OPERATIONS_FUZZED]
)
def test_that_no_generated_request_gets_a_server_error(
    running: App, api_schema: OpenApiSchema, method: str, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]

    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(generation_mode=mode),
        caller=st.sampled_from(CALLERS),
        real_id=st.booleans(),
    )
    def no_server_error(case: Any, caller: str, real_id: bool) -> None:
        auth = _authorize(running, case, caller, real_id)
        response = _send(running.client, case, auth)
        assert response.status_code < 500, (caller, response.status_code, response.text)
        case.validate_response(response, checks=[not_a_server_error])

    no_server_error()


def test_that_the_fuzzed_operations_are_the_support_and_auth_ones(
    api_schema: OpenApiSchema,
) -> None:
    results = list(api_schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), "the schema has invalid operations"
    operations = {
        (result.ok().method.upper(), result.ok().path)
        for result in results
        if isinstance(result, Ok)
    }
    assert operations == set(OPERATIONS_FUZZED) | set(NO_INPUT)
