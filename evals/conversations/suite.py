"""The conversations suite: scripted (or simulated) customers against a fresh store each.

Success is τ-bench's: the store ends with the expected hash and every required string was
said. With several repetitions per example the summary reports pass^k for every k up to
their number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel

from supportgraph.evals.conversations import DATASET_PATH, load_examples
from supportgraph.evals.conversations.blind import blind_ids
from supportgraph.evals.conversations.runner import run_conversation
from supportgraph.evals.conversations.sample import stratified_sample
from supportgraph.evals.conversations.services import FreshStoreServices, SharedServices
from supportgraph.evals.conversations.voice import InstructionCustomer
from supportgraph.evals.judge import judge_evaluators
from supportgraph.evals.policy.violations import violation_evaluators
from supportgraph.evals.simulate import build_user_model, instruction_for, simulate_conversation
from supportgraph.evals.suite import (
    Evaluator,
    Row,
    Summary,
    Target,
    markdown_table,
    mean,
    pass_hat_k,
    percentile,
)
from supportgraph.evals.usage import Usage, usage_report
from supportgraph.settings import Settings


def _replies(outputs: dict[str, Any]) -> list[str]:
    return [
        line["text"].lower().replace(",", "")
        for line in outputs.get("transcript", [])
        if line.get("role") == "agent"
    ]


def store_matches(outputs: dict[str, Any], reference_outputs: dict[str, Any]) -> dict[str, Any]:
    """The store ends exactly as the gold actions leave it."""
    ok = outputs.get("store_hash") == reference_outputs["store_hash"]
    return {"key": "store_hash", "score": ok, "comment": "" if ok else "store differs"}


def communicated(outputs: dict[str, Any], reference_outputs: dict[str, Any]) -> dict[str, Any]:
    """Every required string appears in some agent reply (case-insensitive, commas removed)."""
    replies = _replies(outputs)
    required = reference_outputs.get("must_say") or []
    missing = [s for s in required if not any(s.lower() in r for r in replies)]
    return {"key": "communicated", "score": not missing, "comment": ", ".join(missing)}


def success(outputs: dict[str, Any], reference_outputs: dict[str, Any]) -> dict[str, Any]:
    """τ-bench's reward: the store matches, everything required was said, nothing crashed."""
    ok = (
        store_matches(outputs, reference_outputs)["score"]
        and communicated(outputs, reference_outputs)["score"]
        and not outputs.get("error")
    )
    return {"key": "success", "score": bool(ok), "comment": outputs.get("error", "")}


def escalated(outputs: dict[str, Any]) -> dict[str, Any]:
    """Whether the conversation was handed to a human."""
    return {"key": "escalated", "score": bool(outputs.get("escalated"))}


class ConversationSuite:
    """Customer conversations from τ-bench train/dev tasks, each on a fresh store.

    The customer is scripted (the example's turns) or, with `simulate`, a chat model playing
    the task's instruction as τ-bench does; then the refusal examples, which have no task,
    are left out.

    Args:
        settings: Where the models and index live, and which responder to use.
        sample: Run the stratified 64-conversation sample instead of all.
        limit: Run at most this many (after sampling), for quick checks.
        simulate: Let the configured user model play the customer.
        judges: Add the LLM-as-judge evaluators when a judge model is configured.
        services: Services factory to use instead of the deployment's.
        user_model: The customer model to use instead of the configured one.
        extra_evaluators: More evaluators.
        voice: `instructions` or `blind`: the task's own instruction plays the customer
            (`voice.InstructionCustomer`), on the development tasks or on the blind split.
            The blind suite is sealed: its report holds totals, never a row.
    """

    description = "Customer conversations from τ-bench retail train/dev tasks."

    def __init__(
        self,
        settings: Settings,
        *,
        sample: bool = False,
        limit: int | None = None,
        simulate: bool = False,
        judges: bool = False,
        services: FreshStoreServices | None = None,
        user_model: BaseChatModel | None = None,
        extra_evaluators: Sequence[Evaluator] = (),
        voice: str | None = None,
    ) -> None:
        if voice not in (None, "instructions", "blind"):
            raise ValueError(f"unknown voice {voice!r}: use 'instructions' or 'blind'")
        self.name = "conversations-sample" if sample else "conversations"
        if voice:
            self.name = f"conversations-{voice}"
            self.description = (
                "τ-bench train/dev tasks voiced by their own instructions"
                if voice == "instructions"
                else "the blind split of train tasks, voiced by their instructions; totals only"
            )
        self.voice = voice
        self.sealed = voice == "blind"
        self.settings = settings
        self.sample = sample
        self.limit = limit
        self.simulate = simulate
        self._shared = SharedServices(settings, services)
        self._user_model = user_model
        self._extra = [*violation_evaluators(), *extra_evaluators]
        self.notes: list[str] = []
        if judges:
            found, skipped = judge_evaluators(settings)
            self._extra += found
            self.notes += [skipped] if skipped else []

    @property
    def services(self) -> FreshStoreServices:
        """The shared NLU, index and responder, with a fresh store per call; built on first use."""
        return self._shared.get()

    def examples(self) -> list[dict[str, Any]]:
        """The dataset, sampled and limited as asked."""
        rows = load_examples(DATASET_PATH)
        if self.sample:
            rows = stratified_sample(rows)
        if self.simulate or self.voice:
            rows = [r for r in rows if instruction_for(r)]
        if self.voice:
            blind = blind_ids(r["inputs"]["task_id"] for r in rows)
            keep = self.voice == "blind"
            rows = [r for r in rows if (r["inputs"]["task_id"] in blind) == keep]
        return rows[: self.limit] if self.limit else rows

    def target(self) -> Target:
        """Play one conversation; return the store hash, transcript, latency, usage."""
        factory, settings = self.services, self.settings
        user_model = self._user_model or (build_user_model(settings) if self.simulate else None)
        if self.simulate and user_model is None:
            raise ValueError("simulated customers need a model: set SUPPORTGRAPH_USER_MODEL")

        async def converse(inputs: dict[str, Any]) -> dict[str, Any]:
            example = {"inputs": inputs, "outputs": {"store_hash": "", "must_say": []}}
            if self.voice:
                customer = InstructionCustomer(instruction_for(example) or "")
                result: Any = await simulate_conversation(
                    example, factory, customer, tool_text=None
                )
            elif user_model is not None:
                result = await simulate_conversation(example, factory, user_model, tool_text=None)
            else:
                result = await run_conversation(example, factory, tool_text=None)
            outputs = {
                "store_hash": result.store_hash,
                "transcript": result.transcript,
                "turns": result.turns,
                "latency": result.latency,
                "escalated": result.escalated,
                "error": result.error,
            }
            for key in ("ended", "customer_lines", "evidence"):
                if hasattr(result, key):
                    outputs[key] = getattr(result, key)
            if settings.model:
                used = _usage(getattr(result, "agent_usage", {}))
                outputs["usage"] = usage_report(used, settings.model, settings)
            if hasattr(result, "user_usage"):
                spec = settings.user_model or settings.model
                outputs["user_usage"] = usage_report(_usage(result.user_usage), spec, settings)
            return outputs

        return converse

    def evaluators(self) -> list[Evaluator]:
        """Success and its parts, escalation, and any extra evaluators."""
        return [success, store_matches, communicated, escalated, *self._extra]

    def summarize(self, rows: Sequence[Row]) -> Summary:
        """pass^k, escalation rate, violations, latency, tokens and a table per flow."""
        summary = summarize_conversations(self.name, rows)
        summary.notes += self.notes
        return summary

    def close(self) -> None:
        """Remove the per-conversation stores, unless the services were handed in."""
        self._shared.close()


