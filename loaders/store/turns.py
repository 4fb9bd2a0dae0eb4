"""Taking turns at one file: the write lock shared by the processes of one machine, and
batches of writes that hold the file for a while and then hand it over.

- WriteLock: a thread lock for the writers of this process and an flock on a lock file for
  those of every process. A writer that has to wait holds a shared flock on a second file,
  the waiting file, for as long as it waits, so a batch handing the file over can tell that
  someone waits and let them go first (flock is not fair: a batch that reopened at once
  could win the lock again and again on a busy machine).
- Writer: the file opened for writing under the lock, and closed again.
- Batch: many writes of one thread through one Writer, published about every
  publish_seconds (less often when a publish itself is slow: a busy disk must not turn a
  batch into a run of checkpoints) and handed over, after hold_seconds, as soon as another
  writer waits.

Nothing here knows what is written or published: the store (loaders.store.filestore)
passes in how to open the file and how to publish it.
"""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import duckdb

from loaders.store.connection import StoreError, StoreNotPublished

# How long a write waits for another process's write to finish before giving up.
WRITE_WAIT_SECONDS = 60.0
# A waiting writer looks at the lock file at least this often.
MAX_LOCK_POLL_SECONDS = 0.02
# A batch keeps the file for at least this long before handing it over to a waiting writer,
# and publishes about this often.
BATCH_HOLD_SECONDS = 1.0
BATCH_PUBLISH_SECONDS = 1.0
# ... but spends at most about a tenth of its time publishing: the next publish is due no
# sooner than this many times the last one took after it. A publish (a checkpoint and a copy
# of the file) costs ~0.1 s on a quiet machine and 0.3-1.5 s on a loaded one, where a fixed
# second between publishes made an import publish after nearly every issue (bench/).
PUBLISH_PAUSE_FACTOR = 9.0
# A batch handing the file over waits at most this long for the writers that were waiting.
HAND_OVER_WAIT_SECONDS = 10.0

Connection = duckdb.DuckDBPyConnection


