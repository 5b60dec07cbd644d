"""Conversations that belong to someone: who may see them, and every message stored.

The server issues conversation ids; a conversation id is also the graph's thread id. Access is
decided here, once, for REST, WebSocket and LangServe alike:
- a USER reaches the conversations they own;
- an anonymous conversation token reaches its one conversation;
- an AGENT reaches the conversations assigned to them and those waiting in the queue;
- an ADMIN reaches every conversation.
Anything else is reported as not found, so ids of other people's conversations leak nothing.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import HumanMessage
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from supportgraph.api.agent import SupportAgent, last_reply
from supportgraph.api.auth import Principal, Role
from supportgraph.api.tables import (
    Conversation,
    ConversationStatus,
    Feedback,
    Message,
    MessageType,
    Priority,
    Sender,
    utcnow,
)

_ESCALATION_PRIORITY = {
    "negative_sentiment": Priority.HIGH,
    "guardrail": Priority.HIGH,
    "repeated_failure": Priority.HIGH,
    "tool_budget": Priority.MEDIUM,
    "requested": Priority.MEDIUM,
    "transfer_tool": Priority.MEDIUM,
}
ESTIMATED_WAIT_MINUTES = 5
"""Wait quoted to a customer joining the queue; the queue's own figures replace it."""


class NotFound(LookupError):
    """The conversation does not exist, or the caller may not know that it does."""


class Conflict(RuntimeError):
    """The request does not fit the conversation's status (e.g. a message to a resolved one)."""


@dataclass(frozen=True)
class TurnResult:
    """One customer message and the agent's answer to it."""

    conversation: Conversation
    message_id: str
    ai_response: str
    confidence_score: float
    processing_time_ms: int
    escalated: bool
    sentiment: float


def new_id(prefix: str) -> str:
    """A fresh opaque id, e.g. `conv_3f2a…`."""
    return f"{prefix}_{uuid.uuid4().hex}"


def can_access(principal: Principal, conversation: Conversation) -> bool:
    """Whether this caller may read and act on this conversation."""
    if principal.anonymous:
        return principal.conversation_id == conversation.id
    if principal.role is Role.ADMIN:
        return True
    if principal.role is Role.AGENT:
        return conversation.assigned_agent_id == principal.subject or (
            conversation.status == ConversationStatus.ESCALATED
            and conversation.assigned_agent_id is None
        )
    return principal.role is Role.USER and conversation.owner_id == principal.user_id


