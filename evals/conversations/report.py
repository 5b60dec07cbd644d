"""Results of scripted conversations: one per conversation, and the suite's pass rates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ConversationResult:
    """How one scripted conversation went.

    `success` is upstream's reward: the store ends in the expected state and every `must_say`
    string was said.
    """

    task_id: str
    success: bool
    hash_ok: bool
    said_ok: bool
    turns: int
    """Customer turns played; fewer than scripted when the agent escalated."""
    transcript: list[dict[str, Any]]
    escalated: bool
    latency: list[float]
    """Seconds per customer turn."""
    flows: list[str] = field(default_factory=list)
    error: str = ""
    """The exception that stopped the conversation, if any."""
    store_hash: str = ""
    """The store's state hash when the conversation ended."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass
class FlowStat:
    """Passes out of conversations that include one flow."""

    passed: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        """Pass rate, 0 when empty."""
        return self.passed / self.total if self.total else 0.0


@dataclass
class SuiteReport:
    """Pass rates of a run of conversations, overall and per flow, with the failures."""

    results: list[ConversationResult]
    seconds: float = 0.0

    @property
    def pass_rate(self) -> float:
        """Share of conversations that succeeded."""
        return sum(r.success for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def per_flow(self) -> dict[str, FlowStat]:
        """Pass counts per flow; a conversation with several flows counts under each."""
        stats: dict[str, FlowStat] = defaultdict(FlowStat)
        for result in self.results:
            for flow in result.flows:
                stats[flow].total += 1
                stats[flow].passed += result.success
        return dict(sorted(stats.items()))

    @property
    def failures(self) -> list[ConversationResult]:
        """Conversations that did not succeed."""
        return [r for r in self.results if not r.success]

    def table(self) -> str:
        """A Markdown table: pass rate per flow, then overall, with mean turn latency."""
        lines = ["| flow | passed | total | pass rate |", "|---|---:|---:|---:|"]
        for flow, stat in self.per_flow.items():
            lines.append(f"| {flow} | {stat.passed} | {stat.total} | {stat.rate:.1%} |")
        passed = sum(r.success for r in self.results)
        lines.append(
            f"| **all** | **{passed}** | **{len(self.results)}** | **{self.pass_rate:.1%}** |"
        )
        latencies = [t for r in self.results for t in r.latency]
        if latencies:
            mean = sum(latencies) / len(latencies)
            lines.append(
                f"\nMean turn latency {mean * 1000:.0f} ms over {len(latencies)} turns; "
                f"{self.seconds:.0f} s in all."
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with every result."""
        return {
            "pass_rate": self.pass_rate,
            "per_flow": {
                f: {"passed": s.passed, "total": s.total, "rate": s.rate}
                for f, s in self.per_flow.items()
            },
            "failures": [r.task_id for r in self.failures],
            "seconds": self.seconds,
            "results": [r.to_dict() for r in self.results],
        }
