"""The one module that owns DuckDB: schema, writes and reads.

Every public method takes its own cursor, so one Store can be shared by the
dashboard's threads; writes are serialised by a lock and each is one
transaction (all or nothing) that bumps `data_version`, the dashboard's cache
key. Values only ever reach SQL as bound parameters or registered DataFrames.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd

from loaders.catalog import Catalog, default_catalog
from loaders.csv_safety import csv_bytes
from loaders.models import Extraction, Observation
from loaders.paths import DB_ENV_VAR, database_path
from loaders.periods import Period, PeriodError, parse_period

# Bumped when a table changes shape; stored in `meta` for future migrations.
SCHEMA_VERSION = 1

# Tables in the order export_csv writes them (and the order a reader should load them).
TABLES = ("meta", "indicators", "issues", "articles", "observations", "unassigned", "audit_log")

# Two statements of one figure agree when they differ by less than this (relative):
# unit conversion (万亿元 -> 亿元) can leave float noise on equal figures.
_REL_TOLERANCE = 1e-9
# Rows per INSERT ... VALUES statement (an issue has tens; a long one is split).
_VALUES_BATCH = 200

# One write lock per database file, shared by every Store of this process on that file:
# two Stores (the dashboard's and an upload's) writing at once would otherwise collide
# on the data_version row and one would fail with a DuckDB transaction conflict.
_WRITE_LOCKS: dict[str, threading.Lock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(path: Path) -> threading.Lock:
    if str(path) == ":memory:":
        return threading.Lock()  # each in-memory connection is its own database
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(str(path.resolve()), threading.Lock())


_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS meta (
        key VARCHAR PRIMARY KEY,
        value VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS indicators (
        position INTEGER NOT NULL,
        id VARCHAR PRIMARY KEY,
        name_zh VARCHAR NOT NULL,
        name_en VARCHAR NOT NULL,
        category VARCHAR NOT NULL,
        unit VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        measure VARCHAR NOT NULL,
        description VARCHAR NOT NULL,
        aliases VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS issues (
        issue_key VARCHAR PRIMARY KEY,
        title VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        number INTEGER NOT NULL,
        total_number INTEGER,
        published DATE NOT NULL,
        issue_label VARCHAR NOT NULL,
        source_name VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        ingested_at TIMESTAMP NOT NULL,
        clean_text VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS articles (
        issue_key VARCHAR NOT NULL,
        article_index INTEGER NOT NULL,
        title VARCHAR NOT NULL,
        editor VARCHAR,
        text VARCHAR NOT NULL,
        start_offset INTEGER NOT NULL,
        end_offset INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS observations (
        issue_key VARCHAR NOT NULL,
        seq INTEGER NOT NULL,
        indicator VARCHAR NOT NULL,
        period VARCHAR NOT NULL,
        period_kind VARCHAR NOT NULL,
        period_start DATE NOT NULL,
        period_end DATE NOT NULL,
        value DOUBLE NOT NULL,
        value_high DOUBLE,
        unit VARCHAR NOT NULL,
        qualifier VARCHAR NOT NULL,
        forecast BOOLEAN NOT NULL,
        derived BOOLEAN NOT NULL,
        figure_text VARCHAR NOT NULL,
        period_text VARCHAR NOT NULL,
        quote VARCHAR NOT NULL,
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        article_index INTEGER NOT NULL,
        article VARCHAR NOT NULL,
        editor VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS unassigned (
        issue_key VARCHAR NOT NULL,
        seq INTEGER NOT NULL,
        value DOUBLE NOT NULL,
        value_high DOUBLE,
        unit VARCHAR NOT NULL,
        qualifier VARCHAR NOT NULL,
        forecast BOOLEAN NOT NULL,
        period VARCHAR,
        period_kind VARCHAR,
        period_start DATE,
        period_end DATE,
        figure_text VARCHAR NOT NULL,
        period_text VARCHAR NOT NULL,
        subject VARCHAR NOT NULL,
        quote VARCHAR NOT NULL,
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        article_index INTEGER NOT NULL,
        article VARCHAR NOT NULL,
        editor VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS audit_log (
        id BIGINT NOT NULL,
        "at" TIMESTAMP NOT NULL,
        action VARCHAR NOT NULL,
        actor VARCHAR NOT NULL,
        issue_key VARCHAR,
        sha256 VARCHAR,
        detail VARCHAR NOT NULL)""",
    # Each (indicator, period, forecast) takes the statement of the latest issue
    # (published date, then year and number; within an issue the first statement).
    # revision_count and disagrees let the dashboard flag figures issues revised.
    """CREATE OR REPLACE VIEW current AS
    WITH ranked AS (
        SELECT o.*, i.published, i.year AS issue_year, i.number AS issue_number, i.issue_label,
            row_number() OVER key_latest AS rank_in_key,
            count(DISTINCT o.issue_key) OVER key_all - 1 AS revision_count,
            max(o.value) OVER key_all - min(o.value) OVER key_all AS value_spread,
            max(coalesce(o.value_high, o.value)) OVER key_all
                - min(coalesce(o.value_high, o.value)) OVER key_all AS high_spread,
            max(abs(o.value)) OVER key_all AS value_scale
        FROM observations o JOIN issues i ON i.issue_key = o.issue_key
        WINDOW key_all AS (PARTITION BY o.indicator, o.period, o.forecast),
            key_latest AS (PARTITION BY o.indicator, o.period, o.forecast
                ORDER BY i.published DESC, i.year DESC, i.number DESC, o.seq))
    SELECT r.indicator, ind.name_zh, ind.name_en, ind.category, r.unit,
        r.period, r.period_kind, r.period_start, r.period_end,
        r.value, r.value_high, r.qualifier, r.forecast, r.derived,
        r.issue_key, r.issue_label, r.published, r.article, r.editor, r.quote,
        r.period_text, r.figure_text,
        CAST(r.revision_count AS INTEGER) AS revision_count,
        greatest(r.value_spread, r.high_spread) > 1e-9 * greatest(r.value_scale, 1.0) AS disagrees,
        r.issue_year, r.issue_number, r.article_index, r.span_start, r.span_end, r.seq,
        ind.position AS indicator_position
    FROM ranked r LEFT JOIN indicators ind ON ind.id = r.indicator
    WHERE r.rank_in_key = 1""",
]

