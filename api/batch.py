"""The email channel: a file of tickets answered by the support graph, one conversation each.

Every ticket becomes an anonymous conversation on the `email` channel, run through the same
`ConversationService` as chat: its messages are stored, the graph verifies the sender exactly
as it verifies a chat customer who gives that address, and an escalation joins the human
queue. A batch runs in this process with bounded concurrency, or on arq workers
(`supportgraph.api.worker`), and ends in a report whose counts add up to the lines read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from supportgraph.guardrails.pii import redact
from supportgraph.settings import Settings

logger = logging.getLogger(__name__)

CHANNEL = "email"
MAX_BODY_CHARS = 4000
"""The longest body accepted: the API's cap on one customer message."""
EMAIL_PATTERN = r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"


class BatchError(Exception):
    """The batch cannot run at all (a missing file, an unreachable queue)."""


class Ticket(BaseModel):
    """One email: who sent it, its subject and its body."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)
    ticket_id: str = Field(min_length=1, max_length=128, pattern=r"^[^\s]+$")
    sender: str = Field(alias="from", max_length=254, pattern=EMAIL_PATTERN)
    subject: str = Field(default="", max_length=200)
    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS)

    def message(self) -> str:
        """What the graph reads: subject, body, and the sender's address as a customer gives it."""
        parts = (self.subject, self.body, f"My email is {self.sender}.")
        return "\n\n".join(part for part in parts if part)

    def reply_subject(self) -> str:
        """`Re: <subject>`, without doubling an existing `Re:`."""
        if self.subject.lower().startswith("re:"):
            return self.subject
        return f"Re: {self.subject}" if self.subject else "Re: your message"


class Outcome(StrEnum):
    """Where a ticket stands after the agent's answer."""

    RESOLVED = "resolved"
    """Answered: nothing waits on the customer or on a human."""
    AWAITING_CUSTOMER = "awaiting_customer"
    """The answer asks the customer something, or a change waits for their yes."""
    NEEDS_HUMAN = "needs_human"
    """Handed to the human queue."""
    FAILED = "failed"
    """Not answered: a malformed line or an error, given in `error`."""


@dataclass(frozen=True)
class TicketResult:
    """What became of one line of the tickets file."""

    line: int
    ticket_id: str | None
    outcome: Outcome
    conversation_id: str | None = None
    reply: str = ""
    error: str = ""
    host: str = ""
    pid: int | None = None
    ticket: Ticket | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain values (a job's result): everything but the ticket itself."""
        return {
            "line": self.line,
            "ticket_id": self.ticket_id,
            "outcome": str(self.outcome),
            "conversation_id": self.conversation_id,
            "reply": self.reply,
            "error": self.error,
            "host": self.host,
            "pid": self.pid,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], ticket: Ticket | None = None) -> TicketResult:
        """Rebuild a result from `as_dict` output."""
        return cls(**{**data, "outcome": Outcome(data["outcome"]), "ticket": ticket})


def read_tickets(path: Path) -> list[TicketResult | tuple[int, Ticket]]:
    """Read a JSONL tickets file: a ticket per valid line, a failed result per malformed one.

    Blank lines are skipped. A ticket id seen before on an earlier line fails the later line.

    Args:
        path: The tickets file.

    Raises:
        BatchError: The file does not exist or cannot be read.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BatchError(f"tickets file not found: {path}") from None
    except OSError as failure:
        raise BatchError(f"cannot read the tickets file {path}: {failure.strerror}") from None
    lines: list[TicketResult | tuple[int, Ticket]] = []
    seen: dict[str, int] = {}
    for number, data in enumerate(raw.splitlines(), start=1):
        if not data.strip():
            continue
        ticket, problem = _parse(data)
        if ticket is not None and ticket.ticket_id in seen:
            first = seen[ticket.ticket_id]
            problem = f"duplicate ticket_id {ticket.ticket_id!r} (first on line {first})"
        if ticket is None or problem:
            tid = ticket.ticket_id if ticket else _loose_id(data)
            reason = f"line {number}: {problem}"
            lines.append(TicketResult(number, tid, Outcome.FAILED, error=reason))
            continue
        seen[ticket.ticket_id] = number
        lines.append((number, ticket))
    return lines


def _parse(data: bytes) -> tuple[Ticket | None, str]:
    try:
        value = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    except json.JSONDecodeError as error:
        return None, f"not valid JSON ({error.msg} at column {error.colno})"
    if not isinstance(value, dict):
        return None, "not a JSON object"
    try:
        return Ticket.model_validate(value), ""
    except ValidationError as error:
        return None, "; ".join(_problem(e) for e in error.errors())


def _problem(error: Any) -> str:
    field = ".".join(str(part) for part in error["loc"]) or "ticket"
    if error["type"] == "extra_forbidden":
        return f"unknown field {field!r}"
    if error["type"] == "missing":
        return f"missing field {field!r}"
    if field == "from" and error["type"] == "string_pattern_mismatch":
        return "'from' is not an email address"
    return f"{field}: {error['msg']}"


def _loose_id(data: bytes) -> str | None:
    """The ticket id of a line that failed validation, when one can still be read."""
    try:
        value = json.loads(data)
    except ValueError:
        return None
    tid = value.get("ticket_id") if isinstance(value, dict) else None
    return tid if isinstance(tid, str) and tid else None


def batch_id_of(path: Path) -> str:
    """A batch id from the file's content: the same file is the same batch."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@dataclass(frozen=True)
