"""Transactions and read cursors as both backends run them: DuckDB errors become StoreError
(WriteConflict when another writer won), a failed write rolls back, and a write that lost a
race is run again from the start."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TypeVar

import duckdb

from loaders.store.connection import StoreError, WriteConflict

T = TypeVar("T")

# A write that lost a race to a concurrent writer (the team store; the file store takes
# turns and never loses one) runs again, with growing jittered pauses, for up to this long:
# a count of tries starved a writer among two busy ones on a loaded machine (three writers
# on two cores, one lost 13 races in a row, about 15 s).
WRITE_RETRY_SECONDS = 90.0
RETRY_FIRST_PAUSE_SECONDS = 0.05
RETRY_LONGEST_PAUSE_SECONDS = 2.0


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


def run_again_on_conflict(
    transaction: Callable[[str], AbstractContextManager[duckdb.DuckDBPyConnection]],
    what: str,
    fn: Callable[[duckdb.DuckDBPyConnection], T],
    *,
    retry_seconds: float = WRITE_RETRY_SECONDS,
) -> T:
    """fn(cursor) in transaction(what); run again from the start, after growing jittered
    pauses, while a concurrent writer wins the race (WriteConflict), for up to
    retry_seconds; then the last WriteConflict is raised."""
    pause = RETRY_FIRST_PAUSE_SECONDS
    deadline = time.monotonic() + retry_seconds
    while True:
        try:
            with transaction(what) as cur:
                return fn(cur)
        except WriteConflict:
            if time.monotonic() >= deadline:
                raise
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 2, RETRY_LONGEST_PAUSE_SECONDS)
