"""Who may use the LangGraph server of `langgraph dev` and Studio (see langgraph.json).

Every call needs a bearer token the support API accepts (a development or identity-provider
token). A thread belongs to the caller who created it: others neither see it nor run on it,
and an ADMIN sees every thread. LangGraph Studio's own signed-in developer keeps access, as the
LangGraph server grants it unless `disable_studio_auth` is set in langgraph.json.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from langgraph_sdk import Auth

from supportgraph.api.auth import Authenticator, AuthError, Role, bearer
from supportgraph.settings import get_settings

auth = Auth()


@lru_cache(maxsize=1)
def _authenticator() -> Authenticator:
    return Authenticator(get_settings())


@auth.authenticate
async def authenticate(authorization: str | None) -> Auth.types.MinimalUserDict:
    """The caller of this request, from its bearer token."""
    try:
        token = bearer(authorization)
        if not token:
            raise AuthError("send Authorization: Bearer <token>", code="missing_token")
        principal = _authenticator().verify(token)
    except AuthError as error:
        raise Auth.exceptions.HTTPException(status_code=401, detail=str(error)) from error
    role = principal.role.value if principal.role else "ANONYMOUS"
    return {"identity": principal.subject, "permissions": [role]}


@auth.on
async def owner_only(ctx: Auth.types.AuthContext, value: Any) -> dict[str, str] | None:
    """Stamp new resources (threads, runs, crons) with their owner; show each caller their own."""
    if Role.ADMIN.value in ctx.permissions or isinstance(ctx.user, Auth.types.StudioUser):
        return None
    if isinstance(value, dict):
        if value.get("metadata") is None:
            value["metadata"] = {}
        # Stamped in place: the server keeps the dict it handed over.
        value["metadata"]["owner"] = ctx.user.identity
    return {"owner": ctx.user.identity}


async def _shared(ctx: Auth.types.AuthContext, value: Any) -> None:
    """The served graphs' assistants are shared: every signed-in caller may find and use them."""
    return None


auth.on.assistants.read(_shared)
auth.on.assistants.search(_shared)
