"""Archive imports: folders and zips through the CLI, staged imports run in their own
process, stop and resume, caps of their own, and a runner killed at twenty moments."""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import loaders.__main__ as cli
import loaders.intake.pipeline as pipeline
from bench.synthetic import brief_text, write_briefs
from loaders.services import imports
from loaders.services.imports import ArchiveRefused, upload_sources
from loaders.services.ingest import ingest
from loaders.services.permissions import NotAllowed
from loaders.services.review import read_upload
from loaders.store import open_store, queries
from tests.support.builders import CATALOG
from tests.support.hostile_files import lying_brief_zip

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tests" / "reliability_worker.py"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _issue_counts(store) -> dict[str, int]:
    issues = queries.issues(store)
    return dict(zip(issues["issue_key"], issues["figure_count"], strict=True))


def _expected_counts(indices) -> dict[str, int]:
    return {
        f"{brief_text(i).year}-{brief_text(i).number:02d}": len(brief_text(i).expected)
        for i in indices
    }


@pytest.mark.slow
def test_the_cli_imports_a_folder_and_a_zip_as_one_job_and_resumes_by_hash(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    folder = tmp_path / "archive"
    paths = write_briefs(folder, count=6)
    (folder / "notes.xlsx").write_bytes(b"not a brief")  # not a brief: left out
    zipped = tmp_path / "more.zip"
    more = [brief_text(i) for i in range(6, 9)]
    zipped.write_bytes(_zip({f"2001/{b.filename}": b.text.encode() for b in more}))
    db = tmp_path / "briefs.duckdb"

    assert cli.main(["ingest", str(folder), str(zipped), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "[9/9]" in out and "issues: 9 new" in out
    with open_store(db) as store:
        assert _issue_counts(store) == _expected_counts(range(9))
        (job,) = queries.import_jobs(store)
        assert (job.state, job.total, job.done, job.failed) == ("done", 9, 9, 0)
        files = queries.import_files(store, job.job_id)
    assert [f.name for f in files][:6] == [str(p) for p in sorted(paths)]
    assert files[6].name == f"{zipped}/2001/{more[0].filename}"

    # Again: every file is known by its bytes, so none is even read as a brief.
    def must_not_extract(*args, **kwargs):
        raise AssertionError("a stored file was extracted again")

    monkeypatch.setattr(pipeline, "extract_bytes", must_not_extract)
    assert cli.main(["ingest", str(folder), str(zipped), "--db", str(db)]) == 0
    assert "issues: 0 new, 0 revised, 9 unchanged" in capsys.readouterr().out


@pytest.mark.slow
def test_an_import_whose_output_nobody_reads_keeps_no_writer_waiting(tmp_path: Path) -> None:
    """`python -m loaders ingest archive | less`, paused: a pipe that is full, and nobody
    reading it, must not stop the import with the store's write lock held."""
    import fcntl

    write_briefs(tmp_path / "archive", count=30)
    db = tmp_path / "briefs.duckdb"
    open_store(db).close()
    reader, writer = os.pipe()
    fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, 4096)  # full after about 40 progress lines
    importer = subprocess.Popen(
        [sys.executable, "-m", "loaders", "ingest", str(tmp_path / "archive"), "--db", str(db)],
        cwd=ROOT,
        stdout=writer,
        stderr=subprocess.DEVNULL,
    )
    os.close(writer)
    try:
        deadline = time.monotonic() + 120
        while True:  # every issue is stored while the pipe stays full
            with open_store(db, read_only=True) as store:
                if len(queries.issues(store)) == 30:
                    break
            assert time.monotonic() < deadline, "the import stalled on its full pipe"
            time.sleep(0.2)
        with open_store(db) as store:  # and another writer gets the store at once
            started = time.monotonic()
            brief = brief_text(100)
            extraction = read_upload(brief.text.encode(), brief.filename, CATALOG)
            ingest(store, extraction, CATALOG, actor="test")
            assert time.monotonic() - started < 10
    finally:
        with os.fdopen(reader, "rb") as output:
            printed = output.read().decode()
        importer.wait(timeout=60)
    assert importer.returncode == 0
    assert "[30/30]" in printed and "issues: 30 new" in printed


@pytest.mark.parametrize(
    ("members", "words"),
    [
        (
            {f"{i:05d}.txt": b"x" for i in range(imports.MAX_ARCHIVE_FILES + 1)},
            "一次导入最多 2000 个",
        ),
        ({"big.txt": bytes(imports.MAX_UPLOAD_BYTES + 1)}, "疑似 zip 炸弹"),
    ],
    ids=["too-many-files", "member-over-the-file-cap"],
)
def test_archive_caps_are_their_own_and_refuse_before_anything_is_stored(
    tmp_path: Path, members, words
) -> None:
    with pytest.raises(ArchiveRefused, match=words):
        upload_sources([("archive.zip", _zip(members))])


def test_a_zip_member_that_lies_about_its_size_fails_alone(tmp_path: Path, capsys) -> None:
    """2021-16.txt declares 1 KB and inflates to 64 MB (1 GiB in test_input_bounds.py, where
    the CLI's memory is measured): it is read through the bounded stream and fails with the
    reason; the briefs beside it are stored."""
    zipped = tmp_path / "lying.zip"
    zipped.write_bytes(lying_brief_zip(64 * 2**20))
    db = tmp_path / "briefs.duckdb"
    assert cli.main(["ingest", str(zipped), "--db", str(db)]) == 1
    printed = capsys.readouterr()
    assert "[2/3] 2021-16.txt … failed" in printed.out
    assert "issues: 2 new" in printed.out
    assert f"{zipped}/archive/2021-16.txt" in printed.err
    assert "2021-16.txt 解压出的数据与 zip 目录所记不符" in printed.err
    with open_store(db, read_only=True) as store:
        assert set(queries.issues(store)["issue_key"]) == {"2021-15", "2021-29"}
        (job,) = queries.import_jobs(store)
        failed = [f for f in queries.import_files(store, job.job_id) if f.status == "failed"]
    assert [f.name.rsplit("/", 1)[-1] for f in failed] == ["2021-16.txt"]
    assert "zip 炸弹" in failed[0].detail


def test_a_zip_dropped_on_the_import_page_is_staged_without_its_lying_member(
    tmp_path: Path,
) -> None:
    """The 导入 page stages what was dropped (read through the bounded stream in the page's
    process): the member that lies about its size is recorded as failed with the reason,
    and the briefs beside it are staged and stored."""
    with open_store(tmp_path / "s.duckdb") as store:
        sources = upload_sources([("lying.zip", lying_brief_zip(64 * 2**20))])
        job_id = imports.create_job(
            store, sources, role="editor", actor="ed", label="drop", stage=True
        )
        imports.run_job(store, job_id, CATALOG, actor="ed")  # from the staged copies
        files = queries.import_files(store, job_id)
    assert [(f.name.rsplit("/", 1)[-1], f.status) for f in files] == [
        ("2021-15.txt", "new"),
        ("2021-16.txt", "failed"),
        ("2021-29.txt", "new"),
    ]
    assert "2021-16.txt 解压出的数据与 zip 目录所记不符" in files[1].detail


@pytest.mark.parametrize("stage", [True, False], ids=["import-page", "cli"])
def test_a_zip_member_that_is_no_brief_gets_a_line_with_the_reason(
    tmp_path: Path, stage: bool
) -> None:
    """A picture or a spreadsheet in a zip is named as not imported (failed, with why), never
    dropped without a word; what nobody put there on purpose (__MACOSX/, dot files) is
    left out; the brief beside them is stored."""
    brief = brief_text(0)
    zipped = _zip(
        {
            brief.filename: brief.text.encode(),
            "cover.png": b"\x89PNG not read",
            "figures.xlsx": b"PK not read",
            "__MACOSX/._cover.png": b"resource fork",
            ".DS_Store": b"finder",
        }
    )
    sources = upload_sources([("issues.zip", zipped)])
    assert [s.name for s in sources] == [
        f"issues.zip/{name}" for name in sorted(["cover.png", "figures.xlsx", brief.filename])
    ]
    with open_store(tmp_path / "s.duckdb") as store:
        job_id = imports.create_job(
            store, sources, role="editor", actor="ed", label="drop", stage=stage
        )
        imports.run_job(store, job_id, CATALOG, actor="ed", sources=None if stage else sources)
        files = {f.name.rsplit("/", 1)[-1]: f for f in queries.import_files(store, job_id)}
        (job,) = queries.import_jobs(store)
    assert {name: f.status for name, f in files.items()} == {
        brief.filename: "new",
        "cover.png": "failed",
        "figures.xlsx": "failed",
    }
    assert files["cover.png"].detail == (
        "issues.zip/cover.png: 不是简报文件，未导入（只导入 .txt .md .pdf .docx）"
    )
    assert (job.total, job.failed) == (3, 2)


def test_a_zip_compressed_in_a_way_that_cannot_be_bounded_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_LZMA) as archive:
        archive.writestr("2021-15.txt", (ROOT / "data" / "briefs" / "2021-15.txt").read_bytes())
    with pytest.raises(ArchiveRefused, match=r"lzma\.zip: ZIP 部件 2021-15\.txt 用 LZMA 压缩"):
        upload_sources([("lzma.zip", buffer.getvalue())])


def test_a_broken_zip_is_refused_by_name() -> None:
    with pytest.raises(ArchiveRefused, match=r"broken\.zip: zip 损坏"):
        upload_sources([("broken.zip", b"PK\x03\x04 not really")])


def test_viewers_cannot_start_or_stop_an_import(tmp_path: Path) -> None:
    sources = upload_sources([("a.txt", brief_text(0).text.encode())])
    with open_store(tmp_path / "s.duckdb") as store:
        with pytest.raises(NotAllowed):
            imports.create_job(store, sources, role="viewer", actor="x", label="x", stage=True)
        assert queries.import_jobs(store) == []


def _staged_job(store, count: int, first: int = 0) -> str:
    files = [(f"{i}.txt", brief_text(i).text.encode()) for i in range(first, first + count)]
    return imports.create_job(
        store, upload_sources(files), role="editor", actor="ed", label="drop", stage=True
    )


@pytest.mark.slow
def test_a_staged_import_runs_in_its_own_process_and_cleans_up(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        job_id = _staged_job(store, 5)
        staged = imports.staging_root(store) / job_id
        assert len(list(staged.iterdir())) == 5
        runner = imports.start_runner(store, job_id, role="editor", actor="ed")
        assert runner.wait(timeout=120) == 0
        job = imports.wait_for(store, job_id, timeout=10)
        assert job is not None and (job.state, job.done, job.failed) == ("done", 5, 0)
        assert _issue_counts(store) == _expected_counts(range(5))
        assert {f.status for f in queries.import_files(store, job_id)} == {"new"}
        assert queries.audit_log(store)["actor"].iloc[0] == "ed"
    assert not staged.exists()


@pytest.mark.slow
def test_an_import_stops_when_asked_and_resumes_where_it_stopped(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        # Enough files that the stop lands mid-way: the runner holds the store a second at a
        # time (Store.batch), so a stop may wait that long for its turn.
        job_id = _staged_job(store, 120)
        runner = imports.start_runner(store, job_id, role="editor", actor="ed")
        deadline = time.monotonic() + 120
        while queries.import_job(store, job_id).done < 2:
            assert time.monotonic() < deadline and runner.poll() is None
            time.sleep(0.05)
        imports.request_stop(store, job_id, role="editor")
        assert runner.wait(timeout=120) == 0
        stopped = queries.import_job(store, job_id)
        assert stopped.state == "stopped" and 2 <= stopped.done < 120
        runner = imports.start_runner(store, job_id, role="editor", actor="ed")
        assert runner.wait(timeout=180) == 0
        done = queries.import_job(store, job_id)
        assert (done.state, done.done, done.failed) == ("done", 120, 0)
        assert _issue_counts(store) == _expected_counts(range(120))


KILL_ROUNDS = 20


@pytest.mark.slow
def test_an_import_killed_at_twenty_moments_leaves_nothing_partial_and_resumes(
    tmp_path: Path,
) -> None:
    db = tmp_path / "killed.duckdb"
    count = 150  # more than twenty short runs can finish: every kill lands mid-import
    with open_store(db) as store:
        job_id = _staged_job(store, count)
    rng = random.Random(11)
    server = subprocess.Popen(
        [sys.executable, str(WORKER), "serve", str(db)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdin is not None and server.stdout is not None
    expected = _expected_counts(range(count))
    try:
        assert server.stdout.readline().strip() == "SERVING"
        for round_no in range(KILL_ROUNDS):
            server.stdin.write(f"import {job_id}\n")
            server.stdin.flush()
            line = server.stdout.readline()
            assert line.startswith("CHILD "), line
            child = int(line.split()[1])
            time.sleep(rng.uniform(0.05, 0.5))
            os.kill(child, signal.SIGKILL)
            while not (line := server.stdout.readline()).startswith("REAPED "):
                assert line, "the fork server stopped"
            status = int(line.split()[2])
            assert os.WIFSIGNALED(status), f"round {round_no}: the import ended before its kill"
            with open_store(db) as store:
                counts = _issue_counts(store)
                # Nothing partial: every stored issue has all its figures.
                partial = {k: n for k, n in counts.items() if n != expected.get(k)}
                assert partial == {}, f"round {round_no}: partial issues {partial}"
                # The record agrees with the store: a file done is an issue stored.
                files = queries.import_files(store, job_id)
                done_keys = {f.issue_key for f in files if f.status != "pending"}
                assert done_keys <= set(counts), f"round {round_no}"
        # Resumed to the end (in the foreground): each issue exactly once.
        with open_store(db) as store:
            imports.run_job(store, job_id, CATALOG, actor="ed")
            job = queries.import_job(store, job_id)
            assert (job.state, job.done, job.failed) == ("done", count, 0)
            assert _issue_counts(store) == expected
            ingests = queries.audit_log(store)
            stored = ingests[ingests["action"] == "ingest"]["issue_key"]
            assert stored.is_unique and set(stored) == set(expected)
    finally:
        server.stdin.close()
        server.wait(timeout=60)
