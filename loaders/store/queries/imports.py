"""Archive imports: the jobs and their files' outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from loaders.store.queries.results import Source, reading


@dataclass(frozen=True)
class ImportJob:
    job_id: str
    created_at: Any
    actor: str
    label: str
    staged_dir: str | None
    state: str
    runner: str | None
    heartbeat_at: Any
    finished_at: Any
    total: int
    done: int
    failed: int


@dataclass(frozen=True)
class ImportFile:
    position: int
    name: str
    size: int
    status: str
    sha256: str | None
    issue_key: str | None
    detail: str


_JOB_SELECT = """SELECT j.job_id, j.created_at, j.actor, j.label, j.staged_dir, j.state, j.runner,
        j.heartbeat_at, j.finished_at,
        (SELECT count(*) FROM import_files f WHERE f.job_id = j.job_id) AS total,
        (SELECT count(*) FROM import_files f WHERE f.job_id = j.job_id
            AND f.status <> 'pending') AS done,
        (SELECT count(*) FROM import_files f WHERE f.job_id = j.job_id
            AND f.status = 'failed') AS failed
    FROM import_jobs j"""


def import_jobs(source: Source, limit: int = 20) -> list[ImportJob]:
    """The latest imports, newest first, with their progress."""
    with reading(source) as cur:
        rows = cur.execute(f"{_JOB_SELECT} ORDER BY j.created_at DESC LIMIT ?", [limit]).fetchall()
    return [ImportJob(*row) for row in rows]


def import_job(source: Source, job_id: str) -> ImportJob | None:
    with reading(source) as cur:
        rows = cur.execute(f"{_JOB_SELECT} WHERE j.job_id = ?", [job_id]).fetchall()
        return ImportJob(*rows[0]) if rows else None


def import_files(source: Source, job_id: str) -> list[ImportFile]:
    """Every file of one import in its order, with its outcome."""
    with reading(source) as cur:
        rows = cur.execute(
            "SELECT position, name, size, status, sha256, issue_key, detail FROM import_files "
            "WHERE job_id = ? ORDER BY position",
            [job_id],
        ).fetchall()
    return [ImportFile(*row) for row in rows]


def stored_file_hashes(source: Source, hashes: Sequence[str]) -> dict[str, str]:
    """sha256 -> issue key, for files whose bytes are stored as an issue already."""
    with reading(source) as cur:
        return dict(
            cur.execute(
                "SELECT sha256, issue_key FROM issues WHERE list_contains(?, sha256)",
                [list(hashes)],
            ).fetchall()
        )
