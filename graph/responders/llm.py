"""The LLM responder: any OpenAI-compatible chat model, bound to the retail tools."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, SystemMessage

from supportgraph.graph.state import State
from supportgraph.prompts.respond import NO_CUSTOMER, PASSAGE, SYSTEM
from supportgraph.settings import SHIPPED_DATA_DIR
from supportgraph.tools import RETAIL_TOOLS


@lru_cache(maxsize=1)
def store_policy() -> str:
    """The store's support policy text."""
    return (SHIPPED_DATA_DIR / "retail" / "wiki.md").read_text(encoding="utf-8")


class LLMResponder:
    """Asks a tool-calling chat model for the next message."""

    name = "llm"

    def __init__(self, model: BaseChatModel) -> None:
        """Bind the model to the retail tools.

        Args:
            model: Any LangChain chat model that supports tool calling.
        """
        self.model = model.bind_tools(RETAIL_TOOLS)

    @classmethod
    def from_model_name(cls, model: str) -> LLMResponder:
        """Build from `provider:name`, e.g. `openai:gpt-4o-mini`.

        `OPENAI_BASE_URL` and `OPENAI_API_KEY` point the openai provider at any
        OpenAI-compatible server (vLLM, Ollama, llama.cpp).
        """
        from langchain.chat_models import init_chat_model

        return cls(init_chat_model(model, temperature=0))

    async def respond(self, state: State) -> dict[str, Any]:
        """Ask the model for the next message, given the policy, customer and passages."""
        system = SystemMessage(content=system_prompt(state))
        reply = await self.model.ainvoke([system, *state.messages])
        if not isinstance(reply, AIMessage):
            reply = AIMessage(content=str(reply.content))
        citations = [
            {"source": "kb", "ref": p["id"]} for p in state.retrieved if p["id"] in reply.text
        ]
        reply.response_metadata = {**reply.response_metadata, "responder": self.name}
        if citations:
            reply.response_metadata["citations"] = citations
        return {"messages": [reply]}


def system_prompt(state: State) -> str:
    """Fill the system prompt for this state."""
    passages = "\n".join(
        PASSAGE.format(id=p["id"], title=p["title"], text=p["text"]) for p in state.retrieved
    )
    customer = state.customer["user_id"] if state.customer else NO_CUSTOMER
    return SYSTEM.format(policy=store_policy(), customer=customer, passages=passages)
