"""End-to-end fixtures: real server processes on loopback with a trained intent model."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("SUPPORTGRAPH_TEST_CACHE", REPO / ".data" / "test-cache"))
START_TIMEOUT = 300.0


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """The product intent model, trained once and cached between runs."""
    from supportgraph.nlu.train import ensure_intent_model

    path = CACHE / "models"
    ensure_intent_model(path)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(data_dir: Path, models_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "SUPPORTGRAPH_DATA_DIR": str(data_dir),
        "SUPPORTGRAPH_MODELS_DIR": str(models_dir),
        "PYTHONSAFEPATH": "1",
        "HF_HUB_OFFLINE": "1",
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
        "LANGSMITH_TRACING": "false",
        **extra,
    }
    for key in ("SUPPORTGRAPH_DATABASE_URL", "SUPPORTGRAPH_MODEL", "SUPPORTGRAPH_COMMERCE_URL"):
        env.pop(key, None)
    return env


def wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    process.kill()
    raise AssertionError(f"server not up after {START_TIMEOUT}s:\n{log.read_text()[-3000:]}")


def start(
    command: list[str], env: dict[str, str], health: str, log: Path
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    wait_until_up(process, health, log)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[dict[str, str]]:
    """`supportgraph serve` on a free port with an empty data directory."""
    data_dir = tmp_path_factory.mktemp("served")
    port = free_port()
    env = server_env(data_dir, models_dir, PORT=str(port))
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-P", "-m", "supportgraph.cli", "serve"]
    process = start(command, env, f"{base}/health", data_dir / "server.log")
    yield {"url": base, "data_dir": str(data_dir)}
    stop(process)
