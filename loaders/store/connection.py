"""What every store is: the interface the queries, writes and use cases speak to, and the
errors they raise. No implementation lives here and none is imported (as harlequin's
adapter.py): the backends are loaders.store.filestore (a DuckDB file on one machine, many
processes) and loaders.store.lake (DuckLake over PostgreSQL, many machines); the registry
in loaders.store.backends finds the one a location names, and each declares what it can do
(the capabilities below) instead of being recognised by its name.

Reads take a cursor (Store.read). A write is a function of a cursor run in one transaction
(Store.write): all or nothing, and run again when a concurrent writer on another machine
won the race (WriteConflict), so the function must read what it depends on inside.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

import pyarrow as pa

T = TypeVar("T")


class StoreError(RuntimeError):
    """A store problem the user can act on; str() is the message to show."""


class StoreNotPublished(StoreError):
    """A write that was committed to the store file but could not be published for readers
    (a full disk): what it wrote is stored, readers see it once a later write publishes."""


class WriteConflict(StoreError):
    """Another writer committed a conflicting change first; the write may be run again."""


class Cursor(Protocol):
    """What the queries and writes use of a cursor. Both backends hand out DuckDB's own
    (duckdb.DuckDBPyConnection), so SQL is DuckDB's dialect with ? parameters."""

    description: Any  # (name, type, …) per column of the last result

    def execute(self, query: str, parameters: Sequence[Any] | None = None) -> Cursor:
        """Run one statement with bound parameters.

        Args:
            query: SQL with ? placeholders; values never formatted into it.
            parameters: one value per placeholder.

        Returns: the cursor, to fetch the result from.

        Raises: duckdb.Error; Store.read and Store.write turn it into StoreError.
        """
        ...

    def fetchall(self) -> list[tuple[Any, ...]]:
        """Returns: every row of the last result."""
        ...

    def fetchone(self) -> tuple[Any, ...] | None:
        """Returns: the next row of the last result, or None after the last."""
        ...

    def to_arrow_table(self) -> pa.Table:
        """Returns: the last result as an Arrow table (exact column types)."""
        ...

    def close(self) -> None:
        """Release the cursor; the store's own code does this, callers never need to."""
        ...


class Store(ABC):
    """An open store. Build one with loaders.store.open_store() (or backends.connect, which
    opens nothing and leaves the schema as it is)."""

    # The backend's name in the registry (loaders.store.backends): for messages and tests,
    # never for deciding what to do (that is what the capabilities are for).
    kind: ClassVar[str]
    # Capabilities.
    # Whether the engine keeps PRIMARY KEY and UNIQUE constraints (DuckLake refuses them:
    # there the write path keeps keys unique, loaders.store.schema.statement_for).
    enforces_keys: ClassVar[bool]

    path: object  # what messages name: the file, or the lake's attach string without secrets
    read_only: bool

    @classmethod
    @abstractmethod
    def handles(cls, location: str) -> bool:
        """Whether this backend serves a location.

        Args:
            location: what BRIEFS_DB (or --db) says: a file path, an attach string.

        Returns: True when this backend is the one to open it.
        """

    @classmethod
    @abstractmethod
    def at(cls, location: str, *, read_only: bool) -> Store:
        """The store at location, nothing opened yet (no schema checked or upgraded).

        Args:
            location: a location this backend handles().
            read_only: reads only; every write then raises StoreError.

        Returns: the store.

        Raises: StoreError when the location cannot serve as one (a missing file to read,
            a folder that cannot be created, a team store without BRIEFS_DATA_PATH).
        """

    @property
    @abstractmethod
    def location(self) -> str:
        """Returns: what BRIEFS_DB (or --db) says to reach this store again (secrets
        included: never shown, passed to a process started for an import)."""

    @property
    @abstractmethod
    def staging_root(self) -> Path:
        """Returns: a local folder for the files of archive imports made in the app, never
        inside the store's own data."""

    @abstractmethod
    def read(self) -> AbstractContextManager[Cursor]:
        """A cursor on the store as last committed, for one block of reads.

        Returns: a context manager giving the cursor.

        Raises: StoreError for any DuckDB error opening or using it, or a closed store.
        """

    @abstractmethod
    def transaction(self, what: str) -> AbstractContextManager[Cursor]:
        """One write, all or nothing, run once (write() is the one callers use).

        Args:
            what: completes "could not …" in a message, e.g. "store issue 2021-15".

        Returns: a context manager giving the cursor; leaving the block commits.

        Raises: StoreError saying nothing was changed when the block or the commit fails
            (WriteConflict when another writer committed a conflicting change first);
            StoreError for a read-only store.
        """

    @abstractmethod
    def write(self, what: str, fn: Callable[[Cursor], T]) -> T:
        """fn(cursor) in one transaction, run again from the start while a writer elsewhere
        wins the race (a store whose writers take turns never loses one).

        Args:
            what: completes "could not …" in a message.
            fn: the write; it reads what it depends on through the cursor it is given.

        Returns: what fn returned.

        Raises: StoreError (nothing was changed), as transaction(); WriteConflict when
            races were lost for too long.
        """

    @abstractmethod
    def batch(self) -> AbstractContextManager[None]:
        """Many writes of this thread in a row (an import): as cheap as the store allows,
        other writers still getting their turn.

        Raises: StoreError for a read-only store.
        """

    @abstractmethod
    def after_open(self) -> None:
        """Opening for writing: repair what a writer killed earlier left (a file store's
        unpublished commit)."""

    @abstractmethod
    def prepare_reading(self) -> None:
        """Opening read-only: make sure there is something to read (a file store written
        by an older release, never published, is published: a copy, not a change)."""

    @abstractmethod
    def catch_up(self) -> bool:
        """For readers, cheap and often: repair what a killed writer left.

        Returns: True when it repaired something.
        """

    @abstractmethod
    def maintain(self, force: bool = False) -> bool:
        """Housekeeping a store needs now and then (the team store's compaction).

        Args:
            force: now, whether due or not.

        Returns: True when it did some.
        """

    @abstractmethod
    def close(self) -> None:
        """Release every connection; reads afterwards raise StoreError."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
