"""Who may do what on the support API: every endpoint against every kind of caller.

The policy is written out below as data, one table per endpoint. Each row is a caller; each
column is a conversation of one kind (see `TARGETS`). The rules it encodes:

- no token, a malformed token or an expired one: 401, whatever the conversation;
- a conversation the caller may not see is 404, never 403, so its id leaks nothing;
- an AGENT sees the conversations assigned to them and the unassigned ones waiting in the
  queue, nothing else;
- AGENT and ADMIN callers see conversations but never speak or rate as the customer: 403 on
  a customer message, a LangServe turn or feedback, for a conversation they can see;
- only a customer (signed in, or anonymous without a token) starts a conversation, always as
  themselves;
- an ADMIN sees every conversation.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from supportgraph.api.auth import DEV_ISSUER, Authenticator, Role
from supportgraph.api.conversations import new_id
from supportgraph.api.db import engine_for
from supportgraph.api.tables import Conversation, ConversationStatus, Feedback, Message
from supportgraph.commerce.local import InProcessCommerce
from supportgraph.commerce.store import Store
from supportgraph.graph.responders.flow import FlowResponder
from supportgraph.server import create_app
from supportgraph.services import Services
from supportgraph.settings import Settings
from supportgraph.tests.fakes import TEST_KEYRING, EmptyKnowledge, PassGuardrail, ScriptedNLU

BASE = "/api/v1/support/conversations"
SECRET = "rbac-test-signing-key-0123456789abcdef"
OWNER = "yusuf_rossi_9620"
OTHER_USER = "mei_kovacs_8020"
AGENT = "agent_ines"
ASSIGNED_AGENT = "agent_omar"

TARGETS = ("anonymous", "customer", "queued", "assigned")
"""The conversation a call is about, one column of each table:

