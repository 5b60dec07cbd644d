"""Escalation rules: JSON conditions an admin edits, evaluated in priority order on every turn.

A rule is a condition on what the latest customer turn showed (its text, intent, confidence and
sentiment, and the thread's run of failures and negative messages) and an action: hand the
conversation to the human queue with a priority and, optionally, the specialization a human needs.
Rules are evaluated lowest `priority` first; the first whose condition holds decides. The graph's
own handoffs (the customer asking, repeated failures, strong negative sentiment, a guardrail)
always stand; rules add handoffs and set how the queue treats them.

Conditions, as stored JSON:

    {"kind": "sentiment_below", "threshold": -0.5}
    {"kind": "intent", "intents": ["return_order", "exchange_order"]}
    {"kind": "keyword", "keywords": ["lawyer", "chargeback"]}   # whole words, any case
    {"kind": "repeated_failure", "at_least": 2}
    {"kind": "negative_turns", "at_least": 2}
    {"kind": "customer_request"}                                # asked for a person
    {"kind": "confidence_below", "threshold": 0.3}
    {"kind": "all", "conditions": [...]}  {"kind": "any", "conditions": [...]}
    {"kind": "not", "condition": {...}}
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from supportgraph.api.tables import EscalationRule, Priority, utcnow

logger = logging.getLogger(__name__)

RELOAD_SECONDS = 2.0
"""How stale a process's copy of the rules may get; an edit reaches every process within it."""
MAX_DEPTH = 4
"""Nesting depth of all/any/not conditions."""


@dataclass(frozen=True, slots=True)
class TurnFacts:
    """What one customer turn showed, as the rules see it."""

    text: str
    intent: str = ""
    confidence: float = 0.0
    sentiment: float = 0.0
    failures: int = 0
    negative_turns: int = 0

    @property
    def requested(self) -> bool:
        """The customer asked for a person."""
        return self.intent == "human_agent"


class _Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SentimentBelow(_Condition):
    """The latest message's sentiment is below the threshold (in [-1, 1])."""

    kind: Literal["sentiment_below"]
    threshold: float = Field(ge=-1.0, le=1.0)

    def holds(self, facts: TurnFacts) -> bool:
        """Whether it holds for these facts."""
        return facts.sentiment < self.threshold


class IntentIs(_Condition):
    """The latest message's intent is one of these."""

    kind: Literal["intent"]
    intents: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=50
    )

    def holds(self, facts: TurnFacts) -> bool:
        """Whether it holds for these facts."""
        return facts.intent in self.intents


class Keyword(_Condition):
    """The latest message holds one of these words or phrases (whole words, any case)."""

    kind: Literal["keyword"]
    keywords: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(
        min_length=1, max_length=100
    )

    @field_validator("keywords")
    @classmethod
    def _not_blank(cls, keywords: list[str]) -> list[str]:
        cleaned = [" ".join(k.split()) for k in keywords]
        if not all(cleaned):
            raise ValueError("a keyword cannot be blank")
        return cleaned

    def holds(self, facts: TurnFacts) -> bool:
        """Whether it holds for these facts."""
        return _keyword_pattern(tuple(self.keywords)).search(facts.text) is not None


class RepeatedFailure(_Condition):
    """At least this many failed tool calls or misunderstood turns in a row."""

    kind: Literal["repeated_failure"]
    at_least: int = Field(ge=1, le=100)

    def holds(self, facts: TurnFacts) -> bool:
        """Whether it holds for these facts."""
        return facts.failures >= self.at_least


class NegativeTurns(_Condition):
    """At least this many strongly negative customer messages in a row."""

    kind: Literal["negative_turns"]
    at_least: int = Field(ge=1, le=100)

    def holds(self, facts: TurnFacts) -> bool:
        """Whether it holds for these facts."""
        return facts.negative_turns >= self.at_least


class CustomerRequest(_Condition):
    """The customer asked for a person."""

    kind: Literal["customer_request"]

    def holds(self, facts: TurnFacts) -> bool:
        """Whether it holds for these facts."""
        return facts.requested


