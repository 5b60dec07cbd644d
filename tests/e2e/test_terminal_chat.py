"""`supportgraph chat` holds a conversation on the terminal with the same graph."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from supportgraph.tests.e2e.conftest import REPO, server_env


def test_that_the_terminal_chat_verifies_and_answers(tmp_path: Path, models_dir: Path) -> None:
    lines = "hello\nwhere is my order #W6247578?\nyusuf.rossi7301@example.com\nquit\n"
    done = subprocess.run(
        [sys.executable, "-P", "-m", "supportgraph.cli", "chat", "--thread", "term-1"],
        input=lines.encode(),
        env=server_env(tmp_path, models_dir),
        cwd=REPO,
        capture_output=True,
        timeout=300,
        check=True,
    )
    out = done.stdout.decode()
    replies = re.findall(r"agent> (.*)", out)
    assert len(replies) == 3, out
    assert "verify your identity" in replies[1]
    assert "#W6247578 is pending" in replies[2]
