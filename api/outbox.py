"""Integration events through a transactional outbox.

A change and the event reporting it commit together: `stage` adds the event row in the
caller's session, so an event exists exactly when its change does. A relay then hands each
stored event to the configured sinks (Redis Streams, signed webhooks).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from supportgraph.api.tables import OutboxEvent, utcnow

CONVERSATION_CREATED = "SUPPORT_CONVERSATION_CREATED"
CONVERSATION_ESCALATED = "SUPPORT_CONVERSATION_ESCALATED"
CONVERSATION_ASSIGNED = "SUPPORT_CONVERSATION_ASSIGNED"
CONVERSATION_RESOLVED = "SUPPORT_CONVERSATION_RESOLVED"
FEEDBACK_RECEIVED = "AI_FEEDBACK_RECEIVED"
EVENT_TYPES = (
    CONVERSATION_CREATED,
    CONVERSATION_ESCALATED,
    CONVERSATION_ASSIGNED,
    CONVERSATION_RESOLVED,
    FEEDBACK_RECEIVED,
)


def stage(
    session: Session, event_type: str, conversation_id: str | None, payload: dict[str, Any]
) -> OutboxEvent:
    """Add an event to the outbox in the caller's transaction; it is stored on their commit."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    event = OutboxEvent(
        event_id=f"evt_{uuid.uuid4().hex}",
        type=event_type,
        conversation_id=conversation_id,
        payload={**payload, "occurred_at": utcnow().isoformat()},
    )
    session.add(event)
    return event
