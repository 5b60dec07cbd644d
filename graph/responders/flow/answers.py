"""Answers that need no customer data: products, policy, small talk and write outcomes."""

from __future__ import annotations

from typing import Any

from supportgraph.commerce.port import WRITE_TOOLS
from supportgraph.graph.responders.flow.memory import FlowMemory, Observation
from supportgraph.graph.responders.flow.records import (
    describe_method,
    describe_variant,
    format_address,
)
from supportgraph.graph.responders.flow.step import Step, call, cite_order, cite_product, say
from supportgraph.knowledge.documents import ADMIN_ID_PREFIX
from supportgraph.prompts import flow as replies

MIN_KB_SCORE = 0.35
"""Below this similarity a passage is not trusted to answer the question."""
CLOSE_KB_SCORE = 0.55
"""From this similarity an admin's entry answers a question the flow would not otherwise take
to the knowledge base: one read as out of scope, or about products without naming any."""


def product_info(memory: FlowMemory) -> Step:
    """Options and availability of a product type, or the list of product types."""
    catalog = memory.catalog
    if catalog is None:
        return call("list_all_product_types")
    names = memory.slots.get("product_types") or []
    product_id = next((catalog[n] for n in names if n in catalog), None)
    if product_id is None:
        text = replies.PRODUCT_TYPES.format(count=len(catalog), names=", ".join(catalog))
        return say(text, cites=[{"source": "tool", "tool": "list_all_product_types", "ref": "all"}])
    product = memory.products.get(product_id)
    if product is None:
        return call("get_product_details", product_id=product_id)
    variants = list(product["variants"].values())
    available = [v for v in variants if v["available"]]
    listing = "; ".join(describe_variant(v) for v in available)
    text = replies.PRODUCT_OPTIONS.format(
        name=product["name"], available=len(available), total=len(variants), listing=listing
    )
    return say(text, cites=[cite_product(product_id)])


def policy_answer(retrieved: list[dict[str, Any]]) -> Step:
    """Quote the best knowledge-base passage, or admit not knowing."""
    best = retrieved[0] if retrieved else None
    if best is None or best["score"] < MIN_KB_SCORE:
        return say(replies.NOT_SURE)
    text = replies.KB_ANSWER.format(text=best["text"].strip(), title=best["title"])
    return say(text, cites=[{"source": "kb", "ref": best["id"], "title": best["title"]}])


def admin_entry_answer(retrieved: list[dict[str, Any]]) -> Step | None:
    """Quote the best passage when it is an admin's entry that closely matches the question.

    Admins add entries about what the shipped policy does not cover (gift wrapping, store
    hours); the intent model has never seen those topics and reads them as something else.
    """
    best = retrieved[0] if retrieved else None
    if best is None or not best["id"].startswith(ADMIN_ID_PREFIX):
        return None
    return policy_answer(retrieved) if best["score"] >= CLOSE_KB_SCORE else None


def write_outcome(memory: FlowMemory, seen: Observation) -> Step:
    """Tell the customer what a write did, from the record it returned."""
    if not seen.ok:
        hint = "Could you check the details?" if seen.text.startswith("Error") else ""
        return say(replies.FAILED.format(error=seen.text.removeprefix("Error: "), hint=hint))
    data, user = seen.data, memory.user or {}
    if seen.name == "modify_user_address":
        text = replies.DONE[seen.name].format(address=format_address(data.get("address", {})))
        return say(f"{text} {replies.ANYTHING_ELSE}", cites=[{"source": "tool", "tool": seen.name}])
    payments = [p for p in data.get("payment_history", []) if p["transaction_type"] == "payment"]
    total = sum(p["amount"] for p in payments)
    gift = any("gift_card" in p["payment_method_id"] for p in payments)
    method_id = seen.args.get("payment_method_id", "")
    text = replies.DONE[seen.name].format(
        order_id=data["order_id"],
        status=data["status"],
        total=total,
        refund_timing=replies.GIFT_CARD_TIMING if gift else replies.CARD_TIMING,
        address=format_address(data.get("address", {})),
        method=describe_method(method_id, user) if method_id else "",
        difference=_difference(data, seen.name),
    )
    return say(f"{text} {replies.ANYTHING_ELSE}", cites=[cite_order(data["order_id"])])


def is_write(seen: Observation) -> bool:
    """Whether the observation is a write's result."""
    return seen.name in WRITE_TOOLS


def _difference(order: dict[str, Any], tool: str) -> str:
    if tool == "exchange_delivered_order_items":
        diff = float(order.get("exchange_price_difference", 0))
    elif tool == "modify_pending_order_items":
        last = order["payment_history"][-1]
        diff = last["amount"] if last["transaction_type"] == "payment" else -last["amount"]
    else:
        return ""
    if diff > 0:
        return f"The price difference of ${diff:.2f} is charged to your chosen payment method."
    if diff < 0:
        return f"The price difference of ${-diff:.2f} is refunded to your chosen payment method."
    return "There is no price difference."
