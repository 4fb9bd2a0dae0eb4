"""Moving a store: the embedded file into a team store (DuckLake) and back.

Every table is copied as it is (Arrow keeps each value's exact type) in one write to the
target, which must hold no issue yet; the current values are rebuilt there. The exports of
both stores are then byte for byte the same (tests/test_lake.py checks it).
"""

from __future__ import annotations

from loaders.store import Store, StoreError, queries, writes
from loaders.store.schema import STATE_TABLES, TABLES


def migrate_store(source: Store, target: Store) -> dict[str, int]:
    """Copy every table of source into target; returns rows copied per table."""
    if queries.issues(target).shape[0]:
        raise StoreError(f"{target.path} already holds issues; move a store only into an empty one")
    tables = {name: queries.table_rows(source, name) for name in TABLES + STATE_TABLES}

    def copy(cur) -> None:
        for name, rows in tables.items():
            writes.replace_table(cur, name, rows)
        # The change log is one of the tables copied: the rebuild is no change.
        writes.refresh_current(cur, cause=None)

    target.write(f"copy {source.path} into it", copy)
    return {name: rows.num_rows for name, rows in tables.items()}
