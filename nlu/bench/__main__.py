"""`python -P -m supportgraph.nlu.bench`: intent, entity and sentiment benchmarks as tables."""

from __future__ import annotations

import argparse
import os
import platform
import time
from dataclasses import asdict
from datetime import date

import torch

from supportgraph.nlu.bench import entities, sentiment
from supportgraph.nlu.bench.data import LOADERS, datasets_dir
from supportgraph.nlu.bench.report import markdown, write_json
from supportgraph.nlu.bench.run import LATENCY_QUERIES, run_benchmark
from supportgraph.settings import get_settings

PARTS = (*LOADERS, "entities", "sentiment")


def machine() -> str:
    """A short description of the machine, for the report caption."""
    return f"{os.cpu_count()} cores, {platform.machine()} CPU, torch {torch.__version__}"


def main(argv: list[str] | None = None) -> None:
    """Run the chosen benchmarks, print their tables and write the JSON report."""
    parser = argparse.ArgumentParser(description="Benchmark intents, entities and sentiment.")
    parser.add_argument("--only", choices=PARTS, action="append", help="repeatable")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    parser.add_argument("--latency-queries", type=int, default=LATENCY_QUERIES)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    parts = args.only or list(PARTS)
    root = datasets_dir()
    if any(p in LOADERS or p == "entities" for p in parts) and not root.is_dir():
        parser.error(f"{root} not found: set SUPPORTGRAPH_DATASETS_DIR to the datasets folder")
    settings = get_settings()
    start = time.perf_counter()
    intents = [
        run_benchmark(
            LOADERS[name](root),
            latency_queries=args.latency_queries,
            progress=not args.no_progress,
        )
        for name in LOADERS
        if name in parts
    ]
    found = entities.run_entities(root) if "entities" in parts else []
    feeling = sentiment.run_sentiment() if "sentiment" in parts else None
    total = time.perf_counter() - start
    today, where = date.today().isoformat(), machine()
    if intents:
        print(markdown(intents, date=today, machine=where, total_seconds=total))  # noqa: T201
    if found:
        print(entities.markdown(found))  # noqa: T201
    if feeling:
        print(sentiment.markdown(feeling))  # noqa: T201
    path = write_json(
        settings.data_dir / "reports" / "bench-nlu.json",
        intents,
        date=today,
        machine=where,
        extra={
            "datasets_dir": str(root),
            "torch_threads": args.threads,
            "seconds": round(total),
            "entities": [asdict(r) for r in found],
            "sentiment": asdict(feeling) if feeling else None,
        },
    )
    print(f"Report written to {path}")  # noqa: T201


if __name__ == "__main__":
    main()
