"""The store's copy of the catalog: which indicators its pages list and its figures use."""

from __future__ import annotations

from loaders.catalog import Catalog
from loaders.store import Store, writes


def sync_catalog(store: Store, catalog: Catalog) -> bool:
    """Make the store's indicators match the catalog; False (nothing written, no new data
    version) when they already do."""

    def update(cur) -> bool:
        changed = writes.replace_catalog(cur, catalog)
        if changed:
            writes.bump_version(cur, series=None)
        return changed

    return store.write("update the catalog", update)
