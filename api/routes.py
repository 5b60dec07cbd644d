"""The support REST API at /api/v1: identity, conversations, messages, escalation, feedback.

No `from __future__ import annotations` here: FastAPI reads the route signatures, whose
dependency aliases are local to `build_support_router`.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from supportgraph.api.audit import CONVERSATION_READ, AuditLog
from supportgraph.api.auth import Authenticator, AuthError, Principal, Role
from supportgraph.api.conversations import Conflict, ConversationService, NotFound
from supportgraph.api.deps import Access, ConversationId
from supportgraph.api.tables import Conversation, Message, MessageType

MAX_MESSAGE_CHARS = 4000


class StartConversation(BaseModel):
    """Open a conversation."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"channel": "web", "subject": "My order"}]}
    )
    channel: str = Field(default="web", max_length=32, pattern=r"^[a-z_]+$")
    subject: str = Field(default="", max_length=200)
    language: str = Field(
        default="en",
        pattern=r"^[a-z]{2,3}$",
        description="The customer's language (ISO 639); the queue matches agents on it.",
    )


class ConversationOut(BaseModel):
    """A conversation as its participants see it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "conversation_id": "conv_9b1d4c2e",
                    "status": "ACTIVE",
                    "priority": "MEDIUM",
                    "sentiment": 0.0,
                    "channel": "web",
                    "subject": "",
                    "anonymous": True,
                    "assigned_agent_id": None,
                    "language": "en",
                    "specialization": None,
                    "escalation_reason": None,
                    "resolved_by": None,
                    "created_at": "2026-12-01T10:00:00Z",
                    "updated_at": "2026-12-01T10:00:00Z",
                    "escalated_at": None,
                    "assigned_at": None,
                    "resolved_at": None,
                }
            ]
        }
    )
    conversation_id: str
    status: str
    priority: str
    sentiment: float
    channel: str
    subject: str
    anonymous: bool
    customer_id: str | None = None
    assigned_agent_id: str | None
    language: str = "en"
    specialization: str | None = None
    escalation_reason: str | None = None
    resolved_by: str | None = None
    created_at: datetime
    updated_at: datetime
    escalated_at: datetime | None = None
    assigned_at: datetime | None = None
    resolved_at: datetime | None

    @classmethod
    def of(cls, row: Conversation) -> "ConversationOut":
        """From a stored conversation."""
        return cls(
            conversation_id=row.id,
            status=row.status,
            priority=row.priority,
            sentiment=row.sentiment,
            channel=row.channel,
            subject=row.subject,
            anonymous=row.anonymous,
            customer_id=row.customer_id,
            assigned_agent_id=row.assigned_agent_id,
            language=row.language,
            specialization=row.specialization,
            escalation_reason=row.escalation_reason,
            resolved_by=row.resolved_by,
            created_at=row.created_at,
            updated_at=row.updated_at,
            escalated_at=row.escalated_at,
            assigned_at=row.assigned_at,
            resolved_at=row.resolved_at,
        )


class StartedConversation(ConversationOut):
    """A new conversation; anonymous ones carry the token every later call must send."""

    conversation_token: str | None = Field(
        default=None,
        description="Anonymous conversations only: send as `Authorization: Bearer …` on "
        "every later call, REST, WebSocket and LangServe alike.",
    )


class MessageOut(BaseModel):
    """One stored message."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "message_id": "msg_51c0",
                    "sender": "AI",
                    "type": "TEXT",
                    "content": "Order #W2378156 is pending.",
                    "confidence_score": 0.93,
                    "intent": "order_status",
                    "citations": [
                        {"source": "tool", "tool": "get_order_details", "ref": "#W2378156"}
                    ],
                    "details": {},
                    "created_at": "2026-12-01T10:00:02Z",
                }
            ]
        }
    )

    message_id: str
    sender: str
    sender_id: str | None = None
    type: str
    content: str
    confidence_score: float | None
    intent: str | None = None
    citations: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Where an AI answer came from: knowledge-base entries (`source: kb`, "
        "`ref`: the entry id) and tool results (`source: tool`).",
    )
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="On a customer message: the intent, sentiment, guardrail verdict and any "
        "escalation rule the agent read from it. Shown to agents and admins only.",
    )
    awaiting_confirmation: bool = Field(
        default=False,
        description="On an AI answer: it asks the customer to confirm a change (yes or no).",
    )
    created_at: datetime

    @classmethod
    def of(cls, row: Message) -> "MessageOut":
        """From a stored message."""
        return cls(
            message_id=row.id,
            sender=row.sender,
            sender_id=row.sender_id,
            type=row.type,
            content=row.content,
            confidence_score=row.confidence_score,
            intent=row.intent,
            citations=row.citations or [],
            details=row.details or {},
            awaiting_confirmation=bool((row.details or {}).get("awaiting_confirmation")),
            created_at=row.created_at,
        )


