"""The flow responder's memory: slots from entities, and records from tool results."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from langchain_core.messages import AIMessage, AnyMessage, ToolMessage

from supportgraph.graph.nodes.tools import untrusted_content
from supportgraph.graph.responders.flow.orders import Request
from supportgraph.graph.responders.flow.table import ACTION_GOALS, CHANGES, GOALS, INFORMATION_GOALS
from supportgraph.nlu.frame import verb_intent
from supportgraph.nlu.mentions import SAME_ITEM

ORDER_TOOLS = frozenset(
    {
        "get_order_details",
        "cancel_pending_order",
        "modify_pending_order_address",
        "modify_pending_order_items",
        "modify_pending_order_payment",
        "return_delivered_order_items",
        "exchange_delivered_order_items",
    }
)
"""Tools whose successful result is an order record."""

_STATUS = r"(pending|delivered|processed|cancell?ed)"
STATUS_WORD = re.compile(
    rf"\b{_STATUS}\s+(?:\w+\s+)?(?:order|one|purchase)s?\b"
    rf"|\b(?:order|one|purchase)s?\s+(?:that\s+|which\s+)?(?:is|was|has\s+been|are|were)\s+"
    rf"(?:still\s+|already\s+)?{_STATUS}\b"
    rf"|^\W*(?:the\s+)?{_STATUS}(?:\s+one)?\W*$",
    re.I,
)
"""A status that picks orders: 'the pending order', 'the one that was delivered', 'pending'.
'I want the refund processed quickly' names none."""
NOT_SHIPPED = re.compile(
    r"\b(?:has\s*n[o']t|have\s*n[o']t|not(?:\s+yet)?|never|yet\s+to\s+be)\s+(?:been\s+)?shipped\b"
    r"|\bnot\s+(?:yet\s+)?(?:sent|dispatched)\b",
    re.I,
)

IDENTITY_KEYS = ("email", "first_name", "last_name", "zip", "other_emails")
"""Entities that identify the customer; kept in `FlowMemory.identity`, not in the slots."""

SLOT_ENTITIES = (
    "reason",
    "payment_method_id",
    "payment_hint",
    "product_types",
    "product_mentions",
    "item_ids",
    "all_items",
    "same_item_products",
    "option_changes",
    "all_orders",
    "order_suffix",
    "vague_products",
    "record_questions",
    "price_preference",
)
"""Entities that replace the slot of the same name."""

REFUND_WISH = re.compile(
    r"\b(?:want|need|like|get|give\s+me|expect|request|demand)\b[^.?!]{0,30}\b(?:full\s+)?"
    r"(?:refund|money\s+back|reimburse(?:ment|d)?)\b",
    re.I,
)
"""The customer asks for their money back, without saying cancel or return."""
WISH_INTENTS = frozenset({"policy_question", "out_of_scope", "complaint", "order_status"})
"""Intents a refund wish overrides: what the classifier says of outcome-only requests."""
_RECORD_WORDS = re.compile(r"\b(order|item|bought|purchased|received|ordered|package)\b", re.I)


def _about_records(entities: dict[str, Any], text: str) -> bool:
    """Whether a message is about the customer's own orders, not the policy in general."""
    keys = ("order_ids", "product_mentions", "vague_products", "order_suffix")
    return any(entities.get(k) for k in keys) or bool(_RECORD_WORDS.search(text))


RECOMMEND = re.compile(
    r"\b(?:anything|something|any(?:thing)?\s+else|other\s+\w+)\s+(?:similar|like)\s+(?:to\s+)?(?:my|the|what)\b"
    r"|\b(?:recommend|suggest)\b|\balternatives?\s+to\b",
    re.I,
)
"""A request for a suggestion grounded in what the customer owns."""
CHEAPER = re.compile(r"\b(?:cheaper|less\s+expensive|lower\s+price|more\s+affordable)\b", re.I)
ALSO = re.compile(r"\b(?:also|as\s+well|too|in\s+addition|additionally|plus)\b", re.I)
"""More of the same request: its items add to those already named."""
BOTH = re.compile(r"\b(both|each of (them|the))\b", re.I)