class WriteLock:
    """The right to write one file, across the threads of this process and across
    processes (see the module's docstring)."""

    def __init__(
        self,
        lock_path: Path,
        waiting_path: Path,
        thread_lock: threading.Lock,
        *,
        busy_message: str,
        wait_seconds: float = WRITE_WAIT_SECONDS,
    ):
        """Args:
        lock_path: the lock file (created when missing).
        waiting_path: the file waiting writers hold a shared lock on.
        thread_lock: the one lock of this process's writers of the file.
        busy_message: the StoreError's message when the wait runs out.
        wait_seconds: how long acquire() waits for another process.
        """
        self.lock_path = lock_path
        self.waiting_path = waiting_path
        self.thread_lock = thread_lock
        self.busy_message = busy_message
        self.wait_seconds = wait_seconds
        self._handle: IO[bytes] | None = None
        self._held = False

    def acquire(self, *, blocking: bool = True) -> bool:
        """Take the lock: the thread lock, then the lock file.

        Args:
            blocking: wait (up to wait_seconds for another process); else give up at once.

        Returns: True when held; False (nothing held) when not blocking and busy.

        Raises: StoreError with busy_message when the wait runs out.
        """
        if not self.thread_lock.acquire(blocking=False):
            if not blocking:
                return False
            # A writer of this process waits too: say so, as one of another process does.
            with open(self.waiting_path, "a+b") as waiting:
                fcntl.flock(waiting, fcntl.LOCK_SH)
                self.thread_lock.acquire()
        self._held = True
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.lock_path, "a+b")
            if self._try_flock():
                return True
            if not blocking:
                self.release()
                return False
            self._wait()
        except BaseException:
            self.release()
            raise
        return True

    def _try_flock(self) -> bool:
        try:
            fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _wait(self) -> None:
        deadline = time.monotonic() + self.wait_seconds
        pause = 0.002
        # Say we are waiting (a shared lock, released when this block ends).
        with open(self.waiting_path, "a+b") as waiting:
            fcntl.flock(waiting, fcntl.LOCK_SH)
            while not self._try_flock():
                if time.monotonic() > deadline:
                    raise StoreError(self.busy_message)
                time.sleep(pause)
                pause = min(pause * 2, MAX_LOCK_POLL_SECONDS)

    def release(self) -> None:
        """Let go of whatever is held (closing the file releases the flock; the kernel does
        that for a killed process too)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self._held:
            self._held = False
            self.thread_lock.release()

    def others_waiting(self) -> bool:
        """True when another writer, of this process or another, waits for the lock (it holds
        a shared lock on the waiting file while it waits)."""
        with open(self.waiting_path, "a+b") as waiting:
            try:
                fcntl.flock(waiting, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(waiting, fcntl.LOCK_UN)
            return False

    def let_waiting_writers_go_first(self, wait_seconds: float = HAND_OVER_WAIT_SECONDS) -> None:
        """After release(): until every writer that was waiting has taken the lock (each
        holds a shared lock on the waiting file while it waits), or wait_seconds."""
        deadline = time.monotonic() + wait_seconds
        with open(self.waiting_path, "a+b") as waiting:
            while True:
                try:
                    fcntl.flock(waiting, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    fcntl.flock(waiting, fcntl.LOCK_UN)
                    return
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        return
                    time.sleep(MAX_LOCK_POLL_SECONDS)


class Writer:
    """The file open for writing under a WriteLock; close() closes it and lets go."""

    def __init__(self, lock: WriteLock, connect: Callable[[], Connection]):
        """Args:
        lock: the file's write lock.
        connect: opens the file for writing (raises StoreError when it cannot).
        """
        self.lock = lock
        self._connect = connect
        self._connection: Connection | None = None

    def open(self) -> Connection:
        """Returns: the connection, once the lock is held (waiting for it).

        Raises: StoreError when the lock stays busy or the file cannot be opened.
        """
        self.lock.acquire()
        try:
            self._connection = self._connect()
        except BaseException:
            self.close()
            raise
        return self._connection

    def try_open(self) -> bool:
        """open() when nobody else is writing right now.

        Returns: True when open; False (nothing held) otherwise.
        """
        if not self.lock.acquire(blocking=False):
            return False
        try:
            self._connection = self._connect()
        except BaseException:
            self.close()
            raise
        return True

    @property
    def connection(self) -> Connection:
        """The open connection (after open() or a try_open() that returned True)."""
        assert self._connection is not None, "the writer is not open"
        return self._connection

    def close(self) -> None:
        try:
            if self._connection is not None:
                self._connection.close()
        finally:
            self._connection = None
            self.lock.release()


class Batch:
    """A thread's run of writes sharing one open file (Store.batch)."""

    def __init__(
        self,
        new_writer: Callable[[], Writer],
        publish: Callable[[Connection], object],
        *,
        hold_seconds: float = BATCH_HOLD_SECONDS,
        publish_seconds: float = BATCH_PUBLISH_SECONDS,
        hand_over_wait_seconds: float = HAND_OVER_WAIT_SECONDS,
    ):
        """Args:
        new_writer: a Writer of the file, not yet open.
        publish: makes the committed writes visible to readers, given the open connection.
        hold_seconds: how long the file stays open at least before it is handed over to a
            waiting writer (nobody waiting: it stays open).
        publish_seconds: how long a commit stays unpublished (longer when publishing is
            slow: PUBLISH_PAUSE_FACTOR).
        hand_over_wait_seconds: how long a hand-over waits for the waiting writers.
        """
        self._new_writer = new_writer
        self._publish_with = publish
        self.hold_seconds = hold_seconds
        self.publish_seconds = publish_seconds
        self.hand_over_wait_seconds = hand_over_wait_seconds
        self._writer: Writer | None = None
        self._opened_at = 0.0
        self._published_at = time.monotonic()
        self._publish_pause = publish_seconds
        self._unpublished = False

    def connection(self) -> Connection:
        """The file open for writing: the batch's Writer, opened (waiting) when needed."""
        if self._writer is None:
            writer = self._new_writer()
            writer.open()
            self._writer = writer
            self._opened_at = time.monotonic()
        return self._writer.connection

    def committed(self) -> None:
        """After each commit: publish when due, hand the file over when held long enough and
        another writer waits.

        A publish that fails here (StoreNotPublished: a full disk) is not the commit's
        failure, which is stored: the file is opened again for the next write (a failed
        checkpoint leaves the connection unusable; the write-ahead log holds every commit),
        and the publish is tried again at the latest by finish()."""
        self._unpublished = True
        now = time.monotonic()
        try:
            if now - self._published_at >= self._publish_pause:
                self._publish()
            if now - self._opened_at >= self.hold_seconds and self._writer_waiting():
                self._hand_over()
        except StoreNotPublished:
            self._published_at = now
            self._close_writer()

    def _writer_waiting(self) -> bool:
        return self._writer is not None and self._writer.lock.others_waiting()

    def _publish(self) -> None:
        if self._writer is not None and self._unpublished:
            started = time.monotonic()
            self._publish_with(self.connection())
            self._unpublished = False
            self._published_at = time.monotonic()
            took = self._published_at - started
            self._publish_pause = max(self.publish_seconds, PUBLISH_PAUSE_FACTOR * took)

    def _hand_over(self) -> None:
        self._publish()
        if self._writer is not None:
            lock = self._writer.lock
            self._writer.close()
            self._writer = None
            lock.let_waiting_writers_go_first(self.hand_over_wait_seconds)

    def _close_writer(self) -> None:
        if self._writer is not None:
            try:
                self._writer.close()
            except duckdb.Error:
                pass  # a connection a failed checkpoint invalidated
            self._writer = None

    def finish(self) -> None:
        """At the end of the batch: publish what is left and close the file."""
        try:
            if self._unpublished:
                self._publish_with(self.connection())
                self._unpublished = False
        finally:
            self._close_writer()
