"""OpenTelemetry tracing, opt-in: spans go out over OTLP/HTTP only when an endpoint is set.

The tracer provider is the service's own, not the process-wide one, so libraries that also
use OpenTelemetry (the vector store, for one) never send their spans through it. Span
attributes carry no customer text: a hashed conversation id, the intent, the node, the
outcome.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from opentelemetry.trace import Tracer

from supportgraph.settings import Settings

SERVICE_NAME = "supportgraph"
"""`service.name` of the spans unless `OTEL_SERVICE_NAME` says otherwise."""


@dataclass(frozen=True)
class Tracing:
    """A tracer and the provider that exports its spans."""

    tracer: Tracer
    provider: object
    """The SDK `TracerProvider`; `shutdown()` flushes what is still buffered."""

    def shutdown(self) -> None:
        """Flush and stop the exporter."""
        shutdown = getattr(self.provider, "shutdown", None)
        if shutdown is not None:
            shutdown()


def build_tracing(settings: Settings) -> Tracing | None:
    """An OTLP/HTTP tracer when `OTEL_EXPORTER_OTLP_ENDPOINT` is set; None (no tracing) else.

    The exporter reads the standard `OTEL_EXPORTER_OTLP_*` variables itself (headers,
    timeout, a traces-only endpoint); the resource reads `OTEL_SERVICE_NAME` and
    `OTEL_RESOURCE_ATTRIBUTES`.
    """
    if not settings.otlp_endpoint:
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": SERVICE_NAME}
    provider = TracerProvider(resource=Resource.create(attributes))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return Tracing(tracer=provider.get_tracer(SERVICE_NAME), provider=provider)


def conversation_hash(thread_id: str) -> str:
    """A stable, non-reversible tag of a conversation id, to group a conversation's spans."""
    return hashlib.sha256(f"supportgraph:{thread_id}".encode()).hexdigest()[:16]
