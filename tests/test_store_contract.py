"""The store interface (loaders.store.connection) as every backend keeps it: one suite, run
on the embedded file and on the team store (DuckLake over a private PostgreSQL)."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest

from loaders.services.ingest import ingest
from loaders.store import Store, StoreError, WriteConflict, connect, open_store, queries
from loaders.store.backends import BACKENDS, backend
from loaders.store.connection import Store as StoreInterface
from tests.support.builders import CATALOG
from tests.support.store import ISSUE_15, ISSUE_29

BACKEND_NAMES = list(BACKENDS)


@pytest.fixture(params=BACKEND_NAMES)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new, empty store of each backend lives."""
    if request.param == "file":
        return str(tmp_path / "contract.duckdb")
    return request.getfixturevalue("lake")


@pytest.fixture
def store(location: str):
    with open_store(location) as opened:
        yield opened


def _write_version(cur) -> int:
    return int(cur.execute("SELECT value FROM meta WHERE key = 'write_version'").fetchone()[0])


def _bump(cur) -> int:
    cur.execute(
        "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
        "WHERE key = 'write_version'"
    )
    return _write_version(cur)


def test_the_registry_finds_the_backend_a_location_names(location: str) -> None:
    store = connect(location)
    try:
        assert type(store) is backend(store.kind)
        assert isinstance(store, StoreInterface)
        assert type(store).handles(location)
        assert isinstance(type(store).enforces_keys, bool)
        # What a location says is what reaches the store again.
        assert connect(store.location).kind == store.kind
    finally:
        store.close()


def test_every_backend_implements_the_whole_interface() -> None:
    for name in BACKENDS:
        store_class = backend(name)
        assert not getattr(store_class, "__abstractmethods__", None), name
        assert store_class.kind == name


def test_a_write_commits_all_of_its_function_and_returns_what_it_returned(store: Store) -> None:
    with store.read() as cur:
        before = _write_version(cur)
    assert store.write("bump the version", _bump) == before + 1
    with store.read() as cur:
        assert _write_version(cur) == before + 1


def test_a_failed_write_changes_nothing_and_says_so(store: Store) -> None:
    with store.read() as cur:
        before = _write_version(cur)

    def half_then_fail(cur) -> None:
        _bump(cur)
        cur.execute("SELECT * FROM no_such_table")

    with pytest.raises(StoreError, match="could not break it in .*nothing was changed"):
        store.write("break it", half_then_fail)
    with pytest.raises(StoreError, match="nothing was changed"):
        with store.transaction("break it again") as cur:
            _bump(cur)
            raise ValueError("the caller failed")
    with store.read() as cur:
        assert _write_version(cur) == before


def test_a_store_error_from_the_function_passes_through_unchanged(store: Store) -> None:
    def refuse(cur) -> None:
        _bump(cur)
        raise StoreError("目录没有变化")

    with pytest.raises(StoreError, match="^目录没有变化$"):
        store.write("refuse", refuse)


def test_a_read_error_is_a_store_error(store: Store) -> None:
    with pytest.raises(StoreError, match="cannot read"):
        with store.read() as cur:
            cur.execute("SELECT * FROM no_such_table")
    with store.read() as cur:  # the store is still usable
        assert _write_version(cur) >= 0


def test_read_only_refuses_every_write_but_reads(location: str) -> None:
    with open_store(location) as writable:
        ingest(writable, ISSUE_15, CATALOG, actor="t")
    with open_store(location, read_only=True) as reader:
        assert reader.read_only
        assert len(queries.issues(reader)) == 1
        with pytest.raises(StoreError, match="read-only"):
            reader.write("bump", _bump)
        with pytest.raises(StoreError, match="read-only"):
            with reader.batch():
                pass
        assert reader.maintain(force=True) is False


def test_a_batch_of_writes_is_seen_by_readers_when_it_ends(location: str) -> None:
    with open_store(location) as writer, open_store(location, read_only=True) as reader:
        with writer.batch():
            ingest(writer, ISSUE_15, CATALOG, actor="t")
            ingest(writer, ISSUE_29, CATALOG, actor="t")
        assert sorted(queries.issues(reader)["issue_key"]) == ["2021-15", "2021-29"]


def test_writers_in_threads_each_commit_once(store: Store) -> None:
    with store.read() as cur:
        before = _write_version(cur)
    errors: list[BaseException] = []

    def bump_five() -> None:
        try:
            for _ in range(5):
                store.write("bump", _bump)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=bump_five) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    with store.read() as cur:
        assert _write_version(cur) == before + 15


def test_a_closed_store_refuses_reads(location: str) -> None:
    store = open_store(location)
    store.close()
    with pytest.raises(StoreError):
        with store.read() as cur:
            cur.execute("SELECT 1").fetchall()


def test_housekeeping_answers_whether_it_did_any(store: Store) -> None:
    assert isinstance(store.maintain(), bool)
    assert isinstance(store.maintain(force=True), bool)
    assert store.catch_up() is False  # nothing was left behind
    store.after_open()  # repairs nothing, twice
    store.after_open()


def test_imports_stage_their_files_in_a_local_folder(store: Store) -> None:
    root = store.staging_root
    root.mkdir(parents=True, exist_ok=True)
    (root / "probe").write_bytes(b"x")
    assert (root / "probe").read_bytes() == b"x"


def test_keys_are_enforced_where_the_backend_says_so(store: Store) -> None:
    row = ["2099-01", "标题", 2099, 1, None, "2099-01-01", "x", "x.txt", "0", "2099-01-01", ""]

    def insert_twice(cur) -> None:
        for _ in range(2):
            cur.execute(
                "INSERT INTO issues (issue_key, title, year, number, total_number, published, "
                "issue_label, source_name, sha256, ingested_at, clean_text) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )

    if type(store).enforces_keys:
        with pytest.raises(StoreError, match="nothing was changed"):
            store.write("insert an issue twice", insert_twice)
    else:
        # No constraint: keeping keys unique is the write path's job (reads what it replaces).
        store.write("insert an issue twice", insert_twice)
        assert (queries.issues(store)["issue_key"] == "2099-01").sum() == 2


def test_a_lost_race_runs_the_write_again_from_the_start(store: Store) -> None:
    """A write whose transaction lost a race (WriteConflict) is run again from the start,
    its half-done first try rolled back (the file store's writers take turns and lose no
    race; the contract holds for both)."""
    with store.read() as cur:
        before = _write_version(cur)
    calls = []

    def lose_once(cur) -> int:
        calls.append(_bump(cur))
        if len(calls) == 1:
            raise WriteConflict("another writer changed it first")
        return calls[-1]

    assert store.write("lose once", lose_once) == before + 1
    assert calls == [before + 1, before + 1]


def test_the_cursor_is_duckdbs_own(store: Store) -> None:
    with store.read() as cur:
        assert isinstance(cur, duckdb.DuckDBPyConnection)
        assert cur.execute("SELECT ? + 1", [1]).fetchone() == (2,)
        assert cur.execute("SELECT 1 AS one").to_arrow_table().column_names == ["one"]
