"""The embedded store: a DuckDB file on one machine, shared by its processes.

DuckDB lets one process write a file, or many read it, never both at once. So the store is
three things on disk, side by side:

- `briefs.duckdb`, the file every write goes to. Nobody keeps it open: a write opens it,
  runs one transaction, checkpoints and closes it again, so the CLI, an archive import and
  any number of dashboard processes take turns in milliseconds;
- `briefs.duckdb.lock`, a lock file (flock) that serialises those writes across processes,
  with a thread lock for the writers of one process (loaders.store.turns, with the batches
  that hold the file for a while);
- `briefs.duckdb.published/`, read-only copies of the file published after every write
  (`v<write_version>.duckdb`, written to a temporary name and renamed, so a reader never sees
  half a copy). Readers open the newest copy read-only; many processes can, and no reader
  ever holds the file a writer needs. A reader moves to a newer copy on its next read, so
  every process sees a commit as soon as it is published.

A write that is killed before it publishes leaves the written file newer than its copies;
the next writer, or any reader noticing the gap, publishes it. Old copies are unlinked (a
reader still using one keeps reading it until it moves on).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from loaders.paths import DB_ENV_VAR
from loaders.store import convert
from loaders.store.connection import Store, StoreError, StoreNotPublished
from loaders.store.transactions import atomic, read_cursor, run_again_on_conflict
from loaders.store.turns import WRITE_WAIT_SECONDS, Batch, WriteLock, Writer

T = TypeVar("T")

# A store file changed this long after its newest copy, with no writer at work, lost its
# writer between commit and publish (Store.catch_up publishes it).
CATCH_UP_AFTER_SECONDS = 3.0
# How many published copies stay on disk besides the newest (readers may still use them).
KEEP_PUBLISHED = 2
# A temporary copy this old was left by a killed writer.
STALE_TEMP_SECONDS = 120.0
# A long-running dashboard: hand memory freed after a big query (a GROUP BY over a million
# rows) back to the system above 16 MB instead of DuckDB's default 128 MB. Measured by
# bench/ on 1e6 observations: server RSS 414 -> ~350 MB.
# Likewise after a query freeing many blocks at once (a result handed over to pandas), above
# 1 MB instead of 512 MB: 50 viewers on Trends at 1e6, ~390 -> ~370 MB.
_SETTINGS = (
    "SET allocator_flush_threshold = '16MB'",
    "SET allocator_bulk_deallocation_flush_threshold = '1MB'",
    "SET allocator_background_threads = true",
)

# The stores of this process by path: a write publishing a copy hands it to the readers of
# the same file here (FileStore.adopt), so the first page run after a commit made in this
# process (an editor's, an archive import's) does not open it. Other processes open it
# on their next read, or when their cache warmer polls.
_OPEN_STORES: dict[str, weakref.WeakSet[FileStore]] = {}
_OPEN_STORES_GUARD = threading.Lock()

_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(str(path), threading.Lock())


def _is_lock_error(exc: Exception) -> bool:
    message = str(exc).lower()
    return "lock" in message and ("conflicting" in message or "could not set" in message)


def published_dir(path: Path) -> Path:
    """Where the read-only copies of the store at path are published."""
    return path.with_name(path.name + ".published")


def _write_version(connection: duckdb.DuckDBPyConnection) -> int:
    """The store's count of writes (meta.write_version; data_version in a store older than
    schema 10, whose every write bumped it)."""
    rows = dict(
        connection.execute(
            "SELECT key, value FROM meta WHERE key IN ('write_version', 'data_version')"
        ).fetchall()
    )
    return int(rows.get("write_version", rows.get("data_version", 0)))


def _version_of(copy: Path) -> int:
    return int(copy.stem[1:])


class _Copy:
    """One open read-only copy, with the readers using it (closed when superseded and idle)."""

    def __init__(self, path: Path, connection: duckdb.DuckDBPyConnection):
        self.path = path
        self.connection = connection
        self.users = 0
        self.superseded = False


class FileStore(Store):
    """A store on disk; build one with loaders.store.open_store().

    read() gives a cursor on the newest published copy; transaction() runs one write on the
    store file under the cross-process write lock (loaders.store.turns) and publishes the
    result.
    """

    kind = "file"
    enforces_keys = True

    @classmethod
    def handles(cls, location: str) -> bool:
        return True  # any other location is a path

    @classmethod
    def at(cls, location: str, *, read_only: bool) -> FileStore:
        """Check the location (and create its folder for writing); open nothing yet."""
        path = Path(location).absolute()
        if read_only:
            if not path.exists():
                raise StoreError(f"{path} does not exist; ingest some issues first")
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the folder for {path}: {exc.strerror or exc}"
                ) from exc
        return cls(path, read_only)

    def __init__(self, path: Path, read_only: bool):
        self.path = path
        self.read_only = read_only
        # Writers waiting for the lock hold a shared lock on this file (loaders.store.turns).
        self._waiting_path = path.with_name(path.name + ".waiting")
        self._published = published_dir(path)
        self._thread_lock = _thread_lock(path)
        self._copy: _Copy | None = None
        self._copy_guard = threading.Lock()
        self._batches = threading.local()
        self._closed = False
        with _OPEN_STORES_GUARD:
            _OPEN_STORES.setdefault(str(path), weakref.WeakSet()).add(self)

    # ------------------------------------------------------------------ lifecycle

    @property
    def location(self) -> str:
        return str(self.path)

    def close(self) -> None:
        with self._copy_guard:
            self._closed = True
            if self._copy is not None:
                self._copy.superseded = True
                if self._copy.users == 0:
                    self._copy.connection.close()
                self._copy = None

    @property
    def staging_root(self) -> Path:
        return self.path.with_name(self.path.name + ".imports")

    def after_open(self) -> None:
        # A file written before copies were published, or a writer killed before
        # publishing, is made readable here.
        self.publish_if_behind()

    def prepare_reading(self) -> None:
        if self.published_version() is None:
            writable = FileStore(self.path, read_only=False)
            try:
                writable.after_open()
            finally:
                writable.close()

    def maintain(self, force: bool = False) -> bool:
        return False  # a checkpoint after every write keeps the file compact

    # ------------------------------------------------------------------ reads

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the newest published copy; DuckDB errors become StoreError."""
        copy = self._acquire_copy()
        try:
            with read_cursor(copy.connection.cursor, self.path) as cur:
                yield cur
        finally:
            self._release_copy(copy)

    def published_version(self) -> int | None:
        """The write version of the newest published copy (None when nothing is published)."""
        newest = self._newest_copy()
        return _version_of(newest) if newest else None

    def _newest_copy(self) -> Path | None:
        try:
            copies = [
                entry.path
                for entry in os.scandir(self._published)
                if entry.name.startswith("v") and entry.name.endswith(".duckdb")
            ]
        except FileNotFoundError:
            return None
        return Path(max(copies, key=lambda p: _version_of(Path(p)))) if copies else None

    def _acquire_copy(self) -> _Copy:
        with self._copy_guard:
            if self._closed:
                raise StoreError(f"{self.path}: the store is closed")
            # Every read looks for a newer copy: a directory listing costs microseconds,
            # and a commit in any process is then seen by the very next read.
            newest = self._newest_copy()
            if newest is None and self._copy is None:
                raise StoreError(
                    f"{self.path} has no published copy to read; open it once for "
                    "writing (make db, or python -m loaders ingest)"
                )
            if newest is not None and (self._copy is None or newest != self._copy.path):
                self._switch_to(newest)
            assert self._copy is not None
            self._copy.users += 1
            return self._copy

    def _switch_to(self, newest: Path) -> None:
        try:
            connection = _open_copy(newest)
        except duckdb.Error as exc:
            if self._copy is not None:
                return  # unlinked under us by a writer's clean-up: keep the one we have
            raise StoreError(f"cannot open {newest} as a DuckDB database: {exc}") from exc
        self._install(newest, connection)

    def _install(self, newest: Path, connection: duckdb.DuckDBPyConnection) -> None:
        """Make the open copy at newest the one reads use (under _copy_guard)."""
        old = self._copy
        self._copy = _Copy(newest, connection)
        if old is not None:
            old.superseded = True
            if old.users == 0:
                old.connection.close()

    def adopt(self, newest: Path) -> None:
        """A copy this process just published: if this store reads an older one, open the new
        one now, outside the readers' lock, so no reader waits for it. Best effort: a copy
        that cannot be opened is left to the next read."""
        with self._copy_guard:
            if self._closed or self._copy is None:
                return  # not reading (yet): the first read opens the newest copy
            if _version_of(self._copy.path) >= _version_of(newest):
                return
        try:
            connection = _open_copy(newest)
        except duckdb.Error:
            return
        with self._copy_guard:
            if self._closed or _version_of(self._copy.path) >= _version_of(newest):
                connection.close()
                return
            self._install(newest, connection)

    def _release_copy(self, copy: _Copy) -> None:
        with self._copy_guard:
            copy.users -= 1
            if copy.superseded and copy.users == 0:
                copy.connection.close()

    # ------------------------------------------------------------------ writes

    @contextmanager
    def transaction(self, what: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write: serialised across processes, all or nothing, then published.

        Any failure becomes a StoreError saying that nothing was changed; `what` completes
        "could not …" in that message. Inside batch() the store file stays open between
        transactions and copies are published about every turns.BATCH_PUBLISH_SECONDS.
        """
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; cannot {what}")
        batch = getattr(self._batches, "current", None)
        if batch is not None:
            with atomic(batch.connection(), what, self.path) as cur:
                yield cur
            batch.committed()
            return
        with self.writing() as connection:
            with atomic(connection, what, self.path) as cur:
                yield cur
            self.publish(connection, what)

    def write(self, what: str, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        # Writers take turns (the write lock) and lose no race to each other; a function
        # that raises WriteConflict itself is run again all the same, as the contract says.
        return run_again_on_conflict(self.transaction, what, fn)

    def _writer(self) -> Writer:
        """A Writer of the store file, not yet open (the lock is the file's, shared by every
        store of this path in this process)."""
        lock = WriteLock(
            self.path.with_name(self.path.name + ".lock"),
            self._waiting_path,
            self._thread_lock,
            busy_message=(
                f"{self.path} is busy: another program has been writing to it for over "
                f"{WRITE_WAIT_SECONDS:.0f} s (an archive import?); try again"
            ),
        )
        return Writer(lock, lambda: _connect(self.path, read_only=False))

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The store file open for writing, under the write lock, closed afterwards."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        writer = self._writer()
        try:
            yield writer.open()
        finally:
            writer.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many writes of this thread in a row (an archive import, the CLI's ingest): the
        store file stays open and locked, and is handed over as soon as another writer (an
        editor's commit) waits, after turns.BATCH_HOLD_SECONDS at the least; readers see a new
        copy about turns.BATCH_PUBLISH_SECONDS after a commit (later when publishing is slow:
        turns.PUBLISH_PAUSE_FACTOR), and at the end."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        if getattr(self._batches, "current", None) is not None:
            yield  # already batching in this thread
            return
        batch = Batch(
            self._writer, lambda connection: self.publish(connection, "a batch of writes")
        )
        self._batches.current = batch
        try:
            yield
        finally:
            self._batches.current = None
            batch.finish()

    def publish_if_behind(self) -> bool:
        """Publish the store file when it is newer than the newest copy (a writer killed
        between its commit and its publish); True when a copy was published."""
        with self.writing() as connection:
            return self.publish(connection)

    def catch_up(self) -> bool:
        """For readers, cheap enough to call often: when the store file changed well after
        the newest copy and no writer holds it, a writer died before publishing; publish
        now. True when a copy was published."""
        newest = self._newest_copy()
        try:
            changed = max(
                (
                    p.stat().st_mtime
                    for p in (self.path, self.path.with_name(self.path.name + ".wal"))
                    if p.exists()
                ),
                default=0.0,
            )
            published = newest.stat().st_mtime if newest else 0.0
        except FileNotFoundError:
            return False  # a copy pruned under us: a writer is at work
        if self.read_only or changed - published < CATCH_UP_AFTER_SECONDS:
            return False
        writer = self._writer()
        try:
            if not writer.try_open():
                return False  # someone is writing: they publish
            return self.publish(writer.connection)
        finally:
            writer.close()

    def publish(self, connection: duckdb.DuckDBPyConnection, what: str = "") -> bool:
        """Checkpoint the store file (open for writing on `connection`) and publish a copy,
        unless its write version is published already; True when a copy was written.
        StoreNotPublished when that fails (a full disk): `what` names what was stored."""
        version = _write_version(connection)
        newest = self._newest_copy()
        if newest is not None and _version_of(newest) >= version:
            return False
        target = self._published / f"v{version:012d}.duckdb"
        temporary = self._published / f".{target.stem}-{os.getpid()}-{uuid.uuid4().hex}.tmp"
        try:
            # The copy must hold every commit: fold the write-ahead log into the file first.
            connection.execute("CHECKPOINT")
            self._published.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.path, temporary)
            os.replace(temporary, target)
        except (OSError, duckdb.Error) as exc:
            temporary.unlink(missing_ok=True)
            stored = f"已写入（{what}）" if what else "已写入"
            raise StoreNotPublished(
                f"{self.path}：{stored}，但无法发布给读者（{type(exc).__name__}: {exc}）；"
                "磁盘满了吗？腾出空间后，下一次写入会发布它 "
                f"(stored{f' ({what})' if what else ''}, but could not publish it for readers)"
            ) from exc
        self._prune(target)
        with _OPEN_STORES_GUARD:
            readers = list(_OPEN_STORES.get(str(self.path), ()))
        for reader in readers:
            reader.adopt(target)
        return True

    def _prune(self, newest: Path) -> None:
        copies = sorted(
            (p for p in self._published.glob("v*.duckdb") if p != newest), key=_version_of
        )
        for old in copies[: max(0, len(copies) - KEEP_PUBLISHED)]:
            old.unlink(missing_ok=True)
        now = time.time()
        for leftover in self._published.glob(".*.tmp"):
            try:
                if now - leftover.stat().st_mtime > STALE_TEMP_SECONDS:
                    leftover.unlink(missing_ok=True)
            except FileNotFoundError:
                pass


def _open_copy(copy: Path) -> duckdb.DuckDBPyConnection:
    """A published copy opened read-only with the store's settings (duckdb.Error if not)."""
    connection = duckdb.connect(str(copy), read_only=True)
    try:
        for setting in _SETTINGS:
            connection.execute(setting)
    except BaseException:
        connection.close()
        raise
    return connection


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the store's settings; errors become StoreError. A store file
    written by DuckDB 2.0 is converted first when opened for writing (loaders.store.convert)."""
    try:
        connection = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        if not read_only and convert.written_by_newer_duckdb(exc):
            try:
                convert.convert(path)
            except convert.ConversionError as failure:
                raise StoreError(str(failure)) from exc
            return _connect(path, read_only=read_only)
        if convert.written_by_newer_duckdb(exc):
            raise StoreError(
                f"{path} was written by a newer DuckDB; open the store once for writing "
                "(make db, or python -m loaders ingest) to convert it"
            ) from exc
        if _is_lock_error(exc):
            raise StoreError(
                f"{path} is in use by another program (e.g. a DuckDB shell); "
                f"close it or set {DB_ENV_VAR} to another file"
            ) from exc
        raise StoreError(f"cannot open {path} as a DuckDB database: {exc}") from exc
    try:
        for setting in _SETTINGS:
            connection.execute(setting)
    except BaseException:
        connection.close()
        raise
    return connection
