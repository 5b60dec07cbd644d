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

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from supportgraph.api import outbox, queue
from supportgraph.api.agent import SupportAgent
from supportgraph.api.auth import Principal, Role
from supportgraph.api.events import (
    AI_RESPONSE,
    CONVERSATION_STATUS,
    CUSTOMER_MESSAGE,
    QUEUE_CHANNEL,
    QUEUE_UPDATED,
    SENTIMENT_UPDATE,
    EventBus,
    InProcessBus,
    chunks,
)
from supportgraph.api.tables import (
    Conversation,
    ConversationStatus,
    Feedback,
    KnowledgeCitation,
    Message,
    MessageType,
    Priority,
    Sender,
    utcnow,
)
from supportgraph.guardrails.pii import redact


class NotFound(LookupError):
    """The conversation does not exist, or the caller may not know that it does."""


class Conflict(RuntimeError):
    """The request does not fit the conversation's status (e.g. a message to a resolved one)."""


@dataclass(frozen=True)
class TurnResult:
    """One customer message and the agent's answer to it (none while a human owns it)."""

    conversation: Conversation
    message_id: str
    """The answer's id; the customer message's id when no answer was written."""
    ai_response: str | None
    confidence_score: float | None
    processing_time_ms: int
    escalated: bool
    sentiment: float
    citations: list[dict[str, Any]]
    awaiting_confirmation: bool = False
    """The answer asks the customer to confirm a change; their next message is the answer."""

    @property
    def answered(self) -> bool:
        """Whether the AI answered (False: the message waits for a human)."""
        return self.ai_response is not None


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

    def __init__(self, engine: Engine, agent: SupportAgent, bus: EventBus | None = None) -> None:
        """Use this database, agent and event bus.

        Args:
            engine: The platform database (migrated to head).
            agent: Runs customer turns on the graph.
            bus: Where live events go (every stored message, status changes, the queue).
        """
        self.engine = engine
        self.agent = agent
        self.bus: EventBus = bus or InProcessBus()

    def _session(self) -> Session:
        # Rows are handed back to callers after the commit; keep their loaded values.
        return Session(self.engine, expire_on_commit=False)

    # Database work is blocking; it runs in worker threads so the event loop stays free.
    async def _db(self, fn: Any, *args: Any) -> Any:
        return await asyncio.to_thread(fn, *args)

    async def start(
        self,
        principal: Principal | None,
        *,
        channel: str = "web",
        subject: str = "",
        language: str = "en",
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
            language=language,
        )
        return await self._db(self._insert, conversation)

    def _insert(self, conversation: Conversation) -> Conversation:
        with self._session() as session:
            session.add(conversation)
            outbox.stage(
                session,
                outbox.CONVERSATION_CREATED,
                conversation.id,
                {
                    "channel": conversation.channel,
                    "customer_id": conversation.customer_id,
                    "anonymous": conversation.anonymous,
                },
            )
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
        """Store the customer's message and, while the AI owns the conversation, answer it.

        While the conversation waits for or is with a human, the message is stored and
        published to the agent, and the AI stays silent.
        """
        conversation = await self.get(principal, conversation_id)
        if not (principal.anonymous or principal.role is Role.USER):
            raise PermissionError("only the customer sends customer messages")
        if conversation.status == ConversationStatus.RESOLVED:
            raise Conflict("the conversation is resolved")
        start = time.perf_counter()
        customer_message = Message(
            id=new_id("msg"),
            conversation_id=conversation.id,
            sender=Sender.CUSTOMER,
            sender_id=principal.subject,
            type=kind,
            content=text,
        )
        await self._db(self._add, [customer_message], (conversation.id, {}))
        await self.publish_message(customer_message)
        if conversation.status != ConversationStatus.ACTIVE:
            return TurnResult(
                conversation=conversation,
                message_id=customer_message.id,
                ai_response=None,
                confidence_score=None,
                processing_time_ms=int((time.perf_counter() - start) * 1000),
                escalated=True,
                sentiment=conversation.sentiment,
                citations=[],
            )
        state = await self.agent.turn(
            {"messages": [HumanMessage(content=text, id=customer_message.id)]},
            {"configurable": {"thread_id": conversation.id}},
            signed_in_user_id=conversation.owner_id,
        )
        elapsed = int((time.perf_counter() - start) * 1000)
        return await self._answer(conversation.id, state, elapsed, customer_message.id)

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
        await self.publish_message(customer_message)
        return await self._answer(conversation_id, state, elapsed_ms, customer_message.id)

    async def _answer(
        self, cid: str, state: dict[str, Any], elapsed: int, asked_id: str
    ) -> TurnResult:
        """Store the agent's answer and what the turn changed about the conversation."""
        reply = _last_ai(state["messages"])
        text = str(reply.content) if reply is not None else ""
        cites = list((reply.response_metadata or {}).get("citations") or []) if reply else []
        confidence = round(float(state.get("confidence") or 0.0), 4)
        confirming = bool(state.get("pending_action")) and not state.get("escalation")
        details: dict[str, Any] = {"awaiting_confirmation": confirming}
        if reply is not None:
            details["responder"] = (reply.response_metadata or {}).get("responder")
        answer = Message(
            id=new_id("msg"),
            conversation_id=cid,
            sender=Sender.AI,
            type=MessageType.TEXT,
            content=text,
            confidence_score=confidence,
            intent=state.get("intent") or None,
            processing_time_ms=elapsed,
            citations=cites,
            details=details,
        )
        mood = float(state.get("sentiment") or 0.0)
        verdict: dict[str, Any] = {
            "intent": state.get("intent") or None,
            "confidence": confidence,
            "sentiment": mood,
            "guardrail": state.get("safety"),
            "rule": state.get("rule"),
        }
        escalation = state.get("escalation")
        changes: dict[str, Any] = {"sentiment": verdict["sentiment"]}
        customer = (state.get("customer") or {}).get("user_id")
        if customer:
            changes["customer_id"] = customer
        if escalation:
            changes.update(_queued(escalation))
        updated, queued = await self._db(
            self._store_answer, answer, asked_id, verdict, (cid, changes)
        )
        await self.publish_answer(answer)
        sentiment = {
            "type": SENTIMENT_UPDATE,
            "conversation_id": cid,
            "sentiment": verdict["sentiment"],
        }
        await self.bus.publish(cid, sentiment)
        if queued:
            await self.publish_status(updated)
        return TurnResult(
            conversation=updated,
            message_id=answer.id,
            ai_response=text,
            confidence_score=confidence,
            processing_time_ms=elapsed,
            escalated=bool(escalation),
            sentiment=mood,
            citations=cites,
            awaiting_confirmation=confirming,
        )

    def _store_answer(
        self,
        answer: Message,
        asked_id: str,
        verdict: dict[str, Any],
        update: tuple[str, dict[str, Any]],
    ) -> tuple[Conversation, bool]:
        """Store the answer, its citations and the conversation's changes in one transaction.

        Returns:
            The conversation, and whether this turn put it in the human queue.
        """
        cid, changes = update
        with self._session() as session:
            session.add(answer)
            asked = session.get(Message, asked_id)
            if asked is not None:
                asked.details = {**(asked.details or {}), **verdict}
                session.add(asked)
            for entry_id in dict.fromkeys(
                str(c["ref"]) for c in answer.citations if c.get("source") == "kb" and c.get("ref")
            ):
                session.add(
                    KnowledgeCitation(message_id=answer.id, entry_id=entry_id, conversation_id=cid)
                )
            conversation = session.get(Conversation, cid)
            if conversation is None:
                raise NotFound(cid)
            newly_queued = (
                "escalated_at" in changes and conversation.status == ConversationStatus.ACTIVE
            )
            if not newly_queued:
                changes = {k: v for k, v in changes.items() if k in ("sentiment", "customer_id")}
            for key, value in changes.items():
                setattr(conversation, key, value)
            conversation.updated_at = utcnow()
            session.add(conversation)
            if newly_queued:
                outbox.stage(session, outbox.CONVERSATION_ESCALATED, cid, _escalated(conversation))
            session.commit()
            session.refresh(conversation)
            return conversation, newly_queued

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
    ) -> tuple[Conversation, int | None]:
        """Put the conversation in the human queue (idempotent).

        Returns:
            The conversation and the minutes the customer is expected to wait for a human
            (None once a human has it).
        """
        conversation = await self.get(principal, conversation_id)
        if conversation.status == ConversationStatus.RESOLVED:
            raise Conflict("the conversation is resolved")
        if conversation.status == ConversationStatus.ACTIVE:
            note = Message(
                id=new_id("msg"),
                conversation_id=conversation.id,
                sender=Sender.SYSTEM,
                type=MessageType.SYSTEM,
                content=f"Handed to the human queue ({reason}).",
            )
            changes = _queued({"reason": reason, "priority": Priority.MEDIUM})
            conversation = await self._db(self._queue, note, conversation.id, changes)
        await self.publish_status(conversation)
        return conversation, await self.wait_minutes(conversation)

    def _queue(self, note: Message, cid: str, changes: dict[str, Any]) -> Conversation:
        with self._session() as session:
            conversation = session.get(Conversation, cid)
            if conversation is None:
                raise NotFound(cid)
            if conversation.status != ConversationStatus.ACTIVE:
                return conversation  # another request queued it first
            session.add(note)
            for key, value in changes.items():
                setattr(conversation, key, value)
            conversation.updated_at = utcnow()
            session.add(conversation)
            outbox.stage(session, outbox.CONVERSATION_ESCALATED, cid, _escalated(conversation))
            session.commit()
            session.refresh(conversation)
            return conversation

    async def wait_minutes(self, conversation: Conversation) -> int | None:
        """Expected minutes until a human takes a waiting conversation; None if not waiting."""
        if conversation.status != ConversationStatus.ESCALATED:
            return None

        def estimate() -> int:
            with self._session() as session:
                return queue.wait_minutes(session, conversation)

        return await self._db(estimate)

    async def resolve(self, principal: Principal, conversation_id: str) -> Conversation:
        """Close the conversation as resolved (idempotent)."""
        conversation = await self.get(principal, conversation_id)
        if principal.role is Role.AGENT and conversation.assigned_agent_id != principal.subject:
            raise PermissionError("take the conversation before resolving it")
        if conversation.status == ConversationStatus.RESOLVED:
            return conversation
        if principal.role is Role.ADMIN and not principal.anonymous:
            by = "ADMIN"
        elif principal.role is Role.AGENT:
            by = "AGENT"
        else:
            by = "AGENT" if conversation.assigned_at else "AI"
        row = await self._db(self._resolve, conversation.id, by)
        await self.publish_status(row)
        return row

    def _resolve(self, cid: str, by: str) -> Conversation:
        with self._session() as session:
            conversation = session.get(Conversation, cid)
            if conversation is None:
                raise NotFound(cid)
            if conversation.status != ConversationStatus.RESOLVED:
                conversation.status = ConversationStatus.RESOLVED
                conversation.resolved_at = conversation.updated_at = utcnow()
                conversation.resolved_by = by
                session.add(conversation)
                outbox.stage(
                    session,
                    outbox.CONVERSATION_RESOLVED,
                    cid,
                    {
                        "resolved_by": by,
                        "assigned_agent_id": conversation.assigned_agent_id,
                        "customer_id": conversation.customer_id,
                        "escalated": conversation.escalated_at is not None,
                    },
                )
                session.commit()
                session.refresh(conversation)
            return conversation

    async def feedback(
        self,
        principal: Principal,
        conversation_id: str,
        *,
        rating: int | None = None,
        helpful: bool | None = None,
        comment: str = "",
        follow_up_required: bool = False,
        message_id: str | None = None,
    ) -> Feedback:
        """Record the customer's feedback on the conversation, or on one answer in it."""
        conversation = await self.get(principal, conversation_id)
        if not (principal.anonymous or principal.role is Role.USER):
            raise PermissionError("only the customer gives feedback")
        if rating is None and helpful is None and not comment.strip():
            raise ValueError("give a rating, a thumbs up or down, or a comment")
        row = Feedback(
            id=new_id("fb"),
            conversation_id=conversation.id,
            message_id=message_id,
            rating=rating,
            helpful=helpful,
            comment=comment,
            follow_up_required=follow_up_required,
        )
        return await self._db(self._insert_feedback, row)

    def _insert_feedback(self, row: Feedback) -> Feedback:
        with self._session() as session:
            if row.message_id is not None:
                rated = session.get(Message, row.message_id)
                if rated is None or rated.conversation_id != row.conversation_id:
                    raise ValueError("message_id is not a message of this conversation")
                if rated.sender not in (Sender.AI, Sender.AGENT):
                    raise ValueError("only answers (AI or agent messages) can be rated")
            session.add(row)
            outbox.stage(
                session,
                outbox.FEEDBACK_RECEIVED,
                row.conversation_id,
                {
                    "feedback_id": row.id,
                    "message_id": row.message_id,
                    "rating": row.rating,
                    "helpful": row.helpful,
                    "follow_up_required": row.follow_up_required,
                },
            )
            session.commit()
            session.refresh(row)
            return row

    async def publish_message(self, message: Message) -> None:
        """Tell everyone following the conversation about a stored customer message."""
        await self.bus.publish(
            message.conversation_id,
            {
                "type": CUSTOMER_MESSAGE,
                "conversation_id": message.conversation_id,
                "message_id": message.id,
                "message_type": str(message.type),
                "content": message.content,
            },
        )

    async def publish_answer(self, answer: Message) -> None:
        """Stream an AI answer to the conversation's followers: chunks, then the final message."""
        cid = answer.conversation_id
        for index, chunk in enumerate(chunks(answer.content)):
            await self.bus.publish(
                cid,
                {
                    "type": AI_RESPONSE,
                    "conversation_id": cid,
                    "message_id": answer.id,
                    "index": index,
                    "chunk": chunk,
                    "final": False,
                },
            )
        await self.bus.publish(
            cid,
            {
                "type": AI_RESPONSE,
                "conversation_id": cid,
                "message_id": answer.id,
                "final": True,
                "content": answer.content,
                "confidence_score": answer.confidence_score,
                "processing_time_ms": answer.processing_time_ms,
                "citations": answer.citations,
                "awaiting_confirmation": bool((answer.details or {}).get("awaiting_confirmation")),
            },
        )

    async def publish_status(self, row: Conversation) -> None:
        """Tell the conversation's followers, and the queue's, where it stands now."""
        event = {
            "type": CONVERSATION_STATUS,
            "conversation_id": row.id,
            "status": str(row.status),
            "priority": str(row.priority),
            "assigned_agent_id": row.assigned_agent_id,
            "estimated_wait_time_minutes": await self.wait_minutes(row),
        }
        await self.bus.publish(row.id, event)
        await self.bus.publish(
            QUEUE_CHANNEL,
            {
                **event,
                "type": QUEUE_UPDATED,
                "specialization": row.specialization,
                "language": row.language,
                "subject": row.subject,
                "escalation_reason": row.escalation_reason,
            },
        )


def _last_ai(messages: list[AnyMessage]) -> AIMessage | None:
    """The last AI message with text: the turn's answer."""
    for message in reversed(messages):
        if isinstance(message, AIMessage) and message.content:
            return message
    return None


def _queued(escalation: dict[str, Any]) -> dict[str, Any]:
    """The conversation's changes when it joins the human queue for this escalation."""
    try:
        priority = Priority(str(escalation.get("priority") or Priority.MEDIUM).upper())
    except ValueError:
        priority = Priority.MEDIUM
    return {
        "status": ConversationStatus.ESCALATED,
        "priority": priority,
        # Redacted before it is cut to fit: a cut email or address no longer looks like one.
        "escalation_reason": redact(str(escalation.get("reason") or "requested"))[:64],
        "escalation_rule_id": escalation.get("rule_id"),
        "specialization": escalation.get("specialization"),
        "escalated_at": utcnow(),
    }


def _escalated(conversation: Conversation) -> dict[str, Any]:
    return {
        "reason": conversation.escalation_reason,
        "rule_id": conversation.escalation_rule_id,
        "priority": str(conversation.priority),
        "specialization": conversation.specialization,
        "customer_id": conversation.customer_id,
    }
