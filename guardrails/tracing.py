"""LangSmith tracing that never sends customer PII: every traced value is redacted first."""

from __future__ import annotations

from typing import Any

from supportgraph.guardrails.pii import redact


def redact_payload(data: Any) -> Any:
    """Return `data` with every string in it redacted, at any depth.

    The client hands this the JSON form of a run's inputs, outputs, metadata or error, so
    messages arrive as nested dicts and lists; keys are kept, values are cleaned.

    Args:
        data: A JSON-like value.
    """
    if isinstance(data, str):
        return redact(data)
    if isinstance(data, dict):
        return {key: redact_payload(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact_payload(value) for value in data]
    return data


def tracing_enabled() -> bool:
    """True when LangSmith tracing is on (`LANGSMITH_TRACING` or `LANGCHAIN_TRACING_V2`)."""
    from langsmith.utils import tracing_is_enabled

    return bool(tracing_is_enabled())


def redacting_client(**kwargs: Any) -> Any:
    """A LangSmith client that redacts a run's inputs, outputs, metadata and error.

    The anonymizer, unlike `hide_inputs`/`hide_outputs`, also covers the error text (a
    traceback may quote the customer) and the metadata, and receives a JSON copy, so the
    live graph state is never changed.

    Args:
        kwargs: Further `langsmith.Client` arguments (API URL, key); the environment's
            otherwise.
    """
    from langsmith import Client

    return Client(anonymizer=redact_payload, **kwargs)


def configure_tracing() -> Any:
    """Make the redacting client the one every LangChain and LangGraph run is traced with.

    Does nothing when tracing is off. When it is on, the client becomes LangSmith's global
    one, which `LangChainTracer` and `@traceable` use unless told otherwise; calling this
    again reuses the client it built the first time.

    Returns:
        The client in use, or None when tracing is off.
    """
    if not tracing_enabled():
        return None
    from langsmith import run_trees

    if "client" not in _INSTALLED:
        _INSTALLED["client"] = redacting_client()
    run_trees.configure(client=_INSTALLED["client"])
    return _INSTALLED["client"]


_INSTALLED: dict[str, Any] = {}
"""The redacting client, built once per process."""
