"""Run guardrails-ai validators behind the guardrail port, and the default input checks."""

from __future__ import annotations

from typing import Any, Literal

from guardrails import AsyncGuard
from guardrails.errors import ValidationError
from guardrails.validators import Validator

from supportgraph.guardrails.base import ESCALATE, REFUSE, GuardrailResult, GuardrailSet
from supportgraph.guardrails.telemetry import disable_telemetry
from supportgraph.guardrails.validators import AbusiveLanguage, PromptInjection

Action = Literal["refuse", "escalate", "redact", "flag"]


class GuardrailsAIGuardrail:
    """A guardrail that runs one guardrails-ai validator in an `AsyncGuard`.

    The validator should be built with guardrails-ai `on_fail="noop"` (detect only)
    or `on_fail="fix"` (its fix becomes `GuardrailResult.redacted`). A validator left
    on guardrails-ai's default, which raises, still works but loses its span reasons.
    """

    def __init__(self, validator: Validator, *, on_fail: Action = REFUSE, name: str = "") -> None:
        """Wrap a validator.

        Args:
            validator: A guardrails-ai validator instance.
            on_fail: What the agent should do when it fails; added as the last tag.
            name: Name in logs; defaults to the validator's registered name.
        """
        disable_telemetry()
        self.validator = validator
        self.on_fail = on_fail
        self.name = name or validator.rail_alias.split("/")[-1]
        # One history entry only: past calls hold raw customer text in memory.
        self._guard = AsyncGuard(name=f"supportgraph-{self.name}", history_max_length=1)
        self._guard.configure(allow_metrics_collection=False)
        self._guard.use(validator)

    async def check(self, text: str, context: dict[str, Any]) -> GuardrailResult:
        """Validate `text` and map the guardrails-ai outcome to a `GuardrailResult`."""
        base_tag = getattr(self.validator, "tag", self.name)
        try:
            outcome = await self._guard.validate(text)
        except ValidationError as error:
            return GuardrailResult(True, str(error), (base_tag, self.on_fail))
        failures = [s for s in outcome.validation_summaries or [] if s.validator_status == "fail"]
        if not failures:
            return GuardrailResult.passed()
        tags = [base_tag]
        for summary in failures:
            spans = summary.error_spans or []
            tags += [s.reason for s in spans if s.reason and s.reason not in tags]
        tags.append(self.on_fail)
        fixed = outcome.validated_output
        return GuardrailResult(
            flagged=True,
            reason="; ".join(s.failure_reason or "validation failed" for s in failures),
            tags=tuple(tags),
            redacted=fixed if isinstance(fixed, str) and fixed != text else None,
        )


def default_input_guardrails() -> GuardrailSet:
    """Return the checks run on every customer message.

    Prompt injection is tagged `refuse`; abusive language is tagged `escalate`, so the
    customer is handed to a human rather than refused. PII is not checked here: customers
    must share their email or zip code to be verified.
    """
    return GuardrailSet(
        [
            GuardrailsAIGuardrail(PromptInjection(on_fail="noop"), on_fail=REFUSE),
            GuardrailsAIGuardrail(AbusiveLanguage(on_fail="noop"), on_fail=ESCALATE),
        ],
        name="input",
    )
