"""The guardrail port: an async check that flags text, says why, and may redact it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol, runtime_checkable

from supportgraph.guardrails.pii import redact

logger = logging.getLogger("supportgraph.guardrails")

REFUSE: Final = "refuse"
"""Tag asking the safety router to refuse the turn."""
ESCALATE: Final = "escalate"
"""Tag asking the safety router to hand the conversation to a human."""


@dataclass(frozen=True, slots=True)
class GuardrailResult:
    """Outcome of one guardrail check.

    Attributes:
        flagged: True if the text should not go through as is.
        reason: Why it fired, for logs and the UI; empty when not flagged.
        tags: Machine-readable labels, e.g. `("prompt_injection", "role_tag", "refuse")`.
        redacted: A cleaned version of the text, when the guardrail can produce one.
    """

    flagged: bool
    reason: str = ""
    tags: tuple[str, ...] = ()
    redacted: str | None = None

    @classmethod
    def passed(cls) -> GuardrailResult:
        """Return the result of a check that found nothing."""
        return cls(flagged=False)


@runtime_checkable
class Guardrail(Protocol):
    """Anything that can check a piece of text."""

    name: str

    async def check(self, text: str, context: dict[str, Any]) -> GuardrailResult:
        """Check `text`.

        Args:
            text: A customer message, a draft reply or tool data.
            context: Turn information such as the conversation id or the checked role.
        """
        ...


class NoGuardrail:
    """A guardrail that never fires, for tests and for turning checks off."""

    name = "none"

    async def check(self, text: str, context: dict[str, Any]) -> GuardrailResult:
        """Let everything through."""
        return GuardrailResult.passed()


class GuardrailSet:
    """Runs several guardrails concurrently and merges their results into one."""

    def __init__(self, guardrails: Sequence[Guardrail], name: str = "set") -> None:
        """Create the set.

        Args:
            guardrails: Checks to run. If more than one redacts, the first redaction wins.
            name: Name used in logs.
        """
        self.guardrails = tuple(guardrails)
        self.name = name

    async def check(self, text: str, context: dict[str, Any]) -> GuardrailResult:
        """Run every guardrail and merge: flagged if any fired, reasons and tags combined.

        A guardrail that raises counts as fired with the `guardrail_error` and
        `escalate` tags, so a broken check hands the turn to a human instead of
        silently letting it through.
        """
        outcomes = await asyncio.gather(
            *(g.check(text, context) for g in self.guardrails), return_exceptions=True
        )
        fired: list[tuple[str, GuardrailResult]] = []
        redacted: str | None = None
        for guardrail, outcome in zip(self.guardrails, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                if not isinstance(outcome, Exception):
                    raise outcome
                logger.error("guardrail %s failed: %s", guardrail.name, redact(repr(outcome)))
                outcome = GuardrailResult(
                    flagged=True,
                    reason=f"{guardrail.name} failed to run",
                    tags=("guardrail_error", ESCALATE),
                )
            if redacted is None and outcome.redacted is not None:
                redacted = outcome.redacted
            if outcome.flagged:
                fired.append((guardrail.name, outcome))
                logger.info(
                    "guardrail %s fired: %s [tags: %s]",
                    guardrail.name,
                    redact(outcome.reason),
                    ", ".join(outcome.tags),
                    extra={"guardrail": guardrail.name, "guardrail_tags": outcome.tags},
                )
        if not fired:
            return GuardrailResult(flagged=False, redacted=redacted)
        tags: list[str] = []
        for _, outcome in fired:
            tags += [t for t in outcome.tags if t not in tags]
        return GuardrailResult(
            flagged=True,
            reason="; ".join(f"{name}: {outcome.reason}" for name, outcome in fired),
            tags=tuple(tags),
            redacted=redacted,
        )
