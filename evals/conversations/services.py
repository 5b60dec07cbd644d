"""Services for conversation evals: heavy adapters built once, a fresh store per conversation."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from supportgraph.commerce.local import InProcessCommerce
from supportgraph.evals.conversations.replay import discard_store, fresh_store, seed_template
from supportgraph.services import Services
from supportgraph.settings import Settings, get_settings

logger = logging.getLogger(__name__)


class FreshStoreServices:
    """Calling it gives `Services` over a private copy of the seeded store.

    The NLU, knowledge base, guardrails and responder take seconds to a minute to load, so they
    are shared; the store is what a conversation changes, so each one gets its own.

    Args:
        nlu: The understander.
        knowledge: The knowledge base.
        guardrails: The input guardrail.
        responder: The responder.
        scratch: Folder for the template and the per-conversation copies; a temporary one
            (removed by `close`) when omitted.
    """

    def __init__(
        self,
        *,
        nlu: Any,
        knowledge: Any,
        guardrails: Any,
        responder: Any,
        scratch: Path | str | None = None,
    ) -> None:
        self._tmp = None if scratch else tempfile.TemporaryDirectory(prefix="sg-conversations-")
        self.scratch = Path(scratch or self._tmp.name)  # type: ignore[union-attr]
        self.template = seed_template(self.scratch / "template.db")
        self.shared = {
            "nlu": nlu,
            "knowledge": knowledge,
            "guardrails": guardrails,
            "responder": responder,
        }

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, *, responder: Any = None
    ) -> FreshStoreServices:
        """The deployment's NLU, knowledge base and guardrails, and its responder by default.

        Args:
            settings: Where models and the index live (default: the environment).
            responder: A responder to use instead of the configured one.
        """
        from supportgraph.guardrails.adapters import default_input_guardrails
        from supportgraph.nlu.pipeline import NLU
        from supportgraph.services import build_knowledge, build_responder

        settings = settings or get_settings()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        logger.info("loading NLU, knowledge base and guardrails from %s", settings.data_dir)
        return cls(
            nlu=NLU.load(settings.models_dir),
            knowledge=build_knowledge(settings),
            guardrails=default_input_guardrails(),
            responder=responder or build_responder(settings),
        )

    def __call__(self) -> Services:
        """Services whose commerce adapter owns a fresh store (`services.commerce.store`)."""
        store = fresh_store(self.template, self.scratch)
        return Services(commerce=InProcessCommerce(store), **self.shared)

    @staticmethod
    def release(services: Services) -> None:
        """Delete the conversation's store copy."""
        store = getattr(services.commerce, "store", None)
        if store is not None:
            discard_store(store)

    def close(self) -> None:
        """Remove the scratch folder if this object made it."""
        if self._tmp is not None:
            self._tmp.cleanup()


class SharedServices:
    """The services of a conversation suite: handed in, or built from settings on first use.

    Args:
        settings: Where the models and index live.
        services: Services to use instead; the caller then owns them and closes them.
    """

    def __init__(self, settings: Settings, services: FreshStoreServices | None = None) -> None:
        self.settings = settings
        self._services = services
        self._owned = services is None

    def get(self) -> FreshStoreServices:
        """The services, built on the first call."""
        if self._services is None:
            self._services = FreshStoreServices.from_settings(self.settings)
        return self._services

    def close(self) -> None:
        """Remove the per-conversation stores, if these services were built here."""
        if self._owned and self._services is not None:
            self._services.close()
