import asyncio
from typing import Any

from langchain_core.messages import HumanMessage, ToolMessage

from supportgraph.bench.coldstart import table as cold_table
from supportgraph.bench.latency import LookupModel, Timing, bare_tools, conversations, table


def test_the_fake_model_looks_up_then_answers_from_the_tool_result() -> None:
    model = LookupModel(delay=0.0)
    first = asyncio.run(model.ainvoke([HumanMessage("what do you sell?")]))
    assert first.tool_calls[0]["name"] == "list_all_product_types"
    result = ToolMessage('{"T-Shirt": "9523456873"}', tool_call_id=first.tool_calls[0]["id"])
    second = asyncio.run(model.ainvoke([HumanMessage("what do you sell?"), first, result]))
    assert not second.tool_calls
    assert "T-Shirt" in second.text


def test_percentiles_and_cpu_per_turn() -> None:
    timing = Timing("agent", [i / 1000 for i in range(1, 101)], cpu_seconds=0.5)
    assert round(timing.percentile(50)) == 50
    assert round(timing.percentile(95)) == 95
    assert timing.cpu_ms == 5.0
    assert Timing("one", [0.2], cpu_seconds=0.1).percentile(99) == 200.0


def test_the_table_has_one_row_per_agent() -> None:
    rows = table([Timing("a", [0.01, 0.02], 0.01), Timing("b", [0.1, 0.3], 0.02)]).splitlines()
    assert len(rows) == 4
    assert rows[2].startswith("| a | 2 |")
    assert rows[3].startswith("| b | 2 |")
    assert "| 3 | 1.0 | 2.0 | 2.0 |" in cold_table([2.0, 1.0, 2.0])


def test_the_bare_agent_tools_call_the_commerce_port() -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    class Commerce:
        async def call(self, name: str, args: dict[str, Any]) -> Any:
            calls.append((name, args))
            return {"ok": True}

    tools = {t.name: t for t in bare_tools(Commerce())}
    assert "commerce" not in tools["get_order_details"].args
    asyncio.run(tools["get_order_details"].ainvoke({"order_id": "#W1"}))
    assert calls == [("get_order_details", {"order_id": "#W1"})]


def test_the_turns_come_from_the_regression_conversations() -> None:
    talks = conversations(3)
    assert len(talks) == 3
    assert all(talk and all(isinstance(t, str) and t for t in talk) for talk in talks)