@dataclass(frozen=True)
class Observation:
    """One tool result the flow has not yet reacted to."""

    name: str
    args: dict[str, Any]
    ok: bool
    data: Any
    text: str


@dataclass
class FlowMemory:
    """What the flow responder remembers across turns; checkpointed as `State.flow`.

    Only the flow responder reads and writes it. `slots` holds what the customer said toward
    the goal in hand, keyed like the NLU's entities (see `SLOT_ENTITIES`) plus `order_id`,
    `carried`, `other_order_ids`, `refund_to_original`, `status_hint`, `same_item`, `both`
    and `address`; the records are the latest copies the tools returned.
    """

    goal: str | None = None
    """The request in hand: a key of `table.GOAL_TABLE`."""
    slots: dict[str, Any] = field(default_factory=dict)
    identity: dict[str, Any] = field(default_factory=dict)
    """Email (and any other emails), first and last name, zip: what the customer gave to be
    verified."""
    asked: str | None = None
    """The slot the last message asked for, so a bare answer can be read."""
    tried: list[str] = field(default_factory=list)
    """Identity lookups already made, so none is repeated."""
    user_id: str | None = None
    user: dict[str, Any] | None = None
    orders: dict[str, Any] = field(default_factory=dict)
    products: dict[str, Any] = field(default_factory=dict)
    catalog: dict[str, str] | None = None
    agenda: list[Request] = field(default_factory=list)
    """Requests of earlier messages still to be worked through, in order."""
    repeats: int = 0
    """How many times in a row the same question was just asked."""
    last_text: str = ""
    offered_human: bool = False
    """The last message offered a human; a yes hands the conversation over."""

    @classmethod
    def load(cls, saved: dict[str, Any]) -> FlowMemory:
        """The memory from its checkpointed form; unknown keys of older threads are dropped."""
        known = {f.name for f in fields(cls)}
        return cls(**copy.deepcopy({k: v for k, v in saved.items() if k in known}))

    def dump(self) -> dict[str, Any]:
        """The checkpointed form: plain JSON-ready values."""
        return asdict(self)


def new_memory() -> FlowMemory:
    """An empty flow memory."""
    return FlowMemory()


def latest_observations(messages: list[AnyMessage]) -> list[Observation]:
    """Tool results after the agent's latest tool-calling message, oldest first."""
    results: list[ToolMessage] = []
    index = len(messages) - 1
    while index >= 0 and isinstance(message := messages[index], ToolMessage):
        results.insert(0, message)
        index -= 1
    calls: dict[str, dict[str, Any]] = {}
    if index >= 0 and isinstance(caller := messages[index], AIMessage):
        calls = {str(c["id"]): dict(c) for c in caller.tool_calls}
    observations = []
    for message in results:
        text = str(message.content)
        ok = message.status != "error" and not text.startswith(("Error", "Denied", "Waiting"))
        # Store data flagged as holding instructions is still the customer's record: the flow
        # reads its fields and never takes an instruction from it.
        body = untrusted_content(text)
        data: Any = text
        if ok and body[:1] in "{[":
            data = json.loads(body)
        args = calls.get(message.tool_call_id, {}).get("args", {})
        observations.append(Observation(message.name or "", args, ok, data, text))
    return observations


def remember(memory: FlowMemory, observations: list[Observation]) -> FlowMemory:
    """Cache the records that tool results returned."""
    for seen in observations:
        if not seen.ok:
            continue
        if seen.name in ("get_user_details", "modify_user_address"):
            memory.user = seen.data
        elif seen.name in ORDER_TOOLS:
            memory.orders[seen.data["order_id"]] = seen.data
        elif seen.name == "get_product_details":
            memory.products[seen.data["product_id"]] = seen.data
        elif seen.name == "list_all_product_types":
            memory.catalog = seen.data
    return memory


