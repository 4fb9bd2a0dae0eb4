"""Opening a store and running work on it: cursors, write transactions, locks, and DuckDB's
errors translated into StoreError messages a user can act on.

A Store is one DuckDB connection shared by a process's threads: each read takes its own
cursor; writes are serialised by a lock per database file and each is one transaction (all
or nothing). Nothing here knows a table: schema, queries and writes are their own modules.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from loaders.paths import DB_ENV_VAR, database_path


class StoreError(RuntimeError):
    """A store problem the user can act on; str() is the message to show."""


# One write lock per database file, shared by every Store of this process on that file:
# two Stores (the dashboard's and an upload's) writing at once would otherwise collide
# on the data_version row and one would fail with a DuckDB transaction conflict.
_WRITE_LOCKS: dict[str, threading.Lock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()

# A long-running dashboard: hand memory freed after a big query (a GROUP BY over a million
# rows) back to the system above 16 MB instead of DuckDB's default 128 MB. Measured by
# bench/ on 1e6 observations: server RSS 414 -> ~350 MB.
_SETTINGS = ("SET allocator_flush_threshold = '16MB'", "SET allocator_background_threads = true")


def _write_lock(path: Path) -> threading.Lock:
    if str(path) == ":memory:":
        return threading.Lock()  # each in-memory connection is its own database
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(str(path.resolve()), threading.Lock())


def _is_lock_error(exc: Exception) -> bool:
    message = str(exc).lower()
    return "lock" in message and ("conflicting" in message or "could not set" in message)


class Store:
    """An open store. Build one with open_store(); the constructor only holds its parts."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path, read_only: bool):
        self.path = path
        self.read_only = read_only
        self._conn = connection
        self._lock = _write_lock(path)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for reads; DuckDB errors become StoreError."""
        try:
            cur = self._conn.cursor()
        except duckdb.Error as exc:
            raise StoreError(f"cannot read {self.path}: {exc}") from exc
        try:
            yield cur
        except duckdb.Error as exc:
            # Callers (the dashboard) show StoreError messages; raw DuckDB errors are bugs.
            raise StoreError(f"cannot read {self.path}: {exc}") from exc
        finally:
            cur.close()

    @contextmanager
    def transaction(self, what: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write: serialised, all or nothing; any failure becomes a StoreError saying
        that nothing was changed. `what` completes "could not …" in that message."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; cannot {what}")
        with self._lock:
            cur = self._conn.cursor()
            try:
                cur.begin()
                try:
                    yield cur
                    cur.commit()
                except BaseException as exc:
                    try:
                        cur.rollback()
                    except duckdb.Error:
                        # A COMMIT that failed (e.g. disk full writing the WAL) has already
                        # rolled back; a second rollback would hide the real error.
                        pass
                    if isinstance(exc, StoreError):
                        raise
                    if isinstance(exc, Exception):
                        raise StoreError(
                            f"could not {what} in {self.path}; nothing was changed "
                            f"({type(exc).__name__}: {exc})"
                        ) from exc
                    raise
            finally:
                cur.close()


def connect(path: str | Path | None = None, *, read_only: bool = False) -> Store:
    """Connect to a DuckDB file ($BRIEFS_DB or data/briefs.duckdb by default) without
    touching its tables; open_store (loaders.store) also brings the schema up to date."""
    path = Path(path) if path is not None else database_path()
    in_memory = str(path) == ":memory:"
    if not in_memory and not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {path}: {exc.strerror or exc}") from exc
    if read_only and not in_memory and not path.exists():
        raise StoreError(f"{path} does not exist; ingest some issues first")
    try:
        connection = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        if _is_lock_error(exc):
            raise StoreError(
                f"{path} is in use by another program (e.g. the dashboard); "
                f"close it or set {DB_ENV_VAR} to another file"
            ) from exc
        if "different configuration" in str(exc):
            raise StoreError(
                f"{path} is already open in this program "
                f"{'for writing' if read_only else 'read-only'}; share that Store instead"
            ) from exc
        raise StoreError(f"cannot open {path} as a DuckDB database: {exc}") from exc
    try:
        for setting in _SETTINGS:
            connection.execute(setting)
    except BaseException:
        connection.close()
        raise
    return Store(connection, path, read_only)
