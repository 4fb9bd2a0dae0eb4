"""What every store is: the interface the queries, writes and use cases speak to, the
errors they raise, and `connect`, which picks the kind of store a location names.

- a file path (`data/briefs.duckdb`): the embedded store, one machine (filestore.py);
- DuckLake's attach string (`ducklake:postgres:dbname=… host=…`) with BRIEFS_DATA_PATH
  naming where its data files live: the team store, shared by many machines (lake.py).

Reads take a cursor (Store.read). A write is a function of a cursor run in one transaction
(Store.write): all or nothing, and run again when a concurrent writer on another machine
won the race (WriteConflict), so the function must read what it depends on inside.
"""

from __future__ import annotations

import contextlib
import os
import random
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from loaders.paths import DATA_PATH_ENV_VAR, DB_ENV_VAR, database_location

T = TypeVar("T")

# A write that lost a race to a concurrent writer (the team store; the file store takes
# turns and never loses one) runs again, with growing jittered pauses, for up to this long:
# a count of tries starved a writer among two busy ones on a loaded machine (three writers
# on two cores, one lost 13 races in a row, about 15 s).
WRITE_RETRY_SECONDS = 90.0
RETRY_FIRST_PAUSE_SECONDS = 0.05
LAKE_PREFIX = "ducklake:"


class StoreError(RuntimeError):
    """A store problem the user can act on; str() is the message to show."""


class StoreNotPublished(StoreError):
    """A write that was committed to the store file but could not be published for readers
    (a full disk): what it wrote is stored, readers see it once a later write publishes."""


class WriteConflict(StoreError):
    """Another writer committed a conflicting change first; the write may be run again."""


def _is_conflict(exc: BaseException) -> bool:
    """A concurrent writer won (a disk that is full is not that, though it fails the same
    commit with a TransactionException too)."""
    return "conflict" in str(exc).lower()


@contextmanager
def atomic(
    connection: duckdb.DuckDBPyConnection, what: str, path: object, *, own_cursor: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A transaction on a new cursor of connection (on connection itself when own_cursor is
    False): committed when the block ends, rolled back on any error, which becomes a
    StoreError saying that nothing was changed (WriteConflict when another writer won)."""
    cur = connection.cursor() if own_cursor else connection
    try:
        cur.begin()
        try:
            yield cur
            cur.commit()
        except BaseException as exc:
            try:
                cur.rollback()
            except duckdb.Error:
                # A COMMIT that failed (e.g. disk full writing the WAL) has already rolled
                # back; a second rollback would hide the real error.
                pass
            if isinstance(exc, StoreError):
                raise
            if isinstance(exc, duckdb.Error) and _is_conflict(exc):
                raise WriteConflict(
                    f"could not {what} in {path}: another writer changed it first ({exc})"
                ) from exc
            if isinstance(exc, Exception):
                raise StoreError(
                    f"could not {what} in {path}; nothing was changed ({type(exc).__name__}: {exc})"
                ) from exc
            raise
    finally:
        cur.close()


@contextmanager
def read_cursor(
    make_cursor: Callable[[], duckdb.DuckDBPyConnection],
    path: object,
    release: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor from make_cursor for the block; DuckDB errors, opening it or using it,
    become StoreError (callers such as the dashboard show those; raw DuckDB errors are
    bugs). After a block that went well the cursor goes to release (a pool) when one is
    given; otherwise, and always after an error, it is closed."""
    try:
        cur = make_cursor()
    except duckdb.Error as exc:
        raise StoreError(f"cannot read {path}: {exc}") from exc
    try:
        yield cur
    except duckdb.Error as exc:
        cur.close()
        raise StoreError(f"cannot read {path}: {exc}") from exc
    except BaseException:
        cur.close()
        raise
    if release is None:
        cur.close()
    else:
        release(cur)


class Store(ABC):
    """An open store. Build one with loaders.store.open_store()."""

    kind: str  # "file" or "lake"
    path: object  # what messages name: the file, or the lake's attach string
    read_only: bool

    @property
    def location(self) -> str:
        """What BRIEFS_DB (or --db) says to reach this store again."""
        return str(self.path)

    @property
    @abstractmethod
    def staging_root(self) -> Path:
        """A local folder for the files of archive imports made in the app."""

    @abstractmethod
    def read(self) -> contextlib.AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A cursor on the store as last committed; DuckDB errors become StoreError."""

    @abstractmethod
    def transaction(
        self, what: str
    ) -> contextlib.AbstractContextManager[duckdb.DuckDBPyConnection]:
        """One write, all or nothing (see write() for a write that may be run again)."""

    @abstractmethod
    def batch(self) -> contextlib.AbstractContextManager[None]:
        """Many writes of this thread in a row (imports): as cheap as the store allows."""

    @abstractmethod
    def after_open(self) -> None:
        """Whatever opening for writing should repair (a copy left unpublished)."""

    @abstractmethod
    def catch_up(self) -> bool:
        """For readers, cheap and often: repair what a killed writer left; True if it did."""

    @abstractmethod
    def maintain(self, force: bool = False) -> bool:
        """Housekeeping a store needs now and then (compaction): when due, or now with
        force; True when it did some."""

    @abstractmethod
    def close(self) -> None: ...

    def write(self, what: str, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """fn(cursor) in one transaction; run again (from the start) while a concurrent
        writer wins the race, for up to WRITE_RETRY_SECONDS."""
        pause = RETRY_FIRST_PAUSE_SECONDS
        deadline = time.monotonic() + WRITE_RETRY_SECONDS
        while True:
            try:
                with self.transaction(what) as cur:
                    return fn(cur)
            except WriteConflict:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(pause * (0.5 + random.random()))
                pause = min(pause * 2, 2.0)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def connect(location: str | Path | None = None, *, read_only: bool = False) -> Store:
    """The store at location ($BRIEFS_DB or data/briefs.duckdb by default), nothing opened
    yet; open_store (loaders.store) also brings the schema up to date."""
    location = str(location) if location is not None else database_location()
    if location.startswith(LAKE_PREFIX):
        from loaders.store.lake import LakeStore

        data_path = os.environ.get(DATA_PATH_ENV_VAR, "").strip()
        if not data_path:
            raise StoreError(
                f"{DB_ENV_VAR} names a team store ({location.split(' password=')[0]}); set "
                f"{DATA_PATH_ENV_VAR} to where its data files live (a shared folder or s3://…)"
            )
        return LakeStore(location, data_path, read_only=read_only)
    from loaders.store.filestore import FileStore

    return FileStore.at(Path(location), read_only=read_only)