def absorb_turn(
    memory: FlowMemory, intent: str, entities: dict[str, Any], text: str = ""
) -> FlowMemory:
    """Fold a new customer message into the goal, identity and slots."""
    if intent in WISH_INTENTS and REFUND_WISH.search(text) and _about_records(entities, text):
        # "I don't want it any more and want a full refund": an outcome, not a policy question.
        intent = "refund_order"
    if entities.get("record_questions") and not verb_intent(text) and intent not in CHANGES:
        # "What did I pay for it with?" asks about the record; it changes nothing.
        intent = "record_question"
    if intent == "record_question" and memory.goal in ACTION_GOALS:
        intent = memory.goal  # Asked in the middle of a request: answered beside it.
    if RECOMMEND.search(text) and not verb_intent(text) and intent not in CHANGES:
        intent = "recommend"
    if intent == "refund_order" and memory.goal in ACTION_GOALS:
        intent = memory.goal  # Still the same request, already read as cancel or return.
    # An answer to our own question ("the pending one") is not a new request, even when it
    # reads like a question about an order.
    answering = memory.asked is not None and memory.goal in ACTION_GOALS
    # "Actually, leave the speaker out of it" narrows the request in hand; it starts no other.
    narrows = (
        memory.goal is not None
        and bool(entities.get("excluded_products"))
        and not entities.get("order_ids")
    )
    switch = intent in GOALS and intent != memory.goal and not narrows
    if switch and not (answering and intent in INFORMATION_GOALS):
        # The order in focus carries over: "where is #W1?" then "cancel it" means #W1.
        kept = {k: v for k, v in memory.slots.items() if k == "order_id"}
        if kept:
            kept["carried"] = True
        memory.goal, memory.slots, memory.asked = intent, kept, None
    for key in IDENTITY_KEYS:
        if entities.get(key):
            memory.identity[key] = entities[key]
    slots = memory.slots
    order_ids = entities.get("order_ids") or []
    if order_ids:
        slots["order_id"] = order_ids[0]
        slots.pop("carried", None)
        if len(order_ids) > 1:
            slots["other_order_ids"] = order_ids[1:]
    # "Yes" to "shall I refund the original payment method?" names that method.
    said_original = (entities.get("payment_hint") or {}).get("original")
    if said_original or (memory.asked == "refund_original" and intent == "affirm"):
        slots["refund_to_original"] = True
    if status := STATUS_WORD.search(text):
        word = next(g for g in status.groups() if g)
        slots["status_hint"] = word.lower().replace("canceled", "cancelled")
    elif NOT_SHIPPED.search(text):
        slots["status_hint"] = "pending"
    adding = not switch and bool(ALSO.search(text))
    for key in SLOT_ENTITIES:
        if not entities.get(key):
            continue
        if adding and key in ("product_mentions", "product_types", "item_ids"):
            # "I also want to return the desk lamp": added to the items already named.
            entities_key = [*slots.get(key, []), *entities[key]]
            slots[key] = (
                entities_key if key == "product_mentions" else list(dict.fromkeys(entities_key))
            )
            continue
        slots[key] = entities[key]
    if CHEAPER.search(text):
        slots["cheaper"] = True
    # Option values add up over a conversation ("glass", then "2 liters"); later ones win.
    if entities.get("option_values"):
        slots["option_values"] = [*slots.get("option_values", []), *entities["option_values"]]
    for key in ("options", "product_options"):
        if entities.get(key):
            slots[key] = {**slots.get(key, {}), **entities[key]}
    if entities.get("excluded_products"):
        # "Actually, leave the speaker out of it": exclusions add up over the request.
        slots["excluded_products"] = list(
            dict.fromkeys([*slots.get("excluded_products", []), *entities["excluded_products"]])
        )
    if SAME_ITEM.search(text):
        slots["same_item"] = True
    if BOTH.search(text):
        slots["both"] = True
    if entities.get("address"):
        # An address often arrives in pieces over several messages.
        slots["address"] = {**memory.slots.get("address", {}), **entities["address"]}
    return memory
