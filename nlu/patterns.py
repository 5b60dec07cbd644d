"""Regular-expression readers for ids, emails, payment methods, reasons, money and dates."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

ORDER_W = re.compile(r"(?<![A-Za-z0-9])#?\s?[Ww](\d{7})(?!\d)")
# Other shops' order numbers run from 6 to 15 digits ("purchase 00123842"); all are read whole,
# so a wrong number is answered as not the customer's rather than cut to seven digits.
ORDER_WORD = re.compile(
    r"\b(?:order|purchase)\s*(?:number|no\.?|num|id)?\s*[:#]?\s*(\d{6,15})(?!\d)(?![,.]\d)", re.I
)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
USER_ID = re.compile(r"(?<![\w.@])([a-z]+_[a-z]+_\d{4})(?![\w@])")
PAYMENT_ID = re.compile(r"\b((?:credit_card|gift_card|paypal)_\d{5,10})\b", re.I)
TEN_DIGITS = re.compile(r"(?<![\w#$.,/-])(\d{10})(?![\w]|[.,/-]\d)")
PRODUCT_CUE = re.compile(r"\bproduct\s*(?:id|number|#)?\s*[:#]?\s*$", re.I)
PHONE_CUE = re.compile(r"\b(?:phone|call|cell|mobile|tel|fax)\b[^.]{0,20}$", re.I)

REASON_MISTAKE = re.compile(
    r"\bby (?:mistake|accident)\b|\baccidental(?:ly)?\b|\bmistakenly\b|\bin error\b"
    r"|\bdidn'?t mean to (?:order|buy|place|purchase)\b",
    re.I,
)
REASON_UNNEEDED = re.compile(
    r"\bno longer (?:need|needed|want|require)\b|\bnot needed\b"
    r"|\b(?:don'?t|do not|won'?t|will not)\s+(?:really\s+)?(?:need|want)\s+"
    r"(?:it|them|this|that|these|those|the \w+(?: \w+)?)\s+(?:any ?more|after all)\b"
    r"|\b(?:don'?t|do not|won'?t|will not)\s+need\s+(?:it|them)\b"
    r"|\b(?:don'?t|do not)\s+need\s+(?:the|these|those|my)\s+(?:items?|things|products?|order)\b"
    r"|\b(?:won'?t|will not)\s+be\s+able\s+to\s+(?:receive|use)\s+(?:it|them|the\s+\w+)\b"
    r"|\b(?:want|like)\s+to\s+not\s+receive\b|\bchanged\s+my\s+mind\b",
    re.I,
)
ALL_ITEMS = re.compile(
    r"\b(?:all|every)\s+(?:of\s+)?(?:the\s+|my\s+)?(?:items?|products?|things)\b"
    r"|\beverything\s+(?:in|from|on|of)\s+(?:the|my|this|that)\s+order\b"
    r"|\b(?:whole|entire|full)\s+order\b"
    r"|\b(?:return|exchange|send back|refund|cancel)\s+(?:it\s+)?(?:all|everything)\b"
    r"|\ball\s+of\s+them\b"
    r"|\b(?:all|everything)\s+(?:of\s+it\s+)?(?:but|except|apart\s+from|other\s+than|besides)\b",
    re.I,
)
LOWEST_PRICE = re.compile(
    r"\b(?:cheapest|least\s+expensive|lowest[-\s]priced|most\s+affordable)\s+(?:variant|version|"
    r"option|model|one|kind|type)\b|\bwhichever\s+(?:is|one\s+is|costs)\s+(?:cheaper|less)\b"
    r"|\b(?:the\s+)?cheaper\s+(?:one|option|variant|version)\b",
    re.I,
)
HIGHEST_PRICE = re.compile(
    r"\b(?:most\s+expensive|priciest|highest[-\s]priced|best)\s+(?:variant|version|option|model|"
    r"one|kind|type)\b|\bwhichever\s+(?:is|one\s+is|costs)\s+(?:more\s+expensive|more)\b",
    re.I,
)
"""A variant chosen by price: 'the cheapest one', 'whichever is cheaper'."""
THE_ITEMS = re.compile(
    r"\b(?:return|exchange|send\s+back|refund|cancel)\s+(?:all\s+)?(?:the|my|these|those)\s+"
    r"(?:items|products|things|stuff)\b",
    re.I,
)
"""'Return the items': every item, when the message names no product."""
ORDER_SUFFIX = re.compile(
    r"\border\b[^.?!]{0,40}?\b(?:ends?|ending)\s+(?:in|with)\s+(?:an?\s+)?(\d{1,7})\b", re.I
)
"""'The order number ends in 66': the end of an order id the customer can't recall whole."""
EXCLUDED_BEFORE = re.compile(
    r"\b(?:but(?:\s+not)?|except(?:\s+for)?|other\s+than|apart\s+from|besides|excluding|"
    r"without|not|minus|save\s+for|leave|leaving|(?<!n't\s)(?<!not\s)(?<!n't\swant\sto\s)"
    r"(?<!not\swant\sto\s)(?<!longer\swant\sto\s)(?:keep|keeping)|skip|drop)"
    r"\s+(?:(?:the|my|that|this|those|these|a|an|one|for)\s+)*$",
    re.I,
)
"""Words right before a product mention that leave it out of the request: 'all but the lamp'."""
ALL_ORDERS = re.compile(
    r"\b(?:all|every|each)\s+(?:of\s+)?(?:my\s+|the\s+)?(?:\w+\s+)?orders?\b|\bboth\s+orders\b",
    re.I,
)
"""A request about every order that fits ('cancel every order that hasn't shipped')."""

