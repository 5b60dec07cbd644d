"""The human side's REST API: agents, the queue, assignment, replies, hand-back, rules.

No `from __future__ import annotations` here: FastAPI reads the route signatures, whose
dependency aliases are local to `build_handoff_router`.
"""

import asyncio
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from supportgraph.api.audit import AGENT_UPDATE, RULE_CREATE, RULE_DELETE, RULE_UPDATE, AuditLog
from supportgraph.api.auth import Principal, Role
from supportgraph.api.conversations import Conflict, NotFound
from supportgraph.api.deps import Access, ConversationId
from supportgraph.api.handoff import Assignment, HandoffService
from supportgraph.api.queue import AgentLoad
from supportgraph.api.routes import MAX_MESSAGE_CHARS, ConversationOut, MessageOut
from supportgraph.api.rules import (
    CONDITION_KINDS,
    RuleAction,
    RuleBook,
    new_rule_id,
    parse_condition,
)
from supportgraph.api.tables import AgentStatus, EscalationRule

_NAME = r"^[a-z0-9_\-]+$"
_LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"


class AgentOut(BaseModel):
    """A support agent and what they hold now."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "agent_id": "agent_maya",
                    "display_name": "Maya",
                    "email": "maya@example.com",
                    "status": "AVAILABLE",
                    "specializations": ["returns"],
                    "languages": ["en", "es"],
                    "max_concurrent": 3,
                    "current_load": 1,
                    "free_slots": 2,
                }
            ]
        }
    )
    agent_id: str
    display_name: str
    email: str | None
    status: str
    specializations: list[str]
    languages: list[str]
    max_concurrent: int
    current_load: int
    free_slots: int

    @classmethod
    def of(cls, entry: AgentLoad) -> "AgentOut":
        """From an agent and their load."""
        row = entry.agent
        return cls(
            agent_id=row.id,
            display_name=row.display_name or row.id,
            email=row.email,
            status=row.status,
            specializations=list(row.specializations or []),
            languages=list(row.languages or []),
            max_concurrent=row.max_concurrent,
            current_load=entry.load,
            free_slots=entry.free,
        )


class StatusChange(BaseModel):
    """An agent's own status."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "AVAILABLE"}]}
    )
    status: AgentStatus


class AgentChange(BaseModel):
    """An admin's change to an agent's profile; fields left out stay as they are."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"display_name": "Maya", "specializations": ["returns"], "languages": ["en"]}
            ]
        },
    )
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    status: AgentStatus | None = None
    specializations: list[Annotated[str, Field(max_length=64, pattern=_NAME)]] | None = Field(
        default=None, max_length=20
    )
    languages: list[Annotated[str, Field(pattern=_LANGUAGE)]] | None = Field(
        default=None, min_length=1, max_length=20
    )
    max_concurrent: int | None = Field(default=None, ge=1, le=50)


class QueueItem(ConversationOut):
    """A conversation waiting for a human, with its place in the queue."""

    position: int = Field(description="0 for the next one to be taken.")


class QueueOut(BaseModel):
    """The human queue in the order it is served."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [], "total": 0}]})
    items: list[QueueItem]
    total: int


class MyQueue(BaseModel):
    """What an agent holds, and what waits that they could take."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"assigned": [], "waiting": []}]})
    assigned: list[ConversationOut]
    waiting: list[QueueItem]


class AssignRequest(BaseModel):
    """Who takes the conversation: yourself (agents), or a named agent or the best one (admins)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{}, {"agent_id": "agent_maya"}]}
    )
    agent_id: str | None = Field(default=None, min_length=1, max_length=128)


