"""Writes to the store. Each function takes the cursor of a transaction that the caller
opened (Store.transaction), so a use case (loaders.services) composes several writes into
one commit: all of them or none. Values reach SQL only as bound parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from loaders.catalog.indicators import Catalog
from loaders.models import Extraction
from loaders.store import changes
from loaders.store.changes import Cause
from loaders.store.connection import StoreError
from loaders.store.current_points import CURRENT_POINTS_SELECT
from loaders.store.schema import STATE_TABLES, TABLES
from loaders.vocab.missing import plain
from loaders.vocab.periods import Period, PeriodError, parse_period

# Rows per INSERT ... VALUES statement (an issue has tens; a long one is split).
_VALUES_BATCH = 200
# Tables holding an issue's rows, children first.
_ISSUE_TABLES = ("observations", "unassigned", "articles", "issues")


def _now() -> datetime:
    # Naive UTC: one clock for every writer, whatever the machine's zone.
    return datetime.now(UTC).replace(tzinfo=None)


_BUMP = "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = ?"


def bump_records(cur: duckdb.DuckDBPyConnection) -> None:
    """A write of records only (an import's progress, a file it refused, an audit row of a
    login): write_version moves, so readers see it (a new published copy, the 导入 page's and
    the audit log's caches), data_version does not, so no cache of the data is thrown away by
    a file that stored nothing."""
    cur.execute(_BUMP, ["write_version"])


def bump_version(cur: duckdb.DuckDBPyConnection, series: Iterable[str] | None = None) -> int:
    """A write of data bumps data_version (the key readers' caches of the data are built on)
    and write_version (every write's), records when (data_changed_at, ISO UTC) and marks the
    series it changed with that version (all of them when series is None: a catalog change
    renames what every series shows). Returns the new data version."""
    cur.execute(_BUMP, ["data_version"])
    cur.execute(_BUMP, ["write_version"])
    version = int(cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0])
    if series is None:
        touched = [
            row[0]
            for row in cur.execute(
                "SELECT id FROM indicators UNION SELECT indicator FROM series_versions"
            ).fetchall()
        ]
    else:
        touched = sorted(set(series))
    if touched:
        cur.execute("DELETE FROM series_versions WHERE list_contains(?, indicator)", [touched])
        cur.execute("INSERT INTO series_versions SELECT unnest(?), ?", [touched, version])
    # When, for the API's Last-Modified. Written by every write rather than migrated in: a
    # store no write has touched since this key existed has no row, and readers fall back
    # to the latest audit entry (queries.data_state). Delete and insert, not an upsert: the
    # team store has no primary keys to upsert on.
    cur.execute("DELETE FROM meta WHERE key = 'data_changed_at'")
    cur.execute(
        "INSERT INTO meta VALUES ('data_changed_at', ?)",
        [_now().isoformat(timespec="microseconds")],
    )
    return version


def refresh_current(
    cur: duckdb.DuckDBPyConnection,
    indicators: Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    *,
    cause: Cause | None,
) -> None:
    """Recompute current_points for the keys among these indicators and periods (every key
    when both are None) from the statements stored now. A superset of the keys a write
    touched is fine: each key is recomputed from all its statements. cause opens a
    changeset logging what changed (loaders.store.changes); None only where the log itself
    is carried over (a store moved into another)."""
    keys = (
        None
        if indicators is None and periods is None
        else (list(indicators or []), list(periods or []))
    )
    before = changes.snapshot(cur, keys) if cause is not None else None
    _recompute(cur, indicators, periods)
    if cause is not None:
        changes.record(cur, cause, keys, before)


def _recompute(
    cur: duckdb.DuckDBPyConnection,
    indicators: Sequence[str] | None,
    periods: Sequence[str] | None,
) -> None:
    if indicators is None and periods is None:
        cur.execute("DELETE FROM current_points")
        cur.execute("INSERT INTO current_points " + CURRENT_POINTS_SELECT.format(where=""))
        return
    indicators, periods = list(indicators or []), list(periods or [])
    cur.execute(
        "DELETE FROM current_points WHERE list_contains(?, indicator) AND list_contains(?, period)",
        [indicators, periods],
    )
    # Both filters reach below the window: only the statements of these keys are ranked.
    where = "WHERE list_contains(?, o.indicator) AND list_contains(?, o.period)"
    cur.execute(
        "INSERT INTO current_points " + CURRENT_POINTS_SELECT.format(where=where),
        [indicators, periods],
    )


def insert_audit(
    cur: duckdb.DuckDBPyConnection,
    action: str,
    actor: str,
    issue_key: str | None,
    sha256: str | None,
    detail: str,
) -> None:
    cur.execute(
        "INSERT INTO audit_log SELECT coalesce(max(id), 0) + 1, ?, ?, ?, ?, ?, ? FROM audit_log",
        [_now(), action, actor, issue_key, sha256, detail],
    )


def delete_issue(cur: duckdb.DuckDBPyConnection, issue_key: str) -> None:
    for table in _ISSUE_TABLES:
        # Table names come from the constant tuple above, never from input.
        cur.execute(f"DELETE FROM {table} WHERE issue_key = ?", [issue_key])


def insert_issue(
    cur: duckdb.DuckDBPyConnection, extraction: Extraction, committed_via: str
) -> None:
    """The issue, its articles, observations and unassigned figures (the issue must not be
    stored: delete_issue first to replace it)."""
    issue = extraction.issue
    cur.execute(
        "INSERT INTO issues (issue_key, title, year, number, total_number, published, "
        "issue_label, source_name, sha256, ingested_at, clean_text, committed_via) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            issue.key,
            issue.title,
            issue.year,
            issue.number,
            issue.total_number,
            issue.published,
            issue.label_zh,
            extraction.source_name,
            extraction.sha256,
            _now(),
            extraction.clean_text,
            committed_via,
        ],
    )
    _insert_frame(cur, "articles", _articles_frame(extraction))
    _insert_frame(cur, "observations", _observations_frame(extraction))
    _insert_frame(cur, "unassigned", _unassigned_frame(extraction))


_INDICATOR_COLUMNS = (
    "position, id, name_zh, name_en, category, unit, kind, measure, description, aliases, "
    "retired, source"
)


def replace_catalog(cur: duckdb.DuckDBPyConnection, catalog: Catalog) -> bool:
    """Make `indicators` (the projection pages query) hold the catalog; False (nothing
    written) when it already does."""
    wanted = [
        (
            position,
            ind.id,
            ind.name_zh,
            ind.name_en,
            ind.category,
            ind.unit,
            ind.kind,
            ind.measure,
            ind.description,
            "、".join(ind.aliases),
            ind.retired,
            ind.source,
        )
        for position, ind in enumerate(catalog.indicators)
    ]
    stored = cur.execute(
        f"SELECT {_INDICATOR_COLUMNS} FROM indicators ORDER BY position"
    ).fetchall()
    if [tuple(row) for row in stored] == wanted:
        return False
    cur.execute("DELETE FROM indicators")
    cur.executemany(
        f"INSERT INTO indicators ({_INDICATOR_COLUMNS}) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        wanted,
    )
    return True


def insert_catalog_version(
    cur: duckdb.DuckDBPyConnection,
    definition: str,
    *,
    actor: str,
    action: str,
    indicator: str | None,
    reason: str,
) -> int:
    """The catalog's next version (definition: its whole YAML); returns its number."""
    version = cur.execute("SELECT coalesce(max(version), 0) + 1 FROM catalog_versions").fetchall()[
        0
    ][0]
    cur.execute(
        "INSERT INTO catalog_versions VALUES (?, ?, ?, ?, ?, ?, ?)",
        [version, _now(), actor, action, indicator, reason, definition],
    )
    return version


def bulk_insert(
    cur: duckdb.DuckDBPyConnection, issues: pd.DataFrame, observations: pd.DataFrame
) -> None:
    """Many issues at once from frames in the tables' own columns (benchmarks, migrations);
    refuses issue keys already stored (a frame carries no per-issue version to compare)."""
    cur.register("_incoming_issues", issues)
    try:
        clash = cur.execute(
            "SELECT min(i.issue_key), count(*) FROM issues i "
            "JOIN _incoming_issues n ON n.issue_key = i.issue_key"
        ).fetchall()[0]
        if clash[1]:
            raise StoreError(
                f"bulk load: {clash[1]} issues already stored (e.g. {clash[0]}); nothing was stored"
            )
        cur.execute("INSERT INTO issues BY NAME SELECT * FROM _incoming_issues")
    finally:
        cur.unregister("_incoming_issues")
    cur.register("_incoming", observations)
    try:
        # Stored in series order: DuckDB's zone maps then skip most row groups when a
        # series query filters one indicator.
        cur.execute(
            "INSERT INTO observations BY NAME SELECT * FROM _incoming "
            "ORDER BY indicator, period_end, period"
        )
    finally:
        cur.unregister("_incoming")


def _insert_frame(cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Insert an issue's rows as INSERT ... VALUES (?, ...), (?, ...) with bound values.

    For the tens of rows of one issue this is about twice as fast as registering the
    frame with DuckDB (bench/: ~3 vs ~6 ms a frame, three frames an ingest).
    """
    if frame.empty:
        return
    # Table and column names are the constants of the *_frame functions, never input.
    columns = ", ".join(frame.columns)
    row_marks = "(" + ", ".join("?" * len(frame.columns)) + ")"
    rows = [[plain(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    for start in range(0, len(rows), _VALUES_BATCH):
        batch = rows[start : start + _VALUES_BATCH]
        cur.execute(
            f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row_marks] * len(batch)),
            [value for row in batch for value in row],
        )


def _articles_frame(extraction: Extraction) -> pd.DataFrame:
    articles = extraction.articles
    return pd.DataFrame(
        {
            "issue_key": pd.Series([extraction.issue.key] * len(articles), dtype=object),
            "article_index": pd.array([a.index for a in articles], dtype="Int64"),
            "title": pd.Series([a.title for a in articles], dtype=object),
            "editor": pd.Series([a.editor for a in articles], dtype=object),
            "text": pd.Series([a.text for a in articles], dtype=object),
            "start_offset": pd.array([a.start for a in articles], dtype="Int64"),
            "end_offset": pd.array([a.end for a in articles], dtype="Int64"),
        }
    )


def _observations_frame(extraction: Extraction) -> pd.DataFrame:
    return observation_rows(extraction.issue.key, extraction.observations)


def observation_rows(issue_key: str, obs: Sequence[Any], first_seq: int = 0) -> pd.DataFrame:
    """Observations as rows of the observations table (seq numbered from first_seq)."""
    periods = [parse_period(o.period) for o in obs]
    return pd.DataFrame(
        {
            "issue_key": pd.Series([issue_key] * len(obs), dtype=object),
            "seq": pd.array(range(first_seq, first_seq + len(obs)), dtype="Int64"),
            "indicator": pd.Series([o.indicator for o in obs], dtype=object),
            "derived": pd.array([o.derived for o in obs], dtype="boolean"),
            "origin": pd.Series([o.origin for o in obs], dtype=object),
            **_figure_columns(obs, periods),
            **_provenance_columns(obs),
        }
    )


def _unassigned_frame(extraction: Extraction) -> pd.DataFrame:
    return unassigned_rows(extraction.issue.key, extraction.unassigned)


def unassigned_rows(issue_key: str, figures: Sequence[Any]) -> pd.DataFrame:
    """Unassigned figures as rows of the unassigned table."""
    periods = [_optional_period(u.period) for u in figures]
    return pd.DataFrame(
        {
            "issue_key": pd.Series([issue_key] * len(figures), dtype=object),
            "seq": pd.array(range(len(figures)), dtype="Int64"),
            "subject": pd.Series([u.subject for u in figures], dtype=object),
            "suggested_indicator": pd.Series(
                [u.suggested_indicator for u in figures], dtype=object
            ),
            "suggested_period": pd.Series([u.suggested_period for u in figures], dtype=object),
            **_figure_columns(figures, periods),
            **_provenance_columns(figures),
        }
    )


def _optional_period(text: str | None) -> Period | None:
    if not text:
        return None
    try:
        return parse_period(text)
    except PeriodError:
        # An unassigned figure's period is a hint for the reviewer, not a key; keep the text.
        return None


def _figure_columns(items: Sequence[Any], periods: Sequence[Period | None]) -> dict[str, Any]:
    """The columns observations and unassigned figures share: the number, its period, the
    text. periods are the items' parsed periods (None where an unassigned figure has none)."""
    return {
        "value": pd.array([i.value for i in items], dtype="Float64"),
        "value_high": pd.array([i.value_high for i in items], dtype="Float64"),
        "unit": pd.Series([i.unit for i in items], dtype=object),
        "qualifier": pd.Series([i.qualifier for i in items], dtype=object),
        "forecast": pd.array([i.forecast for i in items], dtype="boolean"),
        "period": pd.Series([i.period for i in items], dtype=object),
        "period_kind": pd.Series([p.kind if p else None for p in periods], dtype=object),
        "period_start": pd.Series([p.start if p else None for p in periods], dtype=object),
        "period_end": pd.Series([p.end if p else None for p in periods], dtype=object),
        "figure_text": pd.Series([i.figure_text for i in items], dtype=object),
        "period_text": pd.Series([i.period_text for i in items], dtype=object),
    }


def _provenance_columns(items: Sequence[Any]) -> dict[str, Any]:
    return {
        "quote": pd.Series([i.quote for i in items], dtype=object),
        "span_start": pd.array([i.span_start for i in items], dtype="Int64"),
        "span_end": pd.array([i.span_end for i in items], dtype="Int64"),
        "figure_start": pd.array([i.figure_start for i in items], dtype="Int64"),
        "article_index": pd.array([i.article_index for i in items], dtype="Int64"),
        "article": pd.Series([i.article for i in items], dtype=object),
        "editor": pd.Series([i.editor for i in items], dtype=object),
        "source_org": pd.Series([i.source_org for i in items], dtype=object),
    }


# ------------------------------------------------------------------ archive imports


def insert_import_job(
    cur: duckdb.DuckDBPyConnection,
    job_id: str,
    actor: str,
    label: str,
    staged_dir: str | None,
    files: Sequence[tuple[str, int]],
) -> None:
    """A new import (state running) and its files (name, size), all pending."""
    cur.execute(
        "INSERT INTO import_jobs (job_id, created_at, actor, label, staged_dir, state) "
        "VALUES (?, ?, ?, ?, ?, 'running')",
        [job_id, _now(), actor, label, staged_dir],
    )
    rows = [
        (job_id, position, name, size, "pending", None, None, "", None)
        for position, (name, size) in enumerate(files)
    ]
    for start in range(0, len(rows), _VALUES_BATCH):
        batch = rows[start : start + _VALUES_BATCH]
        cur.execute(
            "INSERT INTO import_files VALUES "
            + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(batch)),
            [value for row in batch for value in row],
        )


def record_import_file(
    cur: duckdb.DuckDBPyConnection,
    job_id: str,
    position: int,
    status: str,
    sha256: str | None,
    issue_key: str | None,
    detail: str,
    runner: str,
) -> None:
    """One file's outcome; the runner's heartbeat rides along."""
    now = _now()
    cur.execute(
        "UPDATE import_files SET status = ?, sha256 = ?, issue_key = ?, detail = ?, "
        "done_at = ? WHERE job_id = ? AND position = ?",
        [status, sha256, issue_key, detail, now, job_id, position],
    )
    cur.execute(
        "UPDATE import_jobs SET runner = ?, heartbeat_at = ? WHERE job_id = ?",
        [runner, now, job_id],
    )


def set_import_state(
    cur: duckdb.DuckDBPyConnection, job_id: str, state: str, runner: str | None = None
) -> None:
    finished = _now() if state in ("stopped", "done") else None
    cur.execute(
        "UPDATE import_jobs SET state = ?, runner = coalesce(?, runner), heartbeat_at = ?, "
        "finished_at = ? WHERE job_id = ?",
        [state, runner, _now(), finished, job_id],
    )


# ------------------------------------------------------------------ moving a store


def replace_table(cur: duckdb.DuckDBPyConnection, name: str, rows: pa.Table) -> None:
    """Empty table `name` and fill it with rows (Arrow, the table's own columns)."""
    if name not in TABLES + STATE_TABLES:
        raise ValueError(f"no such table: {name!r}")
    # The name is checked above against the schema's constants.
    cur.execute(f"DELETE FROM {name}")
    if rows.num_rows:
        cur.register("_moving", rows)
        try:
            cur.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _moving")
        finally:
            cur.unregister("_moving")


def replace_figures(
    cur: duckdb.DuckDBPyConnection,
    issue_keys: Sequence[str],
    observations: pd.DataFrame,
    unassigned: pd.DataFrame,
) -> None:
    """Every observation and unassigned figure of these issues replaced by the rows given
    (in the tables' columns): a re-mapping of stored issues under a new catalog."""
    keys = list(issue_keys)
    cur.execute("DELETE FROM observations WHERE list_contains(?, issue_key)", [keys])
    cur.execute("DELETE FROM unassigned WHERE list_contains(?, issue_key)", [keys])
    for table, frame in (("observations", observations), ("unassigned", unassigned)):
        if frame.empty:
            continue
        # The table names are the two constants above.
        cur.register("_remapped", frame)
        try:
            cur.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _remapped")
        finally:
            cur.unregister("_remapped")


def move_unassigned(
    cur: duckdb.DuckDBPyConnection, issue_key: str, seq: int, observation: Any, new_seq: int
) -> None:
    """An unassigned figure becomes an observation of the same issue (seq new_seq)."""
    cur.execute("DELETE FROM unassigned WHERE issue_key = ? AND seq = ?", [issue_key, seq])
    _insert_frame(cur, "observations", observation_rows(issue_key, [observation], new_seq))