class ConversationService:
    """Stores conversations and their messages, and runs customer turns on the agent."""

    def __init__(self, engine: Engine, agent: SupportAgent) -> None:
        """Use this database and agent.

        Args:
            engine: The platform database (migrated to head).
            agent: Runs customer turns on the graph.
        """
        self.engine = engine
        self.agent = agent

    def _session(self) -> Session:
        # Rows are handed back to callers after the commit; keep their loaded values.
        return Session(self.engine, expire_on_commit=False)

    # Database work is blocking; it runs in worker threads so the event loop stays free.
    async def _db(self, fn: Any, *args: Any) -> Any:
        return await asyncio.to_thread(fn, *args)

    async def start(
        self, principal: Principal | None, *, channel: str = "web", subject: str = ""
    ) -> Conversation:
        """Open a conversation owned by a signed-in customer, or an anonymous one."""
        if principal is not None and principal.role is not Role.USER:
            raise PermissionError("only customers start conversations")
        conversation = Conversation(
            id=new_id("conv"),
            owner_id=principal.user_id if principal else None,
            anonymous=principal is None,
            customer_id=principal.user_id if principal else None,
            channel=channel,
            subject=subject,
        )
        return await self._db(self._insert, conversation)

    def _insert(self, conversation: Conversation) -> Conversation:
        with self._session() as session:
            session.add(conversation)
            session.commit()
            session.refresh(conversation)
            return conversation

    async def get(self, principal: Principal, conversation_id: str) -> Conversation:
        """The conversation if this caller may see it; else `NotFound`."""
        conversation = await self._db(self._load, conversation_id)
        if conversation is None or not can_access(principal, conversation):
            raise NotFound(conversation_id)
        return conversation

    def _load(self, conversation_id: str) -> Conversation | None:
        with self._session() as session:
            return session.get(Conversation, conversation_id)

    async def messages(self, conversation_id: str) -> list[Message]:
        """Every message of the conversation, oldest first."""
        return await self._db(self._messages, conversation_id)

    def _messages(self, conversation_id: str) -> list[Message]:
        with self._session() as session:
            query = (
                select(Message)
                .where(Message.conversation_id == conversation_id)
                .order_by(col(Message.created_at), col(Message.id))
            )
            return list(session.exec(query))

    async def list_for(
        self, principal: Principal, *, page: int, size: int
    ) -> tuple[list[Conversation], int]:
        """The caller's conversations, newest first, one page of them, and the total."""
        return await self._db(self._list, principal, page, size)

    def _list(self, principal: Principal, page: int, size: int) -> tuple[list[Conversation], int]:
        query = select(Conversation)
        if principal.anonymous:
            query = query.where(Conversation.id == principal.conversation_id)
        elif principal.role is Role.USER:
            query = query.where(Conversation.owner_id == principal.user_id)
        elif principal.role is Role.AGENT:
            query = query.where(Conversation.assigned_agent_id == principal.subject)
        with self._session() as session:
            total = session.exec(select(func.count()).select_from(query.subquery())).one()
            rows = session.exec(
                query.order_by(col(Conversation.updated_at).desc(), col(Conversation.id))
                .offset((page - 1) * size)
                .limit(size)
            )
            return list(rows), int(total)

    async def send(
        self,
        principal: Principal,
        conversation_id: str,
        text: str,
        *,
        kind: MessageType = MessageType.TEXT,
    ) -> TurnResult:
        """Store the customer's message, run the agent's turn, store and return its answer."""
        conversation = await self.get(principal, conversation_id)
        if not (principal.anonymous or principal.role is Role.USER):
            raise PermissionError("only the customer sends customer messages")
        if conversation.status != ConversationStatus.ACTIVE:
            raise Conflict(f"the conversation is {str(conversation.status).lower()}")
        start = time.perf_counter()
        customer_message = Message(
            id=new_id("msg"),
            conversation_id=conversation.id,
            sender=Sender.CUSTOMER,
            sender_id=principal.subject,
            type=kind,
            content=text,
        )
        await self._db(self._add, [customer_message], None)
        state = await self.agent.turn(
            {"messages": [HumanMessage(content=text, id=customer_message.id)]},
            {"configurable": {"thread_id": conversation.id}},
            signed_in_user_id=conversation.owner_id,
        )
        elapsed = int((time.perf_counter() - start) * 1000)
        return await self._answer(conversation.id, state, elapsed)

    async def record_turn(
        self, conversation_id: str, text: str, state: dict[str, Any], elapsed_ms: int
    ) -> TurnResult:
        """Store a turn that ran elsewhere (LangServe): the customer's message and the answer."""
        customer_message = Message(
            id=new_id("msg"),
            conversation_id=conversation_id,
            sender=Sender.CUSTOMER,
            type=MessageType.TEXT,
            content=text,
        )
        await self._db(self._add, [customer_message], None)
        return await self._answer(conversation_id, state, elapsed_ms)

    async def _answer(self, cid: str, state: dict[str, Any], elapsed: int) -> TurnResult:
        """Store the agent's answer and what the turn changed about the conversation."""
        reply = last_reply(state["messages"])
        confidence = round(float(state.get("confidence") or 0.0), 4)
        answer = Message(
            id=new_id("msg"),
            conversation_id=cid,
            sender=Sender.AI,
            type=MessageType.TEXT,
            content=reply,
            confidence_score=confidence,
            intent=state.get("intent") or None,
            processing_time_ms=elapsed,
        )
        escalation = state.get("escalation")
        changes: dict[str, Any] = {"sentiment": float(state.get("sentiment") or 0.0)}
        customer = (state.get("customer") or {}).get("user_id")
        if customer:
            changes["customer_id"] = customer
        if escalation:
            changes["status"] = ConversationStatus.ESCALATED
            changes["priority"] = _ESCALATION_PRIORITY.get(
                str(escalation.get("reason")), Priority.MEDIUM
            )
        updated = await self._db(self._add, [answer], (cid, changes))
        return TurnResult(
            conversation=updated,
            message_id=answer.id,
            ai_response=reply,
            confidence_score=confidence,
            processing_time_ms=elapsed,
            escalated=bool(escalation),
            sentiment=changes["sentiment"],
        )

    def _add(
        self, messages: list[Message], update: tuple[str, dict[str, Any]] | None
    ) -> Conversation | None:
        with self._session() as session:
            session.add_all(messages)
            conversation = None
            if update is not None:
                conversation = session.get(Conversation, update[0])
                if conversation is not None:
                    for key, value in update[1].items():
                        setattr(conversation, key, value)
                    conversation.updated_at = utcnow()
                    session.add(conversation)
            session.commit()
            if conversation is not None:
                session.refresh(conversation)
            return conversation

    async def escalate(
        self, principal: Principal, conversation_id: str, *, reason: str = "requested"
    ) -> Conversation:
        """Put the conversation in the human queue (idempotent)."""
        conversation = await self.get(principal, conversation_id)
        if conversation.status == ConversationStatus.RESOLVED:
            raise Conflict("the conversation is resolved")
        if conversation.status != ConversationStatus.ACTIVE:
            return conversation
        note = Message(
            id=new_id("msg"),
            conversation_id=conversation.id,
            sender=Sender.SYSTEM,
            type=MessageType.SYSTEM,
            content=f"Handed to the human queue ({reason}).",
        )
        changes = {"status": ConversationStatus.ESCALATED, "priority": Priority.MEDIUM}
        return await self._db(self._add, [note], (conversation.id, changes))

    async def resolve(self, principal: Principal, conversation_id: str) -> Conversation:
        """Close the conversation as resolved (idempotent)."""
        conversation = await self.get(principal, conversation_id)
        if conversation.status == ConversationStatus.RESOLVED:
            return conversation
        changes = {"status": ConversationStatus.RESOLVED, "resolved_at": utcnow()}
        return await self._db(self._add, [], (conversation.id, changes))

    async def feedback(
        self, principal: Principal, conversation_id: str, *, rating: int, comment: str
    ) -> Feedback:
        """Record the customer's rating of the conversation."""
        conversation = await self.get(principal, conversation_id)
        if not (principal.anonymous or principal.role is Role.USER):
            raise PermissionError("only the customer rates a conversation")
        row = Feedback(
            id=new_id("fb"), conversation_id=conversation.id, rating=rating, comment=comment
        )
        return await self._db(self._insert_feedback, row)

    def _insert_feedback(self, row: Feedback) -> Feedback:
        with self._session() as session:
            session.add(row)
            session.commit()
            session.refresh(row)
            return row