class BatchReport:
    """Every line of a batch, each in exactly one outcome."""

    batch_id: str
    mode: str
    """`in-process`, or `queue <name>`."""
    results: list[TicketResult]
    """One per line read, in file order."""

    def counts(self) -> dict[str, int]:
        """`total` and the number of lines in each outcome."""
        seen = Counter(result.outcome for result in self.results)
        return {"total": len(self.results), **{str(o): seen[o] for o in Outcome}}

    def workers(self) -> dict[str, int]:
        """Tickets answered by each process, keyed `host:pid`."""
        return dict(Counter(f"{r.host}:{r.pid}" for r in self.results if r.pid is not None))

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON values: counts, failures with their reasons, and every ticket."""
        return {
            "batch_id": self.batch_id,
            "mode": self.mode,
            **self.counts(),
            "workers": self.workers(),
            # A failure's reason may quote the ticket; the report is for operators, not PII.
            "failures": [
                {"line": r.line, "ticket_id": r.ticket_id, "error": redact(r.error)}
                for r in self.results
                if r.outcome is Outcome.FAILED
            ],
            "tickets": [
                {
                    "line": r.line,
                    "ticket_id": r.ticket_id,
                    "outcome": str(r.outcome),
                    "conversation_id": r.conversation_id,
                    "worker": f"{r.host}:{r.pid}" if r.pid is not None else None,
                }
                for r in self.results
            ],
        }

    def table(self) -> str:
        """The counts as a small text table, then each failure's reason."""
        counts = self.counts()
        rows = [(str(o), counts[str(o)]) for o in Outcome] + [("total", counts["total"])]
        lines = [f"batch {self.batch_id} ({self.mode})", f"{'outcome':<20}{'tickets':>8}"]
        lines += [f"{name:<20}{count:>8}" for name, count in rows]
        workers = self.workers()
        if len(workers) > 1:
            lines += [f"answered by {len(workers)} workers: " + ", ".join(sorted(workers))]
        failures = [r for r in self.results if r.outcome is Outcome.FAILED]
        lines += ["failed:"] + [f"  {redact(r.error)}" for r in failures] if failures else []
        return "\n".join(lines)

    def write(self, path: Path) -> None:
        """Write the report as JSON."""
        path.write_text(json.dumps(self.as_dict(), indent=2) + "\n", encoding="utf-8")

    def write_replies(self, path: Path) -> int:
        """Write one reply line per ticket read (failed ones with an empty body).

        Returns:
            The number of lines written.
        """
        written = 0
        with path.open("w", encoding="utf-8") as out:
            for r in self.results:
                if r.ticket is None:
                    continue
                reply = {
                    "ticket_id": r.ticket_id,
                    "to": r.ticket.sender,
                    "subject": r.ticket.reply_subject(),
                    "body": r.reply,
                    "outcome": str(r.outcome),
                    "conversation_id": r.conversation_id,
                }
                if r.error:
                    reply["error"] = r.error
                out.write(json.dumps(reply, ensure_ascii=False) + "\n")
                written += 1
        return written


async def run_batch(
    path: Path,
    *,
    settings: Settings,
    queue_url: str = "",
    queue_name: str = "",
    concurrency: int = 4,
    batch_id: str = "",
    services: Any = None,
    progress: bool = True,
) -> BatchReport:
    """Answer every ticket of a JSONL file, here or on the task queue.

    Args:
        path: The tickets file.
        settings: Deployment settings (used in process; workers read their own).
        queue_url: Redis URL of the arq queue; empty answers in this process.
        queue_name: The arq queue; `supportgraph.api.worker.DEFAULT_QUEUE_NAME` when empty.
        concurrency: Tickets answered at once in process.
        batch_id: Names the batch's jobs; derived from the file's content when empty, so
            enqueueing the same file again reuses the answers already given.
        services: Prebuilt adapters for the in-process run.
        progress: Show a progress bar on stderr.

    Raises:
        BatchError: The file is missing or the queue unreachable.
    """
    from supportgraph.api import worker

    lines = read_tickets(path)
    rejected = [line for line in lines if isinstance(line, TicketResult)]
    tickets = [line for line in lines if not isinstance(line, TicketResult)]
    batch_id = batch_id or batch_id_of(path)
    if not tickets:
        return BatchReport(batch_id, "nothing to answer", rejected)
    if queue_url:
        name = queue_name or worker.DEFAULT_QUEUE_NAME
        pool = await worker.connect(queue_url)
        try:
            with _progress(len(tickets), progress) as bar:
                answered = await worker.run_on_queue(
                    pool, tickets, queue_name=name, batch_id=batch_id, done=lambda _: bar.update()
                )
        finally:
            await pool.aclose()
        mode = f"queue {name}"
    else:
        async with worker.open_service(settings, services=services) as service:
            with _progress(len(tickets), progress) as bar:
                answered = await worker.run_in_process(
                    tickets, service, concurrency=concurrency, done=lambda _: bar.update()
                )
        mode = "in-process"
    results = sorted(rejected + answered, key=lambda result: result.line)
    return BatchReport(batch_id, mode, results)


def _progress(total: int, shown: bool) -> Any:
    """A progress bar of answered tickets on stderr."""
    from tqdm import tqdm

    return tqdm(total=total, unit="ticket", desc="answering", file=sys.stderr, disable=not shown)
