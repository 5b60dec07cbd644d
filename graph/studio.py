"""The graph served by `langgraph dev` and LangGraph Studio (see langgraph.json).

It is compiled without a checkpointer: the LangGraph server brings its own memory.
"""

from __future__ import annotations

from supportgraph.graph.builder import build_graph

graph = build_graph()
