"""Child processes for tests/test_reliability.py (each mode prints lines the test reads).

python tests/reliability_worker.py ingest DB FIRST_SEQ COUNT N_OBS
    Prints READY once the store is open, then "ACK <issue_key>" after each ingest()
    returns, flushed, so a parent that kills this process with SIGKILL knows exactly
    which commits were acknowledged before the kill.
python tests/reliability_worker.py serve DB
    A fork server for the kill tests: imports once, then for each stdin line
    "ingest FIRST_SEQ COUNT N_OBS" (or "import JOB", a staged archive import) forks a
    child that runs it (it prints
    "CHILD <pid>" first and "REAPED <pid>" once the child is gone), so twenty killed
    writers cost twenty forks rather than twenty interpreter start-ups.
python tests/reliability_worker.py open DB N_OBS
    Opens a store another process holds, prints OPENED and how many issues it sees, stores
    synthetic issue 1 and prints "ACK <issue_key>"; "REFUSED <message>" (exit 3) on failure.
python tests/reliability_worker.py batch DB FIRST_SEQ COUNT N_OBS
    Like ingest, but all in one Store.batch() (as the CLI and an archive import write).
python tests/reliability_worker.py disk-full DB BEFORE_DIR AFTER_DIR N_OBS
    Commits under a file-size limit (a full disk, as far as this process can tell),
    then lifts the limit and commits again on the same Store object.
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import synthetic_extraction  # noqa: E402
from loaders.catalog.indicators import load_catalog  # noqa: E402
from loaders.services.export import export_tables  # noqa: E402
from loaders.services.ingest import ingest as store_issue  # noqa: E402
from loaders.store import StoreError, open_store, queries  # noqa: E402

CATALOG = load_catalog()


def ingest(db: str, first: int, count: int, n_obs: int) -> int:
    # Built before the store opens, so the kill lands in store work, not in pydantic.
    extractions = [synthetic_extraction(seq, n_obs) for seq in range(first, first + count)]
    return ingest_all(db, extractions)


def ingest_all(db: str, extractions: list, batch: bool = False) -> int:
    store = open_store(db)
    print("READY", flush=True)
    with store.batch() if batch else contextlib.nullcontext():
        for extraction in extractions:
            result = store_issue(store, extraction, CATALOG, actor="reliability-worker")
            print(f"ACK {result.issue_key}", flush=True)
    store.close()
    print("DONE", flush=True)
    return 0


def serve(db: str) -> int:
    # No store is opened here: a forked child must not inherit a live DuckDB instance.
    print("SERVING", flush=True)
    for line in sys.stdin:
        command = line.split()
        if not command or command[0] == "quit":
            break
        if command[0] == "import":
            work = functools.partial(run_import, db, command[1])
        else:
            first, count, n_obs = (int(x) for x in command[1:4])
            extractions = [synthetic_extraction(seq, n_obs) for seq in range(first, first + count)]
            work = functools.partial(ingest_all, db, extractions)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = work()
            finally:
                os._exit(code)
        print(f"CHILD {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"REAPED {pid} {status}", flush=True)
    return 0


def run_import(db: str, job_id: str) -> int:
    """Run (resume) a staged import, as `python -m loaders import-run` does."""
    from loaders.services import imports

    with open_store(db) as store:
        imports.run_job(store, job_id, CATALOG, actor="ed")
    return 0


def try_open(db: str, n_obs: int) -> int:
    try:
        store = open_store(db)
        print("OPENED", len(queries.issues(store)), flush=True)
        result = store_issue(store, synthetic_extraction(1, n_obs), CATALOG, actor="second")
    except StoreError as exc:
        print(f"REFUSED {exc}", flush=True)
        return 3
    store.close()
    print(f"ACK {result.issue_key}", flush=True)
    return 0


# Issue numbers the disk-full mode commits: a big one that cannot fit, then a small one.
DISK_FULL_BIG_SEQ = 7
DISK_FULL_BIG_OBS = 20_000
DISK_FULL_NEXT_SEQ = 8
# Room left under the limit: enough for small writes, far too little for the big issue.
DISK_FULL_HEADROOM = 64 * 1024


def disk_full(db: str, before_dir: str, after_dir: str, n_obs: int) -> int:
    big = synthetic_extraction(DISK_FULL_BIG_SEQ, DISK_FULL_BIG_OBS)
    small = synthetic_extraction(DISK_FULL_NEXT_SEQ, n_obs)
    store = open_store(db)
    export_tables(store, before_dir)
    wal = Path(db + ".wal")
    largest = max(os.path.getsize(db), wal.stat().st_size if wal.exists() else 0)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    # Without this the kernel kills the process (SIGXFSZ) instead of failing the write.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (largest + DISK_FULL_HEADROOM, hard))
    try:
        store_issue(store, big, CATALOG, actor="reliability-worker")
        print("STORED-BIG", flush=True)
    except StoreError as exc:
        print(f"ERROR {exc}", flush=True)
    # The disk has room again (someone deleted files); the same Store object carries on.
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    export_tables(store, after_dir)
    result = store_issue(store, small, CATALOG, actor="reliability-worker")
    print(f"ACK {result.issue_key} {result.status}", flush=True)
    store.close()
    return 0


def main(argv: list[str]) -> int:
    mode, args = argv[1], argv[2:]
    if mode == "ingest":
        return ingest(args[0], int(args[1]), int(args[2]), int(args[3]))
    if mode == "batch":
        first, count, n_obs = int(args[1]), int(args[2]), int(args[3])
        extractions = [synthetic_extraction(seq, n_obs) for seq in range(first, first + count)]
        return ingest_all(args[0], extractions, batch=True)
    if mode == "serve":
        return serve(args[0])
    if mode == "open":
        return try_open(args[0], int(args[1]))
    if mode == "disk-full":
        return disk_full(args[0], args[1], args[2], int(args[3]))
    print(f"unknown mode {mode!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
