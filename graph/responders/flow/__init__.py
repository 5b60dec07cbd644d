"""The flow responder: the embedded, deterministic and grounded default."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import HumanMessage

from supportgraph.commerce.port import IDENTITY_TOOLS, TRANSFER_TOOL
from supportgraph.graph.nodes.understand import last_customer_text
from supportgraph.graph.responders.flow import figures
from supportgraph.graph.responders.flow.answers import (
    admin_entry_answer,
    is_write,
    policy_answer,
    product_info,
    write_outcome,
)
from supportgraph.graph.responders.flow.identity import verify
from supportgraph.graph.responders.flow.memory import (
    IDENTITY_KEYS,
    FlowMemory,
    Observation,
    Request,
    absorb_turn,
    latest_observations,
    remember,
)
from supportgraph.graph.responders.flow.step import Step, say
from supportgraph.graph.responders.flow.table import CUSTOMER_GOALS, GOALS, INFORMATION_GOALS
from supportgraph.graph.state import State
from supportgraph.prompts import flow as replies

SMALL_TALK = {
    "greeting": replies.GREETING,
    "thanks": replies.THANKS,
    "goodbye": replies.GOODBYE,
    "affirm": "Sure. What else can I help you with?",
    "deny": replies.GOODBYE,
}


class FlowResponder:
    """Slot-filling flows over the retail tools: ask, look up, propose, report."""

    name = "flow"

    async def respond(self, state: State) -> dict[str, Any]:
        """Plan the next step from the state and the latest tool results."""
        memory = FlowMemory.load(state.flow)
        observations = latest_observations(state.messages)
        remember(memory, observations)
        new_turn = bool(state.messages) and isinstance(state.messages[-1], HumanMessage)
        if new_turn:
            absorb_message(memory, state)
        step = plan(memory, state, observations, new_turn)
        step = follow_agenda(memory, state, step)
        step = break_loops(memory, state, step, new_turn)
        if not step.calls:
            memory.asked = step.asked
            if memory.goal in INFORMATION_GOALS and step.asked is None:
                memory.goal = None
        return {"messages": [step.message()], "flow": memory.dump(), "declined": None}


MAX_CHAINED = 6
"""Requests answered one after another within one reply, at most."""


def absorb_message(memory: FlowMemory, state: State) -> None:
    """Fold the new message in: its first request now, the others onto the agenda."""
    if not state.requests:
        absorb_turn(memory, state.intent, state.entities, last_customer_text(state))
        return
    first, *rest = state.requests
    identity = {k: v for k, v in state.entities.items() if k in IDENTITY_KEYS}
    absorb_turn(memory, first["intent"], {**identity, **first["entities"]}, first["text"])
    queued = [Request(intent=r["intent"], entities=r["entities"], text=r["text"]) for r in rest]
    memory.agenda = queued + memory.agenda


def follow_agenda(memory: FlowMemory, state: State, step: Step) -> Step:
    """Once the current request is settled, go on to the next one the customer already made.

    A settled request is a finished write, a declined one, or an answered question. Its reply
    is kept and the next request's first step is added to it, so a message with several
    requests is worked through without the customer repeating any.
    """
    for _ in range(MAX_CHAINED):
        settled = memory.goal is None or (memory.goal in INFORMATION_GOALS and step.asked is None)
        if step.calls or step.asked or not settled or not memory.agenda:
            return step
        if state.customer is None:
            return step
        request = memory.agenda.pop(0)
        if request["intent"] not in GOALS:
            continue  # A part of the message that asked for nothing the flow can do.
        memory.goal, memory.asked = None, None
        absorb_turn(memory, request["intent"], request["entities"], request["text"])
        nxt = plan(memory, state, [], new_turn=False)
        done = step.text.removesuffix(replies.ANYTHING_ELSE).strip()
        step = Step(
            text="\n\n".join(t for t in (done, nxt.text) if t),
            calls=nxt.calls,
            cites=[*step.cites, *nxt.cites],
            asked=nxt.asked,
        )
    return step


def break_loops(memory: FlowMemory, state: State, step: Step, new_turn: bool) -> Step:
    """Ask the same question again in other words at most once, then offer a human.

    A yes to that offer hands the conversation over with what was being asked.
    """
    if new_turn and memory.offered_human and state.intent == "affirm":
        memory.offered_human = False
        summary = f"Customer needs help with: {memory.goal or 'an unclear request'}."
        return Step(calls=[(TRANSFER_TOOL, {"summary": summary})])
    if step.calls or not (step.asked or step.text.rstrip().endswith("?")):
        memory.repeats, memory.last_text = 0, ""
        return step
    repeats = memory.repeats + 1 if step.text == memory.last_text else 0
    memory.repeats, memory.last_text = repeats, step.text
    memory.offered_human = False
    if repeats == 1:
        return Step(
            text=replies.ASK_AGAIN.format(text=step.text), cites=step.cites, asked=step.asked
        )
    if repeats >= 2:
        memory.offered_human = True
        return Step(text=replies.OFFER_HUMAN, cites=step.cites, asked=step.asked)
    return step


def plan(memory: FlowMemory, state: State, observations: list[Observation], new_turn: bool) -> Step:
    """The next step: report a write, verify, pursue the goal, or talk."""
    for seen in observations:
        if is_write(seen):
            # A write the store refused stays open for the customer to correct, unless more
            # requests wait: then it is settled, the customer hears why, and the next goes on.
            if seen.ok or memory.agenda:
                memory.goal, memory.slots = None, {}
            return write_outcome(memory, seen)
        if seen.text.startswith("Denied"):
            return say(replies.DENIED.format(reason=seen.text.removeprefix("Denied: ")))
    declined = state.declined
    if new_turn and declined and state.intent in ("deny", "affirm", "thanks", "goodbye"):
        memory.goal = None
        return say(replies.DECLINED)
    goal = memory.goal
    # Small talk in the middle of a goal is answered; the goal waits for the next message.
    if new_turn and state.intent in SMALL_TALK and not state.entities:
        if goal is None or state.intent in ("greeting", "thanks", "goodbye"):
            return say(SMALL_TALK[state.intent])
    if new_turn and goal in (None, "product_info") and not memory.slots.get("product_types"):
        quoted = admin_entry_answer(state.retrieved)
        if quoted is not None:
            return quoted
    if goal == "policy_question":
        return policy_answer(state.retrieved)
    if goal == "product_info":
        return product_info(memory)
    customer = state.customer
    if customer is None:
        if goal is None and not memory.identity:
            return say(replies.CLARIFY)
        return verify(memory, observations)
    if goal is None:
        if any(o.name in IDENTITY_TOOLS and o.ok for o in observations):
            return say(replies.VERIFIED.format(name=customer["name"].split(" ")[0]))
        if state.retrieved and state.intent in ("out_of_scope", "complaint"):
            return policy_answer(state.retrieved)
        return say(replies.CLARIFY)
    answer = ""
    cites: list[dict[str, Any]] = []
    if goal != "record_question" and memory.slots.get("record_questions"):
        # A question asked beside the request ("…and what did I pay for it with?") is
        # answered first; the request goes on in the same reply.
        answer, cites, read = figures.answer_questions(memory, customer)
        if read is not None:
            return read
    step = CUSTOMER_GOALS[goal](memory, customer)
    step.text = "\n\n".join(t for t in (answer, step.text) if t)
    step.cites = [*cites, *step.cites]
    return step
