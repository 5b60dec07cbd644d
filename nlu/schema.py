"""The NLU contract: intent labels and entity keys that the graph and the flows rely on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INTENTS: dict[str, str] = {
    "greeting": "hello, hi, good morning",
    "goodbye": "bye, that's all, nothing else",
    "thanks": "thank you, thanks a lot",
    "affirm": "yes, sure, go ahead, confirm",
    "deny": "no, don't, stop, never mind",
    "identify": "the customer gives identity details only (email, or name and zip)",
    "order_status": "where is my order, order status, tracking, what did I order",
    "cancel_order": "cancel a pending order",
    "modify_order_address": "change the shipping address of a pending order",
    "modify_order_payment": "change the payment method of a pending order",
    "modify_order_items": "change item options (size, colour...) of a pending order",
    "return_items": "return delivered items for a refund",
    "exchange_items": "exchange delivered items for another option of the same product",
    "modify_user_address": "change the customer's default (profile) address",
    "account_info": "profile, payment methods, gift card balance, list of my orders",
    "product_info": "product types, options, availability, prices",
    "policy_question": "store policy: refunds, returns, cancellation, exchange rules",
    "human_agent": "talk to a human, agent, representative, supervisor",
    "complaint": "frustration or complaint without a concrete request",
    "out_of_scope": "anything the store's support cannot handle",
}
"""Product intent labels with a one-line gloss each."""

ENTITY_KEYS: dict[str, str] = {
    "order_ids": "list[str]: order ids normalised to '#W' + digits, in order of mention",
    "email": "str: an email address, lower-cased",
    "other_emails": "list[str]: more email addresses given in the same message, in order",
    "first_name": "str: capitalised first name",
    "last_name": "str: capitalised last name",
    "zip": "str: five-digit US zip code",
    "user_id": "str: a τ-bench user id such as 'noah_brown_6181'",
    "payment_method_id": "str: an explicit id such as 'credit_card_4190576'",
    "payment_hint": (
        "dict: {'source': 'credit_card'|'gift_card'|'paypal', 'brand'?, 'last_four'?}, and "
        "'original': True for 'the original payment method', 'the card I paid with'"
    ),
    "item_ids": "list[str]: 10-digit item ids",
    "product_ids": "list[str]: 10-digit product ids named as such",
    "product_types": "list[str]: canonical product names from the catalogue, e.g. 'T-Shirt'",
    "product_mentions": "list[str]: canonical product names in order of mention, repeats kept",
    "options": (
        "dict[str, str]: option name -> catalogue value, e.g. {'color': 'blue'}, {'waterproof': "
        "'no'}; the last mention wins; with several products, only options no other mentioned "
        "product has"
    ),
    "option_values": "list[str]: option values mentioned, in order (for 'from X to Y')",
    "product_options": (
        "dict[str, list[str]]: product name -> that product's exact catalogue values said in its "
        "part of the message (from its mention to the next), in order, current and wanted"
    ),
    "mention_options": (
        "list[list[str]]: per entry of product_mentions, the values said in that mention's part "
        "(tells two items of one product apart)"
    ),
    "same_item_products": (
        "list[str]: products the customer wants replaced by an identical item ('a brand-new "
        "identical one', 'with the same options')"
    ),
    "option_changes": (
        "list[dict]: items written out as option literals, each {'product', 'current': "
        "{option: value}, 'wanted': {option: value} | None} ('Kettle {...} to {...}'; "
        "wanted {} is an identical item)"
    ),
    "record_questions": (
        "list[str]: figures asked about the customer's own records, in order: priciest_item, "
        "cheapest_item, payment_used, refund_total, order_total, item_price, tracking, "
        "item_count, order_count"
    ),
    "price_preference": (
        "str: 'lowest' or 'highest': a variant chosen by price ('whichever is cheaper')"
    ),
    "reason": "str: 'no longer needed' or 'ordered by mistake'",
    "address": "dict: any of address1, address2, city, state, zip, country",
    "amounts": "list[float]: money amounts",
    "dates": "list[str]: ISO dates",
    "all_items": "bool: the customer means every item of the order",
    "excluded_products": (
        "list[str]: products the customer leaves out ('all but the lamp', 'not the kettle'); "
        "never also in product_mentions"
    ),
    "order_suffix": "str: the last digits of an order id ('the order number ends in 66')",
    "vague_products": (
        "list[dict]: words several products share ('the kettle'), each {'candidates': [names], "
        "'excluded': bool}; the customer's order decides which is meant"
    ),
    "all_orders": "bool: the request is about every order that fits ('cancel all my orders')",
}
"""Entity keys. Absent keys mean 'not mentioned'."""


@dataclass(kw_only=True)
class Understanding:
    """What the NLU pipeline read from one customer message."""

    intent: str
    """One of INTENTS."""
    confidence: float
    """Calibrated probability of `intent`, in [0, 1]."""
    entities: dict[str, Any] = field(default_factory=dict)
    """Entities keyed as in ENTITY_KEYS."""
    sentiment: float = 0.0
    """Sentiment score in [-1, 1]."""
    ranking: list[tuple[str, float]] = field(default_factory=list)
    """Top intents with probabilities, best first."""


@dataclass(frozen=True)
class Request:
    """One request of a message that holds several ("return X, and cancel #W2")."""

    intent: str
    """One of INTENTS."""
    entities: dict[str, Any]
    """Entities read from this request's own words."""
    text: str
    """The request's part of the message."""
