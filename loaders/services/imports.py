"""Archive imports: a folder, a zip or a drop of many briefs, stored one issue at a time.

An import is a job in the store (import_jobs, import_files), so every editor in every
dashboard process sees its progress, file by file: new, replaced, unchanged, kept (an
editor's version, or a retracted issue) or failed with the reason. Each file is its own
transaction together with its outcome row, so an import never leaves half an issue and
its record never disagrees with the store. The runner works in a batch (Store.batch):
editors' commits get their turn every second, readers see progress as it is published.

Stopping is a request (state "stopping") the runner honours between two files. Resuming
runs the job again: files with an outcome are done; a file whose bytes are already stored
as an issue is "unchanged" by its sha256 without being read again. A runner killed outright
leaves its job "running" with a heartbeat that stops; `job_state` calls that interrupted.

The app stages uploaded files under `<store>.imports/<job>/` and starts the runner as its
own process (`python -m loaders import-run JOB`), so the import neither holds the page nor
competes with viewers for the server's interpreter; the CLI runs it in the foreground.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from loaders.catalog.indicators import Catalog
from loaders.errors import BriefError, BriefReadError
from loaders.guards.archive import ArchiveError, ArchiveLimits, open_archive
from loaders.guards.text_safety import strip_unsafe
from loaders.services.import_files import FileResult, store_file
from loaders.services.ingest import Overwrite
from loaders.services.permissions import require_editor
from loaders.store import Store, StoreError, queries, writes
from loaders.store.queries import ImportJob
from loaders.text import BRIEF_SUFFIXES
from loaders.text.reading import MAX_UPLOAD_BYTES, read_capped

# An archive is many briefs: its caps are its own, apart from the single file's (each
# member still meets MAX_UPLOAD_BYTES when it is read).
MAX_ARCHIVE_FILES = 2000
MAX_ARCHIVE_BYTES = 2 * 1024**3
ZIP_LIMITS = ArchiveLimits(
    kind="ZIP",
    required_member=None,
    wrong_kind_message="",
    max_members=MAX_ARCHIVE_FILES * 4,  # folders and stray files count as members too
    max_member_bytes=MAX_UPLOAD_BYTES,
    max_total_bytes=MAX_ARCHIVE_BYTES,
)
# A running job whose runner has not reported for this long was interrupted.
HEARTBEAT_TIMEOUT = timedelta(minutes=2)


class ArchiveRefused(ValueError):
    """An archive that cannot be imported as a whole; str() says why."""


@dataclass(frozen=True)
class Source:
    """One brief of an import: its name as the user knows it, and how to get its bytes."""

    name: str
    size: int
    read: Callable[[], bytes]


# ------------------------------------------------------------------ what an import holds


def _is_hidden(name: str) -> bool:
    """A file nobody put there on purpose: dot files, Office's ~$ locks, __MACOSX/ forks."""
    return any(part.startswith((".", "~$", "__")) for part in name.split("/") if part)


def _is_brief(name: str) -> bool:
    return name.lower().endswith(BRIEF_SUFFIXES) and not _is_hidden(name)


def _not_a_brief(name: str) -> Callable[[], bytes]:
    """A zip member that is no brief: it gets a line of its own (failed, with the reason)
    instead of vanishing from the import without a word."""

    def refuse() -> bytes:
        raise BriefReadError(
            f"不是简报文件，未导入（只导入 {' '.join(BRIEF_SUFFIXES)}）", source=name
        )

    return refuse


def zip_sources(source: bytes | Path, label: str) -> list[Source]:
    """The files of a zip (its bytes, or a file, which is not read whole), in name order,
    hidden ones left out and those that are no brief refused when read (_not_a_brief);
    ArchiveRefused for a broken or oversized one. Each brief is read through the archive's
    bounded stream when its turn comes: a member that lies about its size fails alone."""
    try:
        archive = open_archive(source, ZIP_LIMITS)
    except ArchiveError as exc:
        raise ArchiveRefused(f"{label}: {exc}") from exc
    members = sorted(
        (m for m in archive.files() if not _is_hidden(m.filename)), key=lambda m: m.filename
    )

    def reader(member: zipfile.ZipInfo) -> Callable[[], bytes]:
        if not _is_brief(member.filename):
            return _not_a_brief(f"{label}/{member.filename}")
        return lambda: archive.read(member)

    # A member that is no brief is never read: its size counts for nothing.
    return [
        Source(f"{label}/{m.filename}", m.file_size if _is_brief(m.filename) else 0, reader(m))
        for m in members
    ]


