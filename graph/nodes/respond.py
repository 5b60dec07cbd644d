"""The respond node: the configured responder writes the next message or tool calls."""

from __future__ import annotations

from typing import Any

from supportgraph.graph.state import State


async def respond(state: State, *, services: Any) -> dict[str, Any]:
    """Ask the responder for the agent's next step."""
    return await services.responder.respond(state)
