"""Every table of a store as CSV, written by the one CSV writer (loaders.csv_safety)."""

from __future__ import annotations

from pathlib import Path

from loaders.csv_safety import csv_bytes
from loaders.store import Store, queries
from loaders.store.schema import TABLES


def export_tables(store: Store, outdir: str | Path) -> list[Path]:
    """<table>.csv for every table, in UTF-8 with a BOM so Excel shows the Chinese; text a
    spreadsheet would run as a formula gets a leading quote, numbers stay numbers."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        target = outdir / f"{table}.csv"
        target.write_bytes(csv_bytes(queries.table(store, table)))
        written.append(target)
    return written
