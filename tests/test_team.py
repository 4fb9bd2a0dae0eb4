"""One machine, many processes: two dashboard processes behind `make run`'s proxy, an
archive import of 200 issues from the command line, and two editors committing and
retracting through the pages' code path, all at once, on one store.

Every viewer run must succeed, and at the end every issue is stored exactly once with all
its figures, nothing is lost, and the audit log's ids are unique.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from bench import viewers
from bench.synthetic import brief_text, write_briefs
from loaders.services.catalog import sync_catalog
from loaders.services.ingest import retract
from loaders.services.review import read_upload, rebuild_extraction
from loaders.services.review_frames import figures_frame, unassigned_frame
from loaders.services.upload_commit import commit_upload
from loaders.store import open_store, queries
from tests.support.builders import CATALOG

ROOT = Path(__file__).resolve().parent.parent
ARCHIVE_ISSUES = 200
EDITOR_ISSUES = 12  # per editor; every third is retracted again


def _free_port_block(size: int) -> int:
    """A port p with p .. p+size-1 free (the proxy and its workers)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + size >= 65535:
            continue
        try:
            sockets = []
            for port in range(base, base + size):
                s = socket.socket()
                s.bind(("127.0.0.1", port))
                sockets.append(s)
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
        return base
    raise RuntimeError("no block of free ports")


def _wait_healthy(port: int, deadline: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"no server answered on port {port}"
        time.sleep(0.3)


def _editor(db: str, name: str, numbers: range, kept: list[str], errors: list[str]) -> None:
    """What the 上传 page and the Issues page's admin box do, file after file."""
    try:
        with open_store(db) as store:
            for count, i in enumerate(numbers):
                brief = brief_text(i)
                extraction = read_upload(brief.text.encode(), brief.filename, CATALOG)
                review = rebuild_extraction(
                    extraction,
                    extraction.issue.model_dump(),
                    figures_frame(extraction, CATALOG),
                    unassigned_frame(extraction),
                    CATALOG,
                )
                assert review.ok, review.errors
                result = commit_upload(store, review.extraction, CATALOG, role="editor", actor=name)
                assert result.status == "new", result
                if count % 3 == 2:
                    assert retract(store, result.issue_key, role="editor", actor=name)
                else:
                    kept.append(result.issue_key)
    except Exception as exc:  # reported by the test
        errors.append(f"{name}: {type(exc).__name__}: {exc}")


def _wait_for_an_issue(db: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        with open_store(db, read_only=True) as store:
            if len(queries.issues(store)):
                return
        time.sleep(0.2)
    pytest.fail("no issue was stored within 120 s")


@pytest.mark.parametrize("kind", ["file", "lake"])
def test_two_dashboards_an_archive_import_and_two_editors_at_once(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # The file store on one machine; the team store with every process sharing nothing but
    # PostgreSQL and the data folder, as separate machines would.
    db = str(tmp_path / "team.duckdb") if kind == "file" else request.getfixturevalue("lake")
    with open_store(db) as store:
        sync_catalog(store, CATALOG)
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in write_briefs(tmp_path / "archive", count=ARCHIVE_ISSUES):
            zipped.write(path, f"briefs/{path.name}")

    port = _free_port_block(3)
    env = {**os.environ, "BRIEFS_DB": db, "BRIEFS_WARM_CACHES": "1"}
    env.pop("BRIEFS_EDITOR_PASSWORD", None)
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dashboard.serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        for worker_port in (port + 1, port + 2, port):
            _wait_healthy(worker_port, deadline)

        # Its output goes to files, not pipes: nobody reads them until the editors are done,
        # and an import cannot finish with a full pipe (64 KB) nobody reads.
        importer_out = (tmp_path / "import.out").open("w")
        importer_err = (tmp_path / "import.err").open("w")
        importer = subprocess.Popen(
            [sys.executable, "-m", "loaders", "ingest", str(archive), "--db", db],
            cwd=ROOT,
            env=env,
            stdout=importer_out,
            stderr=importer_err,
            text=True,
        )
        kept: list[str] = []
        errors: list[str] = []
        editors = [
            threading.Thread(
                target=_editor,
                args=(
                    db,
                    f"editor{n}@example.org",
                    range(first, first + EDITOR_ISSUES),
                    kept,
                    errors,
                ),
            )
            for n, first in enumerate((1000, 2000))
        ]
        for editor in editors:
            editor.start()
        # Viewers on both workers through the proxy while all of that goes on, from the first
        # stored issue on (before it, Trends rightly shows its empty state, not a chart).
        _wait_for_an_issue(db, deadline=time.monotonic() + 120)
        seen = viewers.load([port], sessions=4, seconds=12, pause=0.1)
        for editor in editors:
            editor.join(timeout=300)
        importer.wait(timeout=300)
        importer_out.close()
        importer_err.close()
        out = (tmp_path / "import.out").read_text()
        err = (tmp_path / "import.err").read_text()
    finally:
        os.killpg(serve.pid, 15)
        serve.wait(timeout=30)
        log.close()

    assert errors == []
    assert importer.returncode == 0, err[-2000:]
    assert f"issues: {ARCHIVE_ISSUES} new" in out
    print(f"viewer runs {len(seen.times)}, p50 {seen.p50:.2f} s, p95 {seen.p95:.2f} s")
    assert seen.errors == [] and len(seen.times) >= 10, seen.errors[:5]

    def figures(indices) -> dict[str, int]:
        return {f"{b.year}-{b.number:02d}": len(b.expected) for b in map(brief_text, indices)}

    edited = figures([*range(1000, 1000 + EDITOR_ISSUES), *range(2000, 2000 + EDITOR_ISSUES)])
    expected = figures(range(ARCHIVE_ISSUES)) | {key: edited[key] for key in kept}
    with open_store(db) as store:
        issues = queries.issues(store)
        audit = queries.table(store, "audit_log")
        stored = queries.table(store, "observations")
    assert dict(zip(issues["issue_key"], issues["figure_count"], strict=True)) == expected
    assert len(stored) == sum(expected.values())  # nothing doubled
    assert audit["id"].is_unique and len(audit) >= ARCHIVE_ISSUES + 4 * EDITOR_ISSUES
