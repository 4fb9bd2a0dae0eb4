"""The store under concurrency and faults: threads, killed writers, locks, a full disk.

Real DuckDB files in tmp_path; writers in child processes are tests/reliability_worker.py.
Each test runs for a few seconds at most; loops are bounded by time or count, and no
assertion is about time.
"""

from __future__ import annotations

import filecmp
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.synthetic import synthetic_extraction
from loaders.services.ingest import ingest
from loaders.store import Store, open_store, queries
from tests.support.builders import CATALOG

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tests" / "reliability_worker.py"
# Observations per synthetic issue: a reader must see all of an issue's rows or none.
N_OBS = 12


def _worker(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def _rows_per_issue(store: Store) -> dict[str, int]:
    frame = queries.series(store, CATALOG.ids())
    return frame.groupby("issue_key").size().to_dict()


def _assert_complete(store: Store, n_obs: int) -> dict[str, int]:
    """Every stored issue has all of its observations; returns issue_key -> figure_count."""
    issues = queries.issues(store)
    counts = dict(zip(issues["issue_key"], issues["figure_count"], strict=True))
    partial = {key: count for key, count in counts.items() if count != n_obs}
    assert partial == {}, f"partial issues after reopening: {partial}"
    return counts


# ---------------------------------------------------------------- readers and a writer


def test_readers_never_see_part_of_an_issue_while_a_writer_commits(tmp_path):
    store = open_store(tmp_path / "shared.duckdb")
    stop = threading.Event()
    errors: list[BaseException] = []
    partial_snapshots: list[dict[str, int]] = []
    reads = [0] * 8
    issues_seen = [0] * 8
    committed: list[str] = []

    def reader(slot: int) -> None:
        try:
            while not stop.is_set():
                counts = _rows_per_issue(store)
                bad = {key: n for key, n in counts.items() if n != N_OBS}
                if bad:
                    partial_snapshots.append(bad)
                issues = queries.issues(store)
                bad_issues = issues[issues["figure_count"] != N_OBS]
                if len(bad_issues):
                    partial_snapshots.append(
                        dict(zip(bad_issues.issue_key, bad_issues.figure_count, strict=True))
                    )
                reads[slot] += 1
                issues_seen[slot] = max(issues_seen[slot], len(counts))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    def writer() -> None:
        try:
            seq = 0
            # Bounded: 2.5 s but at least 10 issues (a busy machine), never more than 400.
            deadline = time.monotonic() + 2.5
            while (time.monotonic() < deadline or seq < 10) and seq < 400:
                ingest(store, synthetic_extraction(seq, N_OBS), CATALOG, actor="writer")
                committed.append(synthetic_extraction(seq, N_OBS).issue.key)
                if seq % 5 == 4:
                    # A replacement deletes and re-inserts an issue's rows: the riskiest write.
                    result = ingest(
                        store,
                        synthetic_extraction(seq - 2, N_OBS, variant=1),
                        CATALOG,
                        actor="test",
                    )
                    assert result.status == "replaced"
                seq += 1
        except BaseException as exc:
            errors.append(exc)
        finally:
            stop.set()

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(8)]
    threads.append(threading.Thread(target=writer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        assert partial_snapshots == []
        assert len(committed) >= 10
        assert all(n > 0 for n in reads), reads
        # The readers really watched the store fill up (the check could have failed).
        assert max(issues_seen) > 0
        final = _rows_per_issue(store)
        assert set(final) == set(committed)
        assert set(final.values()) == {N_OBS}
    finally:
        store.close()


# ---------------------------------------------------------------- a writer killed mid-ingest

KILL_ROUNDS = 20
ISSUES_PER_ROUND = 200  # more than a worker can commit before its kill


@pytest.mark.parametrize("kind", ["file", "lake"])
def test_writer_killed_with_sigkill_loses_nothing_acknowledged(kind, tmp_path, request):
    db = str(tmp_path / "killed.duckdb") if kind == "file" else request.getfixturevalue("lake")
    open_store(db).close()
    rng = random.Random(20211015)
    acknowledged: set[str] = set()
    killed_mid_run = 0
    server = _worker("serve", db, stdin=subprocess.PIPE)
    assert server.stdin is not None and server.stdout is not None
    try:
        assert server.stdout.readline().strip() == "SERVING"
        for round_no in range(KILL_ROUNDS):
            first = round_no * ISSUES_PER_ROUND
            server.stdin.write(f"ingest {first} {ISSUES_PER_ROUND} {N_OBS}\n")
            server.stdin.flush()
            child, ready = None, False
            while child is None or not ready:
                line = server.stdout.readline()
                assert line, "the fork server stopped"
                if line.startswith("CHILD "):
                    child = int(line.split()[1])
                ready = ready or line.strip() == "READY"
            time.sleep(rng.uniform(0.0, 0.15))
            os.kill(child, signal.SIGKILL)
            lines = []
            while not (line := server.stdout.readline()).startswith("REAPED "):
                assert line, "the fork server stopped"
                lines.append(line.strip())
            status = int(line.split()[2])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            if "DONE" not in lines:
                killed_mid_run += 1
            acks = [line.split()[1] for line in lines if line.startswith("ACK ")]
            acknowledged.update(acks)

            with open_store(db) as store:
                counts = _assert_complete(store, N_OBS)
                missing = acknowledged - set(counts)
                assert missing == set(), f"round {round_no}: acknowledged but lost: {missing}"
                # The commit in flight at the kill either landed whole or not at all;
                # committing it (and an acknowledged one) again leaves exactly one copy.
                in_flight = synthetic_extraction(first + len(acks), N_OBS)
                again = ingest(store, in_flight, CATALOG, actor="test")
                assert again.status in {"new", "unchanged"}
                if acks:
                    repeat = ingest(
                        store, synthetic_extraction(first, N_OBS), CATALOG, actor="test"
                    )
                    assert repeat.status == "unchanged"
                counts = _assert_complete(store, N_OBS)
                acknowledged.add(in_flight.issue.key)
                assert set(counts) >= acknowledged
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    assert killed_mid_run == KILL_ROUNDS


# ---------------------------------------------------------------- a second process


def test_a_second_process_reads_and_writes_while_the_first_keeps_serving(tmp_path):
    db = tmp_path / "shared.duckdb"
    with open_store(db) as app_store:
        ingest(app_store, synthetic_extraction(0, N_OBS), CATALOG, actor="test")
        proc = _worker("open", str(db), str(N_OBS))
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        # The other process saw this one's issue and stored its own.
        assert out.split() == ["OPENED", "1", "ACK", synthetic_extraction(1, N_OBS).issue.key]
        # This process sees the other's commit on its next read, and goes on writing.
        assert len(_rows_per_issue(app_store)) == 2
        assert (
            ingest(app_store, synthetic_extraction(2, N_OBS), CATALOG, actor="test").status == "new"
        )
        assert set(_rows_per_issue(app_store).values()) == {N_OBS}


# ---------------------------------------------------------------- two editors at once


@pytest.mark.parametrize("same_content", [True, False], ids=["same-file", "different-files"])
def test_two_editors_committing_one_issue_leave_one_copy(tmp_path, same_content):
    with open_store(tmp_path / "editors.duckdb") as store:
        for seq in range(8):
            versions = [
                synthetic_extraction(seq, N_OBS),
                synthetic_extraction(seq, N_OBS, variant=0 if same_content else 1),
            ]
            barrier = threading.Barrier(2)
            statuses: list[str] = []
            errors: list[BaseException] = []

            def commit(extraction, barrier=barrier, statuses=statuses, errors=errors):
                try:
                    barrier.wait(timeout=10)
                    statuses.append(ingest(store, extraction, CATALOG, actor="editor").status)
                except BaseException as exc:
                    errors.append(exc)

            threads = [threading.Thread(target=commit, args=(v,)) for v in versions]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            assert errors == []
            expected_second = "unchanged" if same_content else "replaced"
            assert sorted(statuses) == sorted(["new", expected_second])
            key = versions[0].issue.key
            assert (queries.issues(store)["issue_key"] == key).sum() == 1
            stored = queries.observations_for_issue(store, key)
            assert len(stored) == N_OBS
            # One whole version, never a mix of the two editors' figures.
            values = sorted(stored["value"])
            assert values in [sorted(o.value for o in v.observations) for v in versions]


# ---------------------------------------------------------------- a full disk


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs POSIX file-size limits")
def test_disk_full_during_a_commit_is_a_clear_error_and_the_store_carries_on(tmp_path):
    db = tmp_path / "full.duckdb"
    with open_store(db) as store:
        for seq in range(3):
            ingest(store, synthetic_extraction(seq, N_OBS), CATALOG, actor="test")
    before, after = tmp_path / "before", tmp_path / "after"
    proc = _worker("disk-full", str(db), str(before), str(after), str(N_OBS))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    lines = out.splitlines()
    errors = [line for line in lines if line.startswith("ERROR ")]
    assert len(errors) == 1, out
    message = errors[0]
    assert "could not store issue 1981-08" in message
    assert "nothing was changed" in message
    assert "File too large" in message or "No space" in message
    # Nothing lost: every table exports byte for byte as before the failed commit.
    names = sorted(p.name for p in before.iterdir())
    assert names == sorted(p.name for p in after.iterdir())
    _, mismatch, errs = filecmp.cmpfiles(before, after, names, shallow=False)
    assert (mismatch, errs) == ([], [])
    # Recovered without a restart: the same Store object committed the next issue.
    assert lines[-1] == "ACK 1981-09 new"
    with open_store(db) as store:
        counts = _assert_complete(store, N_OBS)
        assert sorted(counts) == ["1981-01", "1981-02", "1981-03", "1981-09"]


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs POSIX file-size limits")
def test_the_cli_on_a_full_disk_names_every_file_and_sums_up(tmp_path):
    """`ingest` of three briefs when the disk fills after the import's record was committed
    (its checkpoint and published copy cannot be written): every file gets a line, the
    summary is printed, the error says what was stored; with room again, the same command
    stores all three. It was a traceback (FatalException from the checkpoint), or a single
    "stored … could not publish" line."""
    import resource

    db = tmp_path / "full.duckdb"
    eval_dir = ROOT / "tests" / "data" / "eval"
    with open_store(db) as store:
        ingest(store, synthetic_extraction(0, N_OBS), CATALOG, actor="test")
    briefs = [str(eval_dir / name) for name in ("2021-15.txt", "2021-29.txt", "2021-35.txt")]
    limit = db.stat().st_size - 4096  # the store file cannot grow, nor be copied

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    command = [sys.executable, "-m", "loaders", "ingest", *briefs, "--db", str(db)]
    run = dict(cwd=ROOT, capture_output=True, text=True, timeout=120)
    full = subprocess.run(command, preexec_fn=full_disk, **run)
    assert full.returncode == 1
    assert "Traceback" not in full.stderr
    for position, name in enumerate(("2021-15.txt", "2021-29.txt", "2021-35.txt"), start=1):
        assert f"[{position}/3] {name} … not stored" in full.stdout
    assert "issues: 0 new, 0 revised, 0 unchanged, 3 not stored" in full.stdout
    assert "已写入（record import " in full.stderr and "无法发布给读者" in full.stderr
    assert "3 file(s) not stored" in full.stderr

    again = subprocess.run(command, **run)
    assert again.returncode == 0, again.stderr
    assert "issues: 3 new" in again.stdout
    with open_store(db, read_only=True) as store:
        assert {"2021-15", "2021-29", "2021-35"} <= set(queries.issues(store)["issue_key"])


# ---------------------------------------------------------------- processes taking turns


def test_a_long_batch_in_another_process_lets_a_single_commit_through(tmp_path):
    """An archive import (a batch) hands the store file over to a waiting writer: an editor's
    commit in another process lands while the import is still running."""
    db = tmp_path / "turns.duckdb"
    open_store(db).close()
    importer = _worker("batch", str(db), "100", "400", str(N_OBS))
    assert importer.stdout is not None
    try:
        assert importer.stdout.readline().strip() == "READY"
        assert importer.stdout.readline().startswith("ACK ")  # the batch holds the file now
        with open_store(db) as store:
            result = ingest(store, synthetic_extraction(0, N_OBS), CATALOG, actor="editor")
            assert result.status == "new"
            acked_before = queries.issues(store)
        assert importer.poll() is None, "the import finished before the editor got in"
        assert len(acked_before) < 401
    finally:
        out, err = importer.communicate(timeout=180)
    assert importer.returncode == 0, err
    with open_store(db) as store:
        counts = _assert_complete(store, N_OBS)
    assert len(counts) == 401


def test_a_commit_that_was_never_published_is_published_by_the_next_reader(tmp_path):
    """A writer killed between its commit and its publish: readers catch up on their own."""
    import loaders.store.filestore as filestore
    from loaders.store import connect
    from loaders.store.transactions import atomic

    db = tmp_path / "unpublished.duckdb"
    with open_store(db) as store:
        ingest(store, synthetic_extraction(0, N_OBS), CATALOG, actor="test")
    # The commit of issue 1 lands in the store file; its writer dies before publishing.
    with open_store(db) as store, store.writing() as raw:
        with atomic(raw, "write", db) as cur:
            cur.execute(
                "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
                "WHERE key IN ('data_version', 'write_version')"
            )
    old = time.time() - 2 * filestore.CATCH_UP_AFTER_SECONDS
    for copy in (db.parent / (db.name + ".published")).glob("v*.duckdb"):
        os.utime(copy, (old, old))
    with open_store(db, read_only=True) as reader:
        behind = queries.data_version(reader)
        writable_view = connect(db)
        assert writable_view.catch_up() is True
        assert queries.data_version(reader) == behind + 1
        assert writable_view.catch_up() is False  # nothing left to publish