class ConfidenceBelow(_Condition):
    """The intent classifier's confidence in the latest message is below the threshold."""

    kind: Literal["confidence_below"]
    threshold: float = Field(ge=0.0, le=1.0)

    def holds(self, facts: TurnFacts) -> bool:
        """Whether it holds for these facts."""
        return facts.confidence < self.threshold


class AllOf(_Condition):
    """Every one of these conditions holds."""

    kind: Literal["all"]
    conditions: list[Condition] = Field(min_length=1, max_length=20)

    def holds(self, facts: TurnFacts) -> bool:
        """Whether it holds for these facts."""
        return all(c.holds(facts) for c in self.conditions)


class AnyOf(_Condition):
    """At least one of these conditions holds."""

    kind: Literal["any"]
    conditions: list[Condition] = Field(min_length=1, max_length=20)

    def holds(self, facts: TurnFacts) -> bool:
        """Whether it holds for these facts."""
        return any(c.holds(facts) for c in self.conditions)


class Not(_Condition):
    """This condition does not hold."""

    kind: Literal["not"]
    condition: Condition

    def holds(self, facts: TurnFacts) -> bool:
        """Whether it holds for these facts."""
        return not self.condition.holds(facts)


Condition = Annotated[
    SentimentBelow
    | IntentIs
    | Keyword
    | RepeatedFailure
    | NegativeTurns
    | CustomerRequest
    | ConfidenceBelow
    | AllOf
    | AnyOf
    | Not,
    Field(discriminator="kind"),
]
for _model in (AllOf, AnyOf, Not):
    _model.model_rebuild()
CONDITION = TypeAdapter(Condition)
CONDITION_KINDS = (
    "sentiment_below",
    "intent",
    "keyword",
    "repeated_failure",
    "negative_turns",
    "customer_request",
    "confidence_below",
    "all",
    "any",
    "not",
)


class RuleAction(BaseModel):
    """What a rule does when its condition holds: queue the conversation like this."""

    model_config = ConfigDict(extra="forbid")
    priority: Priority = Priority.MEDIUM
    specialization: str | None = Field(
        default=None, max_length=64, pattern=r"^[a-z0-9_\-]+$", description="e.g. `billing`"
    )


def parse_condition(raw: Any) -> Any:
    """Validate a stored or submitted condition; raises `ValueError` saying what is wrong."""
    condition = CONDITION.validate_python(raw)
    if _depth(condition) > MAX_DEPTH:
        raise ValueError(f"conditions nest at most {MAX_DEPTH} levels deep")
    return condition


def _depth(condition: Any) -> int:
    if isinstance(condition, AllOf | AnyOf):
        return 1 + max(_depth(c) for c in condition.conditions)
    if isinstance(condition, Not):
        return 1 + _depth(condition.condition)
    return 0


