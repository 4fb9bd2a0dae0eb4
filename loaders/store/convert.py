"""Stores written by a newer DuckDB storage format, converted to the one this program reads.

The project pins DuckDB 1.5.5: it is the newest release whose DuckLake and PostgreSQL
extensions install offline (from PyPI), which the team store needs, and one install holds
one DuckDB. The releases before used DuckDB 2.0, whose files 1.5 cannot open ("created
with a newer version of DuckDB"). Such a file is converted once, when it is first opened
for writing: DuckDB 2.0 itself (installed beside the project by `make`, in
.venv/duckdb-2.0) exports it, this DuckDB imports the export, and the original is kept as
`<name>.duckdb-2.0.bak`. Nothing is lost and nothing is re-ingested; the schema
migrations then run as for any older store.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from loaders.paths import PROJECT_ROOT

LEGACY_VERSION = "2.0.1"
LEGACY_ENV_VAR = "BRIEFS_LEGACY_DUCKDB"
LEGACY_DIR = PROJECT_ROOT / ".venv" / "duckdb-2.0"
BACKUP_SUFFIX = ".duckdb-2.0.bak"

_EXPORT = """
import sys, duckdb
assert duckdb.__version__.startswith("2."), duckdb.__version__
with duckdb.connect(sys.argv[1], read_only=True) as con:
    con.execute("EXPORT DATABASE '" + sys.argv[2].replace("'", "''") + "' (FORMAT parquet)")
"""


class ConversionError(RuntimeError):
    """A newer-format file that could not be converted; str() says what to do."""


def written_by_newer_duckdb(exc: BaseException) -> bool:
    return "created with an newer version of duckdb" in str(exc).lower() or (
        "created with a newer version of duckdb" in str(exc).lower()
    )


def legacy_dir() -> Path:
    configured = os.environ.get(LEGACY_ENV_VAR, "").strip()
    return Path(configured) if configured else LEGACY_DIR


def convert(path: Path) -> Path:
    """Convert the DuckDB 2.0 file at path in place; returns the backup of the original."""
    legacy = legacy_dir()
    if not (legacy / "duckdb").is_dir():
        raise ConversionError(
            f"{path} was written by DuckDB 2.0 (an earlier release of this program); to "
            f"convert it, install that DuckDB beside this one: `{sys.executable} -m pip "
            f"install --target {legacy} duckdb=={LEGACY_VERSION}` (make does this), then "
            "open the store again"
        )
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    with tempfile.TemporaryDirectory(prefix="briefs-convert-", dir=path.parent) as work:
        export = Path(work) / "export"
        env = {**os.environ, "PYTHONPATH": str(legacy)}
        done = subprocess.run(
            [sys.executable, "-c", _EXPORT, str(path), str(export)],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise ConversionError(
                f"{path}: DuckDB {LEGACY_VERSION} could not export it: {done.stderr[-500:]}"
            )
        converted = Path(work) / "converted.duckdb"
        with duckdb.connect(str(converted)) as con:
            con.execute(f"IMPORT DATABASE '{_quoted(export)}'")
        shutil.move(path, backup)
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            shutil.move(wal, backup.with_name(backup.name + ".wal"))
        shutil.move(converted, path)
    # Copies published by the other engine cannot be read here: publish anew.
    shutil.rmtree(path.with_name(path.name + ".published"), ignore_errors=True)
    return backup


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
