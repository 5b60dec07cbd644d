"""Switch off every guardrails-ai channel that could send data off the host.

guardrails-ai enables "anonymous metrics" unless `~/.guardrailsrc` says otherwise:
each `Guard()` re-reads that file and, with the default `enable_metrics=True`,
turns on a hub-telemetry singleton whose OpenTelemetry exporter posts spans to a
remote collector. It also traces validator inputs into any OpenTelemetry provider
the application sets up, may route hub validators to remote inference, and may
call a Guardrails server. This module closes all four, in code, before any Guard
exists, whatever the rc file on the machine says.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path

# With the repository root on sys.path, `import guardrails` would load this folder again
# instead of guardrails-ai and fail with a confusing circular import; say what is wrong.
_found = importlib.util.find_spec("guardrails")
if _found is None or Path(_found.origin or "").resolve().parent == Path(__file__).resolve().parent:
    raise ImportError(  # pragma: no cover - depends on how Python was started.
        "`import guardrails` resolves to supportgraph's guardrails/ folder, not guardrails-ai; "
        "keep the repository root off sys.path (PYTHONSAFEPATH=1 or `python -P`)."
    )

# guardrails-ai imports jsonschema, which imports rfc3987-syntax (when installed) only to check
# the "iri" and "iri-reference" string formats. That import builds some thirty Earley parsers,
# seconds of every start, and no schema here uses those formats: marked absent, the module is
# skipped and jsonschema leaves the two formats unchecked.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from guardrails.classes.rc import RC  # noqa: E402
from guardrails.settings import settings  # noqa: E402
from guardrails.utils.hub_telemetry_utils import HubTelemetry  # noqa: E402

_PATCHED = "_supportgraph_no_metrics"


class _InertHubTelemetry(HubTelemetry):
    """A hub-telemetry singleton with no tracer, no exporter, and no way to be enabled."""

    def __new__(cls, *args: object, **kwargs: object) -> _InertHubTelemetry:
        # HubTelemetry.__new__ would build a tracer with a remote exporter; skip it.
        return object.__new__(cls)

    def __init__(self, *args: object, **kwargs: object) -> None:
        # Python re-runs __init__ whenever HubTelemetry() hands back this instance.
        self._carrier: dict[str, str] = {}
        self._tracer = None
        self._tracer_provider = None
        self._processor = None
        self._prop = None

    @property  # type: ignore[override]
    def _enabled(self) -> bool:
        return False

    @_enabled.setter
    def _enabled(self, value: bool) -> None:
        # Guard.configure() and Runner assign this on every call; the assignment is ignored.
        pass

    def create_new_span(self, span_name: str, attributes: list) -> None:
        """Do nothing: spans are never created."""


def _patch_rc_load() -> None:
    """Make every `RC.load()` report metrics and remote inference as off."""
    original = RC.__dict__["load"].__func__
    if getattr(original, _PATCHED, False):
        return

    def load(cls: type[RC], logger: logging.Logger | None = None) -> RC:
        rc = original(cls, logger)
        rc.enable_metrics = False
        rc.use_remote_inferencing = False
        return rc

    load.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(load, _PATCHED, True)
    RC.load = classmethod(load)  # type: ignore[method-assign, assignment]


def disable_telemetry() -> None:
    """Turn off guardrails-ai metrics, tracing, remote inference and server calls.

    Idempotent. It is called when `supportgraph.guardrails` is imported, so any
    code that builds guards through this package is covered.

    What it does:
        - wraps `RC.load` so every read of `~/.guardrailsrc` (including the one each
          `Guard()` does) reports `enable_metrics=False, use_remote_inferencing=False`;
        - replaces the `HubTelemetry` singleton with one that has no exporter and
          cannot be enabled, shutting down an existing exporter if one was started;
        - sets `settings.disable_tracing`, so validator inputs never reach an
          application-level OpenTelemetry provider;
        - sets `settings.use_server = False` and leaves watch mode (a local call log) off.
    """
    _patch_rc_load()
    settings.rc = RC.load()

    current = HubTelemetry._instance
    if not isinstance(current, _InertHubTelemetry):
        if current is not None and current._tracer_provider is not None:
            current._tracer_provider.shutdown()
        HubTelemetry._instance = _InertHubTelemetry()

    settings.disable_tracing = True
    settings.use_server = False
    settings._watch_mode_enabled = False


def telemetry_disabled() -> bool:
    """Return True if every guardrails-ai telemetry channel is currently off."""
    hub = HubTelemetry()
    return (
        settings.rc.enable_metrics is False
        and settings.rc.use_remote_inferencing is False
        and settings.disable_tracing is True
        and not settings.use_server
        and not settings.watch_mode_enabled
        and hub._enabled is False
        and hub._tracer is None
        and hub._processor is None
    )
