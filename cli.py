"""The `supportgraph` command: serve, chat, answer email batches, build, train, issue tokens."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from pathlib import Path
from typing import Any

from supportgraph.settings import Settings, get_settings

CUSTOMER_DATA_COMMANDS = frozenset(
    {"serve", "chat", "batch", "worker", "eval", "export-transcripts"}
)
"""Commands that read what customers wrote, so their logs are redacted from the start."""


def main(argv: list[str] | None = None) -> int:
    """Run a `supportgraph` sub-command."""
    parser = argparse.ArgumentParser(prog="supportgraph", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the API on 127.0.0.1:$PORT (8000)")
    chat = commands.add_parser("chat", help="chat with the agent in the terminal")
    chat.add_argument("--thread", default="", help="thread id to continue (default: a new one)")
    commands.add_parser(
        "build", help="migrate the database, build the store, the intent model and the index"
    )
    train = commands.add_parser("train-intents", help="train an intent model on labelled data")
    train.add_argument("data", type=Path, help="CSV (text,label) or JSONL file")
    train.add_argument("--out", type=Path, required=True, help="output model directory")
    token = commands.add_parser("token", help="issue a development bearer token (dev auth only)")
    token.add_argument("--role", required=True, type=str.upper, choices=["USER", "AGENT", "ADMIN"])
    token.add_argument(
        "--user-id",
        required=True,
        help="the store's user id for USER, the agent/admin id otherwise",
    )
    token.add_argument(
        "--refresh", action="store_true", help="also print a refresh token (valid 30 days)"
    )
    commands.add_parser(
        "eval", help="run eval suites (see `supportgraph eval --help`)", add_help=False
    )
    _batch_parser(commands)
    _worker_parser(commands)
    purge = commands.add_parser(
        "purge", help="remove conversations, feedback and logs older than the retention limits"
    )
    purge.add_argument("--dry-run", action="store_true", help="count what would go; change nothing")
    from supportgraph.encryption.commands import add_keys_parser

    add_keys_parser(commands)
    export = commands.add_parser(
        "export-transcripts",
        help="write resolved conversations, redacted, as a LangSmith dataset (JSONL)",
    )
    export.add_argument("--out", type=Path, required=True, help="JSONL file to write")
    export.add_argument("--since", help="only conversations resolved on or after YYYY-MM-DD")
    args, rest = parser.parse_known_args(argv)
    if args.command != "eval" and rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command in CUSTOMER_DATA_COMMANDS:
        # Before anything logs: customer PII must not reach a log, whichever handler writes it.
        from supportgraph.guardrails.pii import install_log_redaction

        install_log_redaction()

    if args.command == "serve":
        from supportgraph.server import main as serve

        serve()
    elif args.command == "chat":
        from supportgraph.chat import run_chat

        asyncio.run(run_chat(args.thread or f"cli-{uuid.uuid4().hex[:8]}"))
    elif args.command == "build":
        from supportgraph.api.db import upgrade
        from supportgraph.services import build_services

        settings = get_settings()
        upgrade(settings.store_url)
        services = build_services(settings)
        print(f"ready: responder={services.responder.name}")  # noqa: T201
    elif args.command == "train-intents":
        from supportgraph.nlu.train import train_intents

        report = train_intents(args.data, args.out)
        print(report)  # noqa: T201
    elif args.command == "token":
        return _token(args.role, args.user_id, refresh=args.refresh)
    elif args.command == "eval":
        from supportgraph.evals.__main__ import main as run_evals

        return run_evals(rest)
    elif args.command == "batch":
        return _batch(args, parser)
    elif args.command == "worker":
        return _worker(args)
    elif args.command == "purge":
        from supportgraph.api.retention import purge_command

        purged = asyncio.run(purge_command(get_settings(), dry_run=args.dry_run))
        print("\n".join(purged.lines()))  # noqa: T201
    elif args.command == "keys":
        from supportgraph.encryption.commands import keys_command

        return keys_command(args, get_settings())
    elif args.command == "export-transcripts":
        return _export_transcripts(args.out, args.since)
    return 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _batch_parser(commands: Any) -> None:
    batch = commands.add_parser(
        "batch",
        help="answer email tickets from a JSONL file (in process, or on the task queue)",
        description="Answer email tickets: one JSON object a line with ticket_id, from, subject "
        "and body. Writes one reply a line and a report; prints the report as a table.",
    )
    batch.add_argument("tickets", type=Path, help="JSONL file of tickets")
    batch.add_argument("--out", type=Path, help="replies file (default: <tickets>.replies.jsonl)")
    batch.add_argument("--report", type=Path, help="JSON report (default: <tickets>.report.json)")
    batch.add_argument(
        "--queue",
        nargs="?",
        const="",
        metavar="URL",
        help="answer on arq workers at this Redis URL (default URL: SUPPORTGRAPH_QUEUE_URL, "
        "else SUPPORTGRAPH_REDIS_URL); SUPPORTGRAPH_QUEUE_URL alone also turns the queue on",
    )
    batch.add_argument(
        "--in-process", action="store_true", help="answer here even when a queue URL is set"
    )
    batch.add_argument("--queue-name", default="", help="arq queue name (supportgraph:batch)")
    batch.add_argument("--batch-id", default="", help="names the jobs (default: file digest)")
    batch.add_argument(
        "--concurrency", type=_positive, help="tickets answered at once in process (4)"
    )
    batch.add_argument("--no-progress", action="store_true", help="no progress bar")


def _worker_parser(commands: Any) -> None:
    worker = commands.add_parser(
        "worker", help="run one arq worker answering batch tickets from the task queue"
    )
    worker.add_argument(
        "--queue",
        default="",
        metavar="URL",
        help="Redis URL (default: SUPPORTGRAPH_QUEUE_URL, else SUPPORTGRAPH_REDIS_URL)",
    )
    worker.add_argument("--queue-name", default="", help="arq queue name (supportgraph:batch)")
    worker.add_argument("--concurrency", type=_positive, default=4, help="jobs at once (4)")


def _batch(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run a batch; print the report table; exit code 2 when the batch cannot run."""
    from supportgraph.api.batch import BatchError, run_batch

    settings = get_settings()
    queue = "" if args.in_process else _queue_url(args.queue, settings)
    if queue is None:
        return _fail("batch", "--queue needs a URL: pass one or set SUPPORTGRAPH_QUEUE_URL")
    if queue and args.concurrency is not None:
        parser.error("--concurrency applies in process; set it on `supportgraph worker` instead")
    out = args.out or args.tickets.with_suffix(".replies.jsonl")
    report_path = args.report or args.tickets.with_suffix(".report.json")
    try:
        report = asyncio.run(
            run_batch(
                args.tickets,
                settings=settings,
                queue_url=queue,
                queue_name=args.queue_name,
                concurrency=args.concurrency or 4,
                batch_id=args.batch_id,
                progress=not args.no_progress,
            )
        )
    except BatchError as error:
        return _fail("batch", str(error))
    report.write(report_path)
    written = report.write_replies(out)
    print(report.table())  # noqa: T201
    print(f"replies: {out} ({written})  report: {report_path}")  # noqa: T201
    return 0


