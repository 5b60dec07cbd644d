"""The human side of a conversation: agents, the queue, assignment, replies and hand-back.

A conversation the graph or the customer hands off waits in the queue (`ESCALATED`). An agent
takes it, or an admin assigns it (`ASSIGNED`); from then on the agent's replies go into the same
conversation and the AI stays silent. The agent hands it back to the AI (`ACTIVE`, with the
graph's handoff cleared) or resolves it. Assignment is one conditional UPDATE, so two agents on
two server processes can never both take the same conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import col

from supportgraph.api import outbox, queue
from supportgraph.api.auth import Principal, Role
from supportgraph.api.conversations import Conflict, ConversationService, NotFound, new_id
from supportgraph.api.events import AGENT_ASSIGNED, AGENT_MESSAGE
from supportgraph.api.tables import (
    AgentStatus,
    Conversation,
    ConversationStatus,
    Message,
    MessageType,
    Sender,
    SupportAgentRow,
    utcnow,
)

AGENT_FIELDS = ("display_name", "email", "specializations", "languages", "max_concurrent")
"""What an admin may change about an agent; the status is the agent's own."""


@dataclass(frozen=True)
class Assignment:
    """A conversation given to an agent, and when the customer can expect them."""

    conversation: Conversation
    agent: SupportAgentRow
    estimated_wait_time_minutes: int


