"""The support graph: `build_graph()` and, for `langgraph dev`, the module-level `graph`."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["build_graph", "graph"]


def build_graph(*args: Any, **kwargs: Any) -> Any:
    """Compile the support graph (see `supportgraph.graph.builder.build_graph`)."""
    from supportgraph.graph.builder import build_graph as build

    return build(*args, **kwargs)


@lru_cache(maxsize=1)
def _default_graph() -> Any:
    # `langgraph dev` brings its own checkpointer, so this graph is compiled without one.
    return build_graph()


def __getattr__(name: str) -> Any:
    # Built on first access, so importing the package stays cheap.
    if name == "graph":
        return _default_graph()
    raise AttributeError(name)
