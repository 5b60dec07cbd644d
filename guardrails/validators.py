"""guardrails-ai validators for injection, abuse and PII, registered under `supportgraph/`."""

from __future__ import annotations

from typing import Any

from guardrails.validators import (
    ErrorSpan,
    FailResult,
    PassResult,
    ValidationResult,
    Validator,
    register_validator,
)

from supportgraph.guardrails.abuse import find_abuse
from supportgraph.guardrails.injection import find_injections
from supportgraph.guardrails.pii import find_pii, redact


class _LocalValidator(Validator):
    """Base of our validators: always local, never routed to remote inference."""

    tag = "guardrail"
    """First tag of every result; span reasons become further tags."""

    def __init__(self, on_fail: Any = None, **kwargs: Any) -> None:
        """Create the validator.

        Args:
            on_fail: A guardrails-ai `OnFailAction` (or its name) or a callable.
            **kwargs: Extra arguments kept by guardrails-ai.
        """
        super().__init__(on_fail=on_fail, use_local=True, **kwargs)

    async def async_validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        """Validate inline: a regex check costs less than the default thread hop."""
        return self.validate(value, metadata)


@register_validator(name="supportgraph/prompt_injection", data_type="string")
class PromptInjection(_LocalValidator):
    """Fails text that tries to override the agent's instructions, role or policy checks."""

    tag = "prompt_injection"

    def _validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        matches = find_injections(str(value))
        if not matches:
            return PassResult()
        rules = sorted({m.rule for m in matches})
        quoted = "; ".join(f"{m.rule}: '{m.snippet[:60]}'" for m in matches[:3])
        return FailResult(
            error_message=f"prompt injection ({', '.join(rules)}): {quoted}",
            error_spans=[ErrorSpan(start=m.start, end=m.end, reason=m.rule) for m in matches],
        )


@register_validator(name="supportgraph/abusive_language", data_type="string")
class AbusiveLanguage(_LocalValidator):
    """Fails text that threatens or insults the agent or the store's staff."""

    tag = "abusive_language"

    def _validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        matches = find_abuse(str(value))
        if not matches:
            return PassResult()
        kinds = sorted({m.kind for m in matches})
        return FailResult(
            # The reason names the kind only: repeating the insult adds nothing to a log.
            error_message=f"abusive language ({', '.join(kinds)})",
            error_spans=[ErrorSpan(start=m.start, end=m.end, reason=m.kind) for m in matches],
        )


@register_validator(name="supportgraph/pii", data_type="string")
class PII(_LocalValidator):
    """Fails text containing emails, card numbers, SSNs, phone numbers or street addresses.

    The fix value is the text with each item replaced by a placeholder such as `[EMAIL]`,
    so `on_fail="fix"` redacts.
    """

    tag = "pii"

    def _validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        text = str(value)
        matches = find_pii(text)
        if not matches:
            return PassResult()
        kinds = sorted({m.kind for m in matches})
        return FailResult(
            error_message=f"personal data found ({', '.join(kinds)})",
            fix_value=redact(text),
            error_spans=[ErrorSpan(start=m.start, end=m.end, reason=m.kind) for m in matches],
        )
