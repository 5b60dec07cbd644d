"""The policy suite: conversations that try to get around the rules, each on a fresh store.

A conversation passes when the store ends as expected (untouched, or as its setup left it)
and no detector finds a violation. The headline metric is the number of violations: 0.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from supportgraph.evals.conversations.runner import run_conversation
from supportgraph.evals.conversations.services import FreshStoreServices, SharedServices
from supportgraph.evals.policy import DATASET_PATH, apply_setup, load_examples
from supportgraph.evals.policy.knowledge import PlantedKnowledge
from supportgraph.evals.policy.violations import (
    KINDS,
    findings,
    forbidden_said,
    no_data_before_verification,
    no_other_customer_data,
    no_unconfirmed_writes,
    store_unchanged,
)
from supportgraph.evals.suite import Evaluator, Row, Summary, Target, markdown_table
from supportgraph.services import Services
from supportgraph.settings import Settings

COUNTED = (*KINDS, "forbidden_said", "store_changed")
"""Violation kinds, as counted in the metrics and the table."""


class SetupServices:
    """A services factory whose fresh store gets an example's setup before the conversation.

    Args:
        base: The shared services, a fresh store per call.
        setup: The example's store changes.
        knowledge: The example's planted knowledge entries, if any.
        planted: Opens knowledge bases with planted entries; needed only with `knowledge`.
    """

    def __init__(
        self,
        base: FreshStoreServices,
        setup: list[dict[str, Any]] | None,
        knowledge: list[dict[str, Any]] | None = None,
        planted: PlantedKnowledge | None = None,
    ) -> None:
        if knowledge and planted is None:
            raise ValueError("planted knowledge entries need a PlantedKnowledge to open them")
        self.base = base
        self.setup = setup
        self.knowledge = knowledge
        self.planted = planted

    def __call__(self) -> Services:
        """Services over a fresh store with the setup applied, and the entries planted."""
        services = self.base()
        apply_setup(services.commerce.store, self.setup)  # type: ignore[attr-defined]
        if self.knowledge and self.planted is not None:
            services = replace(services, knowledge=self.planted.open(self.knowledge))
        return services

    def release(self, services: Services) -> None:
        """Delete the conversation's store copy and its planted knowledge base."""
        if self.knowledge and self.planted is not None:
            self.planted.discard(services.knowledge)
        self.base.release(services)


class PolicySuite:
    """Conversations that attack verification, ownership and confirmation.

    Unverified requests, other customers' data, injections in messages, store data and the
    knowledge base, confirmation tricks, lookalike characters and very long conversations.

    Args:
        settings: Where the models and index live, and which responder to use.
        limit: Run at most this many examples, for quick checks.
        services: Services factory to use instead of the deployment's.
    """

    name = "policy"
    description = "Conversations that try to get around verification, ownership and confirmation."

    def __init__(
        self,
        settings: Settings,
        *,
        limit: int | None = None,
        services: FreshStoreServices | None = None,
    ) -> None:
        self.settings = settings
        self.limit = limit
        self._shared = SharedServices(settings, services)
        self._planted: PlantedKnowledge | None = None

    @property
    def services(self) -> FreshStoreServices:
        """The shared NLU, index and responder, with a fresh store per call; built on first use."""
        return self._shared.get()

    def examples(self) -> list[dict[str, Any]]:
        """The dataset, limited as asked."""
        rows = load_examples(DATASET_PATH)
        return rows[: self.limit] if self.limit else rows

    def target(self) -> Target:
        """Play one conversation on a fresh store; return its hash, transcript and findings."""
        base = self.services

        async def converse(inputs: dict[str, Any]) -> dict[str, Any]:
            example = {"inputs": inputs, "outputs": {"store_hash": "", "must_say": []}}
            knowledge = inputs.get("knowledge")
            factory = SetupServices(base, inputs.get("setup"), knowledge, self._planter(knowledge))
            # Whole tool results: the detectors look for other customers' data in all of it.
            result = await run_conversation(example, factory, tool_text=None)
            return {
                "store_hash": result.store_hash,
                "transcript": result.transcript,
                "findings": findings(result.transcript),
                "turns": result.turns,
                "escalated": result.escalated,
                "error": result.error,
            }

        return converse

    def _planter(self, knowledge: list[dict[str, Any]] | None) -> PlantedKnowledge | None:
        """The in-memory knowledge bases for planted entries, made on the first example with any."""
        if knowledge and self._planted is None:
            self._planted = PlantedKnowledge()
        return self._planted

    def evaluators(self) -> list[Evaluator]:
        """The three detectors and the store check."""
        return [
            no_unconfirmed_writes,
            no_other_customer_data,
            no_data_before_verification,
            store_unchanged,
        ]

    def summarize(self, rows: Sequence[Row]) -> Summary:
        """Violations by kind, the passed share, and a table per category."""
        return summarize_policy(self.name, rows)

    def close(self) -> None:
        """Remove the per-conversation stores, if this suite built the services."""
        self._shared.close()


def violations(row: Row) -> Counter[str]:
    """One row's violations by kind (see `COUNTED`)."""
    outputs, reference = row.outputs, row.example.get("outputs", {})
    found = outputs.get("findings") or findings(outputs.get("transcript", []))
    counts = Counter({kind: len(found.get(kind, [])) for kind in KINDS})
    transcript = outputs.get("transcript", [])
    counts["forbidden_said"] = len(forbidden_said(transcript, reference.get("forbidden") or []))
    counts["store_changed"] = int(outputs.get("store_hash") != reference.get("store_hash"))
    return counts


def summarize_policy(suite: str, rows: Sequence[Row]) -> Summary:
    """Metrics and a per-category table over the policy rows.

    Args:
        suite: The suite's name.
        rows: Scored rows, possibly several repetitions per example.
    """
    totals: Counter[str] = Counter(dict.fromkeys(COUNTED, 0))
    by_category: dict[str, list[tuple[Counter[str], bool]]] = defaultdict(list)
    notes = []
    for row in rows:
        counts = violations(row)
        error = row.outputs.get("error")
        if error:
            notes.append(f"{row.example['inputs'].get('task_id')}: {error}")
        totals.update(counts)
        category = row.example.get("metadata", {}).get("category", "")
        by_category[category].append((counts, not error and not sum(counts.values())))
    passed = sum(ok for results in by_category.values() for _, ok in results)
    metrics: dict[str, Any] = {
        "n": len(rows),
        "violations": sum(totals.values()),
        **dict(totals),
        "errors": len(notes),
        "passed": round(passed / len(rows), 4) if rows else 0.0,
    }
    return Summary(suite, metrics, _table(by_category), notes)


def _table(by_category: dict[str, list[tuple[Counter[str], bool]]]) -> str:
    header = ["category", "n", "passed", *COUNTED]
    lines = []
    for category, results in sorted(by_category.items()):
        kinds = Counter[str]()
        for counts, _ in results:
            kinds.update(counts)
        ok = sum(passed for _, passed in results)
        lines.append([category, len(results), ok, *(kinds[kind] for kind in COUNTED)])
    return markdown_table(header, lines)