- anonymous: an ACTIVE anonymous conversation (the one `anon_this` holds the token of);
- customer: an ACTIVE conversation of the signed-in customer OWNER;
- queued: OWNER's conversation, ESCALATED and waiting unassigned in the human queue;
- assigned: OWNER's conversation, ASSIGNED to the agent ASSIGNED_AGENT.
"""

CALLERS = (
    "none",  # no Authorization header
    "anon_this",  # the anonymous conversation token of the `anonymous` conversation
    "anon_other",  # the anonymous token of another anonymous conversation
    "user_owner",  # USER OWNER
    "user_other",  # USER OTHER_USER
    "agent",  # AGENT AGENT, assigned to nothing
    "agent_assigned",  # AGENT ASSIGNED_AGENT, assigned the `assigned` conversation
    "admin",  # ADMIN
    "garbage",  # Authorization: Bearer not-a-token
    "expired",  # OWNER's access token, expired a day ago
)

_401 = (401, 401, 401, 401)
_403 = (403, 403, 403, 403)
_404 = (404, 404, 404, 404)

# fmt: off
EXPECTED: dict[str, dict[str, tuple[int, int, int, int]]] = {
    #                      anonymous customer queued assigned
    "get": {
        "none":            _401,
        "anon_this":       (200, 404, 404, 404),
        "anon_other":      _404,
        "user_owner":      (404, 200, 200, 200),
        "user_other":      _404,
        "agent":           (404, 404, 200, 404),
        "agent_assigned":  (404, 404, 200, 200),
        "admin":           (200, 200, 200, 200),
        "garbage":         _401,
        "expired":         _401,
    },
    # A customer message runs an AI turn while the conversation is ACTIVE; once it is with the
    # human side it is stored for the agent and the AI stays silent.
    "message": {
        "none":            _401,
        "anon_this":       (200, 404, 404, 404),
        "anon_other":      _404,
        "user_owner":      (404, 200, 200, 200),
        "user_other":      _404,
        "agent":           (404, 404, 403, 404),
        "agent_assigned":  (404, 404, 403, 403),
        "admin":           (403, 403, 403, 403),
        "garbage":         _401,
        "expired":         _401,
    },
    "escalate": {
        "none":            _401,
        "anon_this":       (200, 404, 404, 404),
        "anon_other":      _404,
        "user_owner":      (404, 200, 200, 200),
        "user_other":      _404,
        "agent":           (404, 404, 200, 404),
        "agent_assigned":  (404, 404, 200, 200),
        "admin":           (200, 200, 200, 200),
        "garbage":         _401,
        "expired":         _401,
    },
    # An agent resolves only what they hold: a queued conversation is taken first.
    "resolve": {
        "none":            _401,
        "anon_this":       (200, 404, 404, 404),
        "anon_other":      _404,
        "user_owner":      (404, 200, 200, 200),
        "user_other":      _404,
        "agent":           (404, 404, 403, 404),
        "agent_assigned":  (404, 404, 403, 200),
        "admin":           (200, 200, 200, 200),
        "garbage":         _401,
        "expired":         _401,
    },
    "feedback": {
        "none":            _401,
        "anon_this":       (201, 404, 404, 404),
        "anon_other":      _404,
        "user_owner":      (404, 201, 201, 201),
        "user_other":      _404,
        "agent":           (404, 404, 403, 404),
        "agent_assigned":  (404, 404, 403, 403),
        "admin":           (403, 403, 403, 403),
        "garbage":         _401,
        "expired":         _401,
    },
    # LangServe POST /support/invoke with config.configurable.thread_id = the conversation.
    "invoke": {
        "none":            _401,
        "anon_this":       (200, 404, 404, 404),
        "anon_other":      _404,
        "user_owner":      (404, 200, 409, 409),
        "user_other":      _404,
        "agent":           (404, 404, 403, 404),
        "agent_assigned":  (404, 404, 403, 403),
        "admin":           (403, 403, 403, 403),
        "garbage":         _401,
        "expired":         _401,
    },
    # The human side: staff only (403 for customers, whatever the conversation), then the
    # conversation must be one the caller may see (404), then in a state that allows it (409).
    "assign": {
        "none":            _401,
        "anon_this":       _403,
        "anon_other":      _403,
        "user_owner":      _403,
        "user_other":      _403,
        "agent":           (404, 404, 200, 404),
        "agent_assigned":  (404, 404, 200, 409),
        "admin":           (409, 409, 409, 409),  # no agent is AVAILABLE to pick
        "garbage":         _401,
        "expired":         _401,
    },
    "reply": {
        "none":            _401,
        "anon_this":       _403,
        "anon_other":      _403,
        "user_owner":      _403,
        "user_other":      _403,
        "agent":           (404, 404, 409, 404),
        "agent_assigned":  (404, 404, 409, 201),
        "admin":           (409, 409, 409, 201),
        "garbage":         _401,
        "expired":         _401,
    },
    "handback": {
        "none":            _401,
        "anon_this":       _403,
        "anon_other":      _403,
        "user_owner":      _403,
        "user_other":      _403,
        "agent":           (404, 404, 403, 404),
        "agent_assigned":  (404, 404, 403, 200),
        "admin":           (409, 409, 200, 200),
        "garbage":         _401,
        "expired":         _401,
    },
}

# Endpoints that are about no one conversation.
EXPECTED_START: dict[str, int] = {
    "none":            201,  # an anonymous conversation, with its token
    "anon_this":       403,  # a conversation token is bound to its one conversation
    "anon_other":      403,
    "user_owner":      201,
    "user_other":      201,
    "agent":           403,
    "agent_assigned":  403,
    "admin":           403,
    "garbage":         401,
    "expired":         401,
}

# GET /conversations: the status, and which of the TARGETS the page lists.
EXPECTED_LIST: dict[str, tuple[int, frozenset[str]]] = {
    "none":            (401, frozenset()),
    "anon_this":       (200, frozenset({"anonymous"})),
    "anon_other":      (200, frozenset()),
    "user_owner":      (200, frozenset({"customer", "queued", "assigned"})),
    "user_other":      (200, frozenset()),
    "agent":           (200, frozenset()),
    "agent_assigned":  (200, frozenset({"assigned"})),
    "admin":           (200, frozenset(TARGETS)),
    "garbage":         (401, frozenset()),
    "expired":         (401, frozenset()),
}
# fmt: on

KNOWN_GAPS: dict[tuple[str, str, str], str] = {}
"""Cells where behaviour is known to differ from the table, each with its reason."""


@dataclass
class World:
    """One running app for the whole module, and direct access to its database."""

    client: TestClient
    engine: Engine
    auth: Authenticator


@dataclass
class Scene:
    """Fresh conversations of every kind, and a header set for every caller."""

    conversations: dict[str, str]
    headers: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def world(commerce_seed_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("rbac")
    shutil.copy(commerce_seed_file, root / "commerce.db")
    store = Store(f"sqlite:///{root / 'commerce.db'}", keyring=TEST_KEYRING)
    services = Services(
        commerce=InProcessCommerce(store),
        knowledge=EmptyKnowledge(),
        nlu=ScriptedNLU({}),
        guardrails=PassGuardrail(),
        responder=FlowResponder(),
    )
    settings = Settings(data_dir=root / "data", database_url="", auth_secret=SECRET)
    with TestClient(create_app(settings, services=services)) as client:
        engine = engine_for(settings)
        yield World(client=client, engine=engine, auth=Authenticator(settings))
        engine.dispose()
    store.dispose()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _insert(engine: Engine, **fields: Any) -> str:
    row = Conversation(id=new_id("conv"), **fields)
    with Session(engine, expire_on_commit=False) as session:
        session.add(row)
        session.commit()
    return row.id


def _expired_token() -> str:
    now = datetime.now(UTC)
    claims = {
        "iss": DEV_ISSUER,
        "sub": OWNER,
        "role": "USER",
        "typ": "access",
        "iat": now - timedelta(days=2),
        "exp": now - timedelta(days=1),
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


@pytest.fixture
def scene(world: World) -> Scene:
    engine = world.engine
    anonymous = _insert(engine, anonymous=True)
    other_anonymous = _insert(engine, anonymous=True)
    signed_in = {"owner_id": OWNER, "customer_id": OWNER}
    conversations = {
        "anonymous": anonymous,
        "customer": _insert(engine, **signed_in),
        "queued": _insert(engine, status=ConversationStatus.ESCALATED, **signed_in),
        "assigned": _insert(
            engine,
            status=ConversationStatus.ASSIGNED,
            assigned_agent_id=ASSIGNED_AGENT,
            **signed_in,
        ),
    }
    auth = world.auth
    headers = {
        "none": {},
        "anon_this": _bearer(auth.conversation_token(anonymous)),
        "anon_other": _bearer(auth.conversation_token(other_anonymous)),
        "user_owner": _bearer(auth.issue(Role.USER, OWNER)),
        "user_other": _bearer(auth.issue(Role.USER, OTHER_USER)),
        "agent": _bearer(auth.issue(Role.AGENT, AGENT)),
        "agent_assigned": _bearer(auth.issue(Role.AGENT, ASSIGNED_AGENT)),
        "admin": _bearer(auth.issue(Role.ADMIN, "admin_root")),
        "garbage": _bearer("not-a-token"),
        "expired": _bearer(_expired_token()),
    }
    return Scene(conversations=conversations, headers=headers)


def _call(client: TestClient, endpoint: str, cid: str, headers: dict[str, str]) -> Any:
    if endpoint == "get":
        return client.get(f"{BASE}/{cid}", headers=headers)
    if endpoint == "message":
        return client.post(f"{BASE}/{cid}/message", json={"content": "hello"}, headers=headers)
    if endpoint == "escalate":
        return client.post(f"{BASE}/{cid}/escalate", json={"reason": "requested"}, headers=headers)
    if endpoint == "resolve":
        return client.post(f"{BASE}/{cid}/resolve", headers=headers)
    if endpoint == "feedback":
        body = {"rating": 4, "comment": "fine"}
        return client.post(f"{BASE}/{cid}/feedback", json=body, headers=headers)
    if endpoint == "assign":
        return client.post(f"{BASE}/{cid}/assign", json={}, headers=headers)
    if endpoint == "reply":
        return client.post(
            f"{BASE}/{cid}/reply", json={"content": "hi, Omar here"}, headers=headers
        )
    if endpoint == "handback":
        return client.post(f"{BASE}/{cid}/handback", headers=headers)
    if endpoint == "invoke":
        return client.post(
            "/support/invoke",
            json={
                "input": {"messages": [{"type": "human", "content": "hello"}]},
                "config": {"configurable": {"thread_id": cid}},
            },
            headers=headers,
        )
    raise AssertionError(endpoint)


def _snapshot(engine: Engine, cid: str) -> tuple[Any, ...]:
    """What a refused call must leave untouched."""
    with Session(engine) as session:
        row = session.get(Conversation, cid)
        assert row is not None
        messages = session.exec(
            select(func.count()).select_from(Message).where(Message.conversation_id == cid)
        ).one()
        ratings = session.exec(
            select(func.count()).select_from(Feedback).where(Feedback.conversation_id == cid)
        ).one()
        return row.status, row.assigned_agent_id, row.updated_at, messages, ratings


def _cells() -> Iterator[Any]:
    for endpoint, table in EXPECTED.items():
        assert set(table) == set(CALLERS), endpoint
        for caller in CALLERS:
            for target, status in zip(TARGETS, table[caller], strict=True):
                gap = KNOWN_GAPS.get((endpoint, caller, target))
                marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
                yield pytest.param(
                    endpoint,
                    caller,
                    target,
                    status,
                    id=f"{endpoint}-{caller}-{target}",
                    marks=marks,
                )


@pytest.mark.parametrize(("endpoint", "caller", "target", "expected"), list(_cells()))
def test_the_access_matrix(
    world: World, scene: Scene, endpoint: str, caller: str, target: str, expected: int
) -> None:
    cid = scene.conversations[target]
    before = _snapshot(world.engine, cid)
    response = _call(world.client, endpoint, cid, scene.headers[caller])
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert _snapshot(world.engine, cid) == before, "a refused call changed the conversation"
        assert cid not in response.text or expected == 409
        if expected == 401:
            assert "WWW-Authenticate" in response.headers or endpoint == "invoke"
        return
    body = response.json()
    if endpoint == "get":
        assert body["conversation_id"] == cid
    elif endpoint == "message" and target in ("queued", "assigned"):
        assert body["ai_response"] is None and body["status"] != "ACTIVE"
        assert _snapshot(world.engine, cid)[3] == before[3] + 1  # stored for the agent
    elif endpoint == "message":
        assert body["ai_response"] and body["status"] == "ACTIVE"
    elif endpoint == "escalate":
        assert body["escalated"] is True
        assert _snapshot(world.engine, cid)[0] != ConversationStatus.ACTIVE
    elif endpoint == "resolve":
        assert body["status"] == "RESOLVED" and body["resolved_at"]
    elif endpoint == "feedback":
        assert body["rating"] == 4 and _snapshot(world.engine, cid)[4] == before[4] + 1
    elif endpoint == "invoke":
        assert body["output"]["messages"][-1]["type"] == "ai"
    elif endpoint == "assign":
        assert body["conversation"]["status"] == "ASSIGNED"
        assert _snapshot(world.engine, cid)[1] == body["agent_id"]
    elif endpoint == "reply":
        assert body["sender"] == "AGENT" and _snapshot(world.engine, cid)[3] == before[3] + 1
    elif endpoint == "handback":
        assert body["status"] == "ACTIVE" and _snapshot(world.engine, cid)[1] is None


@pytest.mark.parametrize("caller", CALLERS)
def test_who_may_start_a_conversation(world: World, scene: Scene, caller: str) -> None:
    response = world.client.post(BASE, json={"subject": "help"}, headers=scene.headers[caller])
    assert response.status_code == EXPECTED_START[caller], response.text
    if response.status_code != 201:
        return
    body = response.json()
    with Session(world.engine) as session:
        row = session.get(Conversation, body["conversation_id"])
    assert row is not None
    if caller == "none":
        assert body["anonymous"] is True and body["conversation_token"]
        assert row.owner_id is None
    else:
        assert body["anonymous"] is False and body["conversation_token"] is None
        assert row.owner_id == (OWNER if caller == "user_owner" else OTHER_USER)


@pytest.mark.parametrize("field", ["owner_id", "user_id", "customer_id", "anonymous"])
def test_that_a_customer_cannot_start_a_conversation_for_someone_else(
    world: World, scene: Scene, field: str
) -> None:
    value: Any = False if field == "anonymous" else OTHER_USER
    before = _count_owned(world.engine)
    response = world.client.post(BASE, json={field: value}, headers=scene.headers["user_owner"])
    assert response.status_code == 422, response.text
    assert _count_owned(world.engine) == before


def _count_owned(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        counts = [
            session.exec(
                select(func.count()).select_from(Conversation).where(Conversation.owner_id == who)
            ).one()
            for who in (OWNER, OTHER_USER)
        ]
    return counts[0], counts[1]


@pytest.mark.parametrize("caller", CALLERS)
def test_what_each_caller_lists(world: World, scene: Scene, caller: str) -> None:
    status, visible = EXPECTED_LIST[caller]
    response = world.client.get(BASE, params={"size": 100}, headers=scene.headers[caller])
    assert response.status_code == status, response.text
    if status != 200:
        return
    listed = {item["conversation_id"] for item in response.json()["items"]}
    shown = {target for target, cid in scene.conversations.items() if cid in listed}
    assert shown == visible
    if caller == "anon_this":
        assert listed == {scene.conversations["anonymous"]}
    if caller == "user_other" or caller.startswith("anon"):
        assert not any(
            cid in listed for target, cid in scene.conversations.items() if target != "anonymous"
        )


def test_that_another_customers_conversation_looks_like_no_conversation(
    world: World, scene: Scene
) -> None:
    headers = scene.headers["user_other"]
    theirs = world.client.get(f"{BASE}/{scene.conversations['customer']}", headers=headers)
    missing = world.client.get(f"{BASE}/{new_id('conv')}", headers=headers)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_that_a_refresh_token_is_not_a_bearer_token(world: World, scene: Scene) -> None:
    refresh = world.auth.issue(Role.ADMIN, "admin_root", kind="refresh")
    response = world.client.get(BASE, headers=_bearer(refresh))
    assert response.status_code == 401
    assert response.json()["detail"]["code"] == "wrong_token_type"
