"""One machine, many processes, as a team uses it (issue: several processes on one store).

- Viewers served: websocket-level viewers (bench/viewers.py; each visit is Trends by a link,
  two reruns, the overview, the issues, with a pause of VIEWER_PAUSE_S between runs, as a
  reader clicks) in steps of sessions, against the dashboard as `make run` serves it, with
  one and with two Streamlit processes; the largest step whose p95 stays under 1 s.
- Archive import throughput: `python -m loaders ingest archive.zip` of generated briefs into
  the 1e4 store while viewers use the dashboard; issues per second.
- First run after a commit: on the 1e6 store, a commit that touches one series of the two on
  the Trends page, then the first run of that page and of the overview, against warm runs
  of the same pages (AppTest, one process), immediately and once the cache warmer caught up.
- Server memory: VmRSS of one dashboard process on the 1e6 store with 50 viewers holding
  Trends open with two indicators.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
import zipfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from bench import viewers
from bench.common import PROJECT_ROOT, Result
from bench.serve import rss_mb
from bench.synthetic import write_briefs

VIEWER_STEPS = (5, 10, 15, 20, 25, 30, 40)
QUICK_VIEWER_STEPS = (5, 15, 25)
STEP_SECONDS = 12.0
VIEWER_PAUSE_S = 1.0
TARGET_VIEWERS = 25
TARGET_P95_S = 1.0
TARGET_COLD_RATIO = 3.0
TARGET_RSS_MB = 400.0
IDLE_VIEWERS = 50
IMPORT_ISSUES = 200
TWO_SERIES = "logistics_total,logistics_total_yoy"


@contextmanager
def dashboard(db: Path, port: int, workers: int, log: Path, warm: bool = True):
    """`make run`'s server (python -m dashboard.serve) on db; yields the worker pids."""
    env = {
        **os.environ,
        "BRIEFS_DB": str(db),
        "BRIEFS_WARM_CACHES": "1" if warm else "0",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    env.pop("BRIEFS_EDITOR_PASSWORD", None)
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dashboard.serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--address",
                "127.0.0.1",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            ports = [port] if workers == 1 else [port + 1 + i for i in range(workers)] + [port]
            deadline = time.monotonic() + 120
            for each in ports:
                _wait_healthy(each, deadline, log)
            yield _worker_pids(process.pid)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _wait_healthy(port: int, deadline: float, log: Path) -> None:
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no dashboard on {port}:\n{log.read_text()[-2000:]}") from None
            time.sleep(0.3)


def _worker_pids(root: int) -> list[int]:
    """The Streamlit processes under the launcher (itself, with one worker)."""
    out = subprocess.run(["pgrep", "-f", "streamlit run"], capture_output=True, text=True)
    pids = [int(pid) for pid in out.stdout.split()]
    return [pid for pid in pids if _session_of(pid) == _session_of(root)] or [root]


def _session_of(pid: int) -> int:
    try:
        return os.getsid(pid)
    except ProcessLookupError:
        return -1


def _wait_warm(seconds: float) -> None:
    # The warmer builds every series at start; measure once it is done.
    time.sleep(seconds)


def viewers_served(store: Path, workdir: Path, port: int, quick: bool) -> list[Result]:
    steps = QUICK_VIEWER_STEPS if quick else VIEWER_STEPS
    results = []
    for workers in (1, 2):
        rows = []
        with dashboard(store, port, workers, workdir / f"serve-{workers}.log"):
            _wait_warm(5)
            for sessions in steps:
                run = viewers.load([port], sessions, STEP_SECONDS, pause=VIEWER_PAUSE_S)
                rows.append((sessions, run))
                print(
                    f"    {workers} process(es), {sessions:>3} viewers: "
                    f"{run.runs_per_second:5.1f} runs/s, p50 {run.p50:.2f} s, "
                    f"p95 {run.p95:.2f} s, errors {len(run.errors)}",
                    flush=True,
                )
                if run.p95 > 3 * TARGET_P95_S:
                    break
        served = max((s for s, r in rows if r.p95 < TARGET_P95_S and not r.errors), default=0)
        best = max((r.runs_per_second for _, r in rows), default=0.0)
        result = Result(
            name=f"Viewers served at p95 < 1 s, {workers} dashboard process(es)",
            measured=f"{served} viewers (steps {', '.join(map(str, steps))}); "
            f"up to {best:.1f} page runs/s",
            value=float(served),
            target=None,
        )
        if workers == 2:
            result.target = TARGET_VIEWERS
            result.value = TARGET_VIEWERS / served if served else float("inf")
            result.unit = "x"
            result.measured += f" (target >= {TARGET_VIEWERS}; ratio shown is target/served)"
        print(result.line())
        results.append(result)
    return results


def archive_import(store: Path, workdir: Path, port: int) -> list[Result]:
    copy = workdir / "import.duckdb"
    shutil.copyfile(store, copy)
    archive = workdir / "archive.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in write_briefs(workdir / "archive", count=IMPORT_ISSUES, seed=7):
            zipped.write(path, path.name)
    with dashboard(copy, port, 1, workdir / "serve-import.log"):
        started = time.perf_counter()
        importer = subprocess.Popen(
            [sys.executable, "-m", "loaders", "ingest", str(archive), "--db", str(copy)],
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        seen = viewers.LoadResult()
        while importer.poll() is None:
            step = viewers.load([port], 5, 3.0, pause=VIEWER_PAUSE_S)
            seen.runs += step.runs
            seen.errors += step.errors
        elapsed = time.perf_counter() - started
    if importer.returncode != 0:
        raise RuntimeError(f"import failed: {importer.stderr.read()[-2000:]}")
    result = Result(
        name=f"Archive import, {IMPORT_ISSUES} issues while 5 viewers browse",
        measured=f"{IMPORT_ISSUES / elapsed:.1f} issues/s ({elapsed:.1f} s); viewer runs "
        f"p95 {seen.p95:.2f} s, {len(seen.errors)} errors",
        value=None,
        target=None,
    )
    print(result.line())
    return [result]


def first_run_after_commit(store: Path, workdir: Path) -> list[Result]:
    """In a child process: AppTest keeps the store's caches in its own process."""
    copy = workdir / "cold.duckdb"
    shutil.copyfile(store, copy)
    from dashboard.serve import WORKER_ENVIRONMENT

    done = subprocess.run(
        [sys.executable, "-m", "bench.team", "cold", str(copy)],
        cwd=PROJECT_ROOT,
        env={**WORKER_ENVIRONMENT, **os.environ},  # as `make run` starts its workers
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"cold-run benchmark failed:\n{done.stderr[-3000:]}")
    times = json.loads(done.stdout.strip().splitlines()[-1])
    results = []
    for page in ("trends", "overview"):
        warm = statistics.median(times[f"{page}_warm"])
        cold = statistics.median(times[f"{page}_after_commit"])
        later = statistics.median(times[f"{page}_after_warmer"])
        results.append(
            Result(
                name=f"First {page} run after a commit, 1e6 obs (AppTest)",
                measured=f"{cold * 1000:.0f} ms at once, {later * 1000:.0f} ms once the "
                f"warmer caught up, vs warm {warm * 1000:.0f} ms",
                value=cold / warm,
                target=TARGET_COLD_RATIO,
            )
        )
        print(results[-1].line())
    return results


def _cold_runs(db: str, rounds: int = 3) -> dict[str, list[float]]:
    from streamlit.testing.v1 import AppTest

    from bench.synthetic import FRAMES_FREE_YEAR, synthetic_extraction
    from loaders.catalog.indicators import load_catalog
    from loaders.services.ingest import ingest
    from loaders.store import open_store

    os.environ["BRIEFS_DB"] = db
    app = str(PROJECT_ROOT / "dashboard" / "streamlit_app.py")
    pages = {
        "trends": ("app_pages/trends.py", {"indicators": TWO_SERIES}),
        "overview": (None, {}),
    }

    def run(page: str) -> float:
        script, query = pages[page]
        at = AppTest.from_file(app, default_timeout=600)
        if script:
            at.switch_page(script)
        at.query_params.update(query)
        started = time.perf_counter()
        at.run()
        if at.exception:
            raise RuntimeError(f"{page} raised: {at.exception}")
        return time.perf_counter() - started

    def new_issue(seq: int, number: int):
        """Synthetic issue seq's three figures as an issue of the one year the store's
        issues leave free (the others are all taken, up to past what ingest accepts), so
        this is a new issue touching three series. An issue key the store holds would be a
        replacement, and the issue it replaced states every series."""
        extraction = synthetic_extraction(seq, 3)
        year = FRAMES_FREE_YEAR
        header = extraction.issue.model_copy(
            update={"year": year, "number": number, "published": date(year, 12, 31)}
        )
        return extraction.model_copy(update={"issue": header})

    catalog = load_catalog()
    times: dict[str, list[float]] = {}
    for page in pages:
        run(page)
    time.sleep(20)  # the warmer's first pass over every series
    for round_no in range(rounds):
        for page in pages:
            times.setdefault(f"{page}_warm", []).append(run(page))
        # A new issue touching logistics_total_yoy (shown on the page) and two others:
        # synthetic issue n states indicators (3n .. 3n+2) % 20; 20001 gives 3, 4, 5.
        with open_store(db) as store:
            ingest(store, new_issue(20001 + 20 * round_no, 1 + round_no), catalog, actor="bench")
        for page in pages:
            times.setdefault(f"{page}_after_commit", []).append(run(page))
        with open_store(db) as store:
            ingest(store, new_issue(30001 + 20 * round_no, 11 + round_no), catalog, actor="bench")
        time.sleep(6)  # quiet for the warmer to rebuild the touched series
        for page in pages:
            times.setdefault(f"{page}_after_warmer", []).append(run(page))
    return times


def server_memory(store: Path, workdir: Path, port: int) -> list[Result]:
    with dashboard(store, port, 1, workdir / "serve-rss.log") as pids:
        _wait_warm(20)
        held = viewers.hold_open(port, IDLE_VIEWERS, "trends", f"indicators={TWO_SERIES}")
        try:
            time.sleep(5)
            rss, peak = rss_mb(pids[0])
        finally:
            held.close()
    result = Result(
        name=f"Server RSS, 1e6 obs, {IDLE_VIEWERS} viewers on Trends with two indicators",
        measured=f"{rss:.0f} MB (peak {peak:.0f} MB), {held.errors} errors",
        value=rss,
        target=TARGET_RSS_MB,
        unit=" MB",
    )
    print(result.line())
    return [result]


def run(stores: dict[int, Path], workdir: Path, quick: bool = False) -> list[Result]:
    from bench.serve import free_port

    small, large = min(stores), max(stores)
    port = free_port()
    results = viewers_served(stores[small], workdir, port, quick)
    results += archive_import(stores[small], workdir, free_port())
    results += first_run_after_commit(stores[large], workdir)
    results += server_memory(stores[large], workdir, free_port())
    return results


def main(argv: list[str]) -> int:
    if argv[:1] == ["cold"]:
        print(json.dumps(_cold_runs(argv[1])))
        return 0
    print(f"usage: python -m bench.team cold DB (got {argv})", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
