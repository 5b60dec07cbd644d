"""The tool registry: names, upstream schemas and argument checks."""

from __future__ import annotations

import json

import pytest

from supportgraph.commerce.port import ALL_TOOLS, WRITE_TOOLS
from supportgraph.commerce.retail import (
    RETAIL_TOOLS,
    TOOLS_FILE,
    ToolArgumentError,
    UnknownToolError,
    run_tool,
    tool_catalogue,
    tool_schemas,
)
from supportgraph.commerce.store import Store


def test_that_the_registry_has_exactly_the_sixteen_tau_bench_tools() -> None:
    assert set(RETAIL_TOOLS) == set(ALL_TOOLS)
    assert len(RETAIL_TOOLS) == 16
    assert {name for name, tool in RETAIL_TOOLS.items() if tool.access == "write"} == WRITE_TOOLS


def test_that_schemas_are_the_shipped_upstream_ones() -> None:
    shipped = {entry["name"]: entry["schema"] for entry in json.loads(TOOLS_FILE.read_text())}

    schemas = tool_schemas()

    assert {s["function"]["name"]: s for s in schemas} == shipped
    assert all(s["type"] == "function" for s in schemas)
    schemas[0]["function"]["name"] = "mutated"
    assert tool_schemas()[0]["function"]["name"] != "mutated"
    effects = {entry["name"]: entry["effect"] for entry in tool_catalogue()}
    assert effects["transfer_to_human_agents"] == "terminal"
    assert effects["cancel_pending_order"] == "write"


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("get_order_details", {}, "get_order_details() missing required arguments: order_id"),
        (
            "get_order_details",
            {"order_id": "#W1", "verbose": True},
            "get_order_details() got unexpected arguments: verbose",
        ),
        (
            "get_order_details",
            {"order_id": 5},
            "get_order_details() argument 'order_id' must be a string, not int",
        ),
        (
            "return_delivered_order_items",
            {"order_id": "#W1", "item_ids": "123", "payment_method_id": "x"},
            "return_delivered_order_items() argument 'item_ids' must be an array of strings, "
            "not str",
        ),
        (
            "return_delivered_order_items",
            {"order_id": "#W1", "item_ids": ["1", 2], "payment_method_id": "x"},
            "return_delivered_order_items() argument 'item_ids' must be an array of strings, "
            "not array of int",
        ),
    ],
)
def test_that_bad_arguments_raise_a_type_error_naming_the_problem(
    store: Store, name: str, arguments: dict, message: str
) -> None:
    with pytest.raises(ToolArgumentError) as caught:
        run_tool(store, name, arguments)

    assert str(caught.value) == message
    assert isinstance(caught.value, TypeError)


def test_that_unknown_tools_raise_a_key_error(store: Store) -> None:
    with pytest.raises(KeyError) as caught:
        run_tool(store, "refund_everything", {})

    assert isinstance(caught.value, UnknownToolError)
    assert str(caught.value) == "unknown tool 'refund_everything'"


def test_that_tuples_are_accepted_as_arrays(store: Store) -> None:
    order_id = "#W2611340"
    with pytest.raises(Exception) as caught:
        run_tool(
            store,
            "return_delivered_order_items",
            {"order_id": order_id, "item_ids": ("1",), "payment_method_id": "x"},
        )

    assert not isinstance(caught.value, ToolArgumentError)
    assert str(caught.value) == "Error: non-delivered order cannot be returned"
