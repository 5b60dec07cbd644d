"""Data-subject rights: a customer's data exported as JSON, or erased everywhere it is kept.

A customer is a store user id. Their conversations are those they own (`owner_id`, signed in)
and those about them (`customer_id`, set when they verified in an anonymous chat). Erasure
deletes those conversations with their messages, feedback, citations, outbox events, webhook
delivery logs and graph checkpoints, keeping only their analytics figures (`removal`), and
anonymizes the store profile (name, email, addresses) while the orders stay for accounting.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from supportgraph.api.audit import PRIVACY_ERASE, PRIVACY_EXPORT, AuditLog
from supportgraph.api.auth import Principal
from supportgraph.api.locks import ThreadLocks
from supportgraph.api.privacy_stream import erase_stream_entries
from supportgraph.api.removal import (
    CONVERSATION_PARTS,
    in_removal,
    keeping_figures,
    remove_conversations,
)
from supportgraph.api.tables import Conversation, Feedback, Message, OutboxEvent, utcnow

PRIVACY_LOCK = "privacy-removal"
"""The lock erasures and the retention purge share, so one removal runs at a time."""

ERASED_NAME = {"first_name": "Erased", "last_name": "Customer"}
ERASED_DOMAIN = "erased.invalid"
"""Email domain of an anonymized store profile (`.invalid` never resolves)."""

_MAX_DEPTH = 40


def jsonable(value: Any, depth: int = 0) -> Any:
    """A graph state value as plain JSON: messages and models dumped, anything else as text."""
    if depth > _MAX_DEPTH:
        return repr(value)[:200]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, Enum):
        return jsonable(value.value, depth + 1)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {str(key): jsonable(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item, depth + 1) for item in value]
    if isinstance(value, BaseModel):
        return jsonable(value.model_dump(), depth + 1)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value), depth + 1)
    return str(value)


class PrivacyService:
    """Exports and erases customers' data across the platform, the graph memory and the store.

    Args:
        engine: The platform database.
        agent: The support agent; its compiled graph's checkpointer holds the graph states.
        commerce: The commerce adapter; an in-process store's profiles can be anonymized.
        audit: Where exports and erasures are recorded.
        locks: Serialises erasures with the retention purge (`PRIVACY_LOCK`).
        checkpointer: The graph memory to use instead of the agent's (the purge command).
        stream: The Redis URL and stream the outbox relay publishes to, when it does.
    """

    def __init__(
        self,
        engine: Engine,
        agent: Any,
        commerce: Any,
        audit: AuditLog,
        locks: ThreadLocks,
        *,
        checkpointer: Any = None,
        stream: tuple[str, str] | None = None,
    ) -> None:
        self.engine = engine
        self.agent = agent
        self.commerce = commerce
        self.audit = audit
        self.locks = locks
        self._checkpointer = checkpointer
        self.stream = stream

    @property
    def checkpointer(self) -> Any:
        """The graph's checkpointer (available once the server has started)."""
        if self._checkpointer is not None:
            return self._checkpointer
        graph = getattr(self.agent, "graph", None)
        saver = getattr(graph, "checkpointer", None)
        if saver is None:
            raise RuntimeError("the graph memory is not open yet")
        return saver

    # -- export -------------------------------------------------------------------------

    async def export(self, principal: Principal, customer_id: str | None) -> dict[str, Any]:
        """Everything kept about a customer (or, for an anonymous token, its conversation).

        Args:
            principal: The caller, already allowed to see this customer's data.
            customer_id: The store user id; None exports the anonymous caller's conversation.
        """
        if customer_id is None:
            ids = [principal.conversation_id] if principal.conversation_id else []
        else:
            ids = await asyncio.to_thread(self._conversation_ids, customer_id)
        body = await asyncio.to_thread(self._rows, ids)
        body["checkpoints"] = [await self._checkpoint(cid) for cid in ids]
        body["profile"] = await self._profile(customer_id) if customer_id else None
        body.update(customer_id=customer_id, exported_at=utcnow().isoformat())
        target = ("customer", customer_id) if customer_id else ("conversation", ids[0])
        await self.audit.record(
            principal, PRIVACY_EXPORT, *target, conversations=len(body["conversations"])
        )
        return body

    def _conversation_ids(self, customer_id: str) -> list[str]:
        query = select(col(Conversation.id)).where(
            or_(
                col(Conversation.owner_id) == customer_id,
                col(Conversation.customer_id) == customer_id,
            )
        )
        with Session(self.engine) as session:
            return sorted(session.exec(query))

    def _rows(self, ids: Sequence[str]) -> dict[str, Any]:
        body: dict[str, Any] = {}
        with Session(self.engine) as session:
            for name, table, key, order in (
                ("conversations", Conversation, Conversation.id, Conversation.created_at),
                ("messages", Message, Message.conversation_id, Message.created_at),
                ("feedback", Feedback, Feedback.conversation_id, Feedback.created_at),
                ("events", OutboxEvent, OutboxEvent.conversation_id, OutboxEvent.id),
            ):
                query = select(table).where(col(key).in_(list(ids))).order_by(col(order))
                body[name] = [
                    jsonable(row.model_dump(warnings=False)) for row in session.exec(query)
                ]
        return body

    async def _checkpoint(self, thread_id: str) -> dict[str, Any]:
        saved = await self.checkpointer.aget_tuple({"configurable": {"thread_id": thread_id}})
        if saved is None:
            return {"thread_id": thread_id, "checkpoint_id": None, "values": None}
        checkpoint = saved.checkpoint
        return {
            "thread_id": thread_id,
            "checkpoint_id": checkpoint.get("id"),
            "saved_at": checkpoint.get("ts"),
            "values": jsonable(checkpoint.get("channel_values") or {}),
            "metadata": jsonable(dict(saved.metadata or {})),
        }

    async def _profile(self, customer_id: str) -> dict[str, Any] | None:
        record = await self.commerce.get_user(customer_id)
        return jsonable(record) if record is not None else None

    # -- erasure ------------------------------------------------------------------------

    async def erase(self, principal: Principal, customer_id: str) -> dict[str, Any]:
        """Erase a customer everywhere; a second call finds nothing and reports zeros.

        Returns:
            How many rows of each kind were deleted, the graph threads and Redis stream
            entries deleted, and what became of the store profile (`anonymized`,
            `already_anonymized`, `not_found`, or `not_supported` for a remote commerce
            service).
        """
        async with self.locks.hold(PRIVACY_LOCK):
            ids = await asyncio.to_thread(self._conversation_ids, customer_id)
            threads = await self.delete_threads(ids)
            counts = await asyncio.to_thread(self._erase_rows, ids)
            # After the rows: an event the relay was publishing meanwhile is in the stream now.
            streamed = await erase_stream_entries(*self.stream, ids) if self.stream else 0
            profile, orders = await asyncio.to_thread(self._anonymize_profile, customer_id)
        result: dict[str, Any] = {
            "customer_id": customer_id,
            **counts,
            "checkpoint_threads": threads,
            "event_stream_entries": streamed,
            "store_profile": profile,
            "store_orders_anonymized": orders,
        }
        details = {key: value for key, value in result.items() if key != "customer_id"}
        await self.audit.record(principal, PRIVACY_ERASE, "customer", customer_id, **details)
        return result

    async def delete_threads(self, thread_ids: Sequence[str]) -> int:
        """Delete these threads' checkpoints; how many threads had any."""
        saver, deleted = self.checkpointer, 0
        for thread_id in thread_ids:
            config = {"configurable": {"thread_id": thread_id}}
            if await saver.aget_tuple(config) is not None:
                deleted += 1
            await saver.adelete_thread(thread_id)
        return deleted

    def _erase_rows(self, ids: Sequence[str]) -> dict[str, int]:
        if not ids:
            return dict.fromkeys(CONVERSATION_PARTS, 0)
        return in_removal(
            self.engine,
            lambda session: keeping_figures(session, lambda: remove_conversations(session, ids)),
        )

    def _anonymize_profile(self, customer_id: str) -> tuple[str, int]:
        """Blank the profile's name, email and addresses (its orders' too); keep the orders."""
        store = getattr(self.commerce, "store", None)
        if store is None:
            return "not_supported", 0
        with store.transaction(write=True) as data:
            user = data.user(customer_id)
            if user is None:
                return "not_found", 0
            if str(user.get("email", "")).endswith("@" + ERASED_DOMAIN):
                return "already_anonymized", 0
            digest = hashlib.sha256(customer_id.encode()).hexdigest()[:16]
            user["name"] = dict(ERASED_NAME)
            user["email"] = f"erased-{digest}@{ERASED_DOMAIN}"
            user["address"] = _blank(user.get("address") or {})
            orders = 0
            for order_id in user.get("orders") or []:
                order = data.order(order_id)
                if order is not None:
                    order["address"] = _blank(order.get("address") or {})
                    orders += 1
            return "anonymized", orders


def _blank(address: dict[str, Any]) -> dict[str, Any]:
    """The same address fields, every one empty."""
    return dict.fromkeys(address, "")
