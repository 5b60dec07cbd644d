"""Tokens and cost of the chat models in an eval run: the agent's and the simulated user's.

Token counts come from the `usage_metadata` the model's provider reports on each AI message.
Cost is tokens times a price per million tokens. Prices change and differ between providers,
so `BUILT_IN_PRICES` is only a convenience for a few OpenAI models: set
`SUPPORTGRAPH_PRICE_PER_MTOK` to `input,output` (USD per million tokens) to use your own, which
then prices every model of the run. A model with no known price has no cost (None, "unknown
price"), never an estimate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from supportgraph.settings import Settings, parse_price

BUILT_IN_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
}
"""OpenAI's standard list prices in USD per million (input, output) tokens, as recorded when
this table was written. They change: check the provider's pricing page, and prefer
`SUPPORTGRAPH_PRICE_PER_MTOK`, which overrides this table. Only exact model names match: a
dated snapshot may be priced differently, so it gets no price rather than a guessed one. Cached
input and batch discounts are not applied."""

UNKNOWN_PRICE = "unknown price"
"""What a report shows for a model without a known price."""


@dataclass(frozen=True)
class Usage:
    """Tokens summed over the AI messages that reported usage."""

    input_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0
    """AI messages that carried `usage_metadata`; messages written by graph nodes carry none."""

    @property
    def total_tokens(self) -> int:
        """Input plus output tokens."""
        return self.input_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            calls=self.calls + other.calls,
        )

    def to_dict(self) -> dict[str, int]:
        """A JSON-ready dict, with the total."""
        return {**asdict(self), "total_tokens": self.total_tokens}


def usage_of(messages: Iterable[BaseMessage]) -> Usage:
    """Sum the reported input and output tokens of the AI messages.

    Args:
        messages: A thread, or the replies of one model.
    """
    total = Usage()
    for message in messages:
        if isinstance(message, AIMessage) and message.usage_metadata:
            meta = message.usage_metadata
            total += Usage(
                input_tokens=int(meta.get("input_tokens") or 0),
                output_tokens=int(meta.get("output_tokens") or 0),
                calls=1,
            )
    return total


def model_name(spec: str) -> str:
    """The model name of a `provider:name` spec for OpenAI (`openai:gpt-4o` -> `gpt-4o`)."""
    return spec.strip().removeprefix("openai:")


def price_of(model: str, settings: Settings) -> tuple[float, float] | None:
    """USD per million (input, output) tokens: the env override, else the table, else None.

    Args:
        model: A model name or `provider:name` spec.
        settings: Where `SUPPORTGRAPH_PRICE_PER_MTOK` was read.

    Raises:
        ValueError: The env override is not two non-negative numbers.
    """
    if settings.price_per_mtok:
        return parse_price(settings.price_per_mtok)
    return BUILT_IN_PRICES.get(model_name(model))


def cost(usage: Usage, model: str, settings: Settings) -> float | None:
    """USD spent on these tokens, or None when the model's price is unknown.

    Args:
        usage: Summed tokens.
        model: The model that spent them, as a name or `provider:name` spec.
        settings: Where the price override was read.
    """
    price = price_of(model, settings)
    if price is None:
        return None
    return (usage.input_tokens * price[0] + usage.output_tokens * price[1]) / 1_000_000


def usage_report(usage: Usage, model: str, settings: Settings) -> dict[str, Any]:
    """Tokens and cost as a JSON-ready dict; the cost says "unknown price" when it is unknown.

    Args:
        usage: Summed tokens.
        model: The model that spent them.
        settings: Where the price override was read.
    """
    spent = cost(usage, model, settings)
    return {
        **usage.to_dict(),
        "model": model,
        "cost_usd": UNKNOWN_PRICE if spent is None else round(spent, 6),
    }
