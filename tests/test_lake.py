"""The team store: DuckLake with its catalog in a real PostgreSQL and its data files in a
folder, reached through the same BRIEFS_DB setting, queries and use cases as the file."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

import loaders.__main__ as cli
from bench.synthetic import synthetic_extraction
from loaders.services.export import export_tables
from loaders.services.ingest import Overwrite, ingest, retract
from loaders.store import StoreError, open_store, queries
from tests.support.builders import CATALOG
from tests.support.store import ISSUE_15, ISSUE_29

ROOT = Path(__file__).resolve().parent.parent


def _export(store, folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in export_tables(store, folder)}


def _same_writes(store) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="t")
    ingest(store, ISSUE_29, CATALOG, actor="t")
    retract(store, "2021-29", role="editor", actor="t")
    ingest(store, ISSUE_29, CATALOG, actor="t", overwrite=Overwrite.ALWAYS)


def test_the_team_store_answers_like_the_file(lake: str, tmp_path: Path) -> None:
    with open_store(lake) as team, open_store(tmp_path / "file.duckdb") as file:
        assert team.kind == "lake" and file.kind == "file"
        for store in (team, file):
            _same_writes(store)
        ids = CATALOG.ids()
        assert queries.series(team, ids).equals(queries.series(file, ids))
        assert queries.revised_statements(team, ids).equals(queries.revised_statements(file, ids))
        assert queries.coverage(team).equals(queries.coverage(file))
        assert list(queries.audit_log(team)["action"]) == list(queries.audit_log(file)["action"])
    # Nothing of the password-less attach string leaks a secret, and a reopen is current.
    with open_store(lake, read_only=True) as again:
        assert len(queries.issues(again)) == 2


def test_migrate_store_into_the_lake_and_back_keeps_every_byte(lake: str, tmp_path: Path) -> None:
    source = tmp_path / "source.duckdb"
    with open_store(source) as store:
        _same_writes(store)
        before = _export(store, tmp_path / "before")
    assert cli.main(["migrate-store", str(source), lake]) == 0
    back = tmp_path / "back.duckdb"
    assert cli.main(["migrate-store", lake, str(back)]) == 0
    with open_store(lake, read_only=True) as team, open_store(back, read_only=True) as file:
        assert _export(team, tmp_path / "lake") == before
        assert _export(file, tmp_path / "back") == before
        assert queries.series(team, CATALOG.ids()).equals(queries.series(file, CATALOG.ids()))
    # Moving into a store that already holds issues is refused, and changes nothing.
    assert cli.main(["migrate-store", str(source), lake]) == 1


RACE_SCRIPT = """
import sys, threading
from bench.synthetic import synthetic_extraction
from loaders.catalog.indicators import load_catalog
from loaders.services.ingest import ingest, Overwrite
from loaders.store import open_store
catalog = load_catalog()
seq, variant = int(sys.argv[1]), int(sys.argv[2])
with open_store() as store:
    print("READY", flush=True)
    sys.stdin.readline()
    result = ingest(store, synthetic_extraction(seq, 8, variant=variant), catalog, actor=f"p{variant}",
                    overwrite=Overwrite.ALWAYS)
    print(result.status, flush=True)
"""


def test_two_machines_storing_one_issue_at_once_store_it_once(lake: str) -> None:
    """Separate processes (as separate machines would) that share only PostgreSQL and the
    data folder: each writes, one of them wins, the other is told and runs again."""
    import os

    env = {**os.environ, "BRIEFS_DB": lake}
    with open_store(lake) as store:
        store.write("nothing", lambda cur: None)  # the schema exists before the race
    for seq in range(6):
        racers = [
            subprocess.Popen(
                [sys.executable, "-c", RACE_SCRIPT, str(seq), str(variant)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for variant in (0, 1)
        ]
        for racer in racers:
            assert racer.stdout.readline().strip() == "READY"
        for racer in racers:
            racer.stdin.write("go\n")
            racer.stdin.flush()
        statuses = sorted(racer.communicate(timeout=120)[0].strip() for racer in racers)
        assert statuses == ["new", "replaced"], statuses
    with open_store(lake, read_only=True) as store:
        issues = queries.issues(store)
        assert issues["issue_key"].is_unique and len(issues) == 6
        assert set(issues["figure_count"]) == {8}
        audit = queries.table(store, "audit_log")
        assert audit["id"].is_unique and len(audit) == 12


def test_threads_of_one_process_share_the_lake(lake: str) -> None:
    errors: list[BaseException] = []
    with open_store(lake) as store:

        def writer(first: int) -> None:
            try:
                for seq in range(first, first + 5):
                    ingest(store, synthetic_extraction(seq, 6), CATALOG, actor="t")
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(first,)) for first in (0, 100)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert errors == []
        assert len(queries.issues(store)) == 10
        assert store.maintain(force=True)  # DuckLake's compaction runs between writers
        assert len(queries.issues(store)) == 10


def test_compaction_keeps_the_files_of_a_staged_import(lake: str, tmp_path: Path) -> None:
    """DuckLake's CHECKPOINT deletes the files under its data path that it does not track:
    an import staged in the app keeps its files beside that path, and they survive it."""
    from bench.synthetic import brief_text
    from loaders.services import imports

    with open_store(lake) as store:
        ingest(store, ISSUE_15, CATALOG, actor="t")  # data files for the lake to compact
        files = [(f"{i}.txt", brief_text(i).text.encode()) for i in range(3)]
        job_id = imports.create_job(
            store, imports.upload_sources(files), role="editor", actor="ed", label="x", stage=True
        )
        staged = imports.staging_root(store) / job_id
        data_path = (tmp_path / "lake-data").resolve()
        assert data_path not in staged.resolve().parents
        assert store.maintain(force=True)
        assert len(list(staged.iterdir())) == 3


def test_a_kept_read_cursor_sees_the_next_commit_and_a_failed_one_is_not_kept(lake: str) -> None:
    """Read cursors are kept for the next read (a new one costs a catalog round trip); each
    statement is its own transaction, so a kept cursor still sees another machine's commit,
    and a cursor whose read failed is closed rather than handed to the next reader."""
    with open_store(lake) as writer, open_store(lake, read_only=True) as reader:
        before = queries.data_version(reader)
        with reader.read() as cur:
            kept = cur
        ingest(writer, ISSUE_29, CATALOG, actor="t")
        with reader.read() as cur:
            assert cur is kept
            assert cur.execute("SELECT count(*) FROM issues").fetchall() == [(1,)]
        assert queries.data_version(reader) == before + 1
        with pytest.raises(StoreError, match="cannot read"):
            with reader.read() as cur:
                cur.execute("SELECT * FROM no_such_table")
        with reader.read() as cur:
            assert cur is not kept