def path_sources(paths: Iterable[Path]) -> list[Source]:
    """Files, folders (every brief below, in name order) and zips, as the CLI is given them.
    Sizes come from stat: nothing is read before the caps are checked."""
    sources: list[Source] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and _is_brief(p.name))
            sources += [Source(str(p), p.stat().st_size, _file_reader(p)) for p in found]
        elif path.suffix.lower() == ".zip":
            size = path.stat().st_size if path.exists() else 0
            if size > MAX_ARCHIVE_BYTES:
                raise ArchiveRefused(
                    f"{path}: {size / 2**20:.0f} MB，一次导入最多 {MAX_ARCHIVE_BYTES // 2**20} MB"
                )
            sources += zip_sources(path, str(path))
        else:
            size = path.stat().st_size if path.exists() else 0
            sources.append(Source(str(path), size, _file_reader(path)))
    _check_count(sources)
    return sources


def _file_reader(path: Path) -> Callable[[], bytes]:
    return lambda: read_capped(path)


def upload_sources(files: Sequence[tuple[str, bytes]]) -> list[Source]:
    """Files dropped in the app: briefs as they are, zips opened."""
    sources: list[Source] = []
    for name, data in files:
        name = strip_unsafe(name)  # a name from a browser: no controls or bidi overrides
        if name.lower().endswith(".zip"):
            sources += zip_sources(data, name)
        else:
            sources.append(Source(name, len(data), lambda data=data: data))
    _check_count(sources)
    return sources


def _check_count(sources: Sequence[Source]) -> None:
    if len(sources) > MAX_ARCHIVE_FILES:
        raise ArchiveRefused(f"{len(sources)} 个文件，一次导入最多 {MAX_ARCHIVE_FILES} 个")
    total = sum(source.size for source in sources)
    if total > MAX_ARCHIVE_BYTES:
        raise ArchiveRefused(
            f"共 {total / 2**20:.0f} MB，一次导入最多 {MAX_ARCHIVE_BYTES // 2**20} MB"
        )


# ------------------------------------------------------------------ jobs


def staging_root(store: Store) -> Path:
    """Where the app keeps the files of its imports until they are done."""
    return store.staging_root


def create_job(
    store: Store,
    sources: Sequence[Source],
    *,
    role: str,
    actor: str,
    label: str,
    stage: bool,
) -> str:
    """Record a new import of these sources (all pending); with stage=True their bytes are
    copied under staging_root first, so a runner in another process (or a resume after a
    restart) can read them. Returns the job id."""
    require_editor(role)
    if not sources:
        raise ArchiveRefused("没有可导入的简报文件（.txt .md .pdf .docx 或其 zip）")
    job_id = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    staged_dir = None
    names = [source.name for source in sources]
    # Members of a zip that cannot be read within the archive's caps (one lying about its
    # size): not staged, recorded as failed with the reason; the other files go in.
    unreadable: dict[int, str] = {}
    if stage:
        folder = staging_root(store) / job_id
        folder.mkdir(parents=True, exist_ok=False)
        for position, source in enumerate(sources):
            try:
                data = source.read()
            except (ArchiveError, BriefError) as exc:
                unreadable[position] = str(exc)
                continue
            (folder / _staged_name(position)).write_bytes(data)
        staged_dir = str(folder)

    def record(cur) -> None:
        writes.insert_import_job(
            cur,
            job_id,
            actor,
            label,
            staged_dir,
            [(n, s.size) for n, s in zip(names, sources, strict=True)],
        )
        for position, reason in unreadable.items():
            writes.record_import_file(
                cur, job_id, position, "failed", None, None, reason, runner_id()
            )
        writes.bump_records(cur)

    store.write(f"record import {job_id}", record)
    return job_id


def _staged_name(position: int) -> str:
    return f"{position:05d}.brief"


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_state(job: ImportJob, now: datetime | None = None) -> str:
    """running, stopping, stopped, done, or interrupted (running, but its runner went
    silent: killed, or its machine restarted)."""
    if job.state not in ("running", "stopping"):
        return job.state
    now = now or datetime.now(UTC).replace(tzinfo=None)
    beat = job.heartbeat_at or job.created_at
    return "interrupted" if now - beat > HEARTBEAT_TIMEOUT else job.state


@dataclass
class JobProgress:
    counts: dict[str, int]
    stopped: bool = False


