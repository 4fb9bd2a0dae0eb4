"""Every table of a store as CSV, written by the one CSV writer (loaders.guards.csv_safety)."""

from __future__ import annotations

import os
from pathlib import Path

from loaders.guards.csv_safety import csv_bytes
from loaders.store import Store, queries
from loaders.store.schema import TABLES


class ExportError(ValueError):
    """A file that could not be written; str() names it and why."""


def write_replacing(path: Path, data: bytes) -> None:
    """data as the file at path: written beside it and then put in its place, so a full disk
    or a write that fails leaves the file that was there as it was (a plain write cut it off
    part-way); ExportError naming the file otherwise. A device or pipe (/dev/stdout) is
    written as it is: only a file is replaced."""
    if path.is_dir():
        raise ExportError(f"{path}: 是文件夹，请给出文件名 (a folder, not a file)")
    direct = path.exists() and not path.is_file()
    partial = path if direct else path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with open(partial, "wb") as handle:
            handle.write(data)
            if not direct:
                handle.flush()
                os.fsync(handle.fileno())
        if not direct:
            os.replace(partial, path)
    except OSError as exc:
        if not direct:
            partial.unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise ExportError(f"{path}: 无法写入，未导出（{reason}） (cannot write: {reason})") from exc


def export_tables(store: Store, outdir: str | Path) -> list[Path]:
    """<table>.csv for every table, in UTF-8 with a BOM so Excel shows the Chinese; text a
    spreadsheet would run as a formula gets a leading quote, numbers stay numbers. Each file
    is replaced whole or kept (write_replacing)."""
    outdir = Path(outdir)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ExportError(
            f"{outdir}: 无法建立文件夹（{reason}） (cannot create: {reason})"
        ) from exc
    written = []
    for table in TABLES:
        target = outdir / f"{table}.csv"
        write_replacing(target, csv_bytes(queries.table(store, table)))
        written.append(target)
    return written
