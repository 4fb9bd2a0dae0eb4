"""`export`, `migrate-store` and `maintain`: the store as a whole."""

from __future__ import annotations

import argparse

from loaders.services.export import export_tables
from loaders.store import open_store


def cmd_export(args: argparse.Namespace) -> int:
    # Read-only: exporting must never create a database or change its catalog.
    with open_store(args.db, read_only=True) as store:
        written = export_tables(store, args.outdir)
    for path in written:
        print(path)
    return 0


def cmd_migrate_store(args: argparse.Namespace) -> int:
    """An embedded store into a team store and back (BRIEFS_DATA_PATH for the lake)."""
    from loaders.services.migrate import migrate_store

    with open_store(args.source, read_only=True) as source, open_store(args.target) as target:
        copied = migrate_store(source, target)
    for table, rows in copied.items():
        print(f"{table}: {rows} rows")
    return 0


def cmd_maintain(args: argparse.Namespace) -> int:
    """The store's housekeeping now (the team store's compaction; nothing for a file)."""
    with open_store(args.db) as store:
        done = store.maintain(force=True)
    print("compacted" if done else "nothing to do (or a writer was busy: run it again later)")
    return 0