def run_job(
    store: Store,
    job_id: str,
    catalog: Catalog,
    *,
    actor: str,
    sources: Sequence[Source] | None = None,
    overwrite: Overwrite = Overwrite.BATCH,
    force: bool = False,
    confirmed: bool = False,
    on_file: Callable[[int, str, FileResult], None] | None = None,
) -> JobProgress:
    """Store every pending file of the job, one transaction each, until done or asked to
    stop. sources: the files in job order (the CLI's); None reads the staged copies.
    on_file(position, name, outcome) is told each outcome."""
    from loaders.intake.pipeline import extract_bytes  # PDF/DOCX readers load only when needed

    me = runner_id()

    def take_over(cur) -> ImportJob:
        job = queries.import_job(cur, job_id)
        if job is None:
            raise StoreError(f"no import {job_id}")
        if job.state != "done":
            # A stop asked for before this runner took over still holds.
            state = "stopped" if job.state == "stopping" else "running"
            writes.set_import_state(cur, job_id, state, me)
            writes.bump_records(cur)
        return job

    job = store.write(f"start import {job_id}", take_over)
    if job.state == "done":
        return JobProgress({})
    if job.state == "stopping":
        return JobProgress({}, stopped=True)
    files = queries.import_files(store, job_id)
    pending = [f for f in files if f.status == "pending"]
    counts: dict[str, int] = {}
    progress = JobProgress(counts)
    with store.batch():
        for file in pending:
            if _stop_requested(store, job_id):
                progress.stopped = True
                break
            data = _bytes_of(file, job, sources)
            outcome = store_file(
                store,
                job_id,
                file,
                data,
                catalog,
                actor,
                overwrite,
                force,
                extract_bytes,
                me,
                confirmed,
            )
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            if on_file is not None:
                on_file(file.position, file.name, outcome)

    def finish(cur) -> None:
        writes.set_import_state(cur, job_id, "stopped" if progress.stopped else "done", me)
        writes.bump_records(cur)

    store.write(f"finish import {job_id}", finish)
    store.maintain()
    if not progress.stopped and job.staged_dir:
        _remove_staged(Path(job.staged_dir))
    return progress


def _bytes_of(file, job: ImportJob, sources: Sequence[Source] | None) -> bytes | Exception:
    try:
        if sources is not None:
            return sources[file.position].read()
        if job.staged_dir is None:
            return StoreError("this import was run from the command line: run it there again")
        return read_capped(Path(job.staged_dir) / _staged_name(file.position), name=file.name)
    except BriefError as exc:
        return exc
    except FileNotFoundError as exc:
        return OSError("no such file") if sources is not None else exc
    except IsADirectoryError:
        return OSError("is a folder")
    except (OSError, zipfile.BadZipFile, KeyError, ArchiveError) as exc:
        return exc


def _stop_requested(store: Store, job_id: str) -> bool:
    job = queries.import_job(store, job_id)
    return job is not None and job.state == "stopping"


def _remove_staged(folder: Path) -> None:
    for staged in folder.glob("*.brief"):
        staged.unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        pass


def request_stop(store: Store, job_id: str, *, role: str) -> None:
    """Ask a running import to stop after the file it is on; editors only."""
    require_editor(role)

    def ask(cur) -> None:
        job = queries.import_job(cur, job_id)
        if job is not None and job.state == "running":
            writes.set_import_state(cur, job_id, "stopping")
            writes.bump_records(cur)

    store.write(f"stop import {job_id}", ask)


def start_runner(store: Store, job_id: str, *, role: str, actor: str) -> subprocess.Popen:
    """Run (or resume) a staged import in its own process, at a lower priority than the
    dashboard so viewers stay responsive; editors only."""
    require_editor(role)

    def resume(cur) -> None:
        job = queries.import_job(cur, job_id)
        if job is None or job.state == "done":
            raise StoreError(f"no import {job_id} left to run")
        # Running from now on: an earlier stop request is answered by this resume.
        writes.set_import_state(cur, job_id, "running")
        writes.bump_records(cur)

    store.write(f"resume import {job_id}", resume)
    command = [
        sys.executable,
        "-m",
        "loaders",
        "import-run",
        job_id,
        "--db",
        store.location,
        "--actor",
        actor,
    ]
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # survives the page, the session and a server restart
        preexec_fn=lambda: os.nice(10),
        cwd=str(Path(__file__).resolve().parents[2]),
    )


def wait_for(store: Store, job_id: str, timeout: float) -> ImportJob | None:
    """The job once it is no longer running (tests and scripts); None on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = queries.import_job(store, job_id)
        if job is not None and job.state in ("done", "stopped"):
            return job
        time.sleep(0.1)
    return None
