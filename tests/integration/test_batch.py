"""The email channel: batches of tickets answered in process and on two arq workers."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from supportgraph.api.batch import MAX_BODY_CHARS, Ticket
from supportgraph.api.db import platform_engine, upgrade
from supportgraph.cli import main
from supportgraph.commerce.store import Store
from supportgraph.settings import SHIPPED_DATA_DIR, Settings
from supportgraph.tests.fakes import TEST_KEYRING, TEST_KEYS_ENV
from supportgraph.tests.postgres import REDIS_URL, postgres_schema, redis_or_skip

OUTCOMES = ("resolved", "awaiting_customer", "needs_human", "failed")
STATUS = (
    ("Order status", "Hi, could you tell me the status of order {order}? Thanks, {first}"),
    ("Where is my order?", "Where is my order {order}?"),
    ("Shipping", "Has {order} shipped yet?"),
    ("Still waiting", "I'm still waiting on {order}. What is going on with it?"),
    ("", "Can you check on order {order} for me please"),
)
CANCEL = (
    ("Cancel my order", "Please cancel order {order}, I ordered it by mistake."),
    ("Cancellation", "I no longer need {order}, cancel it please."),
    ("Cancel", "I'd like to cancel {order}."),
)
RETURNS = (
    ("Returns", "How do I return an item I received?"),
    ("Return policy", "What is your return policy for delivered orders?"),
    ("Exchange", "Can I exchange an item for a different color?"),
    ("Refund", "How long does a refund take after I send something back?"),
)
POLICY = (
    ("Payment", "What payment methods do you accept?"),
    ("Shipping costs", "How much does shipping cost?"),
    ("Gift cards", "Do you sell gift cards?"),
    ("Address", "Can I change the shipping address of an order?"),
)
HUMAN = (
    ("Human please", "I want to talk to a human agent."),
    ("Complaint", "Please connect me with a real person, I am fed up with this."),
    ("Representative", "Get me a representative, not a bot."),
)
MALFORMED = (
    "this is not json",
    json.dumps({"ticket_id": "bad-cc", "from": "a@example.com", "body": "hi", "cc": "b@x.org"}),
    json.dumps({"ticket_id": "bad-from", "from": "not an address", "body": "hi"}),
    json.dumps({"ticket_id": "bad-body", "from": "a@example.com", "subject": "no body"}),
    json.dumps({"ticket_id": "bad-long", "from": "a@example.com", "body": "x" * 4001}),
)


def retail() -> tuple[dict[str, Any], dict[str, Any]]:
    users = json.loads((SHIPPED_DATA_DIR / "retail" / "users.json").read_text())
    orders = json.loads((SHIPPED_DATA_DIR / "retail" / "orders.json").read_text())
    return users, orders


def generate_tickets(count: int, *, seed: int = 7, bad: tuple[str, ...] = MALFORMED) -> list[str]:
    """`count` valid tickets from the store's real customers, then the malformed lines mixed in.

    Most tickets are about one of the sender's own orders: its status, cancelling it
    (a pending one waits for the customer's yes, another can't be cancelled), returns and
    policy questions, a few ask for a human, and a few come from addresses the store does
    not know.
    """
    rng = random.Random(seed)
    users, orders = retail()
    people = sorted((uid, user) for uid, user in users.items() if user["orders"])
    kinds = ["status"] * 6 + ["cancel"] * 4 + ["return"] * 3 + ["policy"] * 3 + ["human"] * 2
    kinds += ["stranger"] * 2
    lines: list[str] = []
    for number in range(count):
        user_id, user = rng.choice(people)
        order_id = rng.choice(user["orders"])
        pending = [o for o in user["orders"] if orders[o]["status"] == "pending"]
        kind = kinds[number % len(kinds)]
        sender = user["email"]
        if kind == "status":
            subject, body = rng.choice(STATUS)
        elif kind == "cancel":
            subject, body = rng.choice(CANCEL)
            order_id = rng.choice(pending) if pending and rng.random() < 0.7 else order_id
        elif kind == "return":
            subject, body = rng.choice(RETURNS)
        elif kind == "policy":
            subject, body = rng.choice(POLICY)
        elif kind == "human":
            subject, body = rng.choice(HUMAN)
        else:
            subject, body = rng.choice(STATUS)
            sender = f"someone.{number}@unknown-shop-customer.org"
        ticket = {
            "ticket_id": f"T-{number:04d}",
            "from": sender,
            "subject": subject,
            "body": body.format(order=order_id, first=user["name"]["first_name"]),
        }
        lines.append(json.dumps(ticket))
    for index, line in enumerate(bad):
        lines.insert(7 + index * (count // len(bad)), line)
    return lines


def write_tickets(path: Path, lines: list[str]) -> set[int]:
    """Write the lines; return the numbers of the malformed ones."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {number for number, line in enumerate(lines, start=1) if line in MALFORMED}


