"""A terminal chat with the support graph, on the same memory as the server."""

from __future__ import annotations

import asyncio
import logging

from supportgraph.api.agent import SupportAgent, last_reply
from supportgraph.settings import get_settings

PROMPT = "you> "


async def run_chat(thread_id: str) -> None:
    """Read customer messages from stdin and print the agent's replies until EOF or 'quit'."""
    from supportgraph.graph.builder import build_graph
    from supportgraph.graph.checkpoint import open_checkpointer
    from supportgraph.services import build_services

    settings = get_settings()
    logging.basicConfig(level="WARNING")
    services = await asyncio.to_thread(build_services, settings)
    async with open_checkpointer(settings) as checkpointer:
        agent = SupportAgent(build_graph(services, checkpointer=checkpointer))
        print(f"supportgraph chat (thread {thread_id}); type 'quit' to leave.")  # noqa: T201
        while True:
            try:
                text = (await asyncio.to_thread(input, PROMPT)).strip()
            except EOFError:
                break
            if text.lower() in {"quit", "exit"}:
                break
            if not text:
                continue
            result = await agent.turn(
                {"messages": [{"type": "human", "content": text}]},
                {"configurable": {"thread_id": thread_id}},
            )
            print(f"agent> {last_reply(result['messages'])}")  # noqa: T201
    await services.commerce.aclose()
