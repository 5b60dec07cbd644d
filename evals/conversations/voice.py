"""Instruction-voiced customers: a task's own instruction, in the first person, does the talking.

The customer's words are the task author's. `first_person` rewrites the instruction
mechanically ("Your name is…" → "My name is…", "You want…" → "I want…"), and
`InstructionCustomer` plays it against the agent without a model:

- the opening message is every request sentence of the instruction, at once;
- asked to verify, it gives the identity sentence (the other identity if that one fails);
- asked to confirm, it says yes, unless the instruction says what to say at that moment
  ("If the agent asks for confirmation, mention…");
- asked anything else, it answers with the instruction sentence that shares the most words with
  the question, or says it doesn't know; asked the same question three times, it gives up;
- told something with no question, or asked whether there is anything else, it says the
  sentences it has not said yet, then says goodbye and stops.

It sees only the agent's text, as a person would, and never the store or the gold actions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

STOP = "###STOP###"
GOODBYE = "That's all, thank you."

# Object "you" after a verb or preposition becomes "me"; any other "you" is the subject, "I".
_OBJECT_YOU = re.compile(
    r"\b(ask|asks|asked|tell|tells|told|give|gives|gave|send|sends|sent|offer|offers|offered|"
    r"help|helps|charge|charges|refund|refunds|contact|call|show|shows|let|lets|get|gets|"
    r"pay|owe|owes|to|for|with|from|about|at|by|of|on|than|like|remind|reminds|"
    r"convince|convinces|want|wants|need|needs|allow|allows|cost|costs)\s+you\b",
    re.I,
)
_SWAPS = (
    (r"\byou are\b", "I am"),
    (r"\byou were\b", "I was"),
    (r"\byou're\b", "I'm"),
    (r"\byou've\b", "I've"),
    (r"\byou'd\b", "I'd"),
    (r"\byou'll\b", "I'll"),
    (r"\byourself\b", "myself"),
    (r"\byours\b", "mine"),
    (r"\byour\b", "my"),
    (r"\byou\b", "I"),
)
_TRAITS = re.compile(r"^I am(?: very)? [a-z]+(?:, [a-z]+)*(?:,? and [a-z]+)?\.?$")
_IDENTITY = re.compile(r"\b(my name is|my (zip|zip code|email|e-mail)\b)", re.I)
_DIRECTIVE = re.compile(
    r"^(try|be|do not|don't|emphasi[sz]e|mention|insist|express|say|tell|ask|remember|make sure|"
    r"only|never|always|act|pretend|complain|accept|agree|refuse|deny|keep|reject|when|once|if|"
    r"whenever|in case|then|after|before|at the end|at first|initially|eventually|finally)\b",
    re.I,
)
_REPORTED = re.compile(
    r"^(?:emphasi[sz]e|mention|say|tell (?:the agent|them|him|her)|insist|explain)"
    r"(?: (?:to the agent|that|to them))*\s+",
    re.I,
)
_ASKED_RULE = re.compile(
    r"^(?:if|when|once) (?:the agent|they|he|she|it) asks? (?:you |me )?(?:for |about )?"
    r"([^,]+),\s*(.+)$",
    re.I,
)
_CONFIRMATION = re.compile(r"^(?:to )?(?:a |your |my )?confirm(?:ation)?", re.I)
"""An 'if asked' rule for the confirmation question: said instead of the first yes."""
_ASKS_IDENTITY = re.compile(
    r"\bverify\b|\b(email address|zip code)\b.*\?|\bfirst name, last name\b", re.I
)
_ASKS_CONFIRM = re.compile(r"\banswer yes or no\b|\bshall i go ahead\b", re.I)
_NOT_FOUND = re.compile(r"\bcouldn'?t find an account\b", re.I)
_ANYTHING_ELSE = re.compile(r"\banything else\b", re.I)
_WORD = re.compile(r"[a-z0-9#_]+")
_STOPWORDS = frozenset(
    "a an the i me my you your we our is are was were be been am do does did to of in on for "
    "with and or but if it its this that these those what which who how would could should can "
    "will shall please like want have has had any some there here so as at by from not no yes "
    "order orders item items".split()
)


def first_person(text: str) -> str:
    """The instruction as the customer would say it: second person turned into first."""
    text = _OBJECT_YOU.sub(lambda m: m.group(0)[: -len("you")] + "me", text)
    for pattern, repl in _SWAPS:
        text = re.sub(pattern, partial(_swap, repl), text, flags=re.I)
    # "I am", never "i am", at the start of a sentence; "I" mid-sentence stays capital.
    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


def _swap(replacement: str, match: re.Match[str]) -> str:
    return _cased(match.group(0), replacement)


def _cased(found: str, replacement: str) -> str:
    if replacement.startswith("I"):
        return replacement
    return replacement[0].upper() + replacement[1:] if found[0].isupper() else replacement


def sentences(text: str) -> list[str]:
    """Split on sentence ends; an order id, an email or a dict literal is never split."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", " ".join(text.split()))
    return [p.strip() for p in parts if p.strip()]


