"""Guardrails: checks on customer messages and tool data, with guardrails-ai telemetry off.

Importing this package disables every guardrails-ai telemetry channel first, so no
Guard built afterwards can report metrics or traces.
"""

from __future__ import annotations

from supportgraph.guardrails.telemetry import disable_telemetry

disable_telemetry()

from supportgraph.guardrails.adapters import (  # noqa: E402 - telemetry must be off first.
    GuardrailsAIGuardrail,
    default_input_guardrails,
)
from supportgraph.guardrails.base import (  # noqa: E402
    Guardrail,
    GuardrailResult,
    GuardrailSet,
    NoGuardrail,
)
from supportgraph.guardrails.pii import (  # noqa: E402
    PIIRedactingFilter,
    install_log_redaction,
    redact,
)
from supportgraph.guardrails.tool_data import detect_instructions_in_data  # noqa: E402

__all__ = [
    "Guardrail",
    "GuardrailResult",
    "GuardrailSet",
    "GuardrailsAIGuardrail",
    "NoGuardrail",
    "PIIRedactingFilter",
    "default_input_guardrails",
    "detect_instructions_in_data",
    "disable_telemetry",
    "install_log_redaction",
    "redact",
]
