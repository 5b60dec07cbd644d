"""The 16 τ-bench retail tools: registry, upstream schemas, argument checks and the call path."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from supportgraph.commerce import retail_reads as reads
from supportgraph.commerce import retail_writes as writes
from supportgraph.commerce.store import Store
from supportgraph.settings import SHIPPED_DATA_DIR

TOOLS_FILE = SHIPPED_DATA_DIR / "retail" / "tools.json"


class ToolArgumentError(TypeError):
    """A tool was called with missing, unexpected or wrongly typed arguments (HTTP 422)."""


class UnknownToolError(KeyError):
    """No retail tool has this name (HTTP 404)."""

    def __str__(self) -> str:
        """Read as a sentence, not as the quoted key `KeyError` would print."""
        return f"unknown tool {self.args[0]!r}"


@dataclass(frozen=True)
class RetailTool:
    """One retail tool; calling it checks the arguments and runs it in a store transaction."""

    name: str
    function: Callable[..., Any]
    access: Literal["none", "read", "write"]
    """`write` tools lock and write back rows; `none` tools never open the store."""

    def __call__(self, store: Store, /, **arguments: Any) -> Any:
        """Run the tool.

        Raises:
            ToolArgumentError: the arguments do not match the tool's schema.
            ToolError: the request is invalid, e.g. the order is not pending.
        """
        arguments = check_arguments(self.name, arguments)
        if self.access == "none":
            return self.function(**arguments)
        with store.transaction(write=self.access == "write") as data:
            return self.function(data, **arguments)


def _tools(access: Literal["none", "read", "write"], *functions: Any) -> list[RetailTool]:
    return [RetailTool(function.__name__, function, access) for function in functions]


RETAIL_TOOLS: dict[str, RetailTool] = {
    tool.name: tool
    for tool in [
        *_tools("none", reads.calculate, reads.think, reads.transfer_to_human_agents),
        *_tools(
            "read",
            reads.find_user_id_by_email,
            reads.find_user_id_by_name_zip,
            reads.get_user_details,
            reads.get_order_details,
            reads.get_product_details,
            reads.list_all_product_types,
        ),
        *_tools(
            "write",
            writes.cancel_pending_order,
            writes.modify_pending_order_address,
            writes.modify_pending_order_items,
            writes.modify_pending_order_payment,
            writes.modify_user_address,
            writes.return_delivered_order_items,
            writes.exchange_delivered_order_items,
        ),
    ]
}
"""Every retail tool by its τ-bench name."""


def run_tool(store: Store, name: str, arguments: Mapping[str, Any]) -> Any:
    """Run the retail tool `name` with keyword `arguments` against `store`.

    Raises:
        UnknownToolError: no such tool.
        ToolArgumentError: bad arguments.
        ToolError: the tool refused the request.
    """
    if name not in RETAIL_TOOLS:
        raise UnknownToolError(name)
    if not isinstance(arguments, Mapping):
        raise ToolArgumentError(f"{name}() arguments must be an object, not {_kind(arguments)}")
    return RETAIL_TOOLS[name](store, **arguments)


def tool_schemas() -> list[dict[str, Any]]:
    """Return the upstream OpenAI function schemas of all 16 tools, in the shipped order."""
    return copy.deepcopy(list(_schemas().values()))


def tool_schema(name: str) -> dict[str, Any]:
    """Return the upstream OpenAI function schema of one tool."""
    if name not in _schemas():
        raise UnknownToolError(name)
    return copy.deepcopy(_schemas()[name])


def check_arguments(name: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Check keyword arguments against the tool's schema and return them, arrays as lists.

    Raises:
        ToolArgumentError: a required argument is missing, one is unknown, or one has the
            wrong JSON type. Enum values are left to the tool, which has its own message.
    """
    parameters = _schemas()[name]["function"]["parameters"]
    properties: dict[str, Any] = parameters["properties"]
    unexpected = sorted(set(arguments) - set(properties))
    if unexpected:
        raise ToolArgumentError(f"{name}() got unexpected arguments: {', '.join(unexpected)}")
    missing = [arg for arg in parameters.get("required", []) if arg not in arguments]
    if missing:
        raise ToolArgumentError(f"{name}() missing required arguments: {', '.join(missing)}")
    checked = {}
    for arg, value in arguments.items():
        if properties[arg].get("type") == "array":
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise ToolArgumentError(
                    f"{name}() argument {arg!r} must be an array of strings, not {_kind(value)}"
                )
            value = list(value)
        elif properties[arg].get("type") == "string" and not isinstance(value, str):
            raise ToolArgumentError(
                f"{name}() argument {arg!r} must be a string, not {_kind(value)}"
            )
        checked[arg] = value
    return checked


def tool_catalogue() -> list[dict[str, Any]]:
    """Return `{"name", "effect", "schema"}` per tool; effect is read, write, terminal or none."""
    return [
        {"name": entry["name"], "effect": entry["effect"], "schema": copy.deepcopy(entry["schema"])}
        for entry in _entries()
    ]


@cache
def _entries() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(TOOLS_FILE.read_text(encoding="utf-8")))


@cache
def _schemas() -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry["schema"] for entry in _entries()}


def _kind(value: Any) -> str:
    """Name a JSON-ish value's type for an error message, e.g. `str` or `array of int`."""
    if isinstance(value, list | tuple):
        others = sorted({type(v).__name__ for v in value if not isinstance(v, str)})
        return f"array of {', '.join(others)}" if others else "array"
    return "null" if value is None else type(value).__name__
