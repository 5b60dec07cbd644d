"""Routes the web screens read: the client configuration, and a conversation's customer.

The customer profile is for the support team, read only.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from supportgraph.api.audit import CUSTOMER_READ, AuditLog
from supportgraph.api.auth import Principal, Role
from supportgraph.api.conversations import ConversationService, NotFound
from supportgraph.api.deps import Access, ConversationId
from supportgraph.commerce.port import CommercePort


class ClientConfig(BaseModel):
    """How a client should offer sign-in."""

    dev_auth: bool = Field(description="Development sign-in (`POST /api/v1/auth/dev-login`) is on.")
    anonymous_chat: bool = Field(description="Customers may chat without signing in.")


class CustomerProfile(BaseModel):
    """The store's record of a conversation's customer, with their orders in full."""

    user_id: str
    name: dict[str, Any]
    email: str | None = None
    address: dict[str, Any] = Field(default_factory=dict)
    payment_methods: dict[str, Any] = Field(default_factory=dict)
    orders: list[dict[str, Any]] = Field(
        default_factory=list, description="The order records, in the user record's order."
    )


def build_console_router(
    conversations: ConversationService,
    commerce: CommercePort,
    access: Access,
    config: ClientConfig,
    audit: AuditLog | None = None,
) -> APIRouter:
    """The /api/v1/support routes of the client configuration and the customer profile."""
    router = APIRouter(prefix="/api/v1/support")
    Staff = Annotated[Principal, Depends(access.role(Role.AGENT, Role.ADMIN))]

    @router.get("/client-config", tags=["auth"], summary="How clients should offer sign-in")
    async def client_config() -> ClientConfig:
        return config

    @router.get(
        "/conversations/{conversation_id}/customer",
        tags=["queue"],
        summary="The conversation's customer and their orders (agents and admins, read only)",
        responses={404: {"description": "No such conversation, or no customer identified yet"}},
    )
    async def customer(principal: Staff, conversation_id: ConversationId) -> CustomerProfile:
        try:
            row = await conversations.get(principal, conversation_id)
        except NotFound as error:
            raise HTTPException(
                404, {"code": "not_found", "message": "no such conversation"}
            ) from error
        user_id = row.customer_id or row.owner_id
        user = await commerce.get_user(user_id) if user_id else None
        if user is None:
            raise HTTPException(
                404,
                {"code": "customer_unknown", "message": "the customer has not been identified yet"},
            )
        if audit is not None:
            await audit.staff_read(principal, CUSTOMER_READ, "customer", str(user_id))
        orders = [await commerce.get_order(str(order_id)) for order_id in user.get("orders", [])]
        return CustomerProfile(
            user_id=str(user.get("user_id") or user_id),
            name=user.get("name") or {},
            email=user.get("email"),
            address=user.get("address") or {},
            payment_methods=user.get("payment_methods") or {},
            orders=[order for order in orders if order is not None],
        )

    return router