# Columns of series(), in the order the dashboard reads them.
SERIES_COLUMNS = (
    "indicator, name_zh, name_en, category, unit, period, period_kind, period_start, period_end, "
    "value, value_high, qualifier, forecast, derived, issue_key, issue_label, published, article, "
    "editor, quote, period_text, figure_text, revision_count, disagrees"
)


class StoreError(RuntimeError):
    """A store problem the user can act on; str() is the message to show."""


class StorePermissionError(StoreError):
    """Reserved for callers' role checks (e.g. only editors may upload)."""


@dataclass
class Revision:
    indicator: str
    period: str
    old_value: float
    new_value: float
    old_issue: str
    forecast: bool = False


@dataclass
class IngestResult:
    status: Literal["new", "unchanged", "replaced"]
    issue_key: str
    new_points: int = 0
    revised: list[Revision] = field(default_factory=list)
    unchanged_points: int = 0
    observations: int = 0
    unassigned: int = 0
    replaced_diff: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        """One line for progress output: `new: 21 points, 2 revised, 3 unchanged`."""
        if self.status == "unchanged":
            return f"unchanged: {self.unchanged_points} points"
        parts = [f"{self.status}: {self.new_points} points"]
        if self.revised:
            parts.append(f"{len(self.revised)} revised")
        if self.unchanged_points:
            parts.append(f"{self.unchanged_points} unchanged")
        if self.status == "replaced":
            parts.append(f"{len(self.replaced_diff)} differences from the stored version")
        return ", ".join(parts)


_Key = tuple[str, str, bool]


def _same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=_REL_TOLERANCE, abs_tol=_REL_TOLERANCE)


def _first_per_key(observations: Sequence[Observation]) -> dict[_Key, Observation]:
    """An issue may quote one figure twice; its first statement speaks for the issue."""
    firsts: dict[_Key, Observation] = {}
    for obs in observations:
        firsts.setdefault((obs.indicator, obs.period, obs.forecast), obs)
    return firsts


def _is_lock_error(exc: Exception) -> bool:
    message = str(exc).lower()
    return "lock" in message and ("conflicting" in message or "could not set" in message)


