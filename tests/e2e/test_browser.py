"""The screens in a real browser: Playwright drives Chromium against a real server.

The journeys themselves are in web/e2e/*.spec.ts; this starts the server they run against (one
process, SQLite, the built screens) and fails with Playwright's own report. `make test` builds
the screens and installs Chromium first, and requires these tests; elsewhere they are skipped
when Node.js, the build or the browser is missing, with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from supportgraph.tests.e2e.conftest import REPO, free_port, server_env, start, stop

WEB = REPO / "web"
SCREENSHOTS = Path(os.environ.get("SUPPORTGRAPH_SCREENSHOTS") or REPO / "build" / "screenshots")
"""Where the screenshots go; `make screenshots` points it at docs/screenshots for the README."""
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
RUN_TIMEOUT = 900


def _missing() -> str | None:
    if shutil.which("npx") is None:
        return "Node.js (npx) is not installed"
    if not (WEB / "dist" / "index.html").is_file():
        return "the screens are not built (make web)"
    if not (WEB / "node_modules" / "@playwright" / "test").is_dir():
        return "the web dependencies are not installed (make web)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[str]:
    reason = _missing()
    if reason:
        if os.environ.get("SUPPORTGRAPH_BROWSER_TESTS") == "required":
            pytest.fail(f"browser tests required, but {reason}")
        pytest.skip(reason)
    data_dir = tmp_path_factory.mktemp("browser")
    port = free_port()
    env = server_env(data_dir, models_dir, PORT=str(port))
    command = [sys.executable, "-P", "-m", "supportgraph.cli", "serve"]
    url = f"http://127.0.0.1:{port}"
    process = start(command, env, f"{url}/health", data_dir / "server.log")
    yield url
    stop(process)


def test_the_screens_in_chromium(server: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "SUPPORTGRAPH_URL": server,
        "CHROMIUM": CHROMIUM,
        "SCREENSHOTS": str(SCREENSHOTS),
    }
    run = subprocess.run(
        ["npx", "playwright", "test"],
        cwd=WEB,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )
    report = run.stdout[-12000:] + run.stderr[-4000:]
    assert run.returncode == 0, report
    assert " passed" in run.stdout and " failed" not in run.stdout, report
