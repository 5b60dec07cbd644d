"""Run the conversation suite: `python -P -m supportgraph.evals.conversations [--sample]`."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from pathlib import Path

from supportgraph.evals.conversations import DATASET_PATH, load_examples
from supportgraph.evals.conversations.report import ConversationResult
from supportgraph.evals.conversations.runner import run_suite
from supportgraph.evals.conversations.sample import stratified_sample
from supportgraph.evals.conversations.services import FreshStoreServices
from supportgraph.settings import get_settings


def main() -> None:
    """Run the chosen conversations on the deployment's services and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", default=str(DATASET_PATH))
    parser.add_argument("--sample", action="store_true", help="the stratified test sample")
    parser.add_argument("--ids", nargs="*", help="only these task ids")
    parser.add_argument("--flow", help="only conversations with this flow")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--out", help="report JSON (default: <data dir>/reports/...)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    examples = load_examples(args.dataset)
    if args.sample:
        examples = stratified_sample(examples)
    if args.ids:
        examples = [e for e in examples if e["inputs"]["task_id"] in set(args.ids)]
    if args.flow:
        examples = [e for e in examples if args.flow in e["metadata"]["flows"]]
    settings = get_settings()
    factory = FreshStoreServices.from_settings(settings)
    done = 0

    def progress(result: ConversationResult) -> None:
        nonlocal done
        done += 1
        mark = "ok  " if result.success else "FAIL"
        print(
            f"[{done}/{len(examples)}] {mark} {result.task_id} {','.join(result.flows)}", flush=True
        )

    try:
        report = asyncio.run(
            run_suite(examples, factory, concurrency=args.concurrency, progress=progress)
        )
    finally:
        factory.close()
    out = Path(args.out or settings.data_dir / "reports" / "conversations.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report.to_dict(), indent=1, ensure_ascii=False), encoding="utf-8")
    print(report.table())
    print(f"report: {out}")


if __name__ == "__main__":
    main()
