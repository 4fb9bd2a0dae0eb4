"""The store's tables, and bringing a store up to the current schema.

A store records its schema version in `meta`. Opening a store for writing applies every
migration above that version (loaders.store.migrations), each in one transaction. Views are
not data: they are recreated from their definitions (loaders.store.current_points) whenever
a migration ran.
"""

from __future__ import annotations

import re

import duckdb

from loaders.store import migrations
from loaders.store.connection import Store, StoreError
from loaders.store.current_points import VIEWS

# Tables in the order an export writes them (and the order a reader should load them).
TABLES = (
    "meta",
    "indicators",
    "issues",
    "articles",
    "observations",
    "unassigned",
    "audit_log",
    "catalog_versions",
)
# The rest of a store's state: what a move between stores carries besides the exported
# tables (current_points is derived, and rebuilt instead).
STATE_TABLES = (
    "series_versions",
    "import_jobs",
    "import_files",
    "changesets",
    "point_changes",
    "watchlists",
    "watchers",
    "mail_outbox",
)
# Rows of each table in a stable order (exports, migrations between stores).
TABLE_ORDER = {
    "meta": "key",
    "indicators": "position",
    "issues": "published, year, number",
    "articles": "issue_key, article_index",
    "observations": "issue_key, seq",
    "unassigned": "issue_key, seq",
    "audit_log": "id",
    "catalog_versions": "version",
}

META_TABLE = """CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL)"""


def _stored_version(cur) -> int | None:
    """The schema version written in meta; None for a store without the meta table."""
    found = cur.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND table_schema = 'main' AND table_name = 'meta'"
    ).fetchone()
    if not found or not found[0]:
        return None
    row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(row[0][0]) if row else None


def _too_new(store: Store, version: int) -> StoreError:
    return StoreError(
        f"{store.path} was written with store schema {version}, newer than this version "
        f"({migrations.SCHEMA_VERSION}); update the program (git pull, make) to open it"
    )


# A store whose engine refuses PRIMARY KEY and UNIQUE (Store.enforces_keys false: the team
# store, DuckLake) gets its tables without them: there, uniqueness is the write path's job
# (each write reads what it replaces, in a transaction that conflicts with any concurrent
# write, Store.write).
_KEY_CONSTRAINT = re.compile(r"\s+(?:PRIMARY KEY|UNIQUE)\b")


def statement_for(store: Store, statement: str) -> str:
    return statement if store.enforces_keys else _KEY_CONSTRAINT.sub("", statement)


def _bump(cur) -> None:
    # Before migration 8 a store has no write_version: that UPDATE then changes nothing.
    for key in ("data_version", "write_version"):
        cur.execute(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = ?",
            [key],
        )


def migrate(store: Store) -> list[int]:
    """Bring a writable store up to SCHEMA_VERSION; returns the migrations applied.

    Each migration is one write (Store.write) that also records
    its version and bumps the data version (readers' caches hold rows of the old shape), so
    a crash between two leaves the store at the last complete one and the next open resumes
    there; two processes opening a new store at once apply each migration once.
    """
    applied: list[int] = []

    def create_meta(cur) -> None:
        if _stored_version(cur) is not None:
            return
        cur.execute(statement_for(store, META_TABLE))
        for key in ("data_version", "schema_version", "write_version"):
            cur.execute("INSERT INTO meta VALUES (?, '0')", [key])

    def next_migration(cur) -> int | None:
        version = _stored_version(cur) or 0
        if version > migrations.SCHEMA_VERSION:
            raise _too_new(store, version)
        pending = [m for m in migrations.MIGRATIONS if m.version > version]
        if not pending:
            return None
        migration = pending[0]
        try:
            for statement in migration.statements:
                cur.execute(statement_for(store, statement))
            if migration is migrations.MIGRATIONS[-1]:
                for view in VIEWS.values():
                    cur.execute(view)
        except duckdb.Error as exc:
            raise StoreError(
                f"could not upgrade the store to schema {migration.version} "
                f"({migration.description}) in {store.path}; nothing was changed "
                f"({type(exc).__name__}: {exc})"
            ) from exc
        cur.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(migration.version)]
        )
        _bump(cur)
        return migration.version

    store.write("create the store's tables", create_meta)
    while True:
        version = store.write("upgrade the store's schema", next_migration)
        if version is None:
            break
        applied.append(version)
    store.after_open()
    return applied


def check(store: Store) -> None:
    """A read-only store must already be at SCHEMA_VERSION (it cannot be upgraded here)."""
    with store.read() as cur:
        version = _stored_version(cur)
        views = {
            row[0]
            for row in cur.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = current_database() AND table_schema = 'main'"
            ).fetchall()
        }
    if version is not None and version > migrations.SCHEMA_VERSION:
        raise _too_new(store, version)
    if version is not None and version < migrations.SCHEMA_VERSION:
        raise StoreError(
            f"{store.path} uses store schema {version}; open it once for writing "
            f"(e.g. make db or python -m loaders ingest) to upgrade it to {migrations.SCHEMA_VERSION}"
        )
    missing = [name for name in (*TABLES, *VIEWS) if name not in views]
    if version is None or missing:
        raise StoreError(
            f"{store.path} is not a briefs database (missing {', '.join(missing) or 'meta'}); "
            "open it once for writing to create the tables"
        )