@dataclass
class Instruction:
    """An instruction, sorted into what the customer says when."""

    identity: list[str]
    """Sentences giving the name, zip code or email, in the first person."""
    requests: list[str]
    """What the customer wants: said in the opening message."""
    pool: list[str]
    """Everything else the instruction says (directives included), to answer questions from."""
    on_confirm: list[str] = field(default_factory=list)
    """What to say instead of a plain yes when first asked to confirm."""
    cues: dict[str, str] = field(default_factory=dict)
    """Answer -> the question it was written for ("If the agent asks for X, …")."""

    @classmethod
    def parse(cls, instruction: str) -> Instruction:
        """Sort the first-person sentences of an instruction."""
        identity: list[str] = []
        requests: list[str] = []
        pool: list[str] = []
        on_confirm: list[str] = []
        cues: dict[str, str] = {}
        for raw in sentences(instruction):
            line = first_person(raw)
            if _TRAITS.match(line):
                continue
            if _IDENTITY.search(line) and len(identity) < 2 and not requests:
                identity.append(line)
                continue
            if (rule := _ASKED_RULE.match(raw)) and _CONFIRMATION.match(rule.group(1)):
                on_confirm.append(_said(first_person(rule.group(2))))
                continue
            if rule:
                # "If the agent asks for the refund method, you prefer PayPal": an answer kept
                # for that question, matched by the question's words too.
                answer = _said(first_person(rule.group(2)))
                pool.append(answer)
                cues[answer] = first_person(rule.group(1))
                continue
            if _DIRECTIVE.match(line):
                reported = _REPORTED.sub("", line)
                if reported != line:
                    requests.append(_capital(reported))
                else:
                    pool.append(line)
                continue
            requests.append(line)
        return cls(identity, requests, [*requests, *pool], on_confirm, cues)


def _said(text: str) -> str:
    """The reported words of a directive: "mention I also want X" gives "I also want X"."""
    return _capital(_REPORTED.sub("", text).strip())


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 1}


class InstructionCustomer:
    """A deterministic customer that says only what its instruction says.

    It has the interface `simulate_conversation` needs of a customer model: `ainvoke` takes
    the conversation so far (the agent's lines as human messages) and returns its next line.
    """

    def __init__(self, instruction: str) -> None:
        self.plan = Instruction.parse(instruction)
        self.said: list[str] = []
        self.asked: dict[str, int] = {}
        self.identity_given = 0
        self.confirmations = 0

    async def ainvoke(self, history: list[BaseMessage], **_: Any) -> AIMessage:
        """The customer's next line, given the agent's latest message."""
        agent = ""
        for message in reversed(history):
            if isinstance(message, HumanMessage):
                agent = str(message.content)
                break
        return AIMessage(content=self.reply(agent, opening=not self.said))

    def reply(self, agent: str, *, opening: bool = False) -> str:
        """The next line for the agent's message."""
        line = self._opening() if opening else self._answer(agent)
        self.said.append(line)
        return line

    def _opening(self) -> str:
        return " ".join(self.plan.requests) or " ".join(self.plan.pool) or STOP

    def _answer(self, agent: str) -> str:
        if _ASKS_CONFIRM.search(agent):
            self.confirmations += 1
            if self.confirmations == 1 and self.plan.on_confirm:
                return " ".join(self.plan.on_confirm)
            return "Yes."
        if _NOT_FOUND.search(agent) or (_ASKS_IDENTITY.search(agent) and "?" in agent):
            if self.identity_given >= len(self.plan.identity):
                return STOP
            self.identity_given += 1
            if _NOT_FOUND.search(agent) and self.identity_given < len(self.plan.identity):
                return self.plan.identity[self.identity_given]
            return self.plan.identity[self.identity_given - 1] if self.plan.identity else STOP
        question = "?" in agent and not _ANYTHING_ELSE.search(agent)
        if question:
            key = " ".join(sorted(_words(agent)))
            self.asked[key] = self.asked.get(key, 0) + 1
            if self.asked[key] >= 3:
                return STOP
            return self._best_answer(agent) or "I'm not sure, I don't have that information."
        unsaid = [s for s in self.plan.pool if not any(s in said for said in self.said)]
        if unsaid and not _DIRECTIVE.match(unsaid[0]):
            return unsaid[0]
        return STOP if any(GOODBYE == s for s in self.said) else GOODBYE

    def _best_answer(self, agent: str) -> str:
        """The instruction sentence sharing the most words with the question, unsaid first."""
        asked = _words(agent)
        best, best_score = "", 0.0
        for sentence in self.plan.pool:
            overlap = len(asked & _words(f"{sentence} {self.plan.cues.get(sentence, '')}"))
            score = overlap + (0.5 if not any(sentence in s for s in self.said) else 0.0)
            if overlap and score > best_score:
                best, best_score = sentence, score
        return best
