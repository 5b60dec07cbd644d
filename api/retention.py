"""The retention purge: conversations, feedback and logs older than their limits are removed.

- A conversation goes, with its messages, feedback, citations, events and graph checkpoints,
  once nothing happened in it (`updated_at`, its messages, its feedback) for
  `retention_conversations_days`.
- Feedback goes `retention_feedback_days` after it was given.
- Logs go `retention_logs_days` after they were written: audit entries (through the audit
  log's `audit_purge` cut-off, the only delete its guard allows), outbox events already
  published with no delivery pending, and finished webhook deliveries.

Analytics keep the figures of what was removed (`removal`). The server runs the purge once a
UTC day (`RetentionSchedule`); `supportgraph purge [--dry-run]` runs it on demand.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, col, select

from supportgraph.api.privacy import PRIVACY_LOCK, PrivacyService
from supportgraph.api.removal import (
    in_removal,
    keeping_figures,
    remove_conversations,
    remove_feedback,
)
from supportgraph.api.tables import (
    AuditEvent,
    AuditPurge,
    Conversation,
    Feedback,
    Message,
    OutboxEvent,
    RetentionRun,
    WebhookDelivery,
    utcnow,
)
from supportgraph.api.webhooks import PENDING
from supportgraph.settings import Settings

logger = logging.getLogger("supportgraph.api.retention")

CHECK_EVERY_S = 3600.0
"""How often the schedule looks whether today's purge has run."""

FIRST_CHECK_AFTER_S = 300.0
"""The first look comes a while after start-up, so the purge never slows a starting server."""


@dataclass(frozen=True)
class RetentionLimits:
    """How many days each kind of data is kept."""

    conversations_days: int
    feedback_days: int
    logs_days: int

    @classmethod
    def of(cls, settings: Settings) -> RetentionLimits:
        """The limits a deployment's settings set."""
        return cls(
            conversations_days=settings.retention_conversations_days,
            feedback_days=settings.retention_feedback_days,
            logs_days=settings.retention_logs_days,
        )


@dataclass(frozen=True)
class Cutoffs:
    """The instants before which each kind of data is removed."""

    conversations: datetime
    feedback: datetime
    logs: datetime

    @classmethod
    def at(cls, now: datetime, limits: RetentionLimits) -> Cutoffs:
        """The cut-offs of a purge run at `now`."""
        return cls(
            conversations=now - timedelta(days=limits.conversations_days),
            feedback=now - timedelta(days=limits.feedback_days),
            logs=now - timedelta(days=limits.logs_days),
        )