def data_dir_for(path: Path) -> Path:
    """A data folder using the built intent model, and a copy of the built index if any."""
    built = Settings()
    path.mkdir(parents=True, exist_ok=True)
    if built.chroma_path.exists():
        shutil.copytree(built.chroma_path, path / "chroma")
    return path


def environment(data_dir: Path, **settings: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SUPPORTGRAPH_") or key.startswith("SUPPORTGRAPH_TEST_")
    }
    env.update(
        PYTHONSAFEPATH="1",
        HF_HUB_OFFLINE="1",
        SUPPORTGRAPH_DATA_DIR=str(data_dir),
        SUPPORTGRAPH_MODELS_DIR=str(Settings().models_dir.resolve()),
        SUPPORTGRAPH_ENCRYPTION_KEYS=TEST_KEYS_ENV,  # every process reads what the others sealed
    )
    env.update({f"SUPPORTGRAPH_{key.upper()}": value for key, value in settings.items()})
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "supportgraph.cli", *args]


def check_counts(report: dict[str, Any], lines: int, malformed: set[int]) -> None:
    """Every line is in exactly one outcome, and the malformed ones failed with their line."""
    assert report["total"] == lines == sum(report[o] for o in OUTCOMES)
    assert sorted(t["line"] for t in report["tickets"]) == list(range(1, lines + 1))
    failures = {f["line"]: f["error"] for f in report["failures"]}
    assert set(failures) == malformed, failures
    assert all(error.startswith(f"line {line}: ") for line, error in failures.items())


def email_conversations(store_url: str) -> list[tuple[str, str, int]]:
    engine = platform_engine(store_url, keyring=TEST_KEYRING)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT c.id, c.status, count(m.id) FROM conversations c "
                    "JOIN messages m ON m.conversation_id = c.id "
                    "WHERE c.channel = 'email' GROUP BY c.id, c.status"
                )
            )
            return [(row[0], row[1], int(row[2])) for row in rows]
    finally:
        engine.dispose()


# -- in process ---------------------------------------------------------------------------


def test_that_a_small_batch_is_answered_in_process_and_adds_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = generate_tickets(20, seed=3, bad=MALFORMED[:2])
    tickets = tmp_path / "tickets.jsonl"
    malformed = write_tickets(tickets, lines)
    assert len(malformed) == 2
    for key, value in environment(data_dir_for(tmp_path / "data")).items():
        monkeypatch.setenv(key, value)
    for key in ("SUPPORTGRAPH_DATABASE_URL", "SUPPORTGRAPH_REDIS_URL", "SUPPORTGRAPH_QUEUE_URL"):
        monkeypatch.delenv(key, raising=False)

    code = main(["batch", str(tickets), "--concurrency", "3", "--no-progress"])

    assert code == 0
    report = json.loads(tickets.with_suffix(".report.json").read_text())
    check_counts(report, 22, malformed)
    assert report["mode"] == "in-process" and report["resolved"] > 0
    assert list(report["workers"]) == [f"{socket.gethostname()}:{os.getpid()}"]
    table = capsys.readouterr().out
    assert "total" in table and "unknown field 'cc'" in table
    replies = [
        json.loads(r) for r in tickets.with_suffix(".replies.jsonl").read_text().split("\n")[:-1]
    ]
    assert len(replies) == 20
    sent = {
        t["ticket_id"]: t
        for t in map(json.loads, (lines[i - 1] for i in range(1, 23) if i not in malformed))
    }
    for reply in replies:
        assert reply["to"] == sent[reply["ticket_id"]]["from"]
        assert reply["subject"].startswith("Re: ") and reply["body"]
    stored = email_conversations(Settings(data_dir=tmp_path / "data").store_url)
    assert {cid for cid, _, _ in stored} == {r["conversation_id"] for r in replies}
    assert all(messages == 2 for _, _, messages in stored)
    escalated = {r["conversation_id"] for r in replies if r["outcome"] == "needs_human"}
    assert escalated == {cid for cid, status, _ in stored if status == "ESCALATED"}


def test_that_the_graph_reads_the_sender_as_a_customer_giving_their_address() -> None:
    ticket = Ticket.model_validate(
        {"ticket_id": "T-1", "from": "ann@example.com", "subject": "Order", "body": "Where is it?"}
    )
    assert ticket.message() == "Order\n\nWhere is it?\n\nMy email is ann@example.com."
    assert ticket.reply_subject() == "Re: Order"
    assert MAX_BODY_CHARS == 4000


# -- clear errors -------------------------------------------------------------------------


def test_that_a_missing_file_is_reported_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["batch", str(tmp_path / "nowhere.jsonl"), "--in-process"]) == 2
    assert "tickets file not found" in capsys.readouterr().err