class ConversationDetail(ConversationOut):
    """A conversation with every message."""

    messages: list[MessageOut]


class ConversationPage(BaseModel):
    """One page of conversations, newest first."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [], "page": 1, "size": 20, "total": 0}]}
    )

    items: list[ConversationOut]
    page: int
    size: int
    total: int


class SendMessage(BaseModel):
    """A customer message."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"content": "Where is my order #W2378156?"}]},
    )
    content: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    message_type: MessageType = MessageType.TEXT


class MessageReply(BaseModel):
    """The agent's answer to one message."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "message_id": "msg_51c0",
                    "ai_response": "I can help with that. First, please tell me your email.",
                    "confidence_score": 0.93,
                    "processing_time_ms": 41,
                    "status": "ACTIVE",
                    "escalated": False,
                }
            ]
        }
    )
    message_id: str = Field(
        description="The answer's id; the customer message's while a human owns it."
    )
    ai_response: str | None = Field(
        description="The AI's answer; null while the conversation waits for or is with a human."
    )
    confidence_score: float | None
    processing_time_ms: int
    status: str
    escalated: bool
    citations: list[dict[str, Any]] = Field(default_factory=list)
    awaiting_confirmation: bool = Field(
        default=False, description="The answer asks the customer to confirm a change (yes or no)."
    )


class EscalateRequest(BaseModel):
    """Ask for a human."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="requested", max_length=200)


class EscalateReply(BaseModel):
    """Where the conversation stands in the human queue."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "escalated": True,
                    "agent_assigned": None,
                    "estimated_wait_time_minutes": 5,
                    "status": "ESCALATED",
                    "priority": "MEDIUM",
                }
            ]
        }
    )
    escalated: bool
    agent_assigned: str | None
    estimated_wait_time_minutes: int = Field(
        description="From the queue ahead and recent handling times; 0 once a human has it."
    )
    status: str
    priority: str


class FeedbackRequest(BaseModel):
    """Feedback on the conversation, or on one answer in it (`message_id`)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"rating": 5, "comment": "Quick, thanks"},
                {"message_id": "msg_51c0", "helpful": False, "follow_up_required": True},
            ]
        },
    )
    message_id: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")
    rating: int | None = Field(default=None, ge=1, le=5)
    helpful: bool | None = Field(default=None, description="Thumbs up (true) or down (false).")
    comment: str = Field(default="", max_length=2000)
    follow_up_required: bool = Field(
        default=False, description="The customer still needs something done."
    )


class FeedbackReply(BaseModel):
    """The stored feedback."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"feedback_id": "fb_7a2e", "message_id": None, "rating": 5, "helpful": None}
            ]
        }
    )

    feedback_id: str
    message_id: str | None
    rating: int | None
    helpful: bool | None


class DevLogin(BaseModel):
    """Development sign-in: any role, any id."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"role": "USER", "user_id": "ava_moore_6020"}]},
    )
    role: Role
    user_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.@\-]+$")


