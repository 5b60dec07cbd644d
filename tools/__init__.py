"""Tools the responders can call, one module per service."""

from __future__ import annotations

from langchain_core.tools import BaseTool

from supportgraph.tools import retail, retail_writes

RETAIL_TOOLS: list[BaseTool] = [
    retail.find_user_id_by_email,
    retail.find_user_id_by_name_zip,
    retail.get_user_details,
    retail.get_order_details,
    retail.get_product_details,
    retail.list_all_product_types,
    retail.calculate,
    retail.think,
    retail.transfer_to_human_agents,
    retail.cancel_pending_order,
    retail_writes.modify_pending_order_address,
    retail_writes.modify_pending_order_payment,
    retail_writes.modify_pending_order_items,
    retail_writes.return_delivered_order_items,
    retail_writes.exchange_delivered_order_items,
    retail_writes.modify_user_address,
]
"""The 16 τ-bench retail tools, in τ-bench order of use."""

TOOLS_BY_NAME: dict[str, BaseTool] = {t.name: t for t in RETAIL_TOOLS}

__all__ = ["RETAIL_TOOLS", "TOOLS_BY_NAME"]
