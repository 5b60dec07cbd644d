"""The flow responder quotes an admin's entry that closely matches a question it cannot route."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage
from langgraph.checkpoint.memory import InMemorySaver

from supportgraph.api.agent import SupportAgent
from supportgraph.graph.builder import build_graph
from supportgraph.graph.responders.flow import FlowResponder
from supportgraph.knowledge.port import Passage
from supportgraph.services import Services
from supportgraph.tests.fakes import PassGuardrail, ScriptedNLU

WRAP = "Gift wrapping is free: choose Gift wrap at checkout."
QUESTION = "Do you offer gift wrapping?"


class StubKnowledge:
    """A knowledge base that returns the same passages for every query."""

    def __init__(self, *passages: tuple[str, float]) -> None:
        self.passages = [
            Passage(id=doc_id, title=f"About {doc_id}", text=WRAP, source="admin", score=score)
            for doc_id, score in passages
        ]

    async def search(self, query: str, k: int = 4) -> list[Passage]:
        """The prepared passages."""
        return self.passages[:k]

    def count(self) -> int:
        """How many passages there are."""
        return len(self.passages)


async def reply_to(commerce: Any, knowledge: StubKnowledge, intent: str) -> AIMessage:
    services = Services(
        commerce=commerce,
        knowledge=knowledge,
        nlu=ScriptedNLU({QUESTION: (intent, {})}),
        guardrails=PassGuardrail(),
        responder=FlowResponder(),
    )
    agent = SupportAgent(build_graph(services, checkpointer=InMemorySaver()))
    result = await agent.turn(
        {"messages": [{"type": "human", "content": QUESTION}]},
        {"configurable": {"thread_id": "t"}},
    )
    reply = result["messages"][-1]
    assert isinstance(reply, AIMessage)
    return reply


def kb_refs(reply: AIMessage) -> list[str]:
    cites = reply.response_metadata.get("citations") or []
    return [c["ref"] for c in cites if c.get("source") == "kb"]


@pytest.mark.asyncio
@pytest.mark.parametrize("intent", ["product_info", "out_of_scope", "policy_question"])
async def test_that_a_close_admin_entry_answers_whatever_the_question_was_read_as(
    commerce: Any, intent: str
) -> None:
    reply = await reply_to(commerce, StubKnowledge(("kb_wrap", 0.72), ("faq/x", 0.3)), intent)
    assert kb_refs(reply) == ["kb_wrap"]
    assert WRAP in reply.content


@pytest.mark.asyncio
async def test_that_a_shipped_entry_does_not_take_over_a_product_question(commerce: Any) -> None:
    reply = await reply_to(commerce, StubKnowledge(("faq/product-catalog", 0.9)), "product_info")
    assert kb_refs(reply) == []
    assert {"source": "tool", "tool": "list_all_product_types", "ref": "all"} in (
        reply.response_metadata["citations"]
    )


@pytest.mark.asyncio
async def test_that_a_loose_admin_match_leaves_an_unclear_question_unclear(commerce: Any) -> None:
    reply = await reply_to(commerce, StubKnowledge(("kb_wrap", 0.4)), "out_of_scope")
    assert kb_refs(reply) == []
    assert WRAP not in reply.content