BRANDS = {
    "visa": "visa",
    "mastercard": "mastercard",
    "amex": "amex",
    "americanexpress": "amex",
    "discovercard": "discover",
}
SOURCE_WORDS = re.compile(
    r"\b(?P<brand>visa|master\s?card|amex|american express|discover card)\b"
    r"|\b(?P<credit>credit card|debit card)\b"
    r"|\b(?P<gift>gift[\s-]?card|gift certificate|store credit|website credit)\b|\bGC\b(?P<gc>)"
    r"|\b(?P<paypal>pay\s?pal)\b",
    re.I,
)
LAST_FOUR = re.compile(
    r"(?:ending\s+(?:in|with)|ends\s+(?:in|with)|last\s+(?:four|4)(?:\s+digits)?"
    r"(?:\s+(?:is|are|of))?|\*{2,}|x{2,})\s*:?\s*(\d{4})\b",
    re.I,
)
ORIGINAL_METHOD = re.compile(
    r"\b(?:original|same|initial)\s+(?:form\s+of\s+payment|payment(?:\s+method)?"
    r"|(?:payment\s+|credit\s+|debit\s+|pay\s?pal\s+)?(?:method|card|account|source)"
    r"(?:\s+of\s+payment)?)\b"
    r"|\b(?:card|method|account|one)\s+(?:that\s+)?I\s+(?:originally\s+)?(?:paid|used|ordered"
    r"|bought\s+(?:it|them))\s+with\b"
    r"|\b(?:same\s+way|however)\s+I\s+(?:originally\s+)?paid\b",
    re.I,
)
NOT_ORIGINAL = re.compile(
    r"\b(?:instead\s+of|not|rather\s+than|other\s+than|except|besides)\s+(?:to\s+|on\s+)?"
    r"(?:the\s+|my\s+)?$",
    re.I,
)
TARGET_CUE = re.compile(r"\b(?:to|via|using|with|on|onto|into|use)\s+(?:my\s+|the\s+|a\s+)?$", re.I)

MONEY = re.compile(
    r"\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?!\d)"
    r"|(?<![\w.])(\d+)(?:\.(\d{1,2}))?\s?(?:dollars|bucks|usd)\b"
    r"|\bUSD\s?(\d+)(?:\.(\d{1,2}))?\b",
    re.I,
)
MONTHS = {
    name: i % 12 + 1
    for i, name in enumerate(
        "january february march april may june july august september october november december"
        " jan feb mar apr may jun jul aug sep oct nov dec".split()
    )
} | {"sept": 9}
DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
DATE_US = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
DATE_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
DATE_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]{3,9}),?\s+(\d{4})\b")


