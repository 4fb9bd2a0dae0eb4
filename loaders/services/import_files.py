"""One file of an import job stored: its bytes read by the ingest, its outcome recorded in
the same transaction (or on its own when it cannot be read), so the job's record never
disagrees with the store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from loaders.errors import BriefError
from loaders.guards.archive import ArchiveError
from loaders.guards.text_safety import strip_unsafe
from loaders.services.ingest import IngestResult, ingest
from loaders.store import StoreError, queries, writes


@dataclass(frozen=True)
class FileResult:
    """The outcome of one file of an import (result: the ingest's, when it got that far)."""

    status: str  # new, replaced, unchanged, kept, failed
    detail: str
    issue_key: str | None = None
    sha256: str | None = None
    result: IngestResult | None = None


def store_file(
    store, job_id, file, data, catalog, actor, overwrite, force, extract, me, confirmed=False
) -> FileResult:
    """Store one file and record its outcome in the same transaction."""
    if isinstance(data, Exception):
        if isinstance(data, BriefError | ArchiveError) or str(data) in (
            "no such file",
            "is a folder",
        ):
            reason = str(data)
        else:
            reason = f"cannot read ({data})"
        return record_outcome(store, job_id, file, "failed", reason, None, None, me)
    digest = hashlib.sha256(data).hexdigest()
    if not force:
        with store.read() as cur:
            known = queries.stored_file_hashes(cur, [digest])
        if digest in known:
            return record_outcome(
                store, job_id, file, "unchanged", "已存储（内容相同）", known[digest], digest, me
            )
    try:
        # The name becomes the issue's source: no controls or bidi overrides in it.
        extraction = extract(data, strip_unsafe(file.name.rsplit("/", 1)[-1]), catalog)
    except BriefError as exc:
        return record_outcome(store, job_id, file, "failed", str(exc), None, digest, me)
    except Exception as exc:  # one unreadable file must not end the import
        detail = f"internal error reading it ({type(exc).__name__}: {exc})"
        return record_outcome(store, job_id, file, "failed", detail, None, digest, me)

    def outcome(cur, result: IngestResult) -> None:
        writes.record_import_file(
            cur,
            job_id,
            file.position,
            result.status,
            digest,
            result.issue_key,
            result.reason or result.summary(),
            me,
        )
        if not result.written:
            writes.bump_records(cur)

    try:
        result = ingest(
            store,
            extraction,
            catalog,
            actor=actor,
            overwrite=overwrite,
            force=force,
            also=outcome,
            second_look=not confirmed,
        )
    except StoreError as exc:
        return record_outcome(store, job_id, file, "failed", str(exc), None, digest, me)
    return FileResult(
        result.status, result.reason or result.summary(), result.issue_key, digest, result
    )


def record_outcome(store, job_id, file, status, detail, issue_key, digest, me) -> FileResult:
    def record(cur) -> None:
        writes.record_import_file(cur, job_id, file.position, status, digest, issue_key, detail, me)
        writes.bump_records(cur)

    store.write(f"record import {job_id} file {file.position}", record)
    return FileResult(status, detail, issue_key, digest)
