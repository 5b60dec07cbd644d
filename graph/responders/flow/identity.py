"""Identity verification: by email, or by first name, last name and zip."""

from __future__ import annotations

from supportgraph.commerce.port import IDENTITY_TOOLS
from supportgraph.graph.responders.flow.memory import FlowMemory, Observation
from supportgraph.graph.responders.flow.step import Step, call, reads, say
from supportgraph.prompts import flow as replies


def verify(memory: FlowMemory, observations: list[Observation]) -> Step:
    """Look the customer up with what they gave, or ask for what is missing."""
    identity, tried = memory.identity, memory.tried
    for seen in observations:
        if seen.name in IDENTITY_TOOLS and not seen.ok:
            if seen.text.startswith("Error: this conversation"):
                return say(replies.OTHER_CUSTOMER)
            by_email = seen.name == "find_user_id_by_email"
            for key in (
                ("email", "other_emails") if by_email else ("first_name", "last_name", "zip")
            ):
                identity.pop(key, None)
            return say(
                replies.NOT_FOUND_EMAIL if by_email else replies.NOT_FOUND_NAME, asked="identity"
            )
    # "I have several: a@x.com, b@x.com": every address is looked up in one round.
    emails = [e for e in [identity.get("email"), *identity.get("other_emails", [])] if e]
    untried = [e for e in dict.fromkeys(emails) if f"email:{e}" not in tried]
    if untried:
        tried.extend(f"email:{e}" for e in untried)
        return reads("find_user_id_by_email", "email", untried)
    first, last, zip_code = (identity.get(k) for k in ("first_name", "last_name", "zip"))
    key = f"name:{first}:{last}:{zip_code}"
    if first and last and zip_code and key not in tried:
        tried.append(key)
        return call("find_user_id_by_name_zip", first_name=first, last_name=last, zip=zip_code)
    if first and last:
        return say(replies.ASK_ZIP, asked="identity")
    if zip_code:
        return say(replies.ASK_NAME, asked="identity")
    return say(replies.ASK_IDENTITY, asked="identity")
