"""The `supportgraph` command: serve, chat, build, train and issue development tokens."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from pathlib import Path

from supportgraph.settings import get_settings


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
    args, rest = parser.parse_known_args(argv)
    if args.command != "eval" and rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")

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
    return 0


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