@dataclass
class PurgeReport:
    """What a purge removed (or, on a dry run, would remove)."""

    cutoffs: Cutoffs
    dry_run: bool
    removed: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The report as text, one kind a line."""
        verb = "would remove" if self.dry_run else "removed"
        head = [
            f"conversations idle since before {self.cutoffs.conversations:%Y-%m-%d %H:%M}Z, "
            f"feedback before {self.cutoffs.feedback:%Y-%m-%d %H:%M}Z, "
            f"logs before {self.cutoffs.logs:%Y-%m-%d %H:%M}Z"
        ]
        return head + [f"{verb} {n} {kind}" for kind, n in self.removed.items()]


async def purge(
    privacy: PrivacyService,
    limits: RetentionLimits,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    claim: date | None = None,
) -> PurgeReport:
    """Remove what is older than the limits.

    Args:
        privacy: The platform database and graph memory (and the lock erasures share).
        limits: The retention limits.
        now: The purge's "now" (default: the current time).
        dry_run: Count what would go, and change nothing.
        claim: Record the run as this UTC day's; fails with `IntegrityError` when another
            process claimed the day first.
    """
    cutoffs = Cutoffs.at(now or utcnow(), limits)
    report = PurgeReport(cutoffs, dry_run)
    async with privacy.locks.hold(PRIVACY_LOCK):
        ids = await asyncio.to_thread(_stale_conversations, privacy, cutoffs)
        if dry_run:
            report.removed["checkpoint_threads"] = await _threads_with_checkpoints(privacy, ids)
        else:
            report.removed["checkpoint_threads"] = await privacy.delete_threads(ids)
        rows = await asyncio.to_thread(_purge_rows, privacy, ids, cutoffs, dry_run, claim)
    report.removed = {**rows, **report.removed}
    return report


def _stale_conversations(privacy: PrivacyService, cutoffs: Cutoffs) -> list[str]:
    with Session(privacy.engine) as session:
        return sorted(
            session.exec(select(col(Conversation.id)).where(_idle(cutoffs.conversations)))
        )


def _idle(cutoff: datetime) -> Any:
    """Conversations in which nothing happened since the cut-off."""
    cid = col(Conversation.id)
    return and_(
        col(Conversation.updated_at) < cutoff,
        ~exists().where(col(Message.conversation_id) == cid, col(Message.created_at) >= cutoff),
        ~exists().where(col(Feedback.conversation_id) == cid, col(Feedback.created_at) >= cutoff),
    )


async def _threads_with_checkpoints(privacy: PrivacyService, ids: list[str]) -> int:
    saver, found = privacy.checkpointer, 0
    for thread_id in ids:
        if await saver.aget_tuple({"configurable": {"thread_id": thread_id}}) is not None:
            found += 1
    return found


def _purge_rows(
    privacy: PrivacyService,
    ids: list[str],
    cutoffs: Cutoffs,
    dry_run: bool,
    claim: date | None,
) -> dict[str, int]:
    """Delete the rows in one transaction; a dry run rolls it back."""

    def work(session: Session) -> dict[str, int]:
        # Only conversations still idle: one may have come back to life since it was chosen.
        stale = [cid for cid in ids if _still_idle(session, cid, cutoffs.conversations)]

        def remove() -> dict[str, int]:
            counts = remove_conversations(session, stale)
            counts["feedback"] += remove_feedback(
                session, col(Feedback.created_at) < cutoffs.feedback
            )
            return counts

        counts = keeping_figures(session, remove)
        counts.update(_purge_logs(session, cutoffs.logs))
        if dry_run:
            session.rollback()
        elif claim is not None:
            session.add(RetentionRun(day=claim, removed=counts))
        return counts

    return in_removal(privacy.engine, work)


def _still_idle(session: Session, cid: str, cutoff: datetime) -> bool:
    query = select(col(Conversation.id)).where(col(Conversation.id) == cid, _idle(cutoff))
    return session.exec(query).first() is not None


def _purge_logs(session: Session, cutoff: datetime) -> dict[str, int]:
    """Delete the logs older than the cut-off; the audit log through its purge cut-off."""
    pending = exists().where(
        col(WebhookDelivery.event_id) == col(OutboxEvent.event_id),
        col(WebhookDelivery.status) == PENDING,
    )
    statements = {
        "webhook_deliveries": delete(WebhookDelivery).where(
            col(WebhookDelivery.status) != PENDING, col(WebhookDelivery.created_at) < cutoff
        ),
        "outbox_events": delete(OutboxEvent).where(
            col(OutboxEvent.published_at).is_not(None),
            col(OutboxEvent.created_at) < cutoff,
            ~pending,
        ),
    }
    counts = {f"logged_{name}": _run(session, statement) for name, statement in statements.items()}
    marker = AuditPurge(before=cutoff)
    session.add(marker)
    session.flush()
    audit = delete(AuditEvent).where(col(AuditEvent.occurred_at) < cutoff)
    counts["audit_entries"] = _run(session, audit)
    session.delete(marker)
    session.flush()
    return counts


def _run(session: Session, statement: Any) -> int:
    return int(session.exec(statement).rowcount or 0)  # type: ignore[call-overload]


class RetentionSchedule:
    """Runs the purge once a UTC day, whichever of several processes gets there first.

    Each process looks every `CHECK_EVERY_S`; the shared lock keeps two purges from running
    at once, and the day's `retention_runs` row, written in the purge's transaction, tells
    the others that the day is done.
    """

    def __init__(
        self,
        privacy: PrivacyService,
        limits: RetentionLimits,
        *,
        every_s: float = CHECK_EVERY_S,
        first_after_s: float = FIRST_CHECK_AFTER_S,
    ) -> None:
        """Purge with these limits, looking `first_after_s` after start, then every `every_s`."""
        self.privacy, self.limits = privacy, limits
        self.every_s, self.first_after_s = every_s, first_after_s

    async def run_if_due(self, now: datetime | None = None) -> PurgeReport | None:
        """Purge unless today's purge ran already or is running elsewhere."""
        now = now or utcnow()
        today = now.date()
        if await asyncio.to_thread(self._ran, today):
            return None
        try:
            report = await purge(self.privacy, self.limits, now=now, claim=today)
        except TimeoutError:
            logger.info("retention purge: another process holds the lock")
            return None
        except (IntegrityError, DBAPIError):
            # Two processes purging at once: the one that lost finds the day claimed.
            if not await asyncio.to_thread(self._ran, today):
                raise
            logger.info("retention purge: another process purged today")
            return None
        logger.info("retention purge: %s", "; ".join(report.lines()))
        return report

    def _ran(self, day: date) -> bool:
        with Session(self.privacy.engine) as session:
            return session.get(RetentionRun, day) is not None

    async def run(self, stop: asyncio.Event) -> None:
        """Purge when due until `stop` is set; a failed purge is logged and tried again."""
        pause = self.first_after_s
        while not await _stopped(stop, pause):
            try:
                await self.run_if_due()
            except (DBAPIError, RuntimeError):
                logger.exception("retention purge failed; trying again later")
            pause = self.every_s


async def _stopped(stop: asyncio.Event, seconds: float) -> bool:
    """Wait up to `seconds`; whether `stop` was set meanwhile."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True


async def purge_command(settings: Settings, *, dry_run: bool) -> PurgeReport:
    """Run one purge for `supportgraph purge`, with the deployment's database and memory."""
    from supportgraph.api.audit import AuditLog
    from supportgraph.api.db import engine_for, upgrade
    from supportgraph.api.locks import build_removal_locks
    from supportgraph.graph.checkpoint import open_checkpointer

    await asyncio.to_thread(upgrade, settings.store_url)
    engine = engine_for(settings)
    locks = build_removal_locks(settings.redis_url)
    try:
        async with open_checkpointer(settings) as saver:
            privacy = PrivacyService(
                engine, None, None, AuditLog(engine), locks, checkpointer=saver
            )
            return await purge(privacy, RetentionLimits.of(settings), dry_run=dry_run)
    finally:
        close = getattr(locks, "aclose", None)
        if close is not None:
            await close()
        engine.dispose()