def unique(values: list[Any]) -> list[Any]:
    """Drop repeats, keeping the first mention of each value."""
    return list(dict.fromkeys(values))


def order_ids(text: str) -> list[str]:
    """Order ids written '#W1234567', 'W1234567', 'order 1234567' or 'purchase 00123842'.

    All come back as '#W' + the digits as written, leading zeros kept.
    """
    found = [(m.start(), m.group(1)) for m in ORDER_W.finditer(text)]
    found += [(m.start(), m.group(1)) for m in ORDER_WORD.finditer(text)]
    return unique([f"#W{digits}" for _, digits in sorted(found)])


def reason(text: str) -> str | None:
    """The cancellation reason, if the customer states one of the two accepted ones."""
    hits = [(m.start(), "ordered by mistake") for m in REASON_MISTAKE.finditer(text)]
    hits += [(m.start(), "no longer needed") for m in REASON_UNNEEDED.finditer(text)]
    return min(hits)[1] if hits else None


PREFER = re.compile(r"\b(?:prefer|rather\s+(?:use|have|go\s+with)|would\s+rather)\b", re.I)


def payment_hint(text: str) -> dict[str, Any] | None:
    """The kind of payment method named in words: source, and brand or last four if given.

    When several kinds are named ("from my card to PayPal"), the one after a target word
    (to, via, using, with, on) wins, otherwise the last one mentioned. "The original payment
    method" or "the card I paid with" adds `original: True`, unless it is turned down
    ("instead of the original card").
    """
    original = any(
        not NOT_ORIGINAL.search(text[: m.start()]) for m in ORIGINAL_METHOD.finditer(text)
    )
    hits = []
    for m in SOURCE_WORDS.finditer(text):
        kind = m.lastgroup
        said: dict[str, Any] = {
            "source": "gift_card"
            if kind in ("gift", "gc")
            else "paypal"
            if kind == "paypal"
            else "credit_card"
        }
        if kind == "brand":
            said["brand"] = BRANDS[re.sub(r"\s+", "", m.group().lower())]
        hits.append((bool(TARGET_CUE.search(text[: m.start()])), m.start(), said))
    last_four = LAST_FOUR.search(text)
    if not hits and not last_four:
        return {"original": True} if original else None
    # "I prefer PayPal to/over/rather than the gift card": the first named is the choice.
    preferred = PREFER.search(text)
    if preferred and hits:
        hits = [h for h in hits if h[1] >= preferred.end()][:1] or hits
        return _with_last_four(dict(hits[0][2]), last_four, original)
    targeted = [h for h in hits if h[0]]
    hint: dict[str, Any] = dict((targeted or hits)[-1][2]) if hits else {"source": "credit_card"}
    return _with_last_four(hint, last_four, original)


def _with_last_four(hint: dict[str, Any], last_four: re.Match | None, original: bool) -> dict:
    if last_four and hint["source"] == "credit_card":
        hint["last_four"] = last_four.group(1)
    if original:
        hint["original"] = True
    return hint


def amounts(text: str) -> list[float]:
    """Money amounts such as '$1,299.99', '25 dollars' or 'USD 40'."""
    out = []
    for m in MONEY.finditer(text):
        whole, cents = next((m.group(i), m.group(i + 1)) for i in (1, 3, 5) if m.group(i))
        out.append(float(whole.replace(",", "") + "." + (cents or "0")))
    return unique(out)


def dates(text: str) -> list[str]:
    """Calendar dates that include a year, as ISO strings; dates without a year are skipped."""
    found = []
    for m in DATE_ISO.finditer(text):
        found.append((m.start(), _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    for m in DATE_US.finditer(text):
        found.append((m.start(), _iso(int(m.group(3)), int(m.group(1)), int(m.group(2)))))
    for m in DATE_MDY.finditer(text):
        if month := MONTHS.get(m.group(1).lower()):
            found.append((m.start(), _iso(int(m.group(3)), month, int(m.group(2)))))
    for m in DATE_DMY.finditer(text):
        if month := MONTHS.get(m.group(2).lower()):
            found.append((m.start(), _iso(int(m.group(3)), month, int(m.group(1)))))
    return unique([iso for _, iso in sorted(found) if iso])


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
