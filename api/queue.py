"""The human queue: its order, who can take what, and how long a customer will wait.

Waiting conversations are ordered by priority (URGENT first), then by how long they have
waited. An agent can take a conversation when they are not OFFLINE, hold fewer than their
`max_concurrent` conversations, and speak its language; a specialization the conversation
needs puts the agents who have it first. Estimates come from the queue as it stands and from
the handling times of the last day.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from supportgraph.api.tables import (
    AgentStatus,
    Conversation,
    ConversationStatus,
    Message,
    Priority,
    Sender,
    SupportAgentRow,
    utcnow,
)

PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.MEDIUM: 2, Priority.LOW: 3}
HISTORY = timedelta(hours=24)
"""How far back the handling times behind an estimate reach."""
DEFAULT_HANDLE_MINUTES = 8.0
"""Handling time assumed before any conversation has been handled."""
DEFAULT_FIRST_REPLY_MINUTES = 1.0
"""Time to an agent's first reply assumed before there is any history."""
TAKES_NEW = (AgentStatus.AVAILABLE,)
"""Statuses in which an agent is offered new conversations automatically."""


def aware(moment: datetime | None) -> datetime | None:
    """A stored timestamp as UTC-aware (SQLite hands them back naive)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=utcnow().tzinfo)


def priority_order() -> object:
    """SQL expression ranking a conversation's priority, URGENT first."""
    return case(
        {str(p): rank for p, rank in PRIORITY_RANK.items()},
        value=Conversation.priority,
        else_=len(PRIORITY_RANK),
    )


def waiting(session: Session, *, limit: int = 100) -> list[Conversation]:
    """Conversations waiting for a human, in the order they should be taken."""
    query = (
        select(Conversation)
        .where(Conversation.status == ConversationStatus.ESCALATED)
        .where(col(Conversation.assigned_agent_id).is_(None))
        .order_by(
            priority_order(),  # type: ignore[arg-type]
            col(Conversation.escalated_at),
            col(Conversation.id),
        )
        .limit(limit)
    )
    return list(session.exec(query))


def loads(session: Session) -> dict[str, int]:
    """How many conversations each agent holds now (ASSIGNED to them)."""
    query = (
        select(Conversation.assigned_agent_id, func.count())
        .where(Conversation.status == ConversationStatus.ASSIGNED)
        .group_by(col(Conversation.assigned_agent_id))
    )
    return {agent: int(n) for agent, n in session.exec(query) if agent}


@dataclass(frozen=True, slots=True)
class AgentLoad:
    """An agent and how much they hold."""

    agent: SupportAgentRow
    load: int

    @property
    def free(self) -> int:
        """Conversations they can still take."""
        return max(0, self.agent.max_concurrent - self.load)


def agents_with_load(session: Session) -> list[AgentLoad]:
    """Every registered agent with their current load."""
    held = loads(session)
    rows = session.exec(select(SupportAgentRow).order_by(col(SupportAgentRow.id)))
    return [AgentLoad(row, held.get(row.id, 0)) for row in rows]


def can_take(entry: AgentLoad, conversation: Conversation, *, asked: bool = False) -> bool:
    """Whether this agent may be given this conversation now.

    Args:
        entry: The agent and their load.
        conversation: The waiting conversation.
        asked: The agent asked for work themselves, so their status does not hold it back.
    """
    return (
        (asked or entry.agent.status != AgentStatus.OFFLINE)
        and entry.free > 0
        and conversation.language in (entry.agent.languages or ["en"])
    )


def best_agent(session: Session, conversation: Conversation) -> AgentLoad | None:
    """The available agent who should take this conversation, or None.

    Among AVAILABLE agents with room who speak its language: those with the specialization it
    needs first, then the least loaded, then the one who waited longest since an assignment.
    """
    candidates = [
        entry
        for entry in agents_with_load(session)
        if entry.agent.status in TAKES_NEW and can_take(entry, conversation)
    ]
    if not candidates:
        return None

    def rank(entry: AgentLoad) -> tuple[int, float, datetime, str]:
        skilled = conversation.specialization in (entry.agent.specializations or [])
        needs = conversation.specialization is not None
        last = aware(entry.agent.last_assigned_at) or datetime.min.replace(tzinfo=utcnow().tzinfo)
        share = entry.load / entry.agent.max_concurrent
        return (0 if skilled or not needs else 1, share, last, entry.agent.id)

    return min(candidates, key=rank)


