"""Answering tickets: the job function, run in this process or on arq workers.

`answer_ticket` is the one job: it opens an email conversation, sends the ticket through
`ConversationService.send` and reads where the conversation stands. A batch runs it here
(`run_in_process`) or enqueues it on an arq queue (`run_on_queue`), where `supportgraph
worker` processes, each with its services, checkpointer and graph built once at start-up,
take the jobs. Job ids are the batch id and the ticket id, so enqueueing the same batch again
answers nothing twice: the stored results are read back instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import health_check_key_suffix, result_key_prefix
from arq.cron import cron
from arq.jobs import Job, JobResult, JobStatus, deserialize_result
from arq.worker import create_worker, func
from redis.exceptions import RedisError

from supportgraph.api.auth import Principal
from supportgraph.api.batch import CHANNEL, BatchError, Outcome, Ticket, TicketResult
from supportgraph.api.conversations import ConversationService
from supportgraph.api.tables import ConversationStatus
from supportgraph.prompts.flow import ANYTHING_ELSE, THANKS
from supportgraph.settings import Settings, get_settings

logger = logging.getLogger(__name__)

DEFAULT_QUEUE_NAME = "supportgraph:batch"
"""The arq queue batches use unless told another (`--queue-name`)."""
JOB_FUNCTION = "answer_ticket"
KEEP_RESULTS_S = 24 * 3600
"""How long a job's result is kept: re-enqueueing a batch within this reuses its answers."""
POLL_S = 0.5
"""How often a waiting batch looks for finished jobs."""
_CITATION = re.compile(r"^\(Sources?: .*\)$")
_COURTESY = (ANYTHING_ELSE, THANKS)
"""Closing lines that invite more but ask the customer nothing."""


def asks_customer(reply: str) -> bool:
    """Whether an answer asks the customer something (sources and courtesy lines aside)."""
    text = " ".join(
        line.strip() for line in reply.splitlines() if not _CITATION.match(line.strip())
    )
    for closing in _COURTESY:
        text = text.replace(closing, "")
    return "?" in text


async def answer_ticket(service: ConversationService, ticket: Ticket, *, line: int) -> TicketResult:
    """Answer one ticket in a new email conversation; an error becomes a failed result.

    Args:
        service: The conversation service, on a graph with its checkpointer.
        ticket: The email.
        line: Its line in the tickets file.
    """
    cid: str | None = None
    try:
        conversation = await service.start(None, channel=CHANNEL, subject=ticket.subject)
        cid = conversation.id
        sender = Principal(role=None, subject=f"conversation:{cid}", conversation_id=cid)
        turn = await service.send(sender, cid, ticket.message())
        snapshot = await service.agent.graph.aget_state({"configurable": {"thread_id": cid}})
    except Exception as error:
        logger.exception("ticket on line %d failed", line)
        reason = f"line {line}: {type(error).__name__}: {error}"
        return _result(line, ticket, Outcome.FAILED, cid, error=reason)
    reply = turn.ai_response or ""
    if turn.escalated or turn.conversation.status != ConversationStatus.ACTIVE:
        return _result(line, ticket, Outcome.NEEDS_HUMAN, cid, reply=reply)
    if snapshot.interrupts or snapshot.values.get("pending_action") or asks_customer(reply):
        return _result(line, ticket, Outcome.AWAITING_CUSTOMER, cid, reply=reply)
    if not reply:
        return _result(
            line, ticket, Outcome.FAILED, cid, error=f"line {line}: the agent gave no answer"
        )
    return _result(line, ticket, Outcome.RESOLVED, cid, reply=reply)


def _result(
    line: int,
    ticket: Ticket,
    outcome: Outcome,
    cid: str | None,
    *,
    reply: str = "",
    error: str = "",
) -> TicketResult:
    """A result stamped with the host and process that answered it."""
    return TicketResult(
        line,
        ticket.ticket_id,
        outcome,
        cid,
        reply=reply,
        error=error,
        host=socket.gethostname(),
        pid=os.getpid(),
        ticket=ticket,
    )


@asynccontextmanager
async def open_service(settings: Settings, *, services: Any = None) -> AsyncIterator[Any]:
    """The conversation service on the support graph, built as the server builds it.

    Args:
        settings: Deployment settings (store, checkpointer, Redis).
        services: Prebuilt adapters; built from settings when omitted.

    Yields:
        A `ConversationService` whose agent runs the compiled graph.
    """
    from supportgraph.api.agent import SupportAgent
    from supportgraph.api.db import engine_for, upgrade
    from supportgraph.api.events import build_bus
    from supportgraph.api.locks import build_locks
    from supportgraph.encryption.canary import verify_keys
    from supportgraph.graph.builder import build_graph
    from supportgraph.graph.checkpoint import open_checkpointer
    from supportgraph.services import build_services

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(upgrade, settings.store_url)
    built = services or await asyncio.to_thread(build_services, settings)
    agent = SupportAgent(locks=build_locks(settings.redis_url))
    bus = build_bus(settings.redis_url)
    engine = engine_for(settings)
    await asyncio.to_thread(verify_keys, engine)
    try:
        async with open_checkpointer(settings) as checkpointer:
            agent.graph = build_graph(built, checkpointer=checkpointer)
            yield ConversationService(engine, agent, bus)
    finally:
        for connection in (bus, agent.locks):
            close = getattr(connection, "aclose", None)  # Redis-backed ones hold connections.
            if close is not None:
                await close()
        engine.dispose()
        if services is None:
            await built.commerce.aclose()


