"""`supportgraph eval` / `python -P -m supportgraph.evals`: run eval suites and print tables."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from supportgraph.evals.gates import check_gates
from supportgraph.evals.runner import SuiteRun, run_suite, upload_enabled, write_report
from supportgraph.evals.suite import Suite
from supportgraph.settings import Settings, get_settings

FAST = ("intents", "policy", "conversations-sample", "retrieval-store")
"""The offline suites CI runs: minutes on two cores."""
GROUPS = {"fast": FAST, "all": (*FAST[:2], "conversations", "retrieval")}
RETRIEVAL = ("retrieval-store", "retrieval-banking", "retrieval-dstc9")


def make_suite(name: str, settings: Settings, args: argparse.Namespace) -> Suite:
    """Build one suite by name."""
    if name == "intents":
        from supportgraph.evals.intents import IntentSuite

        return IntentSuite(settings, limit=args.limit)
    if name in ("conversations", "conversations-sample", "instructions", "blind"):
        from supportgraph.evals.conversations.suite import ConversationSuite

        return ConversationSuite(
            settings,
            sample=name.endswith("sample"),
            limit=args.limit,
            simulate=args.simulate,
            judges=args.judge,
            voice=name if name in ("instructions", "blind") else None,
        )
    if name == "policy":
        from supportgraph.evals.policy.suite import PolicySuite

        return PolicySuite(settings, limit=args.limit)
    if name.startswith("retrieval-"):
        from supportgraph.evals.retrieval.suite import RetrievalSuite

        return RetrievalSuite(name.removeprefix("retrieval-"), settings, limit=args.limit)
    raise ValueError(f"unknown suite {name!r}")


def suite_names(chosen: list[str] | None) -> list[str]:
    """Expand groups (`fast`, `all`, `retrieval`) into suite names, keeping order."""
    names: list[str] = []
    for name in chosen or ["fast"]:
        expanded = GROUPS.get(name) or (RETRIEVAL if name == "retrieval" else (name,))
        for n in expanded:
            for m in RETRIEVAL if n == "retrieval" else (n,):
                if m not in names:
                    names.append(m)
    return names


def parser() -> argparse.ArgumentParser:
    """The command line of `supportgraph eval`."""
    p = argparse.ArgumentParser(prog="supportgraph eval", description=__doc__)
    choices = ["fast", "all", "retrieval", "intents", "policy", "conversations"]
    choices += ["conversations-sample", "instructions", "blind", *RETRIEVAL]
    p.add_argument("--suite", action="append", choices=choices, help="repeatable; default fast")
    p.add_argument("--model", help="chat model as provider:name; default SUPPORTGRAPH_MODEL")
    p.add_argument("--repetitions", "-k", type=int, default=1, help="runs per example (pass^k)")
    p.add_argument("--concurrency", type=int, default=1, help="examples in flight at once")
    p.add_argument("--limit", type=int, help="at most this many examples per suite")
    p.add_argument(
        "--simulate", action="store_true", help="an LLM plays the customer from the τ-bench task"
    )
    p.add_argument(
        "--judge", action="store_true", help="add LLM-as-judge evaluators (needs a judge model)"
    )
    p.add_argument("--report", type=Path, help="JSON report path (default: data dir)")
    p.add_argument("--no-gates", action="store_true", help="do not fail on thresholds")
    return p


def main(argv: list[str] | None = None, *, settings: Settings | None = None) -> int:
    """Run the chosen suites; print a table each; write the report; check the CI gates."""
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings = settings or get_settings()
    if args.model:
        settings = dataclasses.replace(settings, model=args.model)
    if args.simulate and not settings.model:
        print("--simulate needs a model (--model or SUPPORTGRAPH_MODEL)", file=sys.stderr)  # noqa: T201
        return 2
    names = suite_names(args.suite)
    context: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "responder": f"llm:{settings.model}" if settings.model else "flow",
        "repetitions": args.repetitions,
        "simulated_user": args.simulate,
        "uploaded": upload_enabled(),
        "suites_requested": names,
    }
    print(  # noqa: T201
        f"Running {', '.join(names)} on the {context['responder']} responder; "
        + ("uploading to LangSmith." if context["uploaded"] else "offline (no LANGSMITH_API_KEY).")
    )
    runs = [_run(name, settings, args, context) for name in names]
    path = write_report(
        args.report or settings.data_dir / "reports" / f"eval-{_stamp()}.json", runs, context
    )
    print(f"Report written to {path}")  # noqa: T201
    if args.no_gates:
        return 0
    failures = check_gates(runs)
    for failure in failures:
        print(f"GATE FAILED: {failure}", file=sys.stderr)  # noqa: T201
    return 1 if failures else 0


def _run(name: str, settings: Settings, args: argparse.Namespace, context: dict) -> SuiteRun:
    suite = make_suite(name, settings, args)
    print(f"\n## {name}: {suite.description}")  # noqa: T201
    try:
        run = asyncio.run(
            run_suite(
                suite,
                repetitions=args.repetitions,
                concurrency=args.concurrency,
                metadata={k: v for k, v in context.items() if k != "suites_requested"},
            )
        )
    finally:
        suite.close()
    print(run.summary.table)  # noqa: T201
    for note in run.summary.notes:
        print(f"note: {note}")  # noqa: T201
    return run


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


if __name__ == "__main__":
    sys.exit(main())
