"""Who is calling: the FastAPI dependencies every /api/v1 router shares.

No `from __future__ import annotations` here: FastAPI reads these signatures.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Path, Request, Response

from supportgraph.api.auth import Authenticator, AuthError, Principal, Role, bearer
from supportgraph.api.limits import RateLimits

ConversationId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")]
"""A conversation id in a route's path."""


class Access:
    """Verifies the bearer token, counts the call against the caller's rate limit, checks roles.

    Use as `Annotated[Principal, Depends(access.signed_in)]`, or `Depends(access.role(ADMIN))`.
    """

    def __init__(self, auth: Authenticator, limits: RateLimits) -> None:
        """Check tokens with this authenticator and count calls with these limits."""
        self.limits = limits

        async def caller(
            request: Request,
            response: Response,
            authorization: Annotated[str | None, Header(max_length=8192)] = None,
        ) -> Principal | None:
            """The verified caller, or None when no Authorization header was sent."""
            try:
                token = bearer(authorization)
                principal = auth.verify(token) if token else None
            except AuthError as error:
                raise HTTPException(
                    error.status,
                    {"code": error.code, "message": str(error)},
                    headers={"WWW-Authenticate": "Bearer"},
                ) from error
            client = request.client.host if request.client else "unknown"
            await limits.hit(principal, client, response)
            return principal

        async def signed_in(
            principal: Annotated[Principal | None, Depends(caller)],
        ) -> Principal:
            """The verified caller; 401 without one."""
            if principal is None:
                raise HTTPException(
                    401,
                    {"code": "missing_token", "message": "send Authorization: Bearer <token>"},
                    headers={"WWW-Authenticate": "Bearer"},
                )
            return principal

        self.caller = caller
        self.signed_in = signed_in

    def role(self, *roles: Role) -> Callable[..., Awaitable[Principal]]:
        """A dependency admitting only signed-in callers with one of these roles (else 403)."""
        names = " or ".join(role.value for role in roles)

        async def check(principal: Annotated[Principal, Depends(self.signed_in)]) -> Principal:
            if principal.anonymous or principal.role not in roles:
                raise HTTPException(
                    403, {"code": "forbidden", "message": f"this needs the {names} role"}
                )
            return principal

        return check
