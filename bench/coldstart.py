"""Cold start: from `supportgraph serve` to the first answer of a new conversation.

The server runs as a new process on a free port, on the built data directory (`make build`),
and the clock stops when the first customer message has its answer over HTTP.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

QUESTION = "What is your return policy?"


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def first_answer(base: str, *, deadline: float) -> str:
    """Start a conversation and send one message, retrying until the server answers."""
    with httpx.Client(base_url=base, timeout=30) as client:
        while time.monotonic() < deadline:
            try:
                started = client.post("/api/v1/support/conversations", json={})
                if started.status_code == 201:
                    body = started.json()
                    reply = client.post(
                        f"/api/v1/support/conversations/{body['conversation_id']}/message",
                        json={"content": QUESTION},
                        headers={"Authorization": f"Bearer {body['conversation_token']}"},
                    )
                    reply.raise_for_status()
                    return str(reply.json()["ai_response"])
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    raise TimeoutError("the server gave no answer in time")


def cold_start(*, timeout: float = 120.0) -> float:
    """Seconds from launching `supportgraph serve` to its first answer."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "SUPPORTGRAPH_LOG_LEVEL": "WARNING"}
    command = [str(Path(sys.executable).with_name("supportgraph")), "serve"]
    # The server's stderr goes to a file: a pipe nobody reads would stall it once full.
    with tempfile.TemporaryFile() as log:
        start = time.monotonic()
        server = subprocess.Popen(  # noqa: S603 - our own command, by path
            command, env=env, stdout=subprocess.DEVNULL, stderr=log
        )
        try:
            answer = first_answer(f"http://127.0.0.1:{port}", deadline=start + timeout)
            if not answer:
                raise RuntimeError("the first answer was empty")
            return time.monotonic() - start
        except TimeoutError as error:
            log.seek(0)
            tail = log.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"no answer in {timeout:.0f} s: {tail}") from error
        finally:
            server.terminate()
            server.wait(timeout=30)


def table(runs: list[float]) -> str:
    """Cold starts as a Markdown table."""
    ordered = sorted(runs)
    return "\n".join(
        [
            "| cold start, command to first answer | runs | best s | median s | worst s |",
            "|---|---:|---:|---:|---:|",
            f"| `supportgraph serve` (embedded default) | {len(runs)} | {ordered[0]:.1f}"
            f" | {ordered[len(ordered) // 2]:.1f} | {ordered[-1]:.1f} |",
        ]
    )
