"""Offline detection of prompt injection, jailbreak attempts and requests for malware in text.

Every rule needs an instruction-like phrase aimed at the assistant itself, not a
single keyword, because customers routinely write things like "please ignore my
previous order" or "I am now at a new address".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from supportgraph.nlu.text import strip_marks

_ROLE = (
    r"(?:admin|administrator|sysadmin|superuser|root|developer|dev|system|moderator|operator"
    r"|supervisor|manager|store\s+manager|store\s+owner|employee|staff(?:\s+member)?|ceo)"
)
_PRIVILEGED_VERB = (
    r"(?:approve|authori[sz]e|override|grant|allow|instruct|order|command|bypass|skip|waive"
    r"|refund|issue|permit|unlock)"
)
_FOLLOW_UP = r"(?!\s+(?:for|on|about|to|of)\b)"
_LANGUAGE = r"[\w+#./-]+"
_MALWARE = (
    r"(?:virus(?:es)?|malware|ransomware|spyware|keyloggers?|rootkits?|bootkits?|backdoors?|trojans?"
    r"|botnets?|worms?|exploits?|shellcode|cryptojack\w*|payloads?)"
)

RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE | re.MULTILINE))
    for name, pattern in (
        (
            "instruction_override",
            r"\b(?:ignore|disregard|forget|override|overrule|bypass|drop|abandon|do\s+not\s+follow"
            r"|don'?t\s+follow|stop\s+following)\s+(?:all\s+|any\s+|the\s+|your\s+|these\s+|those\s+|my\s+)*"
            r"(?:previous|prior|above|earlier|preceding|former|original|initial|system|old|existing"
            r"|safety|store|support|refund|return)?\s*"
            r"(?:instructions?|prompts?|rules|directives?|guidelines|guardrails|polic(?:y|ies)"
            r"|restrictions|constraints|programming|safeguards)\b",
        ),
        (
            "instruction_override",
            r"\b(?:ignore|disregard|forget)\s+(?:everything|all)\s+"
            r"(?:above|before|said|you\s+were\s+told)",
        ),
        (
            "instruction_override",
            r"\b(?:new|updated|real|actual|revised)\s+(?:system\s+)?instructions?\s*:"
            r"|\bfrom\s+now\s+on,?\s+(?:you|your)\s+(?:will|must|are|should|shall|only|answer|respond|role)"
            r"|\byour\s+new\s+(?:role|task|instructions?|goal|objective|persona)\b",
        ),
        (
            "role_play",
            rf"\byou\s+are\s+now\s+(?:\w+\s+){{0,3}}?(?:{_ROLE}|dan|jailbroken|unrestricted|unfiltered"
            r"|uncensored|evil|free\s+from|no\s+longer|not\s+bound|a\s+different|an?\s+(?:ai|assistant|bot|model|llm)\b)"
            r"|\byou\s+are\s+no\s+longer\s+(?:an?\s+)?(?:bound|restricted|limited|assistant|support|customer|ai|required)"
            r"|\byou\s+(?:have|now\s+have)\s+no\s+(?:rules|restrictions|limits|policy|policies|guidelines)\b",
        ),
        (
            "role_play",
            rf"\b(?:act|behave|respond|operate)\s+as\s+(?:if\s+you\s+(?:were|are)\s+)?(?:an?\s+|the\s+|my\s+|your\s+)?"
            rf"(?:{_ROLE}|dan|jailbroken|unrestricted|unfiltered|different\s+(?:ai|assistant|bot)|ai\s+without)\b"
            r"|\bact\s+as\s+if\s+(?:you\s+have\s+no|there\s+(?:are|were)\s+no|the\s+(?:rules|policy)\s+(?:do|does|did)\s*n[o']t)",
        ),
        (
            "role_play",
            rf"\b(?:pretend|imagine|roleplay|role-play)\s+(?:that\s+)?(?:you\s+are|you'?re|to\s+be|as|you\s+were)\s+"
            rf"(?:an?\s+|the\s+|my\s+)?(?:{_ROLE}|dan|jailbroken|unrestricted|unfiltered|human|different|evil|ai\s+without)",
        ),
        (
            "jailbreak_mode",
            r"\b(?:developer|dev|dan|god|sudo|debug|admin|maintenance|jailbreak|unrestricted)\s+mode\b"
            r"|\bjailbr(?:eak|oken)\b|\bdo\s+anything\s+now\b",
        ),
        (
            "prompt_leak",
            r"\bsystem\s+(?:prompt|message|instructions?)\b"
            r"|\b(?:hidden|secret|initial|original|internal|confidential|developer|pre-?)\s*(?:prompt|instructions)\b",
        ),
        (
            "prompt_leak",
            r"\b(?:reveal|show|print|repeat|output|display|leak|dump|expose|share|recite|tell\s+me|what\s+are"
            r"|what\s+were|list|give\s+me)\s+(?:me\s+)?(?:all\s+|exactly\s+)?your\s+"
            rf"(?:\w+\s+)?(?:prompts?|instructions|directives|configuration){_FOLLOW_UP}"
            r"|\b(?:repeat|print|output|reveal)\s+(?:everything|all|the\s+text|the\s+words|the\s+messages?)\s+(?:above|before)",
        ),
        (
            "role_tag",
            r"<\s*/?\s*(?:system|assistant|developer|instructions?|im_start|im_end|sys)\s*>"
            r"|<\|\s*(?:system|assistant|im_start|im_end|endoftext)\s*\|>|\[/?(?:INST|SYS|SYSTEM)\]"
            r"|^\s*#{1,6}\s*(?:system|assistant|developer|instructions?)\b"
            r"|^\s*(?:system|assistant|developer)\s*:",
        ),
        (
            "policy_bypass",
            r"\bwithout\s+(?:asking\s+(?:for\s+)?|any\s+|my\s+|the\s+|further\s+|explicit\s+|user\s+)*"
            r"(?:confirmation|confirming|verification|verifying|authentication|authenticating)\b"
            r"|\b(?:skip|bypass|circumvent|disable|turn\s+off|waive)\s+(?:the\s+|your\s+|my\s+|all\s+|any\s+)?"
            r"(?:identity\s+|user\s+|id\s+|security\s+)?(?:verification|authentication|confirmation|checks?|policy|rules)\b"
            r"|\bno\s+need\s+to\s+(?:verify|authenticate|confirm|check)\s+(?:my|me|the|anything|identity)",
        ),
        (
            "privilege_claim",
            rf"\bas\s+(?:an?|the|your)\s+{_ROLE}\b[^.!?\n]{{0,40}}?\b{_PRIVILEGED_VERB}"
            rf"|\bi\s+am\s+(?:an?|the|your)\s+{_ROLE}\b[^.!?\n]{{0,40}}?\b{_PRIVILEGED_VERB}"
            r"|\b(?:admin|administrator|manager|supervisor)\s+(?:override|approval|authori[sz]ation)\b"
            r"|\boverride\s+code\b",
        ),
        (
            # A store's support agent writes no code; customers ask for codes, not for code.
            "malicious_code",
            rf"\bwrite\s+(?:me\s+)?(?:some\s+|a\s+|an\s+)?(?:{_LANGUAGE}\s+){{0,3}}?"
            r"(?:code|script|program|function|assembly)\b"
            r"|\b(?:write|create|make|build|develop|code|program|generate)\s+(?:me\s+)?"
            rf"(?:a\s+|an\s+|some\s+)?(?:\w+\s+){{0,2}}?{_MALWARE}\b"
            r"|\bcode\s+in\s+(?!(?:the|my|your|this|that|a|an|our|their|his|her)\b)"
            rf"(?:{_LANGUAGE}\s+){{1,2}}?(?:to|for|that)\b",
        ),
    )
)


@dataclass(frozen=True, slots=True)
class InjectionMatch:
    """One instruction-like phrase found in a text.

    Attributes:
        rule: Rule category, e.g. `instruction_override` or `role_tag`.
        start: Offset in the normalised text.
        end: Offset after the match in the normalised text.
        snippet: The matched phrase.
    """

    rule: str
    start: int
    end: int
    snippet: str


def normalise(text: str) -> str:
    """Fold compatibility characters, drop zero-width ones and combining marks hiding phrases."""
    return strip_marks(text)


def find_injections(text: str) -> list[InjectionMatch]:
    """Return every injection phrase in `text`, in order of appearance.

    Args:
        text: A customer message or data returned by a tool.
    """
    clean = normalise(text)
    matches = [
        InjectionMatch(rule, m.start(), m.end(), m.group().strip())
        for rule, pattern in RULES
        for m in pattern.finditer(clean)
    ]
    return sorted(matches, key=lambda m: m.start)
