"""Storing issues: the use cases. An ingest checks the issue at the gate
(loaders.services.storable), reads what the store holds about it (its stored version, on
the same keys the statement of the latest issue before it, whether it was retracted), hands
that and the extraction to the pure plan (loaders.services.ingest_plan.plan_ingest) and
writes the plan in the same transaction: all of it or nothing. Retracting an issue, and
loading many at once (benchmarks, migrations), are here too. Reading a file is
loaders.intake.pipeline's (read_file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from loaders.catalog.indicators import Catalog
from loaders.models import Extraction
from loaders.services.catalog import record_catalog
from loaders.services.ingest_plan import (
    IngestResult,
    Key,
    Overwrite,
    Seen,
    StoredState,
    first_per_key,
    plan_ingest,
)
from loaders.services.permissions import require_editor
from loaders.services.second_look import set_aside_doubtful
from loaders.services.storable import check_extraction
from loaders.store import Store, StoreError, queries, writes
from loaders.store.changes import Cause
from loaders.store.queries import IssuePlace

__all__ = [
    "IngestResult",
    "Overwrite",
    "Seen",
    "UploadRecord",
    "bulk_load",
    "ingest",
    "preview",
    "retract",
]


# ------------------------------------------------------------------ reading the state


def read_state(cur, extraction: Extraction) -> StoredState:
    key = extraction.issue.key
    firsts = first_per_key(extraction.observations)
    indicators = sorted({indicator for indicator, _, _ in firsts})
    periods = sorted({period for _, period, _ in firsts})
    stored = queries.stored_issue(cur, key)
    header = extraction.issue
    place = IssuePlace(key, header.published, header.year, header.number)
    earlier = queries.earlier_statements(cur, indicators, periods, place)
    return StoredState(
        issue=stored,
        own_statements=queries.issue_statements(cur, key) if stored else [],
        earlier={s.key: s for s in earlier if s.key in firsts},
        retracted=stored is None and queries.last_issue_action(cur, key) == "retract",
    )


# ------------------------------------------------------------------ use cases


def _refresh(cur, keys: set[Key], cause: Cause) -> None:
    """Recompute the current values of the keys a write touched (a changeset for cause,
    even when no key was touched: a commit is listed in the feeds whatever it changed)."""
    writes.refresh_current(
        cur, sorted({k[0] for k in keys}), sorted({k[1] for k in keys}), cause=cause
    )


@dataclass(frozen=True)
class UploadRecord:
    """The file an editor uploaded, audited with the commit it led to."""

    file_name: str
    file_sha256: str


def preview(store: Store, extraction: Extraction, catalog: Catalog) -> IngestResult:
    """What ingest() would do if the caller confirmed a replacement; nothing is written."""
    check_extraction(extraction, catalog)
    with store.read() as cur:
        return plan_ingest(read_state(cur, extraction), extraction)


def ingest(
    store: Store,
    extraction: Extraction,
    catalog: Catalog,
    *,
    actor: str,
    overwrite: Overwrite = Overwrite.BATCH,
    force: bool = False,
    committed_via: Literal["batch", "review", "shipped"] = "batch",
    upload: UploadRecord | None = None,
    also: Callable[[Any, IngestResult], None] | None = None,
    seen: Seen | None = None,
    second_look: bool = False,
) -> IngestResult:
    """Store one issue in one transaction; the same file twice changes nothing. The store's
    indicators become the catalog the issue was mapped with.

    With second_look (an import of briefs nobody reviewed: the CLI's ingest, the 导入 page),
    values the stored series doubt are set aside in the unassigned queue with the reason
    (loaders.services.second_look).

    An upload adds an "upload" audit row (file name and hash) in the same transaction, so
    an upload is never stored without its audit row or the other way round. `also(cur,
    result)` runs in that transaction too, whatever the result (an import records the
    file's outcome with it).
    """
    check_extraction(extraction, catalog)
    key = extraction.issue.key

    def store_it(cur) -> IngestResult:
        nonlocal extraction
        if second_look:
            extraction = set_aside_doubtful(cur, extraction, catalog)
        state = read_state(cur, extraction)
        result = plan_ingest(state, extraction, force=force, overwrite=overwrite, seen=seen)
        if not result.written:
            if also is not None:
                also(cur, result)
            return result
        # The store's catalog is the one its figures were mapped with.
        catalog_changed = (
            record_catalog(cur, catalog, actor=actor, action="ingest", reason="mapped with it")
            is not None
        )
        if state.issue is not None:
            writes.delete_issue(cur, key)
        # What a shipped refresh stores is marked so: the next refresh may replace it.
        via = "shipped" if overwrite is Overwrite.SHIPPED else committed_via
        writes.insert_issue(cur, extraction, via)
        touched = set(first_per_key(extraction.observations)) | {
            statement.key for statement in state.own_statements
        }
        action = "replace" if result.status == "replaced" else "ingest"
        _refresh(cur, touched, Cause(action, actor, key, extraction.issue.label_zh))
        writes.insert_audit(
            cur,
            action,
            actor,
            key,
            extraction.sha256,
            f"source {extraction.source_name}; {result.observations} observations, "
            f"{result.unassigned} unassigned; points new {result.new_points}, "
            f"revised {len(result.revised)}, unchanged {result.unchanged_points}",
        )
        if upload is not None:
            writes.insert_audit(
                cur,
                "upload",
                actor,
                key,
                upload.file_sha256,
                f"file {upload.file_name}; committed {result.status}: "
                f"{result.observations} figures, {result.unassigned} unassigned",
            )
        writes.bump_version(cur, None if catalog_changed else {k[0] for k in touched})
        if also is not None:
            also(cur, result)
        return result

    return store.write(f"store issue {key} from {extraction.source_name}", store_it)


def retract(store: Store, issue_key: str, *, role: str, actor: str) -> bool:
    """Delete an issue and everything stated in it (audit row "retract"); editors only.
    False when no such issue is stored."""
    require_editor(role)

    def retract_it(cur) -> bool:
        stored = queries.stored_issue(cur, issue_key)
        if stored is None:
            return False
        touched = {statement.key for statement in queries.issue_statements(cur, issue_key)}
        writes.delete_issue(cur, issue_key)
        _refresh(cur, touched, Cause("retract", actor, issue_key))
        writes.insert_audit(
            cur, "retract", actor, issue_key, stored.sha256, "issue and its figures deleted"
        )
        writes.bump_version(cur, {k[0] for k in touched})
        return True

    return store.write(f"retract issue {issue_key}", retract_it)


def bulk_load(
    store: Store,
    issues: pd.DataFrame,
    observations: pd.DataFrame,
    catalog: Catalog,
    *,
    actor: str = "bulk",
) -> int:
    """Many issues at once from frames in the tables' own columns (benchmarks, migrations):
    one transaction; issue keys already stored are refused. Returns the rows loaded."""
    unknown = sorted(set(observations["indicator"].unique()) - set(catalog.ids()))
    if unknown:
        raise StoreError(
            f"bulk load: unknown indicator {', '.join(repr(u) for u in unknown[:5])}; "
            "nothing was stored"
        )

    def load_them(cur) -> None:
        catalog_changed = (
            record_catalog(cur, catalog, actor=actor, action="ingest", reason="bulk load")
            is not None
        )
        writes.bulk_insert(cur, issues, observations)
        writes.refresh_current(cur, cause=Cause("bulk_load", actor))
        writes.insert_audit(
            cur,
            "bulk_load",
            actor,
            None,
            None,
            f"{len(issues)} issues, {len(observations)} observations",
        )
        touched = set(observations["indicator"].unique())
        writes.bump_version(cur, None if catalog_changed else touched)

    store.write(f"bulk load {len(issues)} issues", load_them)
    return len(observations)
