"""US street addresses in free text: '629 Sunset Drive, Suite 581, San Diego, CA 92159'."""

from __future__ import annotations

import re

STATES = {
    "alabama": "AL",
    "alaska": "AK",
    "arizona": "AZ",
    "arkansas": "AR",
    "california": "CA",
    "colorado": "CO",
    "connecticut": "CT",
    "delaware": "DE",
    "florida": "FL",
    "georgia": "GA",
    "hawaii": "HI",
    "idaho": "ID",
    "illinois": "IL",
    "indiana": "IN",
    "iowa": "IA",
    "kansas": "KS",
    "kentucky": "KY",
    "louisiana": "LA",
    "maine": "ME",
    "maryland": "MD",
    "massachusetts": "MA",
    "michigan": "MI",
    "minnesota": "MN",
    "mississippi": "MS",
    "missouri": "MO",
    "montana": "MT",
    "nebraska": "NE",
    "nevada": "NV",
    "new hampshire": "NH",
    "new jersey": "NJ",
    "new mexico": "NM",
    "new york": "NY",
    "north carolina": "NC",
    "north dakota": "ND",
    "ohio": "OH",
    "oklahoma": "OK",
    "oregon": "OR",
    "pennsylvania": "PA",
    "rhode island": "RI",
    "south carolina": "SC",
    "south dakota": "SD",
    "tennessee": "TN",
    "texas": "TX",
    "utah": "UT",
    "vermont": "VT",
    "virginia": "VA",
    "washington": "WA",
    "west virginia": "WV",
    "wisconsin": "WI",
    "wyoming": "WY",
    "district of columbia": "DC",
}
_CODES = "|".join(sorted(set(STATES.values())))
_NAMES = "|".join(sorted(STATES, key=len, reverse=True)).replace(" ", r"\s+")
_SUFFIX = (
    r"Street|St|Avenue|Ave|Drive|Dr|Lane|Ln|Road|Rd|Boulevard|Blvd|Way|Court|Ct|Place|Pl"
    r"|Terrace|Ter|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Trail|Trl"
)
ADDRESS = re.compile(
    rf"(?<![\w#])(?P<address1>\d{{1,6}}\s+(?:(?:[A-Za-z0-9.'-]+\s+){{0,4}}?(?:{_SUFFIX})\b\.?"
    rf"|Broadway\b))"
    r"(?:\s*,?\s*(?P<address2>(?:Suite|Ste|Apt|Apartment|Unit|Floor|Fl|Room|Rm)\.?\s*#?\s*"
    r"[A-Za-z0-9-]+|#\s*[A-Za-z0-9-]+))?"
    rf"(?:(?:\s*,\s*|\s+)(?P<city>[A-Za-z][A-Za-z.'-]*(?:\s+[A-Za-z][A-Za-z.'-]*){{0,2}}?)"
    rf"\s*,?\s+(?P<state>{_NAMES}|(?:{_CODES})\b)\.?"
    r"\s*,?\s*(?P<zip>\d{5})(?:-\d{4})?(?!\d)"
    r"(?:\s*,?\s*(?P<country>USA|U\.S\.A\.|United States(?: of America)?|US)\b)?)?",
    re.IGNORECASE,
)


def _cap(text: str) -> str:
    """Capitalise words typed all in lower case; keep the customer's own casing otherwise."""
    if text != text.lower():
        return text
    return " ".join(w[:1].upper() + w[1:] if w[:1].isalpha() else w for w in text.split())


def find_address(text: str) -> tuple[dict[str, str], tuple[int, int]] | None:
    """The first street address in `text` and its character span.

    The street line alone is enough; city, state and zip are read only when all three follow,
    and then the country is the USA.

    Args:
        text: A customer message.
    """
    m = ADDRESS.search(text)
    if not m:
        return None
    address = {"address1": _cap(re.sub(r"\s+", " ", m.group("address1")).strip())}
    if m.group("address2"):
        address["address2"] = _cap(re.sub(r"\s+", " ", m.group("address2")).strip())
    if m.group("city"):
        state = m.group("state")
        code = state.upper() if len(state) == 2 else STATES[re.sub(r"\s+", " ", state.lower())]
        address |= {
            "city": _cap(m.group("city").strip()),
            "state": code,
            "zip": m.group("zip"),
            "country": "USA",
        }
    return address, m.span()
