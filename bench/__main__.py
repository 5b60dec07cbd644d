"""`make bench`: the speed benchmarks, each printed as a table compared within the same run."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import time

from supportgraph.bench import coldstart, latency


def machine() -> str:
    """Host, cores and memory, for the tables' header."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.node()}, {os.cpu_count()} cores, {memory:.0f} GiB, "
        f"Python {platform.python_version()}"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print their tables."""
    parser = argparse.ArgumentParser(prog="python -m supportgraph.bench", description=__doc__)
    parser.add_argument("--conversations", type=int, default=30, help="conversations to play")
    parser.add_argument("--delay", type=float, default=0.25, help="fake model delay per call, s")
    parser.add_argument("--cold-starts", type=int, default=3, help="cold starts to time")
    args = parser.parse_args(argv)
    print(f"# supportgraph benchmarks, {dt.date.today()}, {machine()}\n", flush=True)

    started = time.monotonic()
    for delay in (0.0, args.delay):
        timings = asyncio.run(latency.run(conversations_n=args.conversations, delay=delay))
        print(f"## In-process turn latency, fake model delay {delay * 1000:.0f} ms/call\n")
        print(latency.table(timings))
        ours, bare = timings[0], timings[-1]
        ratio = ours.percentile(95) / bare.percentile(95)
        print(f"\nembedded default p95 / bare ReAct p95 = {ratio:.2f}\n", flush=True)

    runs = [coldstart.cold_start() for _ in range(args.cold_starts)]
    print("## Cold start\n")
    print(coldstart.table(runs))
    print(f"\n(benchmarks ran {time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
