"""The one place that picks the commerce adapter from settings."""

from __future__ import annotations

from supportgraph.commerce.port import CommercePort
from supportgraph.settings import Settings, get_settings


def build_commerce(settings: Settings | None = None) -> CommercePort:
    """Return the HTTP adapter if a commerce URL is set, else the in-process store.

    The in-process store is created and seeded with the shipped data on first use.

    Args:
        settings: deployment settings; read from the environment when omitted.
    """
    settings = settings or get_settings()
    if settings.commerce_url:
        from supportgraph.commerce.http import HttpCommerce

        return HttpCommerce(settings.commerce_url, settings.service_token)
    from supportgraph.commerce.local import InProcessCommerce
    from supportgraph.commerce.store import Store
    from supportgraph.encryption.keyring import load_keyring

    store = Store(settings.store_url, keyring=load_keyring(settings))
    store.seed_if_empty()
    return InProcessCommerce(store)
