"""Resolved conversations as a LangSmith dataset for training and evals, with all PII redacted.

`supportgraph export-transcripts --out FILE [--since YYYY-MM-DD]` writes one example a line,
shaped like `evals/datasets/conversations.jsonl`: `inputs.turns` holds what the customer
said, turn by turn, so the conversation suites can replay it; `outputs.transcript` holds the
whole exchange. Every message is redacted (`guardrails.pii.redact`), and no id that leads
back to the customer (user, conversation, agent) is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from supportgraph.api.tables import Conversation, ConversationStatus, Message, Sender
from supportgraph.guardrails.pii import redact

ROLES = {Sender.CUSTOMER: "customer", Sender.AI: "agent", Sender.AGENT: "human_agent"}
"""Who said a line, named as the eval transcripts name them; system notes are left out."""


class ExportError(ValueError):
    """The export cannot run; the message says why."""


def parse_since(value: str | None) -> date | None:
    """The `--since` day, or None for every resolved conversation.

    Raises:
        ExportError: The value is not a YYYY-MM-DD date.
    """
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ExportError(f"--since {value[:40]!r} is not a date: use YYYY-MM-DD") from None


def transcript_examples(engine: Engine, *, since: date | None = None) -> Iterator[dict[str, Any]]:
    """One redacted LangSmith example per resolved conversation, oldest resolution first.

    Args:
        engine: The platform database (its sealed columns are decrypted by the ORM).
        since: Only conversations resolved on or after this UTC day.
    """
    query = select(Conversation).where(col(Conversation.status) == ConversationStatus.RESOLVED)
    if since is not None:
        query = query.where(col(Conversation.resolved_at) >= datetime.combine(since, time(), UTC))
    query = query.order_by(col(Conversation.resolved_at), col(Conversation.id))
    with Session(engine) as session:
        for conversation in session.exec(query):
            messages = session.exec(
                select(Message)
                .where(col(Message.conversation_id) == conversation.id)
                .order_by(col(Message.created_at), col(Message.id))
            ).all()
            example = as_example(conversation, list(messages))
            if example["inputs"]["turns"]:
                yield example


def as_example(conversation: Conversation, messages: list[Message]) -> dict[str, Any]:
    """A conversation and its messages as one redacted LangSmith example."""
    lines = [
        {"role": ROLES[message.sender], "text": redact(message.content)}
        for message in messages
        if message.sender in ROLES
    ]
    intents = sorted({m.intent for m in messages if m.sender == Sender.AI and m.intent})
    resolved = conversation.resolved_at
    return {
        "inputs": {"turns": [line["text"] for line in lines if line["role"] == "customer"]},
        "outputs": {"transcript": lines},
        "metadata": {
            "source": "production",
            "channel": conversation.channel,
            "language": conversation.language,
            "resolved_by": conversation.resolved_by,
            "resolved_on": resolved.astimezone(UTC).date().isoformat() if resolved else None,
            "escalated": conversation.escalated_at is not None,
            "intents": intents,
        },
    }


def export_transcripts(engine: Engine, out: Path, *, since: date | None = None) -> int:
    """Write the redacted examples to `out` as JSONL; return how many were written.

    Args:
        engine: The platform database.
        out: The JSONL file to write (replaced if it exists).
        since: Only conversations resolved on or after this UTC day.

    Raises:
        ExportError: `out` cannot be written.
    """
    written = 0
    try:
        with out.open("w", encoding="utf-8") as file:
            for example in transcript_examples(engine, since=since):
                file.write(json.dumps(example, ensure_ascii=False) + "\n")
                written += 1
    except OSError as failure:
        raise ExportError(f"cannot write {out}: {failure.strerror}") from None
    return written