class HandoffService:
    """Agents and the queue, on the conversation service's database and bus."""

    def __init__(self, conversations: ConversationService) -> None:
        """Work on the conversations of this service."""
        self.conversations = conversations
        self.engine = conversations.engine
        self.bus = conversations.bus
        self._db = conversations._db
        self._session = conversations._session

    # Agents -----------------------------------------------------------------------------

    async def profile(self, principal: Principal) -> SupportAgentRow:
        """The calling agent's profile, registered (OFFLINE) on first use."""
        _require_staff(principal, agents_only=True)
        return await self._db(self._profile, principal.subject)

    def _profile(self, agent_id: str) -> SupportAgentRow:
        with self._session() as session:
            row = session.get(SupportAgentRow, agent_id)
            if row is None:
                row = SupportAgentRow(id=agent_id, display_name=agent_id)
                session.add(row)
                session.commit()
                session.refresh(row)
            return row

    async def set_status(self, principal: Principal, status: AgentStatus) -> SupportAgentRow:
        """Set the calling agent's own status."""
        await self.profile(principal)
        return await self._db(self._change_agent, principal.subject, {"status": status})

    async def update_agent(self, agent_id: str, changes: dict[str, Any]) -> SupportAgentRow:
        """Create or change an agent's profile (admins)."""
        unknown = set(changes) - set(AGENT_FIELDS) - {"status"}
        if unknown:
            raise ValueError(f"unknown agent fields: {', '.join(sorted(unknown))}")
        await self._db(self._profile, agent_id)
        return await self._db(self._change_agent, agent_id, changes)

    def _change_agent(self, agent_id: str, changes: dict[str, Any]) -> SupportAgentRow:
        with self._session() as session:
            row = session.get(SupportAgentRow, agent_id)
            if row is None:
                raise NotFound(agent_id)
            for key, value in changes.items():
                setattr(row, key, value)
            row.updated_at = utcnow()
            session.add(row)
            session.commit()
            session.refresh(row)
            return row

    async def agents(self, *, available_only: bool = False) -> list[queue.AgentLoad]:
        """Registered agents with their load; only those who take new work if asked."""

        def read() -> list[queue.AgentLoad]:
            with self._session() as session:
                entries = queue.agents_with_load(session)
            if available_only:
                entries = [e for e in entries if e.agent.status in queue.TAKES_NEW and e.free > 0]
            return entries

        return await self._db(read)

    # The queue --------------------------------------------------------------------------

    async def waiting(self, principal: Principal, *, limit: int = 100) -> list[Conversation]:
        """The queue in the order it is served; an agent sees what they could take."""
        _require_staff(principal)

        def read() -> list[Conversation]:
            with self._session() as session:
                rows = queue.waiting(session, limit=limit)
                if principal.role is Role.AGENT:
                    me = session.get(SupportAgentRow, principal.subject)
                    languages = (me.languages if me else None) or ["en"]
                    rows = [r for r in rows if r.language in languages]
                return rows

        return await self._db(read)

    async def mine(self, principal: Principal) -> list[Conversation]:
        """The conversations the calling agent holds now."""
        _require_staff(principal, agents_only=True)

        def read() -> list[Conversation]:
            from sqlmodel import select

            with self._session() as session:
                query = (
                    select(Conversation)
                    .where(Conversation.assigned_agent_id == principal.subject)
                    .where(Conversation.status == ConversationStatus.ASSIGNED)
                    .order_by(col(Conversation.assigned_at))
                )
                return list(session.exec(query))

        return await self._db(read)

    async def assign(
        self, principal: Principal, conversation_id: str, agent_id: str | None = None
    ) -> Assignment:
        """Give a waiting conversation to an agent.

        An agent takes it for themselves; an admin names the agent, or leaves it to the queue
        to pick the best available one (language, specialization, load). A named agent gets
        it whatever their status and load; the automatic pick respects both.

        Raises:
            NotFound: No such conversation for this caller, or no such agent.
            Conflict: It is not waiting any more, or the agent has no room.
            PermissionError: A customer, or an agent assigning someone else.
        """
        _require_staff(principal)
        if principal.role is Role.AGENT:
            if agent_id not in (None, principal.subject):
                raise PermissionError("agents take conversations for themselves")
            agent_id = principal.subject
            await self.profile(principal)
        conversation = await self.conversations.get(principal, conversation_id)
        if conversation.status != ConversationStatus.ESCALATED or conversation.assigned_agent_id:
            raise Conflict(f"the conversation is {str(conversation.status).lower()}")
        assignment = await self._db(self._assign, conversation.id, agent_id)
        await self._announce(assignment)
        return assignment

    async def take_next(self, principal: Principal) -> Assignment | None:
        """Assign the calling agent the waiting conversation they should take next, if any."""
        me = await self.profile(principal)
        for _ in range(5):  # another agent may take the same one first; try the next

            def pick() -> Conversation | None:
                with self._session() as session:
                    entry = next(
                        (e for e in queue.agents_with_load(session) if e.agent.id == me.id), None
                    )
                    return queue.next_for(session, entry) if entry else None

            conversation = await self._db(pick)
            if conversation is None:
                return None
            try:
                assignment = await self._db(self._assign, conversation.id, me.id)
            except Conflict:
                continue
            await self._announce(assignment)
            return assignment
        return None

    def _assign(self, cid: str, agent_id: str | None) -> Assignment:
        with self._session() as session:
            conversation = session.get(Conversation, cid)
            if conversation is None:
                raise NotFound(cid)
            entries = {e.agent.id: e for e in queue.agents_with_load(session)}
            if agent_id is None:
                chosen = queue.best_agent(session, conversation)
                if chosen is None:
                    raise Conflict("no available agent can take it now")
            else:
                # Named on purpose (an agent taking it, an admin choosing): their call, even
                # past the status and capacity that automatic assignment respects.
                chosen = entries.get(agent_id)
                if chosen is None:
                    raise NotFound(agent_id)
            now = utcnow()
            taken = session.exec(  # type: ignore[call-overload]
                update(Conversation)
                .where(col(Conversation.id) == cid)
                .where(col(Conversation.status) == ConversationStatus.ESCALATED)
                .where(col(Conversation.assigned_agent_id).is_(None))
                .values(
                    status=ConversationStatus.ASSIGNED,
                    assigned_agent_id=chosen.agent.id,
                    assigned_at=now,
                    updated_at=now,
                )
            )
            if taken.rowcount != 1:
                session.rollback()
                raise Conflict("another agent took it first")
            agent = session.get(SupportAgentRow, chosen.agent.id)
            assert agent is not None
            agent.last_assigned_at = now
            session.add(agent)
            name = agent.display_name or agent.id
            session.add(_system_note(cid, f"{name} joined the conversation."))
            outbox.stage(
                session,
                outbox.CONVERSATION_ASSIGNED,
                cid,
                {"agent_id": agent.id, "customer_id": conversation.customer_id},
            )
            wait = queue.reply_minutes(session, chosen.load)
            session.commit()
            session.refresh(conversation)
            session.refresh(agent)
            return Assignment(conversation, agent, wait)

    async def _announce(self, assignment: Assignment) -> None:
        row, agent = assignment.conversation, assignment.agent
        await self.bus.publish(
            row.id,
            {
                "type": AGENT_ASSIGNED,
                "conversation_id": row.id,
                "agent_id": agent.id,
                "agent_name": agent.display_name or agent.id,
                "estimated_wait_time_minutes": assignment.estimated_wait_time_minutes,
            },
        )
        await self.conversations.publish_status(row)

    # Working a conversation ---------------------------------------------------------------

    async def reply(self, principal: Principal, conversation_id: str, text: str) -> Message:
        """The assigned agent's message to the customer, in the same conversation."""
        conversation = await self._held(principal, conversation_id)
        agent = await self._db(self._profile, principal.subject)
        message = Message(
            id=new_id("msg"),
            conversation_id=conversation.id,
            sender=Sender.AGENT,
            sender_id=principal.subject,
            type=MessageType.TEXT,
            content=text,
        )
        await self._db(self.conversations._add, [message], (conversation.id, {}))
        await self.bus.publish(
            conversation.id,
            {
                "type": AGENT_MESSAGE,
                "conversation_id": conversation.id,
                "message_id": message.id,
                "agent_id": agent.id,
                "agent_name": agent.display_name or agent.id,
                "content": text,
            },
        )
        return message

    async def hand_back(self, principal: Principal, conversation_id: str) -> Conversation:
        """Return the conversation to the AI: it answers the customer's next message again."""
        conversation = await self._held(principal, conversation_id, allow_waiting=True)
        await self.conversations.agent.release(conversation.id)
        note = _system_note(conversation.id, "Handed back to the virtual assistant.")
        changes = {"status": ConversationStatus.ACTIVE, "assigned_agent_id": None}
        row = await self._db(self.conversations._add, [note], (conversation.id, changes))
        await self.conversations.publish_status(row)
        return row

    async def _held(
        self, principal: Principal, conversation_id: str, *, allow_waiting: bool = False
    ) -> Conversation:
        """The conversation if the caller works it now (its agent, or an admin)."""
        _require_staff(principal)
        conversation = await self.conversations.get(principal, conversation_id)
        statuses = {ConversationStatus.ASSIGNED}
        if allow_waiting:
            statuses.add(ConversationStatus.ESCALATED)
        if conversation.status not in statuses:
            raise Conflict(f"the conversation is {str(conversation.status).lower()}")
        if principal.role is Role.AGENT and conversation.assigned_agent_id != principal.subject:
            raise PermissionError("take the conversation before working it")
        return conversation


def _system_note(cid: str, text: str) -> Message:
    return Message(
        id=new_id("msg"),
        conversation_id=cid,
        sender=Sender.SYSTEM,
        type=MessageType.SYSTEM,
        content=text,
    )


def _require_staff(principal: Principal, *, agents_only: bool = False) -> None:
    allowed = (Role.AGENT,) if agents_only else (Role.AGENT, Role.ADMIN)
    if principal.anonymous or principal.role not in allowed:
        raise PermissionError("this is for support agents" + ("" if agents_only else " and admins"))