def _worker(args: argparse.Namespace) -> int:
    """Run one worker until stopped; exit code 2 when the queue is unreachable."""
    from supportgraph.api.batch import BatchError
    from supportgraph.api.logs import configure_logging
    from supportgraph.api.worker import DEFAULT_QUEUE_NAME, run_worker

    settings = get_settings()
    url = args.queue or settings.queue_url or settings.redis_url
    if not url:
        return _fail("worker", "no queue URL: pass --queue redis://… or set SUPPORTGRAPH_QUEUE_URL")
    configure_logging(
        settings.log_level, settings.log_format, text_format="%(asctime)s %(name)s %(message)s"
    )
    try:
        run_worker(
            settings,
            url=url,
            queue_name=args.queue_name or DEFAULT_QUEUE_NAME,
            concurrency=args.concurrency,
        )
    except BatchError as error:
        return _fail("worker", str(error))
    return 0


def _export_transcripts(out: Path, since: str | None) -> int:
    """Write the redacted dataset; exit code 2 on a bad date or an unwritable file."""
    from supportgraph.api.db import engine_for, upgrade
    from supportgraph.api.transcripts import ExportError, export_transcripts, parse_since

    settings = get_settings()
    try:
        day = parse_since(since)
        upgrade(settings.store_url)
        engine = engine_for(settings)
        try:
            written = export_transcripts(engine, out, since=day)
        finally:
            engine.dispose()
    except ExportError as error:
        return _fail("export-transcripts", str(error))
    print(f"transcripts: {out} ({written})")  # noqa: T201
    return 0


def _queue_url(flag: str | None, settings: Settings) -> str | None:
    """The queue URL: the flag's, else the settings'; None for a bare flag without one.

    Without the flag, only `queue_url` turns the queue on: a Redis URL alone (cache, rate
    limits) does not mean workers are running.
    """
    if flag is None:
        return settings.queue_url
    url = flag or settings.queue_url or settings.redis_url
    return url or None


def _fail(command: str, message: str) -> int:
    print(f"supportgraph {command}: {message}", file=sys.stderr)  # noqa: T201
    return 2


def _token(role: str, user_id: str, *, refresh: bool) -> int:
    """Print a development token pair as JSON; exit code 2 when dev auth is off."""
    from supportgraph.api.auth import Authenticator, AuthError, Role

    try:
        pair = Authenticator(get_settings()).issue_pair(Role(role), user_id)
    except AuthError as exc:
        print(f"supportgraph token: {exc.message} [{exc.code}]", file=sys.stderr)  # noqa: T201
        return 2
    if not refresh:
        pair.pop("refresh_token")
    print(json.dumps(pair, indent=2))  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
