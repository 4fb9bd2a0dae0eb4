"""The team store: DuckLake, with its catalog in PostgreSQL and its data files in a shared
location (a folder here, S3-compatible storage in production), so app replicas on many
machines read and write one store with DuckDB as the engine and the same SQL.

BRIEFS_DB holds DuckLake's own attach string (`ducklake:postgres:dbname=briefs host=db
port=5432 user=briefs`) and BRIEFS_DATA_PATH the data files' location. Each process
attaches the lake once (an ATTACH costs a few tenths of a second) and gives every read and
write its own cursor. DuckLake gives each transaction a snapshot: readers never see half a
write, and every process sees a commit on its next read.

Writers on several machines race to commit the next snapshot. DuckLake settles races
between changes that do not overlap (two inserts); every write of this program also bumps
meta.write_version, so two writes always overlap and one of them is told so
(WriteConflict) and run again from the start by Store.write: that is what keeps an issue
stored once when two machines store it at the same moment, and audit ids unique. DuckLake
refuses PRIMARY KEY and UNIQUE (schema.statement_for drops them); the same write path is
what keeps keys unique.

Each commit writes small files; reads slow down as they pile up until DuckLake's
CHECKPOINT merges them (Store.maintain: after an import, and by the dashboard's cache
warmer when writers have been quiet). The extensions load from PyPI packages
(duckdb-extension-ducklake, -postgres), pinned with DuckDB itself (pyproject.toml).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from loaders.paths import DATA_DIR, DATA_PATH_ENV_VAR, DB_ENV_VAR
from loaders.store.connection import Store, StoreError
from loaders.store.transactions import atomic, read_cursor, run_again_on_conflict

T = TypeVar("T")

ALIAS = "lake"
PREFIX = "ducklake:"
# Compaction (DuckLake's CHECKPOINT) at most this often, and only after this many commits.
MAINTAIN_EVERY_SECONDS = 300.0
MAINTAIN_AFTER_COMMITS = 50
# Read cursors kept for the next read: a new cursor costs a catalog round trip (its USE).
IDLE_READ_CURSORS = 8
_EXTENSIONS_LOADED = threading.Lock()
_SECRET = re.compile(r"(password\s*=\s*)\S+", re.IGNORECASE)


def _load_extensions(connection: duckdb.DuckDBPyConnection) -> None:
    import duckdb_extensions

    with _EXTENSIONS_LOADED:  # INSTALL writes into DuckDB's extension folder
        for name in ("ducklake", "postgres"):
            duckdb_extensions.import_extension(name, con=connection)
    for name in ("ducklake", "postgres"):
        connection.execute(f"LOAD {name}")


class LakeStore(Store):
    kind = "lake"
    enforces_keys = False  # DuckLake refuses PRIMARY KEY and UNIQUE

    @classmethod
    def handles(cls, location: str) -> bool:
        return location.startswith(PREFIX)

    @classmethod
    def at(cls, location: str, *, read_only: bool) -> LakeStore:
        data_path = os.environ.get(DATA_PATH_ENV_VAR, "").strip()
        if not data_path:
            raise StoreError(
                f"{DB_ENV_VAR} names a team store ({location.split(' password=')[0]}); set "
                f"{DATA_PATH_ENV_VAR} to where its data files live (a shared folder or s3://…)"
            )
        return cls(location, data_path, read_only=read_only)

    def __init__(self, attach: str, data_path: str, read_only: bool):
        self.attach = attach
        self.path = _SECRET.sub(r"\1***", attach)  # what messages may show
        self.data_path = data_path
        self.read_only = read_only
        self._conn: duckdb.DuckDBPyConnection | None = None
        self._guard = threading.Lock()
        self._idle_readers: list[duckdb.DuckDBPyConnection] = []
        self._commits_since_maintain = 0
        self._maintained_at = time.monotonic()
        self._closed = False

    @property
    def location(self) -> str:
        return self.attach

    @property
    def staging_root(self) -> Path:
        """Where imports started in the app keep their files until they are stored: beside
        the data path, never inside it, because DuckLake's CHECKPOINT deletes the files
        under the data path that it does not track (ducklake_delete_orphaned_files). Object
        storage is no place for them either: a staged import runs on the machine that staged
        it (and resumes there)."""
        if "://" in self.data_path:
            return DATA_DIR / "imports"
        data_path = Path(self.data_path)
        return data_path.parent / f"{data_path.name}.imports"

    def _connection(self) -> duckdb.DuckDBPyConnection:
        with self._guard:
            if self._closed:
                raise StoreError(f"{self.path}: the store is closed")
            if self._conn is None:
                self._conn = self._attach()
            return self._conn

    def _attach(self) -> duckdb.DuckDBPyConnection:
        connection = duckdb.connect()
        try:
            _load_extensions(connection)
            # Inlining (small inserts kept as rows in PostgreSQL) costs every read of a table
            # two more catalog round trips per schema version it was written at, for as
            # long as the lake lives; our small writes go to files, which CHECKPOINT merges.
            # Measured at 1e4 observations: a series read 10.8 -> 7.8 ms, ingest 150 -> 128
            # ms per issue.
            options = [f"DATA_PATH '{_quoted(self.data_path)}'", "DATA_INLINING_ROW_LIMIT 0"]
            if self.read_only:
                options.append("READ_ONLY")
            connection.execute(f"ATTACH '{_quoted(self.attach)}' AS {ALIAS} ({', '.join(options)})")
            connection.execute(f"USE {ALIAS}")
        except duckdb.Error as exc:
            connection.close()
            raise StoreError(f"cannot attach the team store {self.path}: {exc}") from exc
        return connection

    def close(self) -> None:
        with self._guard:
            self._closed = True
            for cur in self._idle_readers:
                cur.close()
            self._idle_readers.clear()
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self._connection().cursor()
        cur.execute(f"USE {ALIAS}")
        return cur

    def _reader(self) -> duckdb.DuckDBPyConnection:
        with self._guard:
            if self._idle_readers:
                return self._idle_readers.pop()
        return self._cursor()

    def _keep_reader(self, cur: duckdb.DuckDBPyConnection) -> None:
        """A cursor whose read went well, for the next read (each of its statements is its
        own transaction, so it sees every commit); closed when enough are kept."""
        with self._guard:
            if self._conn is not None and len(self._idle_readers) < IDLE_READ_CURSORS:
                self._idle_readers.append(cur)
                return
        cur.close()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with read_cursor(self._reader, self.path, release=self._keep_reader) as cur:
            yield cur

    @contextmanager
    def transaction(self, what: str) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; cannot {what}")
        cur = self._cursor()
        try:
            with atomic(cur, what, self.path, own_cursor=False) as tx:
                yield tx
        finally:
            cur.close()
        self._commits_since_maintain += 1

    def write(self, what: str, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        # Writers on other machines race for the next snapshot: a lost race runs again.
        return run_again_on_conflict(self.transaction, what, fn)

    def batch(self) -> contextlib.AbstractContextManager[None]:
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        # Each write is its own snapshot; other machines' writers interleave by themselves.
        return contextlib.nullcontext()

    def after_open(self) -> None:
        pass  # a commit is whole or absent: nothing to repair

    def prepare_reading(self) -> None:
        pass  # readers read the lake itself

    def catch_up(self) -> bool:
        return False  # a commit is visible to every reader the moment it lands

    def maintain(self, force: bool = False) -> bool:
        """DuckLake's CHECKPOINT (merge small files, expire old snapshots, delete unused
        files) when enough commits piled up or force; a conflict with a writer just waits
        for the next time."""
        due = self._commits_since_maintain >= MAINTAIN_AFTER_COMMITS and (
            time.monotonic() - self._maintained_at >= MAINTAIN_EVERY_SECONDS
        )
        if self.read_only or not (force or due):
            return False
        cur = self._cursor()
        try:
            cur.execute("CHECKPOINT")
        except duckdb.Error:
            return False
        finally:
            cur.close()
        self._commits_since_maintain = 0
        self._maintained_at = time.monotonic()
        return True


def _quoted(text: str) -> str:
    return text.replace("'", "''")
