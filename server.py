"""The FastAPI app: LangServe at /support, the commerce services at /api/v1, and /health."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from langserve import add_routes

from supportgraph.api.agent import SIGNED_IN_KEY, SupportAgent
from supportgraph.api.analytics_routes import build_analytics_router
from supportgraph.api.audit import AuditLog
from supportgraph.api.audit_routes import build_audit_router
from supportgraph.api.auth import Authenticator, AuthError, bearer
from supportgraph.api.console_routes import ClientConfig, build_console_router
from supportgraph.api.conversations import ConversationService, NotFound
from supportgraph.api.db import engine_for, upgrade
from supportgraph.api.deps import Access
from supportgraph.api.events import build_bus
from supportgraph.api.handoff import HandoffService
from supportgraph.api.handoff_routes import build_handoff_router
from supportgraph.api.hardening import harden
from supportgraph.api.knowledge_routes import build_knowledge_router
from supportgraph.api.limits import BodySizeLimit, RateLimits
from supportgraph.api.locks import build_locks, build_removal_locks
from supportgraph.api.logs import configure_logging
from supportgraph.api.metrics import Metrics
from supportgraph.api.metrics_routes import build_metrics_router
from supportgraph.api.outbox import build_outbox
from supportgraph.api.privacy import PrivacyService
from supportgraph.api.privacy_routes import build_privacy_router
from supportgraph.api.retention import RetentionLimits, RetentionSchedule
from supportgraph.api.routes import MAX_MESSAGE_CHARS, build_support_router
from supportgraph.api.rules import RuleBook
from supportgraph.api.speech import build_speech
from supportgraph.api.tables import ConversationStatus
from supportgraph.api.tracing import build_tracing
from supportgraph.api.web import not_built, web_app
from supportgraph.api.ws import build_ws_router
from supportgraph.commerce.api import build_router
from supportgraph.commerce.factory import build_commerce
from supportgraph.encryption.canary import verify_keys
from supportgraph.guardrails.pii import install_log_redaction
from supportgraph.knowledge.entries import KnowledgeService
from supportgraph.settings import Settings, get_settings

logger = logging.getLogger("supportgraph")


def create_app(settings: Settings | None = None, *, services: Any = None) -> FastAPI:
    """Build the app. Heavy start-up (models, index, memory) runs in the lifespan.

    Args:
        settings: Deployment settings; read from the environment when omitted.
        services: Prebuilt adapters (tests); built from settings when omitted.
    """
    settings = settings or get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    commerce = services.commerce if services is not None else build_commerce(settings)
    agent = SupportAgent(locks=build_locks(settings.redis_url))
    auth = Authenticator(settings)
    engine = engine_for(settings)
    bus = build_bus(settings.redis_url)
    conversations = ConversationService(engine, agent, bus)
    handoff = HandoffService(conversations)
    rules = RuleBook(engine)
    audit = AuditLog(engine)
    knowledge = KnowledgeService(engine)  # its index is the one the services build
    outbox = build_outbox(settings, engine)  # a bad webhook configuration fails here, early
    agent.recorder = conversations.record_turn
    metrics = Metrics(
        price_per_mtok=settings.price_per_mtok, multiprocess_dir=settings.prometheus_multiproc_dir
    )
    metrics.watch_database(engine)
    agent.metrics = metrics
    tracing = build_tracing(settings)
    agent.tracer = tracing.tracer if tracing is not None else None
    removal_locks = build_removal_locks(settings.redis_url)
    stream = (settings.redis_url, settings.events_stream) if settings.redis_url else None
    privacy = PrivacyService(engine, agent, commerce, audit, removal_locks, stream=stream)
    retention = RetentionSchedule(privacy, RetentionLimits.of(settings))
    readiness: dict[str, Any] = {"ready": False, "error": None}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from supportgraph.graph.builder import build_graph
        from supportgraph.graph.checkpoint import open_checkpointer
        from supportgraph.services import build_services

        # Uvicorn has configured its loggers by now; customer PII must not reach any of them.
        for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access"):
            install_log_redaction(logging.getLogger(name))

        try:
            await asyncio.to_thread(upgrade, settings.store_url)
            await asyncio.to_thread(verify_keys, engine)
            built = services or await asyncio.to_thread(build_services, settings, commerce=commerce)
        except Exception as error:
            readiness["error"] = f"{type(error).__name__}: {error}"
            logger.exception("start-up failed")
            raise
        if built.rules is None:
            built.rules = rules
        knowledge.kb = built.knowledge
        stop_outbox = asyncio.Event()
        relay = asyncio.create_task(outbox.run(stop_outbox), name="outbox")
        try:
            async with open_checkpointer(settings) as checkpointer:
                agent.graph = build_graph(built, checkpointer=checkpointer)
                readiness.update(ready=True, responder=built.responder.name)
                logger.info("supportgraph ready (responder: %s)", built.responder.name)
                stop_retention = asyncio.Event()
                purger = asyncio.create_task(retention.run(stop_retention), name="retention")
                try:
                    yield
                finally:
                    readiness["ready"] = False
                    stop_retention.set()
                    await purger
        finally:
            stop_outbox.set()
            await relay
            metrics.close()
            if tracing is not None:
                tracing.shutdown()
        await commerce.aclose()

    app = FastAPI(
        title="supportgraph",
        version="0.1.0",
        description="A grounded, policy-gated customer-support agent with its commerce services.",
        lifespan=lifespan,
    )
    app.state.agent = agent
    app.state.settings = settings
    app.state.privacy = privacy
    app.state.metrics = metrics
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    harden(app, cors_origins=settings.cors_origins)
    app.include_router(build_router(commerce, settings.service_token))
    access = Access(auth, RateLimits(settings.redis_url))
    app.include_router(
        build_support_router(
            conversations, auth, access, anonymous_chat=settings.anonymous_chat, audit=audit
        )
    )
    client = ClientConfig(dev_auth=settings.dev_auth, anonymous_chat=settings.anonymous_chat)
    app.include_router(build_console_router(conversations, commerce, access, client, audit))
    app.include_router(build_handoff_router(handoff, rules, access, audit))
    app.include_router(build_analytics_router(engine, access))
    app.include_router(build_audit_router(audit, access))
    app.include_router(build_privacy_router(privacy, access))
    app.include_router(build_knowledge_router(knowledge, access, audit))
    frame_cap = settings.max_body_bytes
    app.include_router(
        build_ws_router(
            conversations,
            handoff,
            auth,
            max_frame_bytes=frame_cap,
            speech=build_speech(settings),
            limits=access.limits,
            audit=audit,
            connections=metrics.websocket_connections,
        )
    )
    app.include_router(build_metrics_router(metrics, token=settings.metrics_token))

    async def owned_thread(config: dict[str, Any], request: Request) -> dict[str, Any]:
        """A LangServe turn runs only on a conversation the caller may continue.

        The thread id must be a conversation the server issued, and the bearer token its
        owner's (or its anonymous conversation token); the signed-in customer comes from the
        conversation, never from the request.
        """
        configurable = dict(config.get("configurable") or {})
        configurable.pop(SIGNED_IN_KEY, None)
        if not request.url.path.endswith(("/invoke", "/batch", "/stream", "/stream_events")):
            return {**config, "configurable": configurable}
        thread_id = configurable.get("thread_id")
        if not thread_id:
            raise HTTPException(422, "config.configurable.thread_id is required")
        try:
            token = bearer(request.headers.get("authorization"))
            principal = auth.verify(token) if token else None
        except AuthError as error:
            raise HTTPException(
                error.status, {"code": error.code, "message": str(error)}
            ) from error
        if principal is None:
            raise HTTPException(401, {"code": "missing_token", "message": "send a bearer token"})
        limit, retry = await access.limits.check(
            principal, request.client.host if request.client else "unknown"
        )
        if retry is not None:  # the same per-caller limit as the REST routes
            raise HTTPException(
                429,
                {"code": "rate_limited", "message": f"over {limit} requests a minute"},
                headers={"Retry-After": str(retry)},
            )
        await _check_message_lengths(request)
        try:
            conversation = await conversations.get(principal, str(thread_id))
        except NotFound as error:
            raise HTTPException(
                404,
                {
                    "code": "unknown_conversation",
                    "message": "thread_id must be a conversation id issued by "
                    "POST /api/v1/support/conversations, and yours",
                },
            ) from error
        if not (principal.anonymous or principal.user_id):
            raise HTTPException(403, {"code": "forbidden", "message": "customers only"})
        if conversation.status != ConversationStatus.ACTIVE:
            raise HTTPException(
                409,
                {
                    "code": "conversation_closed",
                    "message": f"the conversation is {str(conversation.status).lower()}",
                },
            )
        if conversation.owner_id:
            configurable[SIGNED_IN_KEY] = conversation.owner_id
        return {**config, "configurable": configurable}

    add_routes(
        app,
        agent.runnable(),
        path="/support",
        per_req_config_modifier=owned_thread,
        enabled_endpoints=[
            "invoke",
            "batch",
            "stream",
            "stream_events",
            "playground",
            "input_schema",
            "output_schema",
            "config_schema",
        ],
    )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        # The offending input is not echoed back: it may be huge, or not encodable at all.
        details = [
            {key: item[key] for key in ("type", "loc", "msg") if key in item}
            for item in error.errors()
        ]
        return JSONResponse({"detail": jsonable_encoder(details)}, status_code=422)

    @app.get("/health", tags=["health"], summary="Readiness of the agent")
    async def health() -> JSONResponse:
        status = 200 if readiness["ready"] else 503
        body = {"status": "ok" if readiness["ready"] else "starting", **readiness}
        return JSONResponse(body, status_code=status)

    # Last: the screens take every path the API does not.
    screens = web_app(widget_origins=settings.widget_origins)
    if screens is not None:
        app.mount("/", screens, name="web")
    else:
        app.add_api_route("/", not_built, include_in_schema=False)
    return app


async def _check_message_lengths(request: Request) -> None:
    """A LangServe turn's messages obey the REST routes' cap (422 `message_too_long`)."""
    try:
        body = await request.json()
    except ValueError:
        return  # LangServe answers malformed JSON itself
    payload = body.get("input") if isinstance(body, dict) else None
    inputs = body.get("inputs") if isinstance(body, dict) else None  # /batch
    for item in [payload] + (inputs if isinstance(inputs, list) else []):
        messages = item.get("messages") if isinstance(item, dict) else None
        for message in messages if isinstance(messages, list) else []:
            content = message.get("content") if isinstance(message, dict) else None
            if isinstance(content, str) and len(content) > MAX_MESSAGE_CHARS:
                raise HTTPException(
                    422,
                    {
                        "code": "message_too_long",
                        "message": f"a message holds at most {MAX_MESSAGE_CHARS} characters",
                    },
                )


def main() -> None:
    """Serve on 127.0.0.1:$PORT (8000)."""
    import uvicorn

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format, text_format=logging.BASIC_FORMAT)
    port = int(os.environ.get("PORT", "8000"))
    host = os.environ.get("HOST", "127.0.0.1")
    # JSON logs: uvicorn's loggers keep no handlers of their own and go through the root's.
    log_config = uvicorn.config.LOGGING_CONFIG if settings.log_format == "text" else None
    uvicorn.run(create_app(settings), host=host, port=port, log_config=log_config)


if __name__ == "__main__":
    main()
