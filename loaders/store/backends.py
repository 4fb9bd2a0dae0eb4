"""Which store a location names: a small registry of the backends, each found by name and
imported only when a location asks for it.

- the team store (loaders.store.lake): DuckLake's attach string
  (`ducklake:postgres:dbname=… host=…`), with BRIEFS_DATA_PATH naming where its data
  files live;
- the embedded store (loaders.store.filestore): any other location, a DuckDB file path.

A new backend is a Store subclass (loaders.store.connection) and one line here.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from loaders.paths import database_location
from loaders.store.connection import Store, StoreError

# Tried in order: the first whose handles() accepts a location opens it ("module:Class").
BACKENDS = {
    "lake": "loaders.store.lake:LakeStore",
    "file": "loaders.store.filestore:FileStore",
}


def backend(name: str) -> type[Store]:
    """The Store class registered under name (KeyError for an unknown name)."""
    module, _, cls = BACKENDS[name].partition(":")
    found = getattr(importlib.import_module(module), cls)
    assert issubclass(found, Store) and found.kind == name, BACKENDS[name]
    return found


def connect(location: str | Path | None = None, *, read_only: bool = False) -> Store:
    """The store at location ($BRIEFS_DB or data/briefs.duckdb by default), nothing opened
    yet; open_store (loaders.store) also brings the schema up to date. StoreError when the
    location cannot serve as a store."""
    location = str(location) if location is not None else database_location()
    for name in BACKENDS:
        store_class = backend(name)
        if store_class.handles(location):
            return store_class.at(location, read_only=read_only)
    raise StoreError(f"no store backend serves {location!r}")
