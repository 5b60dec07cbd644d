"""Reference commerce services: the τ-bench retail store behind one port."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from supportgraph.commerce.port import (
    ALL_TOOLS,
    IDENTITY_TOOLS,
    READ_TOOLS,
    TRANSFER_TOOL,
    WRITE_TOOLS,
    CommercePort,
    ToolError,
)

# Adapters pull in SQLAlchemy or httpx; loading them on first use keeps `port` imports light.
_LAZY = {
    "build_commerce": "factory",
    "HttpCommerce": "http",
    "CommerceServiceError": "http",
    "InProcessCommerce": "local",
    "Store": "store",
    "RETAIL_TOOLS": "retail",
    "ToolArgumentError": "retail",
    "UnknownToolError": "retail",
    "run_tool": "retail",
    "tool_schemas": "retail",
}

__all__ = [
    "ALL_TOOLS",
    "IDENTITY_TOOLS",
    "READ_TOOLS",
    "TRANSFER_TOOL",
    "WRITE_TOOLS",
    "CommercePort",
    "ToolError",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"supportgraph.commerce.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
