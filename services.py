"""The service container: every port's adapter is chosen here, once, from settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from supportgraph.commerce.factory import build_commerce
from supportgraph.commerce.port import CommercePort
from supportgraph.graph.responders.base import Responder
from supportgraph.nlu.schema import Request, Understanding
from supportgraph.settings import Settings, get_settings

logger = logging.getLogger(__name__)


class Understander(Protocol):
    """Reads intent, entities and sentiment from one customer message."""

    def understand(self, text: str) -> Understanding:
        """Understand one message."""
        ...

    def requests(self, text: str) -> list[Request]:
        """The message's separate requests when it holds several, else an empty list."""
        ...


@dataclass(kw_only=True)
class Services:
    """The adapters behind every port the graph uses."""

    commerce: CommercePort
    knowledge: Any
    """A `supportgraph.knowledge.port.KnowledgeBase`."""
    nlu: Understander
    guardrails: Any
    """A `supportgraph.guardrails.base.Guardrail` run on customer messages."""
    responder: Responder
    rules: Any = None
    """A `supportgraph.api.rules.RuleBook` of admin-edited escalation rules; None for none."""


def build_knowledge(settings: Settings) -> Any:
    """A Chroma server when a URL is set, else a persistent Chroma directory; indexed.

    The index follows the `knowledge_entries` table: the platform database is migrated, the
    shipped documents seed it (an admin's edits and deletions stay), and the live entries are
    indexed; an index that already holds them is left alone.
    """
    from supportgraph.api.db import engine_for, upgrade
    from supportgraph.knowledge.chroma import http_kb, persistent_kb
    from supportgraph.knowledge.documents import load_documents
    from supportgraph.knowledge.entries import seed_entries, sync_index

    kb = (
        http_kb(settings.chroma_url) if settings.chroma_url else persistent_kb(settings.chroma_path)
    )
    upgrade(settings.store_url)
    engine = engine_for(settings)
    try:
        seed_entries(engine, load_documents())
        sync_index(engine, kb)
    finally:
        engine.dispose()
    return kb


def build_rules(settings: Settings) -> Any:
    """The escalation rules stored in the platform database (migrated here if needed)."""
    from supportgraph.api.db import engine_for, upgrade
    from supportgraph.api.rules import RuleBook

    upgrade(settings.store_url)
    return RuleBook(engine_for(settings))


def build_responder(settings: Settings) -> Responder:
    """The LLM responder when a model is configured, else the flow responder."""
    if settings.model:
        from supportgraph.graph.responders.llm import LLMResponder

        return LLMResponder.from_model_name(settings.model)
    from supportgraph.graph.responders.flow import FlowResponder

    return FlowResponder()


def build_services(
    settings: Settings | None = None, *, commerce: CommercePort | None = None
) -> Services:
    """Build every adapter for these settings (defaults: the environment).

    Args:
        settings: Deployment settings.
        commerce: An already built commerce adapter to share, e.g. the server's.
    """
    from supportgraph.guardrails.adapters import default_input_guardrails
    from supportgraph.nlu.pipeline import NLU

    settings = settings or get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    logger.info("building services in %s", settings.data_dir)
    return Services(
        commerce=commerce or build_commerce(settings),
        knowledge=build_knowledge(settings),
        nlu=NLU.load(settings.models_dir),
        guardrails=default_input_guardrails(),
        responder=build_responder(settings),
        rules=build_rules(settings),
    )
