"""The support WebSocket at /api/v1/support/ws: turns streamed, the handoff live.

Client to server: SEND_MESSAGE (a customer's message, or the assigned agent's reply),
SUBSCRIBE (follow a conversation's events), ESCALATE, SUBMIT_FEEDBACK, VOICE_TRANSCRIPT (taken
as text), and VOICE_AUDIO when a speech adapter is configured (answered with its
VOICE_TRANSCRIPT). Server to client: AI_RESPONSE (chunks, then a final message),
CUSTOMER_MESSAGE, AGENT_MESSAGE, AGENT_ASSIGNED, CONVERSATION_STATUS, SENTIMENT_UPDATE,
QUEUE_UPDATED (agents and admins, from connect), FEEDBACK_RECORDED, and ERROR with a stable
`code`. Every event of a conversation goes through the bus, whichever process published it.

The caller authenticates at connect with `Authorization: Bearer …`, or `?token=…` where a
browser cannot set headers; a conversation is reachable only as `can_access` allows.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from prometheus_client import Gauge
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from supportgraph.api.audit import CONVERSATION_READ, AuditLog
from supportgraph.api.auth import Authenticator, AuthError, Principal, Role, bearer
from supportgraph.api.conversations import Conflict, ConversationService, NotFound
from supportgraph.api.events import QUEUE_CHANNEL
from supportgraph.api.handoff import HandoffService
from supportgraph.api.limits import RateLimits
from supportgraph.api.routes import MAX_MESSAGE_CHARS
from supportgraph.api.speech import SpeechToText
from supportgraph.api.tables import MessageType

UNAUTHORIZED_CLOSE = 4401
"""Close code sent after an ERROR when the connect-time token is missing or invalid."""
MAX_AUDIO_BASE64 = 48_000
"""Base64 characters of one VOICE_AUDIO frame; the frame cap bounds it as well."""


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: str
    conversation_id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")


class SendMessage(_Event):
    """SEND_MESSAGE or VOICE_TRANSCRIPT: a customer message."""

    content: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class VoiceAudio(_Event):
    """VOICE_AUDIO: a recorded customer message, base64-encoded, for the speech adapter."""

    audio: str = Field(min_length=1, max_length=MAX_AUDIO_BASE64)
    format: str = Field(default="webm", max_length=8)


class Escalate(_Event):
    """ESCALATE: ask for a human."""

    reason: str = Field(default="requested", max_length=200)


class SubmitFeedback(_Event):
    """SUBMIT_FEEDBACK: rate the conversation, or one answer in it."""

    message_id: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")
    rating: int | None = Field(default=None, ge=1, le=5)
    helpful: bool | None = None
    comment: str = Field(default="", max_length=2000)
    follow_up_required: bool = False


def build_ws_router(
    service: ConversationService,
    handoff: HandoffService,
    auth: Authenticator,
    *,
    max_frame_bytes: int,
    speech: SpeechToText | None = None,
    limits: RateLimits | None = None,
    audit: AuditLog | None = None,
    connections: Gauge | None = None,
) -> APIRouter:
    """The WebSocket route on these services, with voice when a speech adapter is given.

    Every frame counts against the caller's rate limit, the same one their REST calls count
    against; a frame over it is answered with a `rate_limited` ERROR and not handled.
    `connections`, when given, counts the authenticated connections open now.
    """
    router = APIRouter()

    @router.websocket("/api/v1/support/ws")
    async def support_ws(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            token = bearer(websocket.headers.get("authorization")) or websocket.query_params.get(
                "token"
            )
            if not token:
                raise AuthError(
                    "send Authorization: Bearer <token> or ?token=", code="missing_token"
                )
            principal = auth.verify(token)
        except AuthError as error:
            await _error(websocket, error.code, str(error))
            await websocket.close(code=UNAUTHORIZED_CLOSE)
            return
        session = _Session(websocket, principal, service, handoff, speech, audit)
        if connections is not None:
            connections.inc()
        try:
            if principal.role in (Role.AGENT, Role.ADMIN) and not principal.anonymous:
                await session.follow(QUEUE_CHANNEL)
            while True:
                frame = await websocket.receive_text()
                if len(frame.encode()) > max_frame_bytes:
                    await session.error("payload_too_large", f"over {max_frame_bytes} bytes")
                    continue
                if limits is not None:
                    client = websocket.client.host if websocket.client else "unknown"
                    limit, retry = await limits.check(principal, client)
                    if retry is not None:
                        await session.error(
                            "rate_limited", f"over {limit} messages a minute; wait {retry} s"
                        )
                        continue
                await session.handle(frame)
        except WebSocketDisconnect:
            pass
        finally:
            if connections is not None:
                connections.dec()
            await session.close()

    return router


class _Session:
    """One connection: its caller, and the conversations it follows."""

    def __init__(
        self,
        websocket: WebSocket,
        principal: Principal,
        service: ConversationService,
        handoff: HandoffService,
        speech: SpeechToText | None,
        audit: AuditLog | None = None,
    ) -> None:
        self.websocket, self.principal, self.service = websocket, principal, service
        self.handoff, self.bus, self.speech, self.audit = handoff, service.bus, speech, audit
        self._send_lock = asyncio.Lock()
        self._followers: dict[str, asyncio.Task[None]] = {}

    async def send(self, event: dict[str, Any]) -> None:
        async with self._send_lock:
            await self.websocket.send_json(event)

    async def handle(self, frame: str) -> None:
        try:
            raw = json.loads(frame)
        except json.JSONDecodeError:
            await self.error("invalid_json", "each frame is one JSON object")
            return
        kind = raw.get("type") if isinstance(raw, dict) else None
        if not isinstance(kind, str):
            await self.error("invalid_event", "an event needs a string `type`")
            return
        if kind.startswith("VOICE_") and kind != "VOICE_TRANSCRIPT" and self.speech is None:
            await self.error("voice_unavailable", "no speech adapter is configured; send text")
            return
        handler = {
            "SEND_MESSAGE": self.message,
            "SUBSCRIBE": self.subscribe,
            "VOICE_TRANSCRIPT": self.message,
            "VOICE_AUDIO": self.voice,
            "ESCALATE": self.escalate,
            "SUBMIT_FEEDBACK": self.feedback,
        }.get(kind)
        if handler is None:
            await self.error("unknown_event", f"unknown event type {kind[:40]!r}")
            return
        try:
            await handler(raw)
        except ValidationError as error:
            fields = ", ".join(".".join(map(str, e["loc"])) for e in error.errors())
            await self.error("invalid_event", f"invalid fields: {fields}")
        except NotFound:
            await self.error("not_found", "no such conversation", raw)
        except PermissionError as error:
            await self.error("forbidden", str(error), raw)
        except Conflict as error:
            await self.error("conversation_closed", str(error), raw)
        except ValueError as error:
            await self.error("invalid_event", str(error), raw)

    async def follow(self, conversation_id: str) -> None:
        """Forward the conversation's bus events to this connection, from now on."""
        if conversation_id in self._followers:
            return
        ready = asyncio.Event()

        async def forward() -> None:
            async with self.bus.subscribe(conversation_id) as events:
                ready.set()
                async for event in events:
                    await self.send(event)

        self._followers[conversation_id] = asyncio.create_task(forward())
        await ready.wait()

    async def watch(self, conversation_id: str) -> None:
        """Follow a conversation this caller may see (checked once per connection)."""
        if conversation_id not in self._followers:
            await self.service.get(self.principal, conversation_id)
            if self.audit is not None:
                await self.audit.staff_read(
                    self.principal, CONVERSATION_READ, "conversation", conversation_id
                )
            await self.follow(conversation_id)

    async def subscribe(self, raw: dict[str, Any]) -> None:
        event = _Event.model_validate(raw)
        await self.watch(event.conversation_id)
        row = await self.service.get(self.principal, event.conversation_id)
        await self.service.publish_status(row)

    async def message(self, raw: dict[str, Any]) -> None:
        event = SendMessage.model_validate(raw)
        # Access is checked, and the conversation followed, before anything is published.
        await self.watch(event.conversation_id)
        if self.principal.role in (Role.AGENT, Role.ADMIN) and not self.principal.anonymous:
            await self.handoff.reply(self.principal, event.conversation_id, event.content)
            return
        kind = (
            MessageType.VOICE_TRANSCRIPT if event.type == "VOICE_TRANSCRIPT" else MessageType.TEXT
        )
        # The service publishes the stored message, the streamed answer and any status change.
        await self.service.send(self.principal, event.conversation_id, event.content, kind=kind)

    async def voice(self, raw: dict[str, Any]) -> None:
        event = VoiceAudio.model_validate(raw)
        await self.service.get(self.principal, event.conversation_id)
        try:
            audio = base64.b64decode(event.audio, validate=True)
        except binascii.Error:
            await self.error("invalid_event", "audio must be base64", raw)
            return
        if self.speech is None:
            await self.error("voice_unavailable", "no speech adapter is configured; send text", raw)
            return
        try:
            text = await self.speech.transcribe(audio, audio_format=event.format)
        except ValueError as error:
            await self.error("invalid_event", str(error), raw)
            return
        except Exception:
            await self.error("voice_failed", "the speech service could not transcribe it", raw)
            return
        if not text:
            await self.error("voice_empty", "no words were recognised", raw)
            return
        await self.send(
            {"type": "VOICE_TRANSCRIPT", "conversation_id": event.conversation_id, "content": text}
        )
        await self.message(
            {"type": "VOICE_TRANSCRIPT", "conversation_id": event.conversation_id, "content": text}
        )

    async def escalate(self, raw: dict[str, Any]) -> None:
        event = Escalate.model_validate(raw)
        await self.watch(event.conversation_id)
        # The service publishes where the conversation stands, queued now or before.
        await self.service.escalate(self.principal, event.conversation_id, reason=event.reason)

    async def feedback(self, raw: dict[str, Any]) -> None:
        event = SubmitFeedback.model_validate(raw)
        row = await self.service.feedback(
            self.principal,
            event.conversation_id,
            rating=event.rating,
            helpful=event.helpful,
            comment=event.comment,
            follow_up_required=event.follow_up_required,
            message_id=event.message_id,
        )
        await self.send(
            {
                "type": "FEEDBACK_RECORDED",
                "conversation_id": event.conversation_id,
                "feedback_id": row.id,
                "message_id": row.message_id,
                "rating": row.rating,
                "helpful": row.helpful,
            }
        )

    async def error(self, code: str, message: str, raw: dict[str, Any] | None = None) -> None:
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await self.send(_error_event(code, message, (raw or {}).get("conversation_id")))

    async def close(self) -> None:
        for task in self._followers.values():
            task.cancel()
        for task in self._followers.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _error_event(code: str, message: str, conversation_id: Any = None) -> dict[str, Any]:
    event: dict[str, Any] = {"type": "ERROR", "code": code, "message": message}
    if isinstance(conversation_id, str):
        event["conversation_id"] = conversation_id[:40]
    return event


async def _error(websocket: WebSocket, code: str, message: str) -> None:
    with contextlib.suppress(RuntimeError, WebSocketDisconnect):
        await websocket.send_json(_error_event(code, message))
