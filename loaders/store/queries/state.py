"""What state the store is in: the data version readers key their caches on, when it last
changed and per series, the audit log, and whole tables (exports, moves between stores)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import pyarrow as pa

from loaders.store.queries.results import Source, frame, reading
from loaders.store.schema import STATE_TABLES, TABLE_ORDER, TABLES


@dataclass(frozen=True)
class DataState:
    """Which data a reader sees: the write counter and when the last write committed."""

    version: int
    changed_at: datetime | None  # naive UTC; None for a store never written to


def data_version(source: Source) -> int:
    """The counter every write of data bumps (issues, figures, the catalog); readers key their
    caches of the data on it. A write of records only (an import's progress, a refused file,
    an audit row) leaves it."""
    with reading(source) as cur:
        row = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
    return int(row[0][0]) if row else 0


def write_version(source: Source) -> int:
    """The counter every write bumps, records too: the key of caches of import progress and
    the audit log (data_version for a store older than schema 10)."""
    with reading(source) as cur:
        rows = dict(
            cur.execute(
                "SELECT key, value FROM meta WHERE key IN ('write_version', 'data_version')"
            ).fetchall()
        )
    return int(rows.get("write_version", rows.get("data_version", 0)))


def data_state(source: Source) -> DataState:
    """data_version and the time of the last change of the data (meta's data_changed_at; for
    a file last written before that key existed, the latest audit entry of a change, or
    ingest)."""
    with reading(source) as cur:
        rows = dict(
            cur.execute(
                "SELECT key, value FROM meta WHERE key IN ('data_version', 'data_changed_at')"
            ).fetchall()
        )
        changed_at = None
        if "data_changed_at" in rows:
            changed_at = datetime.fromisoformat(rows["data_changed_at"])
        else:
            # Audit rows of logins and API tokens are records, not changes of the data.
            found = cur.execute(
                'SELECT greatest((SELECT max("at") FROM audit_log WHERE action NOT LIKE '
                "'login%' AND action NOT LIKE 'token%'), (SELECT max(ingested_at) FROM issues))"
            ).fetchall()
            changed_at = found[0][0] if found else None
    return DataState(int(rows.get("data_version", 0)), changed_at)


def series_versions(source: Source) -> dict[str, int]:
    """The data version at which each series last changed (a series not listed: 0)."""
    with reading(source) as cur:
        return dict(cur.execute("SELECT indicator, version FROM series_versions").fetchall())


def audit_log(source: Source) -> pd.DataFrame:
    """Every write, newest first: at (UTC), action, actor, issue_key, sha256, detail."""
    return frame(
        source,
        'SELECT "at", action, actor, issue_key, sha256, detail FROM audit_log ORDER BY id DESC',
    )


def table_rows(source: Source, name: str) -> pa.Table:
    """A whole table in its stable order as Arrow (exact types: moving a store, not showing
    it); name must be one of TABLES or STATE_TABLES."""
    if name not in TABLES + STATE_TABLES:
        raise ValueError(f"no such table: {name!r}")
    order = TABLE_ORDER.get(name, "ALL")
    with reading(source) as cur:
        return cur.execute(f"SELECT * FROM {name} ORDER BY {order}").to_arrow_table()


def table(source: Source, name: str) -> pd.DataFrame:
    """A whole table in its stable order (exports); name must be one of TABLES."""
    if name not in TABLES:
        raise ValueError(f"no such table: {name!r}")
    # The table name and its ordering are the schema's constants, checked above.
    return frame(source, f"SELECT * FROM {name} ORDER BY {TABLE_ORDER[name]}")