def test_that_an_unreachable_queue_says_what_to_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = tmp_path / "tickets.jsonl"
    write_tickets(tickets, generate_tickets(2))
    closed = "redis://127.0.0.1:1/0"

    assert main(["batch", str(tickets), "--queue", closed, "--no-progress"]) == 2
    error = capsys.readouterr().err
    assert "cannot reach the task queue at redis://127.0.0.1:1/0" in error
    assert "Start Redis" in error and "supportgraph worker --queue" in error
    assert main(["worker", "--queue", closed]) == 2
    assert "Start Redis" in capsys.readouterr().err
    assert main(["batch", str(tickets), "--queue", "http://127.0.0.1:6379"]) == 2
    assert "not a Redis URL" in capsys.readouterr().err
    assert not tickets.with_suffix(".report.json").exists()


# -- on the queue, two workers ------------------------------------------------------------


@pytest.fixture
def shared_store() -> Iterator[str]:
    """A throw-away Postgres schema holding the seeded store, platform tables and checkpoints."""
    with postgres_schema("sg_batch_test", why="two workers share one store") as url:
        # Set up once, so the two workers' start-ups find everything in place.
        store = Store(url, keyring=TEST_KEYRING)
        store.seed_if_empty()
        store.dispose()
        upgrade(url)
        from langgraph.checkpoint.postgres import PostgresSaver

        with PostgresSaver.from_conn_string(url) as saver:
            saver.setup()
        yield url


def wait_until_ready(worker: subprocess.Popen[bytes], log: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise AssertionError(f"worker exited ({worker.returncode}):\n{log.read_text()[-3000:]}")
        if "batch worker" in log.read_text() and " ready" in log.read_text():
            return
        time.sleep(0.5)
    raise AssertionError(f"worker not ready in time:\n{log.read_text()[-3000:]}")


def clean_queue(queue_name: str, batch_id: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = [queue_name, f"{queue_name}:health-check"]
        keys += list(client.scan_iter(match=f"arq:*{batch_id}:*", count=1000))
        client.delete(*keys)
    finally:
        client.close()


def test_that_two_workers_answer_a_batch_of_200_on_the_queue(
    tmp_path: Path, shared_store: str
) -> None:
    queue_url = redis_or_skip()
    queue_name = f"sg-test-batch-{uuid.uuid4().hex[:8]}"
    batch_id = f"test-{uuid.uuid4().hex[:8]}"
    lines = generate_tickets(200)
    tickets = tmp_path / "tickets.jsonl"
    malformed = write_tickets(tickets, lines)
    shared = {"database_url": shared_store, "redis_url": queue_url}
    workers: list[subprocess.Popen[bytes]] = []
    logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
    try:
        for n, log in enumerate(logs):
            env = environment(data_dir_for(tmp_path / f"worker-{n}"), **shared)
            args = ("worker", "--queue", queue_url, "--queue-name", queue_name)
            with log.open("wb") as out:
                workers.append(
                    subprocess.Popen(
                        command(*args, "--concurrency", "2"), env=env, stdout=out, stderr=out
                    )
                )
        deadline = time.monotonic() + 300
        for worker, log in zip(workers, logs, strict=True):
            wait_until_ready(worker, log, deadline)

        env = environment(tmp_path / "client")
        batch = command(
            "batch", str(tickets), "--queue", queue_url, "--queue-name", queue_name,
            "--batch-id", batch_id,
        )  # fmt: skip
        run = subprocess.run(batch, env=env, capture_output=True, timeout=600, check=False)
        assert run.returncode == 0, run.stderr.decode()[-3000:]
        assert b"answering" in run.stderr  # the progress bar
        report = json.loads(tickets.with_suffix(".report.json").read_text())
        check_counts(report, len(lines), malformed)
        assert report["mode"] == f"queue {queue_name}"
        assert all(report[outcome] > 0 for outcome in OUTCOMES), report
        pids = {int(key.rsplit(":", 1)[1]): n for key, n in report["workers"].items()}
        assert set(pids) == {w.pid for w in workers} and all(n > 0 for n in pids.values())
        assert sum(pids.values()) == 200
        assert b"total" in run.stdout

        stored = email_conversations(shared_store)
        answered = {t["conversation_id"] for t in report["tickets"] if t["outcome"] != "failed"}
        assert len(stored) == 200 and {cid for cid, _, _ in stored} == answered
        needs_human = {
            t["conversation_id"] for t in report["tickets"] if t["outcome"] == "needs_human"
        }
        assert needs_human == {cid for cid, status, _ in stored if status == "ESCALATED"}
        replies = tickets.with_suffix(".replies.jsonl").read_text().splitlines()
        assert len(replies) == 200

        again = subprocess.run(batch, env=env, capture_output=True, timeout=600, check=False)
        assert again.returncode == 0, again.stderr.decode()[-3000:]
        repeated = json.loads(tickets.with_suffix(".report.json").read_text())
        assert repeated["tickets"] == report["tickets"]
        assert len(email_conversations(shared_store)) == 200
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        clean_queue(queue_name, batch_id)