class RefreshRequest(BaseModel):
    """Exchange a refresh token for a new pair."""

    model_config = ConfigDict(extra="forbid")
    refresh_token: str = Field(min_length=1, max_length=4096)


class TokenPair(BaseModel):
    """Access (24 h) and refresh (30 d) tokens."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiJ9.…",
                    "refresh_token": "eyJhbGciOiJIUzI1NiJ9.…",
                    "token_type": "bearer",
                    "expires_in": 86400,
                }
            ]
        }
    )

    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


def build_support_router(
    service: ConversationService,
    auth: Authenticator,
    access: Access,
    *,
    anonymous_chat: bool = True,
    audit: AuditLog | None = None,
) -> APIRouter:
    """The /api/v1 support routes on this service, with this caller check and rate limit.

    With `anonymous_chat` off, a conversation is started only by a signed-in customer.
    """
    router = APIRouter(prefix="/api/v1")

    Caller = Annotated[Principal | None, Depends(access.caller)]
    SignedIn = Annotated[Principal, Depends(access.signed_in)]

    @router.post(
        "/support/conversations",
        status_code=201,
        tags=["conversations"],
        summary="Start a conversation (signed in, or anonymous without Authorization)",
    )
    async def start(
        principal: Caller, body: StartConversation | None = None
    ) -> StartedConversation:
        body = body or StartConversation()
        if principal is None and not anonymous_chat:
            raise HTTPException(
                401,
                {"code": "sign_in_required", "message": "sign in to start a conversation"},
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            row = await service.start(
                principal, channel=body.channel, subject=body.subject, language=body.language
            )
        except PermissionError as error:
            raise _forbidden(error) from error
        token = auth.conversation_token(row.id) if row.anonymous else None
        return StartedConversation(**ConversationOut.of(row).model_dump(), conversation_token=token)

    @router.get(
        "/support/conversations",
        tags=["conversations"],
        summary="My conversations, newest first (agents: assigned to me; admins: all)",
    )
    async def list_conversations(
        principal: SignedIn,
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
        size: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> ConversationPage:
        rows, total = await service.list_for(principal, page=page, size=size)
        return ConversationPage(
            items=[ConversationOut.of(r) for r in rows], page=page, size=size, total=total
        )

    @router.get(
        "/support/conversations/{conversation_id}",
        tags=["conversations"],
        summary="A conversation with its messages",
        responses={404: {"description": "No such conversation, or not yours"}},
    )
    async def get_conversation(
        principal: SignedIn, conversation_id: ConversationId
    ) -> ConversationDetail:
        row = await _get(service, principal, conversation_id)
        if audit is not None:
            await audit.staff_read(principal, CONVERSATION_READ, "conversation", row.id)
        messages = [MessageOut.of(m) for m in await service.messages(row.id)]
        if principal.anonymous or principal.role is Role.USER:
            # What the agent read from each message is for the support team's eyes only.
            messages = [m.model_copy(update={"details": {}}) for m in messages]
        return ConversationDetail(**ConversationOut.of(row).model_dump(), messages=messages)

    @router.post(
        "/support/conversations/{conversation_id}/message",
        tags=["conversations"],
        summary="Send a customer message; returns the agent's answer",
        responses={404: {"description": "No such conversation, or not yours"}},
    )
    async def send_message(
        principal: SignedIn, conversation_id: ConversationId, body: SendMessage
    ) -> MessageReply:
        try:
            result = await service.send(
                principal, conversation_id, body.content, kind=body.message_type
            )
        except NotFound as error:
            raise _not_found() from error
        except PermissionError as error:
            raise _forbidden(error) from error
        except Conflict as error:
            raise HTTPException(
                409, {"code": "conversation_closed", "message": str(error)}
            ) from error
        return MessageReply(
            message_id=result.message_id,
            ai_response=result.ai_response,
            confidence_score=result.confidence_score,
            processing_time_ms=result.processing_time_ms,
            status=result.conversation.status,
            escalated=result.escalated,
            citations=result.citations,
            awaiting_confirmation=result.awaiting_confirmation,
        )

    @router.post(
        "/support/conversations/{conversation_id}/escalate",
        tags=["conversations"],
        summary="Hand the conversation to a human",
        responses={404: {"description": "No such conversation, or not yours"}},
    )
    async def escalate(
        principal: SignedIn, conversation_id: ConversationId, body: EscalateRequest | None = None
    ) -> EscalateReply:
        reason = (body or EscalateRequest()).reason
        try:
            row, wait = await service.escalate(principal, conversation_id, reason=reason)
        except NotFound as error:
            raise _not_found() from error
        except Conflict as error:
            raise HTTPException(
                409, {"code": "conversation_closed", "message": str(error)}
            ) from error
        return EscalateReply(
            escalated=True,
            agent_assigned=row.assigned_agent_id,
            estimated_wait_time_minutes=wait or 0,
            status=row.status,
            priority=row.priority,
        )

    @router.post(
        "/support/conversations/{conversation_id}/resolve",
        tags=["conversations"],
        summary="Close the conversation as resolved",
        responses={404: {"description": "No such conversation, or not yours"}},
    )
    async def resolve(principal: SignedIn, conversation_id: ConversationId) -> ConversationOut:
        try:
            row = await service.resolve(principal, conversation_id)
        except NotFound as error:
            raise _not_found() from error
        except PermissionError as error:
            raise _forbidden(error) from error
        return ConversationOut.of(row)

    @router.post(
        "/support/conversations/{conversation_id}/feedback",
        status_code=201,
        tags=["conversations"],
        summary="Feedback on the conversation or one answer: rating 1-5, thumbs, comment",
        responses={404: {"description": "No such conversation, or not yours"}},
    )
    async def feedback(
        principal: SignedIn, conversation_id: ConversationId, body: FeedbackRequest
    ) -> FeedbackReply:
        try:
            row = await service.feedback(
                principal,
                conversation_id,
                rating=body.rating,
                helpful=body.helpful,
                comment=body.comment,
                follow_up_required=body.follow_up_required,
                message_id=body.message_id,
            )
        except NotFound as error:
            raise _not_found() from error
        except PermissionError as error:
            raise _forbidden(error) from error
        except ValueError as error:
            raise HTTPException(422, {"code": "invalid_feedback", "message": str(error)}) from error
        return FeedbackReply(
            feedback_id=row.id, message_id=row.message_id, rating=row.rating, helpful=row.helpful
        )

    @router.post(
        "/auth/dev-login",
        tags=["auth"],
        summary="Development sign-in (off when SUPPORTGRAPH_DEV_AUTH=0)",
        responses={404: {"description": "Development sign-in is turned off"}},
    )
    async def dev_login(body: DevLogin) -> TokenPair:
        try:
            return TokenPair(**auth.issue_pair(body.role, body.user_id))
        except AuthError as error:
            raise HTTPException(404, {"code": error.code, "message": str(error)}) from error

    @router.post("/auth/refresh", tags=["auth"], summary="New token pair from a refresh token")
    async def refresh(body: RefreshRequest) -> TokenPair:
        try:
            return TokenPair(**auth.refresh(body.refresh_token))
        except AuthError as error:
            raise HTTPException(
                error.status, {"code": error.code, "message": str(error)}
            ) from error

    return router


async def _get(service: ConversationService, principal: Principal, cid: str) -> Conversation:
    try:
        return await service.get(principal, cid)
    except NotFound as error:
        raise _not_found() from error


def _not_found() -> HTTPException:
    return HTTPException(404, {"code": "not_found", "message": "no such conversation"})


def _forbidden(error: Exception) -> HTTPException:
    return HTTPException(403, {"code": "forbidden", "message": str(error)})
