"""The safety node: guardrails on the latest customer message, and the refusal reply."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage

from supportgraph.graph.nodes.understand import last_customer_text
from supportgraph.graph.state import State
from supportgraph.prompts.safety import REFUSAL


async def check_safety(state: State, *, services: Any) -> dict[str, Any]:
    """Run the input guardrails; the router acts on the verdict."""
    text = last_customer_text(state)
    result = await services.guardrails.check(text, {"customer": state.customer})
    return {
        "safety": {
            "flagged": result.flagged,
            "reason": result.reason,
            "tags": list(result.tags),
        }
    }


async def refuse(state: State) -> dict[str, Any]:
    """Decline a flagged message without touching any data."""
    reason = (state.safety or {}).get("reason", "")
    message = AIMessage(
        content=REFUSAL,
        response_metadata={"citations": [{"source": "guardrail", "ref": reason}]},
    )
    return {"messages": [message]}
