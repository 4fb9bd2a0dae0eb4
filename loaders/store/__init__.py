"""The store: the only code that speaks SQL.

- connection.py: what every store is, the interface without an implementation (reads,
  writes run again on a conflict, errors, what a backend declares it can do);
- backends.py: the registry, and `connect`, which picks the backend a location names: the
  embedded file store (filestore.py: one machine, many processes; turns.py: its write lock
  and batches) or the team store (lake.py: DuckLake over PostgreSQL, many machines);
- transactions.py: transactions, read cursors and running a lost write again, as both
  backends do them;
- schema.py: the tables, and bringing a store up to date by the ordered migrations of
  migrations.py (a schema change upgrades a file in place, never asks for a re-ingest);
- current_points.py: which statement is current, in SQL (the issues' order, values_differ,
  the select that keeps current_points and the `current` view);
- queries/: one function per read, typed results, by subject (series, issues, catalog,
  imports, state);
- writes.py: the inserts and deletes a use case composes inside one transaction;
- changes.py: the change log of the current values (changesets, point changes);
  watchers.py: who is told (watchlists, visits, the digest mails' outbox);
- convert.py: a file written by DuckDB 2.0 (earlier releases) converted once, when first
  opened for writing.

What a write means (an ingest, a revision, who may write) is decided in loaders.services.
"""

from __future__ import annotations

from pathlib import Path

from loaders.store import schema
from loaders.store.backends import connect
from loaders.store.connection import Store, StoreError, StoreNotPublished, WriteConflict


def open_store(path: str | Path | None = None, *, read_only: bool = False) -> Store:
    """Open the store at path ($BRIEFS_DB or data/briefs.duckdb by default).

    For writing, the file (and its folder) is created if missing, its schema brought up to
    date and published for readers; read-only, it must exist at the current schema (a file
    never published, e.g. written by an older release, is published first: a copy, not a
    change). The catalog is not touched: loaders.services.catalog decides when it changes.
    """
    store = connect(path, read_only=read_only)
    try:
        if read_only:
            store.prepare_reading()
            schema.check(store)
        else:
            schema.migrate(store)
    except BaseException:
        store.close()
        raise
    return store


__all__ = ["Store", "StoreError", "StoreNotPublished", "WriteConflict", "connect", "open_store"]