_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    pattern = _PATTERNS.get(keywords)
    if pattern is None:
        words = sorted((re.escape(k).replace(r"\ ", r"\s+") for k in keywords), key=len)
        pattern = re.compile(rf"(?<!\w)(?:{'|'.join(reversed(words))})(?!\w)", re.I)
        _PATTERNS[keywords] = pattern
    return pattern


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """The rule that decided a turn, and what it asks of the queue."""

    rule_id: str
    name: str
    priority: str
    specialization: str | None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy, as the graph state keeps it."""
        return {
            "rule_id": self.rule_id,
            "name": self.name,
            "priority": self.priority,
            "specialization": self.specialization,
        }


@dataclass(frozen=True, slots=True)
class _Compiled:
    row_id: str
    name: str
    condition: Any
    action: RuleAction


def first_match(rules: list[_Compiled], facts: TurnFacts) -> RuleMatch | None:
    """The first rule, in evaluation order, whose condition holds."""
    for rule in rules:
        if rule.condition.holds(facts):
            return RuleMatch(
                rule.row_id, rule.name, str(rule.action.priority), rule.action.specialization
            )
    return None


def new_rule_id() -> str:
    """A fresh rule id."""
    return f"rule_{uuid.uuid4().hex[:16]}"


class RuleBook:
    """The stored rules, compiled and kept current in this process.

    `match` runs on every customer turn; it reads a cached copy reloaded at most every
    `RELOAD_SECONDS`, and at once after a change made through this book.
    """

    def __init__(self, engine: Engine, *, reload_seconds: float = RELOAD_SECONDS) -> None:
        """Read rules from this platform database (migrated to head)."""
        self.engine = engine
        self.reload_seconds = reload_seconds
        self._rules: list[_Compiled] = []
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def match(self, facts: TurnFacts) -> RuleMatch | None:
        """The rule that decides this turn, or None. Blocking (it may reload): call off-loop."""
        return first_match(self._current(), facts)

    def _current(self) -> list[_Compiled]:
        with self._lock:
            if time.monotonic() - self._loaded_at >= self.reload_seconds:
                try:
                    self._rules = self._load()
                except SQLAlchemyError:
                    # Keep answering on the last good copy; the next turn tries again.
                    logger.warning("escalation rules could not be read", exc_info=True)
                self._loaded_at = time.monotonic()
            return self._rules

    def _load(self) -> list[_Compiled]:
        compiled = []
        for row in self.rows(enabled_only=True):
            try:
                condition = parse_condition(row.condition)
                action = RuleAction.model_validate(row.action)
            except ValueError:
                logger.warning("escalation rule %s is invalid and is skipped", row.id)
                continue
            compiled.append(_Compiled(row.id, row.name, condition, action))
        return compiled

    def invalidate(self) -> None:
        """Reload on the next match."""
        with self._lock:
            self._loaded_at = float("-inf")

    def rows(self, *, enabled_only: bool = False) -> list[EscalationRule]:
        """Every stored rule in evaluation order (priority, then id)."""
        query = select(EscalationRule)
        if enabled_only:
            query = query.where(col(EscalationRule.enabled))
        with Session(self.engine, expire_on_commit=False) as session:
            return list(
                session.exec(query.order_by(col(EscalationRule.priority), col(EscalationRule.id)))
            )

    def get(self, rule_id: str) -> EscalationRule | None:
        """One stored rule, or None."""
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(EscalationRule, rule_id)

    def save(self, rule: EscalationRule) -> EscalationRule:
        """Validate and store a new or changed rule; every process sees it within the reload."""
        parse_condition(rule.condition)
        RuleAction.model_validate(rule.action)
        rule.updated_at = utcnow()
        with Session(self.engine, expire_on_commit=False) as session:
            merged = session.merge(rule)
            session.commit()
            session.refresh(merged)
        self.invalidate()
        return merged

    def delete(self, rule_id: str) -> bool:
        """Remove a rule; False if there was none."""
        with Session(self.engine) as session:
            row = session.get(EscalationRule, rule_id)
            if row is None:
                return False
            session.delete(row)
            session.commit()
        self.invalidate()
        return True


DEFAULT_RULES: list[dict[str, Any]] = [
    {
        "id": "rule_legal_threat",
        "name": "Legal threat or chargeback",
        "description": "A customer who mentions a lawyer or a chargeback goes to a senior agent.",
        "priority": 10,
        "condition": {
            "kind": "keyword",
            "keywords": [
                "lawyer",
                "attorney",
                "legal action",
                "chargeback",
                "small claims",
                "better business bureau",
            ],
        },
        "action": {"priority": "URGENT", "specialization": "escalations"},
    },
    {
        "id": "rule_angry_customer",
        "name": "Angry customer",
        "description": "Two strongly negative messages in a row.",
        "priority": 20,
        "condition": {
            "kind": "all",
            "conditions": [
                {"kind": "sentiment_below", "threshold": -0.6},
                {"kind": "negative_turns", "at_least": 2},
            ],
        },
        "action": {"priority": "HIGH"},
    },
    {
        "id": "rule_repeated_failure",
        "name": "Repeated failure",
        "description": "Three failed lookups or misunderstood messages in a row.",
        "priority": 30,
        "condition": {"kind": "repeated_failure", "at_least": 3},
        "action": {"priority": "HIGH"},
    },
    {
        "id": "rule_customer_request",
        "name": "Customer asks for a person",
        "description": "The customer asked to talk to a human.",
        "priority": 40,
        "condition": {"kind": "customer_request"},
        "action": {"priority": "MEDIUM"},
    },
]
"""The rules a new installation starts with (seeded by migration 0002); admins edit them."""
