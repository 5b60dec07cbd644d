"""The goals the flow responder pursues: one table, read by the planner and the memory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from supportgraph.graph.responders.flow import figures, goals
from supportgraph.graph.responders.flow.step import Step


@dataclass(frozen=True)
class Goal:
    """How the flow treats one customer goal."""

    plan: Callable[..., Step] | None
    """The planner over the verified customer's records; None for goals that need none
    (product and policy questions, answered in `answers.py`)."""
    ends_with_write: bool
    """True for a request that ends with a write; False for a question, done once answered."""
    named_change: bool = False
    """The intent names a change in words ("cancel", "return"): a question asked beside it
    is answered beside it rather than taking its place."""


GOAL_TABLE: dict[str, Goal] = {
    "order_status": Goal(goals.order_status, ends_with_write=False),
    "account_info": Goal(goals.account_info, ends_with_write=False),
    "record_question": Goal(figures.record_question, ends_with_write=False),
    "product_info": Goal(None, ends_with_write=False),
    "policy_question": Goal(None, ends_with_write=False),
    "cancel_order": Goal(goals.cancel_order, ends_with_write=True, named_change=True),
    "modify_order_address": Goal(
        goals.modify_order_address, ends_with_write=True, named_change=True
    ),
    "modify_order_payment": Goal(goals.modify_order_payment, ends_with_write=True),
    "modify_order_items": Goal(goals.change_items, ends_with_write=True, named_change=True),
    "exchange_items": Goal(goals.change_items, ends_with_write=True, named_change=True),
    "return_items": Goal(goals.return_items, ends_with_write=True, named_change=True),
    "modify_user_address": Goal(goals.modify_user_address, ends_with_write=True, named_change=True),
    "refund_order": Goal(goals.refund_order, ends_with_write=True),
    "recommend": Goal(figures.recommend, ends_with_write=False),
}
"""Every goal, keyed by the intent (or inferred request) that starts it. A change of payment
is no `named_change`: "what did I pay with?" reads like one to the classifier."""

GOALS = frozenset(GOAL_TABLE)
INFORMATION_GOALS = frozenset(k for k, g in GOAL_TABLE.items() if not g.ends_with_write)
ACTION_GOALS = GOALS - INFORMATION_GOALS
CHANGES = frozenset(k for k, g in GOAL_TABLE.items() if g.named_change)
CUSTOMER_GOALS: dict[str, Callable[..., Any]] = {
    k: g.plan for k, g in GOAL_TABLE.items() if g.plan is not None
}
"""Goals on the customer's own data: each needs a verified customer."""