class Store:
    """A DuckDB file holding issues, their figures and the indicator catalog."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        catalog: Catalog | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else database_path()
        self.read_only = read_only
        self._lock = _write_lock(self.path)
        self._catalog = catalog or default_catalog()
        in_memory = str(self.path) == ":memory:"
        if not in_memory and not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the folder for {self.path}: {exc.strerror or exc}"
                ) from exc
        if read_only and not in_memory and not self.path.exists():
            raise StoreError(f"{self.path} does not exist; ingest some issues first")
        try:
            self._conn = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            if _is_lock_error(exc):
                raise StoreError(
                    f"{self.path} is in use by another program (e.g. the dashboard); "
                    f"close it or set {DB_ENV_VAR} to another file"
                ) from exc
            if "different configuration" in str(exc):
                raise StoreError(
                    f"{self.path} is already open in this program "
                    f"{'for writing' if read_only else 'read-only'}; share that Store instead"
                ) from exc
            raise StoreError(f"cannot open {self.path} as a DuckDB database: {exc}") from exc
        try:
            # A long-running dashboard: hand memory freed after a big query (a GROUP BY over a
            # million rows) back to the system above 16 MB instead of DuckDB's default 128 MB.
            # Measured by bench/ on 1e6 observations: server RSS 414 -> ~350 MB.
            self._conn.execute("SET allocator_flush_threshold = '16MB'")
            self._conn.execute("SET allocator_background_threads = true")
            if read_only:
                self._check_schema()
            else:
                self._create_schema()
                self._sync_catalog()
        except BaseException:
            self._conn.close()
            raise

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            cur = self._conn.cursor()
        except duckdb.Error as exc:
            raise StoreError(f"cannot read {self.path}: {exc}") from exc
        try:
            yield cur
        except duckdb.Error as exc:
            # Callers (the dashboard) show StoreError messages; raw DuckDB errors are bugs.
            raise StoreError(f"cannot read {self.path}: {exc}") from exc
        finally:
            cur.close()

    @contextmanager
    def _transaction(self, what: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write: serialised, all or nothing; any failure becomes a StoreError."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; cannot {what}")
        with self._lock:
            cur = self._conn.cursor()
            try:
                cur.begin()
                try:
                    yield cur
                    cur.commit()
                except BaseException as exc:
                    try:
                        cur.rollback()
                    except duckdb.Error:
                        # A COMMIT that failed (e.g. disk full writing the WAL) has already
                        # rolled back; a second rollback would hide the real error.
                        pass
                    if isinstance(exc, StoreError):
                        raise
                    if isinstance(exc, Exception):
                        raise StoreError(
                            f"could not {what} in {self.path}; nothing was changed ({type(exc).__name__}: {exc})"
                        ) from exc
                    raise
            finally:
                cur.close()

    def _create_schema(self) -> None:
        with self._transaction("create the schema") as cur:
            cur.execute(_SCHEMA[0])
            stored = _first(cur.execute("SELECT value FROM meta WHERE key = 'schema_version'"))
            if stored is not None and stored[0] != str(SCHEMA_VERSION):
                raise StoreError(
                    f"{self.path} was written with store schema {stored[0]}, this version uses "
                    f"{SCHEMA_VERSION}; move the file away and ingest the briefs again (make db)"
                )
            for statement in _SCHEMA[1:]:
                cur.execute(statement)
            for key, value in (("data_version", "0"), ("schema_version", str(SCHEMA_VERSION))):
                cur.execute(
                    "INSERT INTO meta SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = ?)",
                    [key, value, key],
                )

    def _check_schema(self) -> None:
        with self._read() as cur:
            found = {
                row[0]
                for row in cur.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
                ).fetchall()
            }
        missing = [name for name in (*TABLES, "current") if name not in found]
        if missing:
            raise StoreError(
                f"{self.path} is not a briefs database (missing {', '.join(missing)}); "
                "open it once for writing to create the tables"
            )

    def _catalog_rows(self) -> list[tuple]:
        return [
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
            )
            for position, ind in enumerate(self._catalog.indicators)
        ]

    def _sync_catalog(self) -> None:
        """Make `indicators` match the catalog YAML; a no-op (no version bump) when it does."""
        wanted = self._catalog_rows()
        with self._read() as cur:
            stored = cur.execute(
                "SELECT position, id, name_zh, name_en, category, unit, kind, measure, description, aliases "
                "FROM indicators ORDER BY position"
            ).fetchall()
        if [tuple(row) for row in stored] == wanted:
            return
        with self._transaction("sync the catalog") as cur:
            cur.execute("DELETE FROM indicators")
            cur.executemany("INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", wanted)
            self._bump_version(cur)

    # ------------------------------------------------------------------ writes

    def _bump_version(self, cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
        )

    def _insert_audit(
        self,
        cur: duckdb.DuckDBPyConnection,
        action: str,
        actor: str,
        issue_key: str | None,
        sha256: str | None,
        detail: str,
    ) -> None:
        # Naive UTC: one clock for every writer, whatever the machine's zone.
        now = datetime.now(UTC).replace(tzinfo=None)
        cur.execute(
            "INSERT INTO audit_log SELECT coalesce(max(id), 0) + 1, ?, ?, ?, ?, ?, ? FROM audit_log",
            [now, action, actor, issue_key, sha256, detail],
        )

    def record_audit(
        self,
        action: str,
        *,
        actor: str,
        issue_key: str | None = None,
        sha256: str | None = None,
        detail: str = "",
    ) -> None:
        with self._transaction(f"record {action!r} in the audit log") as cur:
            self._insert_audit(cur, action, actor, issue_key, sha256, detail)
            self._bump_version(cur)

    def _validate(self, extraction: Extraction) -> None:
        known = set(self._catalog.ids())
        unknown = sorted({o.indicator for o in extraction.observations} - known)
        if unknown:
            raise StoreError(
                f"{extraction.source_name} (issue {extraction.issue.key}): unknown indicator "
                f"{', '.join(repr(u) for u in unknown)}; not in the catalog, nothing was stored"
            )
        for obs in extraction.observations:
            try:
                parse_period(obs.period)
            except PeriodError as exc:
                raise StoreError(
                    f"{extraction.source_name} (issue {extraction.issue.key}): indicator "
                    f"{obs.indicator!r}: {exc}; nothing was stored"
                ) from exc

    def _plan(
        self, cur: duckdb.DuckDBPyConnection, extraction: Extraction, force: bool = False
    ) -> tuple[IngestResult, bool]:
        """What ingesting would do; returns the result and whether anything must be written."""
        key = extraction.issue.key
        stored = _first(cur.execute("SELECT sha256 FROM issues WHERE issue_key = ?", [key]))
        firsts = _first_per_key(extraction.observations)
        result = IngestResult(
            status="new" if stored is None else "replaced",
            issue_key=key,
            observations=len(extraction.observations),
            unassigned=len(extraction.unassigned),
        )
        if stored is not None and stored[0] == extraction.sha256 and not force:
            result.status = "unchanged"
            result.unchanged_points = len(firsts)
            return result, False

        # Both filters reach the scan: only rows that could share a key are ranked.
        indicators = sorted({indicator for indicator, _, _ in firsts})
        periods = sorted({period for _, period, _ in firsts})
        others = cur.execute(
            """SELECT indicator, period, forecast, value, value_high, issue_key FROM (
                SELECT o.indicator, o.period, o.forecast, o.value, o.value_high, o.issue_key,
                    row_number() OVER (PARTITION BY o.indicator, o.period, o.forecast
                        ORDER BY i.published DESC, i.year DESC, i.number DESC, o.seq) AS rank_in_key
                FROM observations o JOIN issues i ON i.issue_key = o.issue_key
                WHERE o.issue_key <> ? AND list_contains(?, o.indicator)
                    AND list_contains(?, o.period))
            WHERE rank_in_key = 1""",
            [key, indicators, periods],
        ).fetchall()
        latest_other = {(r[0], r[1], r[2]): (r[3], r[4], r[5]) for r in others}
        for k, obs in firsts.items():
            if k not in latest_other:
                result.new_points += 1
                continue
            old_value, old_high, old_issue = latest_other[k]
            if _same_value(old_value, obs.value) and _same_value(old_high, obs.value_high):
                result.unchanged_points += 1
            else:
                result.revised.append(
                    Revision(k[0], k[1], old_value, obs.value, old_issue, forecast=k[2])
                )

        if stored is not None:
            rows = cur.execute(
                "SELECT indicator, period, forecast, value FROM observations WHERE issue_key = ? ORDER BY seq",
                [key],
            ).fetchall()
            old: dict[_Key, float] = {}
            for indicator, period, forecast, value in rows:
                old.setdefault((indicator, period, forecast), value)
            for k in sorted(set(old) | set(firsts)):
                before = old.get(k)
                after = firsts[k].value if k in firsts else None
                if before is None:
                    change = "added"
                elif after is None:
                    change = "removed"
                elif not _same_value(before, after):
                    change = "changed"
                else:
                    continue
                result.replaced_diff.append(
                    {
                        "indicator": k[0],
                        "period": k[1],
                        "forecast": k[2],
                        "old_value": before,
                        "new_value": after,
                        "change": change,
                    }
                )
        return result, True

    def preview_ingest(self, extraction: Extraction) -> IngestResult:
        """What ingest() would report, without writing anything."""
        self._validate(extraction)
        with self._read() as cur:
            result, _ = self._plan(cur, extraction)
        return result

    def ingest(
        self,
        extraction: Extraction,
        *,
        actor: str = "cli",
        replace: bool = True,
        force: bool = False,
        upload_name: str | None = None,
        upload_sha256: str | None = None,
    ) -> IngestResult:
        """Store one issue in one transaction; the same file twice changes nothing.

        force=True re-stores a file already stored (same sha256) as a replacement:
        the file is the same but the extraction rules may have improved. upload_name (and
        the uploaded file's upload_sha256) add an "upload" audit row in the same
        transaction, so an upload is never stored without its audit row or vice versa.
        """
        self._validate(extraction)
        key = extraction.issue.key
        with self._transaction(f"store issue {key} from {extraction.source_name}") as cur:
            result, must_write = self._plan(cur, extraction, force)
            if not must_write:
                return result
            if result.status == "replaced":
                if not replace:
                    raise StoreError(f"issue {key} already stored; confirm replace")
                self._delete_issue_rows(cur, key)
            self._insert_issue(cur, extraction)
            self._insert_articles(cur, extraction)
            self._insert_observations(cur, extraction)
            self._insert_unassigned(cur, extraction)
            detail = (
                f"source {extraction.source_name}; {result.observations} observations, "
                f"{result.unassigned} unassigned; points new {result.new_points}, "
                f"revised {len(result.revised)}, unchanged {result.unchanged_points}"
            )
            action = "replace" if result.status == "replaced" else "ingest"
            self._insert_audit(cur, action, actor, key, extraction.sha256, detail)
            if upload_name is not None:
                self._insert_audit(
                    cur,
                    "upload",
                    actor,
                    key,
                    upload_sha256 or extraction.sha256,
                    f"file {upload_name}; committed {result.status}: "
                    f"{result.observations} figures, {result.unassigned} unassigned",
                )
            self._bump_version(cur)
        return result

    def bulk_load_observations(
        self, issues: pd.DataFrame, observations: pd.DataFrame, *, actor: str = "bulk"
    ) -> int:
        """Load many issues at once from frames in the tables' own columns (benchmarks, migrations).

        One transaction like ingest(); issue keys already stored are refused rather than
        replaced, since a frame carries no per-issue sha256 comparison. Returns rows loaded.
        """
        unknown = sorted(set(observations["indicator"].unique()) - set(self._catalog.ids()))
        if unknown:
            raise StoreError(
                f"bulk load: unknown indicator {', '.join(repr(u) for u in unknown[:5])}; "
                "nothing was stored"
            )
        with self._transaction(f"bulk load {len(issues)} issues") as cur:
            cur.register("_incoming_issues", issues)
            try:
                clash = _first(
                    cur.execute(
                        "SELECT min(i.issue_key), count(*) FROM issues i "
                        "JOIN _incoming_issues n ON n.issue_key = i.issue_key"
                    )
                )
                if clash and clash[1]:
                    raise StoreError(
                        f"bulk load: {clash[1]} issues already stored (e.g. {clash[0]}); "
                        "nothing was stored"
                    )
                cur.execute("INSERT INTO issues BY NAME SELECT * FROM _incoming_issues")
            finally:
                cur.unregister("_incoming_issues")
            cur.register("_incoming", observations)
            try:
                # Stored in series order: DuckDB's zone maps then skip most row groups
                # when series() filters one indicator.
                cur.execute(
                    "INSERT INTO observations BY NAME SELECT * FROM _incoming "
                    "ORDER BY indicator, period_end, period"
                )
            finally:
                cur.unregister("_incoming")
            self._insert_audit(
                cur,
                "bulk_load",
                actor,
                None,
                None,
                f"{len(issues)} issues, {len(observations)} observations",
            )
            self._bump_version(cur)
        return len(observations)

    def retract_issue(self, issue_key: str, *, actor: str) -> bool:
        """Delete an issue and everything stated in it; False when no such issue."""
        with self._transaction(f"retract issue {issue_key}") as cur:
            stored = _first(
                cur.execute("SELECT sha256 FROM issues WHERE issue_key = ?", [issue_key])
            )
            if stored is None:
                return False
            self._delete_issue_rows(cur, issue_key)
            self._insert_audit(
                cur, "retract", actor, issue_key, stored[0], "issue and its figures deleted"
            )
            self._bump_version(cur)
        return True

    def _delete_issue_rows(self, cur: duckdb.DuckDBPyConnection, issue_key: str) -> None:
        for table in ("observations", "unassigned", "articles", "issues"):
            # Table names come from the constant tuple above, never from input.
            cur.execute(f"DELETE FROM {table} WHERE issue_key = ?", [issue_key])

    def _insert_issue(self, cur: duckdb.DuckDBPyConnection, extraction: Extraction) -> None:
        issue = extraction.issue
        cur.execute(
            "INSERT INTO issues VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                datetime.now(UTC).replace(tzinfo=None),
                extraction.clean_text,
            ],
        )

    def _insert_frame(
        self, cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame
    ) -> None:
        """Insert an issue's rows as INSERT ... VALUES (?, ...), (?, ...) with bound values.

        For the tens of rows of one issue this is about twice as fast as registering the
        frame with DuckDB (bench/: ~3 vs ~6 ms a frame, three frames an ingest).
        """
        if frame.empty:
            return
        # Table and column names are the constants of the _insert_* methods, never input.
        columns = ", ".join(frame.columns)
        row_marks = "(" + ", ".join("?" * len(frame.columns)) + ")"
        rows = [[_plain(v) for v in row] for row in frame.itertuples(index=False, name=None)]
        for start in range(0, len(rows), _VALUES_BATCH):
            batch = rows[start : start + _VALUES_BATCH]
            cur.execute(
                f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row_marks] * len(batch)),
                [value for row in batch for value in row],
            )

    def _insert_articles(self, cur: duckdb.DuckDBPyConnection, extraction: Extraction) -> None:
        key = extraction.issue.key
        frame = pd.DataFrame(
            {
                "issue_key": pd.Series([key] * len(extraction.articles), dtype=object),
                "article_index": pd.array([a.index for a in extraction.articles], dtype="Int64"),
                "title": pd.Series([a.title for a in extraction.articles], dtype=object),
                "editor": pd.Series([a.editor for a in extraction.articles], dtype=object),
                "text": pd.Series([a.text for a in extraction.articles], dtype=object),
                "start_offset": pd.array([a.start for a in extraction.articles], dtype="Int64"),
                "end_offset": pd.array([a.end for a in extraction.articles], dtype="Int64"),
            }
        )
        self._insert_frame(cur, "articles", frame)

    def _insert_observations(self, cur: duckdb.DuckDBPyConnection, extraction: Extraction) -> None:
        obs = extraction.observations
        periods = [parse_period(o.period) for o in obs]
        frame = pd.DataFrame(
            {
                "issue_key": pd.Series([extraction.issue.key] * len(obs), dtype=object),
                "seq": pd.array(range(len(obs)), dtype="Int64"),
                "indicator": pd.Series([o.indicator for o in obs], dtype=object),
                "derived": pd.array([o.derived for o in obs], dtype="boolean"),
                **_figure_columns(obs, periods),
                **_provenance_columns(obs),
            }
        )
        self._insert_frame(cur, "observations", frame)

    def _insert_unassigned(self, cur: duckdb.DuckDBPyConnection, extraction: Extraction) -> None:
        figures = extraction.unassigned
        periods = [_parse_optional_period(u.period) for u in figures]
        frame = pd.DataFrame(
            {
                "issue_key": pd.Series([extraction.issue.key] * len(figures), dtype=object),
                "seq": pd.array(range(len(figures)), dtype="Int64"),
                "subject": pd.Series([u.subject for u in figures], dtype=object),
                **_figure_columns(figures, periods),
                **_provenance_columns(figures),
            }
        )
        self._insert_frame(cur, "unassigned", frame)

    # ------------------------------------------------------------------ reads

    def _df(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self._read() as cur:
            return cur.execute(sql, list(params)).df()

    def data_version(self) -> int:
        with self._read() as cur:
            row = _first(cur.execute("SELECT value FROM meta WHERE key = 'data_version'"))
        return int(row[0]) if row else 0

    def indicators(self) -> pd.DataFrame:
        return self._df(
            "SELECT id, name_zh, name_en, category, unit, kind, measure, description, aliases "
            "FROM indicators ORDER BY position"
        )

    def series(self, indicator_ids: Sequence[str]) -> pd.DataFrame:
        """Current values of the given indicators, one row per period (and forecast flag)."""
        return self._df(
            f"SELECT {SERIES_COLUMNS} FROM current WHERE list_contains(?, indicator) "
            "ORDER BY indicator, period_end, period, forecast",
            [list(indicator_ids)],
        )

    def revisions(self, indicator_ids: Sequence[str]) -> pd.DataFrame:
        """What other issues said about the current keys: the statements the current view
        superseded. A figure the current issue itself repeats is not a revision."""
        return self._df(
            """SELECT o.indicator, o.period, o.forecast, o.value, o.value_high, o.qualifier,
                o.issue_key, i.issue_label, i.published, o.quote, o.article, o.period_end
            FROM observations o
            JOIN issues i ON i.issue_key = o.issue_key
            JOIN current c ON c.indicator = o.indicator AND c.period = o.period
                AND c.forecast = o.forecast
            WHERE list_contains(?, o.indicator)
                AND o.issue_key <> c.issue_key
            ORDER BY o.indicator, o.period_end, o.period, o.forecast, i.published DESC,
                i.year DESC, i.number DESC, o.seq""",
            [list(indicator_ids)],
        )

    def latest_points(self) -> pd.DataFrame:
        """Per indicator its latest actual (non-forecast) point and the previous comparable one.

        Two steps so the `current` view is only computed for a few keys: first the
        candidate (indicator, period) keys from a cheap scan, then the view filtered to
        them (the filter reaches below the view's window, which is what makes it cheap).
        """
        with self._read() as cur:
            candidates = cur.execute(
                """WITH keys AS (
                    SELECT DISTINCT indicator, period, period_kind, period_end
                    FROM observations WHERE NOT forecast),
                last AS (SELECT indicator, max(period_end) AS last_end FROM keys GROUP BY indicator),
                at_last AS (
                    SELECT k.* FROM keys k
                    JOIN last l ON l.indicator = k.indicator AND k.period_end = l.last_end),
                -- For every kind that could be the latest, the keys just before it.
                before AS (
                    SELECT k.indicator, k.period_kind, max(k.period_end) AS before_end
                    FROM keys k JOIN last l ON l.indicator = k.indicator
                    WHERE k.period_end < l.last_end
                        AND k.period_kind IN (SELECT a.period_kind FROM at_last a
                            WHERE a.indicator = k.indicator)
                    GROUP BY k.indicator, k.period_kind)
                SELECT list(DISTINCT indicator), list(DISTINCT period) FROM (
                    SELECT indicator, period FROM at_last
                    UNION ALL
                    SELECT k.indicator, k.period FROM keys k
                    JOIN before b ON b.indicator = k.indicator AND b.period_kind = k.period_kind
                        AND k.period_end = b.before_end)"""
            ).fetchall()
        indicators, periods = candidates[0] if candidates else (None, None)
        return self._df(
            f"""WITH actual AS (
                SELECT * FROM current WHERE NOT forecast
                    AND list_contains(?, indicator) AND list_contains(?, period)),
            ranked AS (
                SELECT *, row_number() OVER (PARTITION BY indicator
                    ORDER BY period_end DESC, published DESC, period_start DESC, period) AS rank_latest
                FROM actual),
            latest AS (SELECT * FROM ranked WHERE rank_latest = 1),
            previous AS (
                SELECT l.indicator, a.value AS prev_value, a.period AS prev_period,
                    a.qualifier AS prev_qualifier,
                    row_number() OVER (PARTITION BY l.indicator
                        ORDER BY a.period_end DESC, a.published DESC, a.period_start DESC, a.period)
                        AS rank_previous
                FROM latest l JOIN actual a ON a.indicator = l.indicator
                    AND a.period_kind = l.period_kind AND a.period_end < l.period_end)
            SELECT {", ".join("l." + c.strip() for c in SERIES_COLUMNS.split(","))},
                p.prev_value, p.prev_period, p.prev_qualifier
            FROM latest l LEFT JOIN previous p ON p.indicator = l.indicator AND p.rank_previous = 1
            ORDER BY l.indicator_position NULLS LAST, l.indicator""",
            [indicators or [], periods or []],
        )

    def issues(self) -> pd.DataFrame:
        return self._df(
            """SELECT i.issue_key, i.title, i.year, i.number, i.total_number, i.published,
                i.issue_label, i.source_name, i.sha256, i.ingested_at,
                (SELECT count(*) FROM articles a WHERE a.issue_key = i.issue_key) AS article_count,
                (SELECT count(*) FROM observations o WHERE o.issue_key = i.issue_key) AS figure_count,
                (SELECT count(*) FROM unassigned u WHERE u.issue_key = i.issue_key) AS unassigned_count
            FROM issues i ORDER BY i.published DESC, i.year DESC, i.number DESC"""
        )

    def issue(self, issue_key: str) -> dict | None:
        with self._read() as cur:
            cur.execute(
                "SELECT issue_key, title, year, number, total_number, published, issue_label, "
                "source_name, sha256, ingested_at, clean_text FROM issues WHERE issue_key = ?",
                [issue_key],
            )
            row = _first(cur)
            if row is None:
                return None
            names = [d[0] for d in cur.description]
        return dict(zip(names, row, strict=True))

    def articles(self, issue_key: str) -> pd.DataFrame:
        return self._df(
            'SELECT article_index, title, editor, text, start_offset AS "start", end_offset AS "end" '
            "FROM articles WHERE issue_key = ? ORDER BY article_index",
            [issue_key],
        )

    def observations_for_issue(self, issue_key: str) -> pd.DataFrame:
        return self._df(
            """SELECT o.indicator, ind.name_zh, o.period, o.period_kind, o.period_start, o.period_end,
                o.value, o.value_high, o.unit, o.qualifier, o.forecast, o.derived, o.figure_text,
                o.period_text, o.quote, o.span_start, o.span_end, o.article_index, o.article,
                o.editor, o.issue_key, o.seq
            FROM observations o LEFT JOIN indicators ind ON ind.id = o.indicator
            WHERE o.issue_key = ? ORDER BY o.seq""",
            [issue_key],
        )

    def unassigned_for_issue(self, issue_key: str) -> pd.DataFrame:
        return self._df(
            """SELECT value, value_high, unit, qualifier, forecast, period, period_kind, period_start,
                period_end, figure_text, period_text, subject, quote, span_start, span_end,
                article_index, article, editor, issue_key, seq
            FROM unassigned WHERE issue_key = ? ORDER BY seq""",
            [issue_key],
        )

    def coverage(self) -> pd.DataFrame:
        """Every catalog indicator with how many current points it has (zero when none)."""
        return self._df(
            """SELECT ind.id, ind.name_zh, ind.name_en, ind.category, ind.unit, ind.kind,
                ind.measure, ind.description,
                count(c.indicator) AS points,
                arg_min(c.period, c.period_end) AS first_period,
                arg_max(c.period, c.period_end) AS last_period,
                arg_max(c.issue_key, c.published) AS last_issue
            FROM indicators ind LEFT JOIN current c ON c.indicator = ind.id
            GROUP BY ALL ORDER BY any_value(ind.position)"""
        )

    def audit_log(self) -> pd.DataFrame:
        return self._df(
            'SELECT "at", action, actor, issue_key, sha256, detail FROM audit_log ORDER BY id DESC'
        )

    def export_csv(self, outdir: str | Path) -> list[Path]:
        """Every table as <table>.csv in UTF-8 with a BOM, so Excel shows the Chinese.

        Text starting with = + - @ (or tab, CR) gets a leading ' so a spreadsheet shows it
        as text instead of running it as a formula; numbers are written as numbers.
        """
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        order = {
            "meta": "key",
            "indicators": "position",
            "issues": "published, year, number",
            "articles": "issue_key, article_index",
            "observations": "issue_key, seq",
            "unassigned": "issue_key, seq",
            "audit_log": "id",
        }
        written = []
        with self._read() as cur:
            for table in TABLES:
                # Table names and orderings are the constants above, never input.
                frame = cur.execute(f"SELECT * FROM {table} ORDER BY {order[table]}").df()
                target = outdir / f"{table}.csv"
                target.write_bytes(csv_bytes(frame))
                written.append(target)
        return written


def _first(cur: duckdb.DuckDBPyConnection) -> tuple | None:
    """The first row, reading the result to its end: DuckDB refuses other work on a
    cursor (register, unregister) while a result is only partly fetched."""
    rows = cur.fetchall()
    return rows[0] if rows else None


def _plain(value: Any) -> Any:
    """A frame cell as a value DuckDB binds: None for missing, Python for numpy scalars."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _parse_optional_period(text: str | None):
    if not text:
        return None
    try:
        return parse_period(text)
    except PeriodError:
        # An unassigned figure's period is a hint for the reviewer, not a key; keep the text.
        return None


def _figure_columns(items: Sequence[Any], periods: Sequence[Period | None]) -> dict[str, Any]:
    """The columns observations and unassigned figures share: the number, its period, the text.

    periods are the parsed items' periods (None where an unassigned figure has none).
    """
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
        "article_index": pd.array([i.article_index for i in items], dtype="Int64"),
        "article": pd.Series([i.article for i in items], dtype=object),
        "editor": pd.Series([i.editor for i in items], dtype=object),
    }