def summarize_conversations(suite: str, rows: Sequence[Row]) -> Summary:
    """Metrics and a per-flow table for any suite scored with `success`.

    Args:
        suite: The suite's name.
        rows: Scored rows, possibly several repetitions per example.
    """
    by_example: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_example[row.example["id"]].append(row)
    trials = min(len(v) for v in by_example.values()) if by_example else 0
    wins = [sum(bool(r.scores.get("success")) for r in v[:trials]) for v in by_example.values()]
    latency = [t for r in rows for t in r.outputs.get("latency") or []]
    metrics: dict[str, Any] = {
        "examples": len(by_example),
        "repetitions": trials,
        **{f"pass^{k}": pass_hat_k(wins, trials, k) for k in range(1, trials + 1)},
        "escalation_rate": mean([r.scores.get("escalated") for r in rows]),
        "errors": sum(bool(r.outputs.get("error")) for r in rows),
        "turn_latency_p50_ms": _ms(percentile(latency, 50)),
        "turn_latency_p95_ms": _ms(percentile(latency, 95)),
        "violations": sum(
            1 for r in rows for k, v in r.scores.items() if k.startswith("no_") and v is False
        ),
    }
    for key in ("helpfulness", "groundedness"):
        judged = mean([r.scores.get(key) for r in rows])
        if judged is not None:
            metrics[key] = judged
    usage = [r.outputs["usage"] for r in rows if "usage" in r.outputs]
    if usage:
        metrics["tokens_per_conversation"] = mean([u["total_tokens"] for u in usage])
        costs = [u["cost_usd"] for u in usage if isinstance(u["cost_usd"], float)]
        metrics["cost_per_conversation_usd"] = mean(costs) if costs else "unknown price"
    flows: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        for flow in row.example.get("metadata", {}).get("flows") or ["(none)"]:
            flows[flow].append(bool(row.scores.get("success")))
    table = [[flow, sum(v), len(v), f"{sum(v) / len(v):.1%}"] for flow, v in sorted(flows.items())]
    passed = sum(bool(r.scores.get("success")) for r in rows)
    table.append(["**all**", passed, len(rows), f"{passed / max(len(rows), 1):.1%}"])
    text = markdown_table(["flow", "passed", "runs", "pass rate"], table)
    text += "\n" + ", ".join(_fmt(k, v) for k, v in metrics.items()) + "\n"
    return Summary(suite, metrics, text)


def _usage(counts: dict[str, int]) -> Usage:
    return Usage(**{k: v for k, v in counts.items() if k != "total_tokens"})


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def _fmt(key: str, value: Any) -> str:
    if isinstance(value, float) and (key.startswith("pass") or key.endswith("rate")):
        return f"{key} {value:.1%}"
    return f"{key} {value}"
