"""What every retail tool shares: the injected commerce port and the call helper."""

from __future__ import annotations

from typing import Annotated, Any

from langchain_core.tools import InjectedToolArg

from supportgraph.commerce.port import CommercePort

# A Protocol cannot back a pydantic isinstance check, so the schema sees Any.
Port = Annotated[Any, InjectedToolArg]
"""The `CommercePort`, injected by the tools node and never shown to a model."""


async def call(commerce: CommercePort, name: str, **args: Any) -> Any:
    """Run one retail tool through the port."""
    return await commerce.call(name, args)