async def run_in_process(
    tickets: list[tuple[int, Ticket]],
    service: ConversationService,
    *,
    concurrency: int,
    done: Callable[[TicketResult], None],
) -> list[TicketResult]:
    """Answer tickets here, at most `concurrency` at a time.

    Args:
        tickets: Line numbers and tickets.
        service: The conversation service.
        concurrency: Tickets answered at once.
        done: Called with each result as it is ready (progress).
    """
    todo: asyncio.Queue[tuple[int, Ticket]] = asyncio.Queue()
    for item in tickets:
        todo.put_nowait(item)
    results: list[TicketResult] = []

    async def work() -> None:
        while not todo.empty():
            line, ticket = todo.get_nowait()
            result = await answer_ticket(service, ticket, line=line)
            results.append(result)
            done(result)

    await asyncio.gather(*(work() for _ in range(max(1, concurrency))))
    return results


def job_id_for(batch_id: str, ticket_id: str) -> str:
    """The job of one ticket of one batch: the same pair is always the same job."""
    return f"{batch_id}:{ticket_id}"


def shown(url: str) -> str:
    """A URL fit for messages: any password is masked."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def redis_settings(url: str) -> RedisSettings:
    """Connection settings (arq) for a `redis://`, `rediss://` or `unix://` URL.

    Raises:
        BatchError: The URL is not a Redis URL.
    """
    try:
        return RedisSettings.from_dsn(url)
    except (RuntimeError, ValueError):
        raise BatchError(
            f"not a Redis URL: {shown(url)!r} (expected e.g. redis://127.0.0.1:6379/0)"
        ) from None


async def connect(url: str) -> ArqRedis:
    """Connect to the task queue at once, or explain what to start.

    Raises:
        BatchError: Redis does not answer at `url`.
    """
    settings = redis_settings(url)
    settings.conn_retries = 0
    try:
        return await create_pool(settings)
    except (TimeoutError, OSError, RedisError) as error:
        raise BatchError(
            f"cannot reach the task queue at {shown(url)} ({error or type(error).__name__}). "
            "Start Redis there (e.g. `redis-server` or `docker run -p 6379:6379 redis`) and at "
            f"least one `supportgraph worker --queue {shown(url)}`, or leave out --queue to "
            "answer the tickets in this process."
        ) from None


async def run_on_queue(
    pool: ArqRedis,
    tickets: list[tuple[int, Ticket]],
    *,
    queue_name: str,
    batch_id: str,
    done: Callable[[TicketResult], None],
) -> list[TicketResult]:
    """Enqueue one job per ticket and wait for every result.

    A job already enqueued or answered under the same id is not enqueued again; its result is
    read back like the others'.

    Args:
        pool: The queue's Redis connection (`connect`).
        tickets: Line numbers and tickets.
        queue_name: The arq queue the workers take jobs from.
        batch_id: The batch's id, part of every job id.
        done: Called with each result as it arrives (progress).
    """
    waiting: dict[str, tuple[int, Ticket]] = {}
    for line, ticket in tickets:
        job_id = job_id_for(batch_id, ticket.ticket_id)
        payload = ticket.model_dump(by_alias=True)
        await pool.enqueue_job(JOB_FUNCTION, payload, line, _job_id=job_id, _queue_name=queue_name)
        waiting[job_id] = (line, ticket)
    if waiting and not await pool.exists(queue_name + health_check_key_suffix):
        logger.warning(
            "no worker is taking jobs from queue %r yet; start one with "
            "`supportgraph worker --queue URL --queue-name %s`",
            queue_name,
            queue_name,
        )
    results: list[TicketResult] = []
    polls = 0
    while waiting:
        for result in await _finished(pool, waiting) + await _lost(
            pool, waiting, polls, queue_name
        ):
            results.append(result)
            done(result)
        polls += 1
        if waiting:
            await asyncio.sleep(POLL_S)
    return results


async def _finished(pool: ArqRedis, waiting: dict[str, tuple[int, Ticket]]) -> list[TicketResult]:
    """The results stored since the last look, removed from `waiting`."""
    ids = list(waiting)
    out: list[TicketResult] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        stored = await pool.mget([result_key_prefix + job_id for job_id in chunk])
        for job_id, raw in zip(chunk, stored, strict=True):
            if raw is not None:
                line, ticket = waiting.pop(job_id)
                info = deserialize_result(raw, deserializer=pool.job_deserializer)
                out.append(_from_job(info, line, ticket))
    return out


async def _lost(
    pool: ArqRedis, waiting: dict[str, tuple[int, Ticket]], polls: int, queue_name: str
) -> list[TicketResult]:
    """Jobs that are gone without a result (expired, or removed from Redis), now and then."""
    if polls % 20 != 19:
        return []
    out: list[TicketResult] = []
    for job_id in list(waiting):
        if await Job(job_id, pool, _queue_name=queue_name).status() is JobStatus.not_found:
            line, ticket = waiting.pop(job_id)
            reason = f"line {line}: the job left the queue without a result (expired?)"
            out.append(TicketResult(line, ticket.ticket_id, Outcome.FAILED, error=reason))
    return out


def _from_job(info: JobResult, line: int, ticket: Ticket) -> TicketResult:
    if info.success and isinstance(info.result, dict):
        return TicketResult.from_dict({**info.result, "line": line}, ticket)
    error = info.result
    reason = f"line {line}: the job failed on the worker ({type(error).__name__}: {error})"
    return TicketResult(line, ticket.ticket_id, Outcome.FAILED, error=reason, ticket=ticket)


async def answer_ticket_job(
    ctx: dict[str, Any], ticket: dict[str, Any], line: int
) -> dict[str, Any]:
    """The arq job: answer one ticket with this worker's conversation service."""
    result = await answer_ticket(ctx["service"], Ticket.model_validate(ticket), line=line)
    return result.as_dict()


