"""GET /api/v1/privacy/export and DELETE /api/v1/privacy/customers/{id}: a customer's rights.

- Export: a signed-in customer gets their own data; an ADMIN passes `customer_id` for anyone's;
  an anonymous conversation token gets its one conversation. Anyone else, or a customer asking
  for another customer, gets 403. Every export is audited.
- Erase: ADMIN only (a customer asks support, who checks the request first). Idempotent: a
  second call answers 200 with zero counts. Every erasure is audited, with counts only.

No `from __future__ import annotations` here: FastAPI reads the route signatures.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from supportgraph.api.auth import Principal, Role
from supportgraph.api.deps import Access
from supportgraph.api.privacy import PrivacyService

_CUSTOMER = r"^[A-Za-z0-9_.@:\-]+$"
CustomerId = Annotated[str, Path(min_length=1, max_length=128, pattern=_CUSTOMER)]


def _forbidden(message: str) -> HTTPException:
    return HTTPException(403, {"code": "forbidden", "message": message})


def export_subject(principal: Principal, customer_id: str | None) -> str | None:
    """Whose data this caller may export: a customer id, or None for their anonymous chat.

    Raises:
        HTTPException: 403 for anyone else's data, 422 when an admin names no customer.
    """
    if principal.anonymous:
        if customer_id is not None:
            raise _forbidden("a conversation token exports its own conversation only")
        return None
    if principal.role is Role.ADMIN:
        if customer_id is None:
            raise HTTPException(
                422, {"code": "customer_required", "message": "pass ?customer_id=<store user id>"}
            )
        return customer_id
    if principal.role is Role.USER and customer_id in (None, principal.user_id):
        return principal.user_id
    raise _forbidden("customers export their own data; admins any customer's")


def build_privacy_router(privacy: PrivacyService, access: Access) -> APIRouter:
    """The export and erasure routes."""
    router = APIRouter(prefix="/api/v1/privacy", tags=["privacy"])
    Caller = Annotated[Principal, Depends(access.signed_in)]
    Admin = Annotated[Principal, Depends(access.role(Role.ADMIN))]

    @router.get(
        "/export",
        summary="Everything kept about a customer, as JSON",
        responses={403: {"description": "Another customer's data, or not a customer"}},
    )
    async def export(
        principal: Caller,
        customer_id: Annotated[
            str | None,
            Query(min_length=1, max_length=128, pattern=_CUSTOMER, description="Admins only"),
        ] = None,
    ) -> dict[str, Any]:
        return await privacy.export(principal, export_subject(principal, customer_id))

    @router.delete(
        "/customers/{customer_id}",
        summary="Erase a customer's data (admins); a second call erases nothing",
        responses={403: {"description": "The caller is not an admin"}},
    )
    async def erase(principal: Admin, customer_id: CustomerId) -> dict[str, Any]:
        return await privacy.erase(principal, customer_id)

    return router