class AssignmentOut(BaseModel):
    """A conversation given to an agent."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "conversation": {"conversation_id": "conv_9b1d4c2e", "status": "ASSIGNED"},
                    "agent_id": "agent_maya",
                    "agent_name": "Maya",
                    "estimated_wait_time_minutes": 1,
                }
            ]
        }
    )
    conversation: ConversationOut
    agent_id: str
    agent_name: str
    estimated_wait_time_minutes: int = Field(description="Until the agent's first reply.")

    @classmethod
    def of(cls, assignment: Assignment) -> "AssignmentOut":
        """From an assignment."""
        return cls(
            conversation=ConversationOut.of(assignment.conversation),
            agent_id=assignment.agent.id,
            agent_name=assignment.agent.display_name or assignment.agent.id,
            estimated_wait_time_minutes=assignment.estimated_wait_time_minutes,
        )


class AgentReply(BaseModel):
    """The assigned agent's message to the customer."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"content": "Hi, I'm Maya. Let me look."}]}
    )
    content: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class RuleIn(BaseModel):
    """An escalation rule as an admin writes it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Chargeback threat",
                    "priority": 5,
                    "enabled": True,
                    "condition": {"kind": "keyword", "keywords": ["chargeback"]},
                    "action": {"priority": "URGENT", "specialization": "billing"},
                }
            ]
        },
    )
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    priority: int = Field(
        default=100, ge=0, le=100_000, description="Evaluation order: lower first."
    )
    enabled: bool = True
    condition: dict[str, Any] = Field(
        description=f"A JSON condition; `kind` is one of {', '.join(CONDITION_KINDS)}."
    )
    action: RuleAction = Field(default_factory=RuleAction)


class RuleOut(RuleIn):
    """A stored escalation rule."""

    model_config = ConfigDict(extra="ignore")
    rule_id: str
    created_at: datetime
    updated_at: datetime
    updated_by: str | None

    @classmethod
    def of(cls, row: EscalationRule) -> "RuleOut":
        """From a stored rule."""
        return cls(
            rule_id=row.id,
            name=row.name,
            description=row.description,
            priority=row.priority,
            enabled=row.enabled,
            condition=row.condition,
            action=RuleAction.model_validate(row.action),
            created_at=row.created_at,
            updated_at=row.updated_at,
            updated_by=row.updated_by,
        )


def build_handoff_router(
    handoff: HandoffService, rules: RuleBook, access: Access, audit: AuditLog | None = None
) -> APIRouter:
    """The /api/v1 routes of agents, the queue and the escalation rules (changes audited)."""
    router = APIRouter(prefix="/api/v1/support")

    async def audited(
        principal: Principal, action: str, kind: str, key: str, **details: Any
    ) -> None:
        if audit is not None:
            await audit.record(principal, action, kind, key, **details)

    Agent = Annotated[Principal, Depends(access.role(Role.AGENT))]
    Staff = Annotated[Principal, Depends(access.role(Role.AGENT, Role.ADMIN))]
    Admin = Annotated[Principal, Depends(access.role(Role.ADMIN))]
    AgentId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.@\-]+$")]
    RuleId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")]

    async def queue_items(principal: Principal) -> list[QueueItem]:
        rows = await handoff.waiting(principal)
        return [
            QueueItem(**ConversationOut.of(row).model_dump(), position=index)
            for index, row in enumerate(rows)
        ]

    @router.get("/agents", tags=["agents"], summary="Every agent with their load (admins)")
    async def list_agents(principal: Admin) -> list[AgentOut]:
        return [AgentOut.of(entry) for entry in await handoff.agents()]

    @router.get(
        "/agents/available",
        tags=["agents"],
        summary="Agents who take new conversations now: AVAILABLE, with room",
    )
    async def available_agents(principal: Staff) -> list[AgentOut]:
        return [AgentOut.of(entry) for entry in await handoff.agents(available_only=True)]

    @router.get("/agents/me", tags=["agents"], summary="My agent profile and load")
    async def my_profile(principal: Agent) -> AgentOut:
        row = await handoff.profile(principal)
        return _agent_out(await handoff.agents(), row.id)

    @router.put("/agents/me/status", tags=["agents"], summary="Set my status")
    async def set_my_status(principal: Agent, body: StatusChange) -> AgentOut:
        row = await handoff.set_status(principal, body.status)
        return _agent_out(await handoff.agents(), row.id)

    @router.get("/agents/me/queue", tags=["agents"], summary="What I hold, and what I could take")
    async def my_queue(principal: Agent) -> MyQueue:
        held = await handoff.mine(principal)
        return MyQueue(
            assigned=[ConversationOut.of(row) for row in held], waiting=await queue_items(principal)
        )

    @router.post(
        "/agents/me/next",
        tags=["agents"],
        summary="Take the waiting conversation I should take next",
        responses={204: {"description": "Nothing waits that I can take"}},
    )
    async def take_next(principal: Agent, response: Response) -> AssignmentOut | None:
        assignment = await handoff.take_next(principal)
        if assignment is None:
            response.status_code = 204
            return None
        return AssignmentOut.of(assignment)

    @router.put("/agents/{agent_id}", tags=["agents"], summary="Create or change an agent (admins)")
    async def change_agent(principal: Admin, agent_id: AgentId, body: AgentChange) -> AgentOut:
        changes = body.model_dump(exclude_unset=True)
        if any(value is None for value in changes.values()):
            raise HTTPException(
                422, {"code": "invalid_agent", "message": "send values, not nulls, for changes"}
            )
        row = await handoff.update_agent(agent_id, changes)
        await audited(principal, AGENT_UPDATE, "agent", row.id, fields=sorted(changes))
        return _agent_out(await handoff.agents(), row.id)

    @router.get("/queue", tags=["queue"], summary="Conversations waiting for a human, in order")
    async def waiting(
        principal: Staff, limit: Annotated[int, Query(ge=1, le=500)] = 100
    ) -> QueueOut:
        items = (await queue_items(principal))[:limit]
        return QueueOut(items=items, total=len(items))

    @router.post(
        "/conversations/{conversation_id}/assign",
        tags=["queue"],
        summary="Take a waiting conversation (agents), or assign it (admins)",
        responses={
            404: {"description": "No such conversation or agent"},
            409: {"description": "Not waiting, or the agent has no room"},
        },
    )
    async def assign(
        principal: Staff, conversation_id: ConversationId, body: AssignRequest | None = None
    ) -> AssignmentOut:
        agent_id = (body or AssignRequest()).agent_id
        return AssignmentOut.of(await _call(handoff.assign(principal, conversation_id, agent_id)))

    @router.post(
        "/conversations/{conversation_id}/reply",
        status_code=201,
        tags=["queue"],
        summary="The assigned agent's reply to the customer",
        responses={
            404: {"description": "No such conversation"},
            409: {"description": "Not assigned"},
        },
    )
    async def reply(
        principal: Staff, conversation_id: ConversationId, body: AgentReply
    ) -> MessageOut:
        return MessageOut.of(await _call(handoff.reply(principal, conversation_id, body.content)))

    @router.post(
        "/conversations/{conversation_id}/handback",
        tags=["queue"],
        summary="Hand the conversation back to the AI",
        responses={
            404: {"description": "No such conversation"},
            409: {"description": "Not with a human"},
        },
    )
    async def hand_back(principal: Staff, conversation_id: ConversationId) -> ConversationOut:
        return ConversationOut.of(await _call(handoff.hand_back(principal, conversation_id)))

    @router.get(
        "/escalation-rules", tags=["escalation rules"], summary="Every rule, in evaluation order"
    )
    async def list_rules(principal: Admin) -> list[RuleOut]:
        return [RuleOut.of(row) for row in await asyncio.to_thread(rules.rows)]

    @router.post(
        "/escalation-rules", status_code=201, tags=["escalation rules"], summary="Add a rule"
    )
    async def create_rule(principal: Admin, body: RuleIn) -> RuleOut:
        row = _rule_row(body, new_rule_id(), principal)
        out = RuleOut.of(await _save(rules, row))
        await audited(principal, RULE_CREATE, "escalation_rule", out.rule_id)
        return out

    @router.get("/escalation-rules/{rule_id}", tags=["escalation rules"], summary="One rule")
    async def get_rule(principal: Admin, rule_id: RuleId) -> RuleOut:
        row = await asyncio.to_thread(rules.get, rule_id)
        if row is None:
            raise HTTPException(404, {"code": "not_found", "message": "no such rule"})
        return RuleOut.of(row)

    @router.put("/escalation-rules/{rule_id}", tags=["escalation rules"], summary="Replace a rule")
    async def replace_rule(principal: Admin, rule_id: RuleId, body: RuleIn) -> RuleOut:
        existing = await asyncio.to_thread(rules.get, rule_id)
        if existing is None:
            raise HTTPException(404, {"code": "not_found", "message": "no such rule"})
        row = _rule_row(body, rule_id, principal)
        row.created_at = existing.created_at
        out = RuleOut.of(await _save(rules, row))
        await audited(principal, RULE_UPDATE, "escalation_rule", rule_id)
        return out

    @router.delete(
        "/escalation-rules/{rule_id}",
        status_code=204,
        tags=["escalation rules"],
        summary="Delete a rule",
    )
    async def delete_rule(principal: Admin, rule_id: RuleId) -> Response:
        if not await asyncio.to_thread(rules.delete, rule_id):
            raise HTTPException(404, {"code": "not_found", "message": "no such rule"})
        await audited(principal, RULE_DELETE, "escalation_rule", rule_id)
        return Response(status_code=204)

    return router


def _agent_out(entries: list[AgentLoad], agent_id: str) -> AgentOut:
    return AgentOut.of(next(e for e in entries if e.agent.id == agent_id))


def _rule_row(body: RuleIn, rule_id: str, principal: Principal) -> EscalationRule:
    try:
        parse_condition(body.condition)
    except (ValidationError, ValueError) as error:
        raise HTTPException(422, {"code": "invalid_rule", "message": _why(error)}) from error
    return EscalationRule(
        id=rule_id,
        name=body.name,
        description=body.description,
        priority=body.priority,
        enabled=body.enabled,
        condition=body.condition,
        action=body.action.model_dump(mode="json"),
        updated_by=principal.subject,
    )


async def _save(rules: RuleBook, row: EscalationRule) -> EscalationRule:
    return await asyncio.to_thread(rules.save, row)


def _why(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(
            f"condition.{'.'.join(map(str, e['loc']))}: {e['msg']}" if e["loc"] else e["msg"]
            for e in error.errors()
        )
    return str(error)


async def _call(action: Any) -> Any:
    """Await a handoff action, turning its errors into HTTP answers."""
    try:
        return await action
    except NotFound as error:
        raise HTTPException(
            404, {"code": "not_found", "message": "no such conversation or agent"}
        ) from error
    except PermissionError as error:
        raise HTTPException(403, {"code": "forbidden", "message": str(error)}) from error
    except Conflict as error:
        raise HTTPException(409, {"code": "conflict", "message": str(error)}) from error