async def retention_job(ctx: dict[str, Any]) -> None:
    """The arq cron job: today's retention purge, unless a process has run it already."""
    from supportgraph.api.audit import AuditLog
    from supportgraph.api.locks import build_removal_locks
    from supportgraph.api.privacy import PrivacyService
    from supportgraph.api.retention import RetentionLimits, RetentionSchedule

    settings = ctx.get("settings") or get_settings()
    service: ConversationService = ctx["service"]
    locks = build_removal_locks(settings.redis_url)
    privacy = PrivacyService(service.engine, service.agent, None, AuditLog(service.engine), locks)
    try:
        await RetentionSchedule(privacy, RetentionLimits.of(settings)).run_if_due()
    finally:
        close = getattr(locks, "aclose", None)
        if close is not None:
            await close()


async def startup(ctx: dict[str, Any]) -> None:
    """Build the services, checkpointer, graph and conversation service, once per worker."""
    stack = AsyncExitStack()
    settings = ctx.get("settings") or get_settings()
    ctx["service"] = await stack.enter_async_context(open_service(settings))
    ctx["stack"] = stack
    logger.info("batch worker %s:%d ready", socket.gethostname(), os.getpid())


async def shutdown(ctx: dict[str, Any]) -> None:
    """Close what `startup` opened."""
    stack = ctx.pop("stack", None)
    if stack is not None:
        await stack.aclose()


class WorkerSettings:
    """arq settings of a batch worker; `supportgraph worker` sets the queue and concurrency."""

    functions = [func(answer_ticket_job, name=JOB_FUNCTION, max_tries=1)]
    """One try: a job cut short is reported failed rather than answered a second time."""
    cron_jobs = [cron(retention_job, minute=17, unique=True)]  # type: ignore[arg-type]
    """Hourly, each worker looks whether today's retention purge is still to run."""
    on_startup = startup
    on_shutdown = shutdown
    queue_name = DEFAULT_QUEUE_NAME
    max_jobs = 4
    job_timeout = 300
    keep_result = KEEP_RESULTS_S
    job_completion_wait = 60
    """Seconds a stopping worker lets the jobs it holds finish."""
    log_results = False


class HideJobArguments(logging.Filter):
    """Keeps the ticket out of arq's "job started" log line.

    arq logs each job's arguments cut to 80 characters; a cut email or street address no
    longer looks like one, so redaction would miss it. The ticket is left out instead.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Blank the arguments of a `→ <job id>:answer_ticket(...)` record; pass every record."""
        args = record.args
        if isinstance(args, tuple) and len(args) == 4 and "→" in str(record.msg):
            if str(args[1]).endswith(f":{JOB_FUNCTION}"):
                record.args = (args[0], args[1], "…", args[3])
        return True


def hide_job_arguments() -> None:
    """Attach `HideJobArguments` to arq's worker logger, once."""
    arq_logger = logging.getLogger("arq.worker")
    if not any(isinstance(f, HideJobArguments) for f in arq_logger.filters):
        arq_logger.addFilter(HideJobArguments())


def run_worker(settings: Settings, *, url: str, queue_name: str, concurrency: int) -> None:
    """Run one batch worker until it is stopped (SIGINT or SIGTERM).

    Args:
        settings: Deployment settings the worker's services are built from.
        url: Redis URL of the task queue.
        queue_name: The arq queue to take jobs from.
        concurrency: Jobs run at once.

    Raises:
        BatchError: The queue is unreachable.
    """

    async def check() -> None:
        await (await connect(url)).aclose()

    asyncio.run(check())
    hide_job_arguments()
    worker = create_worker(
        WorkerSettings,  # type: ignore[arg-type]
        redis_settings=redis_settings(url),
        queue_name=queue_name,
        max_jobs=concurrency,
        ctx={"settings": settings},
    )
    worker.run()