def next_for(session: Session, entry: AgentLoad) -> Conversation | None:
    """The waiting conversation this agent should take next, or None."""
    if entry.free <= 0:
        return None
    fitting = [c for c in waiting(session, limit=500) if can_take(entry, c, asked=True)]
    skills = set(entry.agent.specializations or [])
    # Within the queue's order, a conversation needing this agent's skill comes first only
    # at the same priority: an URGENT one never waits behind a MEDIUM one.
    return min(
        fitting,
        key=lambda c: (
            PRIORITY_RANK.get(Priority(c.priority), len(PRIORITY_RANK)),
            0 if c.specialization in skills else 1,
            aware(c.escalated_at) or utcnow(),
        ),
        default=None,
    )


def _recent_minutes(values: list[tuple[datetime | None, datetime | None]]) -> list[float]:
    minutes = []
    for start, end in values:
        start, end = aware(start), aware(end)
        if start is not None and end is not None and end >= start:
            minutes.append((end - start).total_seconds() / 60)
    return minutes


def handle_minutes(session: Session) -> float:
    """Median minutes from assignment to resolution over the last day."""
    since = utcnow() - HISTORY
    rows = session.exec(
        select(Conversation.assigned_at, Conversation.resolved_at)
        .where(col(Conversation.resolved_at) >= since)
        .where(col(Conversation.assigned_at).is_not(None))
    )
    minutes = _recent_minutes(list(rows))
    return statistics.median(minutes) if minutes else DEFAULT_HANDLE_MINUTES


def first_reply_minutes(session: Session) -> float:
    """Median minutes from assignment to the agent's first reply over the last day."""
    since = utcnow() - HISTORY
    first_reply = (
        select(Message.conversation_id, func.min(Message.created_at).label("first"))
        .where(Message.sender == Sender.AGENT)
        .where(col(Message.created_at) >= since)
        .group_by(col(Message.conversation_id))
        .subquery()
    )
    rows = session.exec(
        select(Conversation.assigned_at, first_reply.c.first).join(
            first_reply, first_reply.c.conversation_id == Conversation.id
        )
    )
    minutes = _recent_minutes(list(rows))
    return statistics.median(minutes) if minutes else DEFAULT_FIRST_REPLY_MINUTES


def position(session: Session, conversation: Conversation) -> int:
    """How many waiting conversations will be taken before this one (0: it is next)."""
    ids = [c.id for c in waiting(session, limit=10_000)]
    return ids.index(conversation.id) if conversation.id in ids else 0


def wait_minutes(session: Session, conversation: Conversation) -> int:
    """Minutes until a human is expected to take this waiting conversation.

    With `free` places among the agents able to take it and `ahead` conversations before it,
    it is taken at once (the recent time to a first reply) when `ahead < free`; otherwise it
    waits for `ahead - free + 1` conversations to end, each taking the recent median handling
    time, shared among the agents on shift (at least one).
    """
    staff = [e for e in agents_with_load(session) if e.agent.status != AgentStatus.OFFLINE]
    able = [e for e in staff if can_take(e, conversation)]
    free = sum(e.free for e in able)
    ahead = position(session, conversation)
    if ahead < free:
        return max(1, math.ceil(first_reply_minutes(session)))
    shifts = max(1, len([e for e in staff if conversation.language in (e.agent.languages or [])]))
    return max(1, math.ceil((ahead - free + 1) * handle_minutes(session) / shifts))


def reply_minutes(session: Session, load_before: int) -> int:
    """Minutes until a just-assigned agent is expected to write, given what else they hold."""
    return max(1, math.ceil(first_reply_minutes(session) * (1 + load_before)))
