"""Token sums and cost: reported usage only, and no price without a known one."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from supportgraph.evals.usage import (
    UNKNOWN_PRICE,
    Usage,
    cost,
    usage_of,
    usage_report,
)
from supportgraph.settings import Settings

TABLE = Settings(price_per_mtok="")


def reply(text: str, tokens_in: int, tokens_out: int) -> AIMessage:
    usage = {
        "input_tokens": tokens_in,
        "output_tokens": tokens_out,
        "total_tokens": tokens_in + tokens_out,
    }
    return AIMessage(content=text, usage_metadata=usage)


def test_that_usage_sums_the_ai_messages_that_report_it() -> None:
    thread = [
        HumanMessage("cancel my order"),
        reply("", 1200, 30),
        ToolMessage("{}", tool_call_id="c1"),
        reply("Done.", 1500, 20),
        AIMessage("Shall I go ahead? Please answer yes or no."),
    ]
    usage = usage_of(thread)
    assert usage == Usage(input_tokens=2700, output_tokens=50, calls=2)
    assert usage.to_dict()["total_tokens"] == 2750
    assert usage_of([HumanMessage("hi")]) == Usage()


def test_that_cost_uses_the_built_in_price_of_an_exact_model_name() -> None:
    usage = Usage(input_tokens=1_000_000, output_tokens=1_000_000, calls=1)
    assert cost(usage, "openai:gpt-4o-mini", TABLE) == pytest.approx(0.15 + 0.60)
    assert cost(usage, "gpt-4o-mini", TABLE) == pytest.approx(0.75)


def test_that_an_unknown_model_has_no_cost() -> None:
    usage = Usage(input_tokens=10, output_tokens=10, calls=1)
    assert cost(usage, "openai:llama3:8b", TABLE) is None
    assert cost(usage, "gpt-4o-mini-2024-07-18", TABLE) is None, "a snapshot is not guessed"
    assert cost(usage, "", TABLE) is None
    assert usage_report(usage, "llama3", TABLE)["cost_usd"] == UNKNOWN_PRICE


def test_that_the_env_price_overrides_the_table() -> None:
    usage = Usage(input_tokens=2_000_000, output_tokens=500_000, calls=3)
    settings = Settings(price_per_mtok="0.5, 2")
    assert cost(usage, "llama3", settings) == pytest.approx(1.0 + 1.0)
    assert cost(usage, "gpt-4o", settings) == pytest.approx(2.0)
    report = usage_report(usage, "llama3", settings)
    assert report == {
        "input_tokens": 2_000_000,
        "output_tokens": 500_000,
        "calls": 3,
        "total_tokens": 2_500_000,
        "model": "llama3",
        "cost_usd": 2.0,
    }


@pytest.mark.parametrize("text", ["0.5", "a,b", "1,2,3", "-1,2"])
def test_that_a_malformed_env_price_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="SUPPORTGRAPH_PRICE_PER_MTOK"):
        cost(Usage(), "gpt-4o", Settings(price_per_mtok=text))
