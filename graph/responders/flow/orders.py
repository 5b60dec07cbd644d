"""Finding the customer's order and profile for a flow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from supportgraph.graph.responders.flow.records import describe_items
from supportgraph.graph.responders.flow.step import Step, call, reads, say
from supportgraph.graph.state import Customer
from supportgraph.prompts import flow as replies

if TYPE_CHECKING:
    from supportgraph.graph.responders.flow.memory import FlowMemory


class Request(TypedDict):
    """A request waiting on the agenda: the intent that starts it, its entities, its words."""

    intent: str
    entities: dict[str, Any]
    text: str


def need_user(memory: FlowMemory, customer: Customer) -> Step | None:
    """Fetch the customer's record once per conversation."""
    if memory.user_id == customer["user_id"] and memory.user is not None:
        return None
    memory.user_id = customer["user_id"]
    return call("get_user_details", user_id=customer["user_id"])


def resolve_order(
    memory: FlowMemory, customer: Customer, statuses: tuple[str, ...] = ()
) -> tuple[dict[str, Any] | None, Step | None]:
    """The order the customer means, or the step that gets closer to it.

    Args:
        memory: The flow memory.
        customer: The verified customer.
        statuses: Statuses the goal can act on; they narrow the candidates when the customer
            named no order.
    """
    slots, orders = memory.slots, memory.orders
    order_id = slots.get("order_id")
    if order_id:
        if order_id not in customer["order_ids"]:
            # The request was about that order: drop it, so a later "yes" acts on nothing.
            memory.goal, memory.slots = None, {}
            listing = ", ".join(customer["order_ids"]) or "none"
            return None, say(replies.NOT_YOURS.format(order_id=order_id, orders=listing))
        if order_id not in orders:
            return None, call("get_order_details", order_id=order_id)
        return orders[order_id], None
    unread = [o for o in customer["order_ids"] if o not in orders]
    if unread:
        return None, reads("get_order_details", "order_id", unread)
    candidates = [orders[i] for i in customer["order_ids"]]
    wanted = (slots["status_hint"],) if slots.get("status_hint") else statuses
    narrowed = [o for o in candidates if not wanted or o["status"] in wanted]
    if not narrowed and wanted != statuses:
        narrowed = [o for o in candidates if not statuses or o["status"] in statuses]
    if suffix := slots.get("order_suffix"):
        ending = [o for o in narrowed or candidates if o["order_id"].endswith(str(suffix))]
        narrowed = ending or narrowed
    products = {p.lower() for p in slots.get("product_types") or []}
    if products:
        narrowed = [o for o in narrowed if products & {i["name"].lower() for i in o["items"]}]
    for mention in slots.get("vague_products") or []:
        if mention["excluded"]:
            continue
        fits = {c.lower() for c in mention["candidates"]}
        holding = [o for o in narrowed if fits & {i["name"].lower() for i in o["items"]}]
        narrowed = holding or narrowed
    if len(narrowed) == 1:
        slots["order_id"] = narrowed[0]["order_id"]
        return narrowed[0], None
    if narrowed and slots.get("all_orders") and memory.goal:
        # "Cancel every order that hasn't shipped": one request per order that fits, each
        # shown for its own yes.
        first, *others = narrowed
        entities = {k: v for k, v in slots.items() if k not in ("order_id", "all_orders")}
        memory.agenda = [
            Request(
                intent=memory.goal, entities={**entities, "order_ids": [o["order_id"]]}, text=""
            )
            for o in others
        ] + memory.agenda
        slots["order_id"] = first["order_id"]
        return first, None
    listing = "; ".join(
        replies.ORDER_LINE.format(
            order_id=o["order_id"], status=o["status"], items=describe_items(o)
        )
        for o in (narrowed or candidates)
    )
    return None, say(replies.ASK_ORDER.format(listing=listing), asked="order_id")


def wrong_status(order: dict[str, Any], statuses: tuple[str, ...], action: str) -> Step | None:
    """Explain why an order in this status can't take the action, if it can't."""
    if order["status"] in statuses:
        return None
    hint = (
        "Only pending orders can be changed."
        if "pending" in statuses
        else ("Only delivered orders can be returned or exchanged.")
    )
    text = replies.WRONG_STATUS.format(
        order_id=order["order_id"], status=order["status"], action=action, hint=hint
    )
    return say(text)


def actionable_order(
    memory: FlowMemory, customer: Customer, statuses: tuple[str, ...], action: str
) -> dict[str, Any] | Step:
    """The order the customer means if the action applies to its status, else the next step.

    Args:
        memory: The flow memory.
        customer: The verified customer.
        statuses: Statuses the action applies to.
        action: The action in words, for the explanation ("cancelled").
    """
    order, step = resolve_order(memory, customer, statuses)
    if step is not None:
        return step
    assert order is not None
    return wrong_status(order, statuses, action) or order
