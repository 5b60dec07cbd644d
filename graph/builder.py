"""The support graph: the whole request path on one screen."""

from __future__ import annotations

from functools import partial
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.types import Checkpointer

from supportgraph.graph.nodes.confirm import await_confirmation
from supportgraph.graph.nodes.escalate import escalate_to_human
from supportgraph.graph.nodes.gate import gate_tool_calls
from supportgraph.graph.nodes.respond import respond
from supportgraph.graph.nodes.retrieve import retrieve_knowledge
from supportgraph.graph.nodes.safety import check_safety, refuse
from supportgraph.graph.nodes.tools import run_tools
from supportgraph.graph.nodes.understand import understand_message
from supportgraph.graph.routing import (
    route_after_confirm,
    route_after_gate,
    route_after_respond,
    route_after_safety,
    route_after_tools,
    route_start,
)
from supportgraph.graph.state import InputState, OutputState, State, SupportContext
from supportgraph.guardrails.tracing import configure_tracing

RECURSION_LIMIT = 80
"""Supersteps per invocation; the tool-round budget ends loops long before this."""


def build_graph(
    services: Any = None, *, checkpointer: Checkpointer = None, name: str = "supportgraph"
) -> Any:
    """Compile the support graph.

    Args:
        services: The adapters (`supportgraph.services.Services`); built from the
            environment when omitted.
        checkpointer: Conversation memory; None leaves it to the host (e.g. `langgraph dev`).
        name: The compiled graph's name.
    """
    # Every path that runs the graph compiles it here, so traces are made PII-free here too.
    configure_tracing()
    if services is None:
        from supportgraph.services import build_services

        services = build_services()
    use = partial(partial, services=services)

    builder = StateGraph(
        State, context_schema=SupportContext, input_schema=InputState, output_schema=OutputState
    )
    builder.add_node("understand", use(understand_message))
    builder.add_node("safety", use(check_safety))
    builder.add_node("refuse", refuse)
    builder.add_node("retrieve", use(retrieve_knowledge))
    builder.add_node("respond", use(respond))
    builder.add_node("gate", use(gate_tool_calls))
    builder.add_node("confirm", await_confirmation)
    builder.add_node("tools", use(run_tools))
    builder.add_node("escalate", use(escalate_to_human))

    builder.add_conditional_edges(START, route_start)
    builder.add_edge("understand", "safety")
    builder.add_conditional_edges("safety", route_after_safety)
    builder.add_edge("retrieve", "respond")
    builder.add_conditional_edges("respond", route_after_respond)
    builder.add_conditional_edges("gate", route_after_gate)
    builder.add_conditional_edges("confirm", route_after_confirm)
    builder.add_conditional_edges("tools", route_after_tools)
    builder.add_edge("refuse", END)
    builder.add_edge("escalate", END)

    graph = builder.compile(checkpointer=checkpointer, name=name)
    return graph.with_config(recursion_limit=RECURSION_LIMIT)
