"""Reads from the store: one function per query, parameters bound, typed results.

Tabular results (a series, an issue's figures) are DataFrames with the columns each
docstring names; single facts are dataclasses. Functions that take a Store open their own
cursor; those that take a cursor read inside a caller's transaction (the ingest plan reads
what it is about to replace in the same transaction that writes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from loaders.store.connection import Store
from loaders.store.schema import (
    ISSUE_ORDER,
    ISSUE_RECENCY,
    STATE_TABLES,
    TABLE_ORDER,
    TABLES,
    current_select,
    values_differ,
)

# Columns of series(), in the order the dashboard reads them.
SERIES_COLUMNS = (
    "indicator",
    "name_zh",
    "name_en",
    "category",
    "unit",
    "period",
    "period_kind",
    "period_start",
    "period_end",
    "value",
    "value_high",
    "qualifier",
    "forecast",
    "derived",
    "issue_key",
    "issue_label",
    "published",
    "article",
    "editor",
    "quote",
    "period_text",
    "figure_text",
    "revision_count",
    "disagrees",
)
# What series_as_of adds: the point's value now (the current view) and whether a later issue
# changed it.
AS_OF_COLUMNS = ("current_value", "current_value_high", "current_issue_key", "revised_later")
# What statements adds to SERIES_COLUMNS (less revision_count and disagrees): the issue that
# next stated the same point, and when; both empty for the statement that still stands.
STATEMENT_COLUMNS = (
    *SERIES_COLUMNS[: SERIES_COLUMNS.index("revision_count")],
    "superseded_by",
    "superseded_on",
)

# Every issue with its place in ISSUE_ORDER: newness 1 is the newest.
_ISSUE_NEWNESS = (
    f"SELECT i.issue_key, row_number() OVER (ORDER BY {ISSUE_ORDER}) AS newness FROM issues i"
)
# The statements (o) of the issues known at a vintage (one ? parameter, its issue key): that
# issue and every issue before it in ISSUE_ORDER, so an as-of read ranks what was known then
# exactly as the current view ranks everything.
_KNOWN_AT_VINTAGE = (
    f"o.issue_key IN (SELECT issue_key FROM ({_ISSUE_NEWNESS}) WHERE newness >= "
    f"(SELECT newness FROM ({_ISSUE_NEWNESS}) WHERE issue_key = ?))"
)


@dataclass(frozen=True)
class DataState:
    """Which data a reader sees: the write counter and when the last write committed."""

    version: int
    changed_at: datetime | None  # naive UTC; None for a store never written to


@dataclass(frozen=True)
class IssueRef:
    """An issue named as a vintage: its key, label and publication date."""

    issue_key: str
    issue_label: str
    published: date


# What a point needs without its words (quote, article, texts): a tenth of the bytes, for
# views that only place and compare points (the overview's cards).
POINT_COLUMNS = (
    "indicator",
    "unit",
    "period",
    "period_kind",
    "period_start",
    "period_end",
    "value",
    "value_high",
    "qualifier",
    "forecast",
    "issue_key",
    "issue_label",
    "published",
    "revision_count",
    "disagrees",
)


@dataclass(frozen=True)
class StoredIssue:
    """What the store holds about one issue, as the ingest plan needs it."""

    issue_key: str
    sha256: str
    committed_via: str  # "batch", "review" or "shipped" (loaders.services.ingest.Overwrite)


@dataclass(frozen=True)
class IssuePlace:
    """Where an issue stands in ISSUE_ORDER: its key, publication date, year and number."""

    issue_key: str
    published: date
    year: int
    number: int

    def before_params(self) -> list[Any]:
        """The parameters of _BEFORE_ISSUE for this issue."""
        return [self.published, self.published, self.year, self.year, self.number]


# The issues (i) before one in ISSUE_ORDER (five ? parameters: IssuePlace.before_params).
_BEFORE_ISSUE = (
    "(i.published < ? OR (i.published = ? AND (i.year < ? OR (i.year = ? AND i.number < ?))))"
)


@dataclass(frozen=True)
class StoredStatement:
    """What one issue said about one (indicator, period, forecast) key."""

    indicator: str
    period: str
    forecast: bool
    value: float
    value_high: float | None
    issue_key: str

    @property
    def key(self) -> tuple[str, str, bool]:
        return (self.indicator, self.period, self.forecast)


def _frame(store: Store, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    with store.read() as cur:
        return result_frame(cur.execute(sql, list(params)))


def result_frame(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The result of cur's last statement as a DataFrame, with the dtypes DuckDB's .df()
    gives, through Arrow: .df() makes a Python object of every string and pandas then
    builds its Arrow strings from those, which took 60 of a 25,000-point series' 70 ms
    (26 ms this way). Dates become datetime64[us], as .df() makes them."""
    table = cur.to_arrow_table()
    if any(pa.types.is_date32(field.type) for field in table.schema):
        table = table.cast(
            pa.schema(
                field.with_type(pa.timestamp("us")) if pa.types.is_date32(field.type) else field
                for field in table.schema
            )
        )
    return table.to_pandas()


# ------------------------------------------------------------------ facts


def data_version(store: Store) -> int:
    """The counter every write of data bumps (issues, figures, the catalog); readers key their
    caches of the data on it. A write of records only (an import's progress, a refused file,
    an audit row) leaves it."""
    with store.read() as cur:
        row = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
    return int(row[0][0]) if row else 0


def write_version(store: Store) -> int:
    """The counter every write bumps, records too: the key of caches of import progress and
    the audit log (data_version for a store older than schema 10)."""
    with store.read() as cur:
        rows = dict(
            cur.execute(
                "SELECT key, value FROM meta WHERE key IN ('write_version', 'data_version')"
            ).fetchall()
        )
    return int(rows.get("write_version", rows.get("data_version", 0)))


def data_state(store: Store) -> DataState:
    """data_version and the time of the last change of the data (meta's data_changed_at; for
    a file last written before that key existed, the latest audit entry of a change, or
    ingest)."""
    with store.read() as cur:
        rows = dict(
            cur.execute(
                "SELECT key, value FROM meta WHERE key IN ('data_version', 'data_changed_at')"
            ).fetchall()
        )
        changed_at = None
        if "data_changed_at" in rows:
            changed_at = datetime.fromisoformat(rows["data_changed_at"])
        else:
            # Audit rows of logins and API tokens are records, not changes of the data.
            found = cur.execute(
                'SELECT greatest((SELECT max("at") FROM audit_log WHERE action NOT LIKE '
                "'login%' AND action NOT LIKE 'token%'), (SELECT max(ingested_at) FROM issues))"
            ).fetchall()
            changed_at = found[0][0] if found else None
    return DataState(int(rows.get("data_version", 0)), changed_at)


def issue_ref(store: Store, issue_key: str) -> IssueRef | None:
    """The stored issue with this key, or None."""
    with store.read() as cur:
        rows = cur.execute(
            "SELECT issue_key, issue_label, published FROM issues WHERE issue_key = ?",
            [issue_key],
        ).fetchall()
    return IssueRef(*rows[0]) if rows else None


def issue_on_or_before(store: Store, day: date) -> IssueRef | None:
    """The latest issue (ISSUE_ORDER) published on or before day; None when none was."""
    with store.read() as cur:
        rows = cur.execute(
            "SELECT i.issue_key, i.issue_label, i.published FROM issues i "
            f"WHERE i.published <= ? ORDER BY {ISSUE_ORDER} LIMIT 1",
            [day],
        ).fetchall()
    return IssueRef(*rows[0]) if rows else None


def series_versions(store: Store) -> dict[str, int]:
    """The data version at which each series last changed (a series not listed: 0)."""
    with store.read() as cur:
        return dict(cur.execute("SELECT indicator, version FROM series_versions").fetchall())


def stored_issue(cur: duckdb.DuckDBPyConnection, issue_key: str) -> StoredIssue | None:
    rows = cur.execute(
        "SELECT issue_key, sha256, committed_via FROM issues WHERE issue_key = ?", [issue_key]
    ).fetchall()
    return StoredIssue(*rows[0]) if rows else None


def last_issue_action(cur: duckdb.DuckDBPyConnection, issue_key: str) -> str | None:
    """The last audit action that stored or removed this issue: ingest, replace, retract."""
    rows = cur.execute(
        "SELECT action FROM audit_log WHERE issue_key = ? "
        "AND action IN ('ingest', 'replace', 'retract') ORDER BY id DESC LIMIT 1",
        [issue_key],
    ).fetchall()
    return rows[0][0] if rows else None


def issue_statements(cur: duckdb.DuckDBPyConnection, issue_key: str) -> list[StoredStatement]:
    """Everything one stored issue says, in its own order."""
    rows = cur.execute(
        "SELECT indicator, period, forecast, value, value_high, issue_key FROM observations "
        "WHERE issue_key = ? ORDER BY seq",
        [issue_key],
    ).fetchall()
    return [StoredStatement(*row) for row in rows]


def earlier_statements(
    cur: duckdb.DuckDBPyConnection,
    indicators: Sequence[str],
    periods: Sequence[str],
    issue: IssuePlace,
) -> list[StoredStatement]:
    """For each key among these indicators and periods, the statement of the latest issue
    before `issue` (the one being stored) in ISSUE_ORDER, ranked by ISSUE_RECENCY: the one a
    statement of `issue` would revise (loaders.revisions)."""
    # Both filters reach the scan: only rows that could share a key are ranked.
    rows = cur.execute(
        f"""SELECT indicator, period, forecast, value, value_high, issue_key FROM (
            SELECT o.indicator, o.period, o.forecast, o.value, o.value_high, o.issue_key,
                row_number() OVER (PARTITION BY o.indicator, o.period, o.forecast
                    ORDER BY {ISSUE_RECENCY}) AS rank_in_key
            FROM observations o JOIN issues i ON i.issue_key = o.issue_key
            WHERE o.issue_key <> ? AND {_BEFORE_ISSUE}
                AND list_contains(?, o.indicator) AND list_contains(?, o.period))
        WHERE rank_in_key = 1""",
        [issue.issue_key, *issue.before_params(), list(indicators), list(periods)],
    ).fetchall()
    return [StoredStatement(*row) for row in rows]


def stored_keys(cur: duckdb.DuckDBPyConnection, issue_keys: Sequence[str]) -> list[str]:
    rows = cur.execute(
        "SELECT issue_key FROM issues WHERE list_contains(?, issue_key) ORDER BY issue_key",
        [list(issue_keys)],
    ).fetchall()
    return [row[0] for row in rows]


# ------------------------------------------------------------------ tables for pages


def indicator_ids(store: Store) -> list[str]:
    """The ids indicators() lists (not retired), in catalog order: what a read checks a
    request against, without building a frame of the catalog (3 ms of every series read)."""
    with store.read() as cur:
        rows = cur.execute(
            "SELECT id FROM indicators WHERE NOT coalesce(retired, false) ORDER BY position"
        ).fetchall()
    return [row[0] for row in rows]


def indicators(store: Store, *, with_retired: bool = False) -> pd.DataFrame:
    """The catalog as stored: id, name_zh, name_en, category, unit, kind, measure,
    description, aliases (joined by 、), source, retired, in catalog order; retired series
    only when asked for."""
    return _frame(
        store,
        "SELECT id, name_zh, name_en, category, unit, kind, measure, description, aliases, "
        "source, retired FROM indicators "
        + ("" if with_retired else "WHERE NOT coalesce(retired, false) ")
        + "ORDER BY position",
    )


@dataclass(frozen=True)
class CatalogVersion:
    version: int
    created_at: Any
    actor: str
    action: str
    indicator: str | None
    reason: str
    definition: str


def catalog_versions(cur: duckdb.DuckDBPyConnection, newest: int = 2) -> list[CatalogVersion]:
    """The newest catalog versions, newest first (the catalog is the first one)."""
    rows = cur.execute(
        "SELECT version, created_at, actor, action, indicator, reason, definition "
        "FROM catalog_versions ORDER BY version DESC LIMIT ?",
        [newest],
    ).fetchall()
    return [CatalogVersion(*row) for row in rows]


def catalog_version(cur: duckdb.DuckDBPyConnection, version: int) -> CatalogVersion | None:
    """One catalog version by its number, or None when there is none of that number."""
    rows = cur.execute(
        "SELECT version, created_at, actor, action, indicator, reason, definition "
        "FROM catalog_versions WHERE version = ?",
        [version],
    ).fetchall()
    return CatalogVersion(*rows[0]) if rows else None


def catalog_history(store: Store, limit: int = 50) -> pd.DataFrame:
    """The catalog's versions without their definitions, newest first."""
    return _frame(
        store,
        "SELECT version, created_at, actor, action, indicator, reason FROM catalog_versions "
        "ORDER BY version DESC LIMIT ?",
        [limit],
    )


def series(
    store: Store, indicator_ids: Sequence[str], columns: Sequence[str] = SERIES_COLUMNS
) -> pd.DataFrame:
    """Current values of the given indicators (SERIES_COLUMNS, or those of them a caller
    needs: a 25,000-point CSV reads a third faster without the unused words), one row per
    period and forecast flag, in indicator and period order."""
    unknown = [column for column in columns if column not in SERIES_COLUMNS]
    if unknown:
        raise ValueError(f"not series columns: {unknown}")
    # The column names are SERIES_COLUMNS' own, checked above, never input.
    return _frame(
        store,
        f"SELECT {', '.join(columns)} FROM current WHERE list_contains(?, indicator) "
        "ORDER BY indicator, period_end, period, forecast",
        [list(indicator_ids)],
    )


def series_points(store: Store, indicator_ids: Sequence[str]) -> pd.DataFrame:
    """series() without the words: POINT_COLUMNS, in the same order."""
    return _frame(
        store,
        f"SELECT {', '.join(POINT_COLUMNS)} FROM current_points "
        "WHERE list_contains(?, indicator) ORDER BY indicator, period_end, period, forecast",
        [list(indicator_ids)],
    )


def series_as_of(store: Store, indicator_ids: Sequence[str], issue_key: str) -> pd.DataFrame:
    """The series as it stood when issue_key came out: the current view's rule applied to
    that issue and the issues before it (ISSUE_ORDER). SERIES_COLUMNS (revision_count and
    disagrees among the issues known then) plus AS_OF_COLUMNS: the value the current view
    holds now and revised_later, true when a later issue changed it. No rows when issue_key
    is not stored."""
    return _frame(
        store,
        f"""WITH known_then AS ({current_select(f"WHERE list_contains(?, o.indicator) AND {_KNOWN_AT_VINTAGE}")})
        SELECT {", ".join(f"k.{column}" for column in SERIES_COLUMNS)},
            c.value AS current_value, c.value_high AS current_value_high,
            c.issue_key AS current_issue_key,
            coalesce(c.issue_key <> k.issue_key AND {values_differ("c.value", "c.value_high", "k.value", "k.value_high")}, FALSE)
                AS revised_later
        FROM known_then k LEFT JOIN current c ON c.indicator = k.indicator
            AND c.period = k.period AND c.forecast = k.forecast
        ORDER BY k.indicator, k.period_end, k.period, k.forecast""",
        [list(indicator_ids), issue_key],
    )


def statements(
    store: Store, indicator_ids: Sequence[str], as_of: str | None = None
) -> pd.DataFrame:
    """Every issue's statement about these indicators (STATEMENT_COLUMNS), the vintages:
    per issue and (indicator, period, forecast) the statement that counts (its first), with
    the issue that next stated the same point (superseded_by, superseded_on; empty for the
    one that stands). as_of (an issue key) keeps that issue and the ones before it. Ordered
    by indicator and period, then oldest issue first."""
    known = _KNOWN_AT_VINTAGE if as_of is not None else "TRUE"
    params: list[Any] = [list(indicator_ids)] + ([as_of] if as_of is not None else [])
    # Names come from the catalog (ind), everything else from the statement (s).
    stated = ", ".join(
        f"{'ind' if column in ('name_zh', 'name_en', 'category') else 's'}.{column}"
        for column in STATEMENT_COLUMNS[:-2]
    )
    return _frame(
        store,
        f"""WITH issue_newness AS ({_ISSUE_NEWNESS}),
        known AS (
            SELECT o.*, i.published, i.issue_label, n.newness,
                row_number() OVER (PARTITION BY o.indicator, o.period, o.forecast, o.issue_key
                    ORDER BY o.seq) AS rank_in_issue
            FROM observations o JOIN issues i ON i.issue_key = o.issue_key
            JOIN issue_newness n ON n.issue_key = o.issue_key
            WHERE list_contains(?, o.indicator) AND {known})
        SELECT {stated},
            lag(s.issue_key) OVER newest_first AS superseded_by,
            lag(s.published) OVER newest_first AS superseded_on
        FROM known s LEFT JOIN indicators ind ON ind.id = s.indicator
        WHERE s.rank_in_issue = 1
        WINDOW newest_first AS (PARTITION BY s.indicator, s.period, s.forecast
            ORDER BY s.newness)
        ORDER BY s.indicator, s.period_end, s.period, s.forecast, s.newness DESC""",
        params,
    )


def revised_statements(
    store: Store,
    indicator_ids: Sequence[str],
    periods: Sequence[str] | None = None,
    as_of: str | None = None,
) -> pd.DataFrame:
    """The earlier values the current ones revised (loaders.revisions): for each current key
    (of these periods only, when given) the statement of every other issue (its first) whose
    value differs from the current one; a restatement of the same value, or a figure the
    current issue itself repeats, is none. With as_of (an issue key), the same for the
    series as it stood then (series_as_of): only issues up to that one, against what it held
    current. Columns: indicator, period, forecast, value, value_high, qualifier, issue_key,
    issue_label, published, quote, article, period_end; oldest issue last."""
    # Semi-joins, not list_contains: the Trends table asks for its latest 1,000 periods,
    # and testing each observation against that list took 35 of the query's ms (13 then);
    # with list_contains on the indicators too, DuckDB matched the periods of all a
    # million observations before their indicator (13 -> 7 ms as semi-joins).
    period_filter = "" if periods is None else "AND o.period IN (SELECT unnest(?))"
    period_params = [] if periods is None else [list(periods)]
    if as_of is None:
        known, current, known_params = "TRUE", "current_points", []
    else:
        known, known_params = _KNOWN_AT_VINTAGE, [as_of]
        current = f"({current_select(f'WHERE list_contains(?, o.indicator) AND {known}')})"
    current_params = [] if as_of is None else [list(indicator_ids), as_of]
    differs = values_differ("o.value", "o.value_high", "c.value", "c.value_high")
    return _frame(
        store,
        f"""SELECT o.indicator, o.period, o.forecast, o.value, o.value_high, o.qualifier,
            o.issue_key, i.issue_label, i.published, o.quote, o.article, o.period_end
        FROM observations o
        JOIN issues i ON i.issue_key = o.issue_key
        JOIN {current} c ON c.indicator = o.indicator AND c.period = o.period
            AND c.forecast = o.forecast
        WHERE o.indicator IN (SELECT unnest(?)) {period_filter} AND {known}
            AND o.issue_key <> c.issue_key
        QUALIFY row_number() OVER (PARTITION BY o.indicator, o.period, o.forecast, o.issue_key
            ORDER BY o.seq) = 1 AND {differs}
        ORDER BY o.indicator, o.period_end, o.period, o.forecast, {ISSUE_RECENCY}""",
        [*current_params, list(indicator_ids), *period_params, *known_params],
    )


def issues(store: Store) -> pd.DataFrame:
    """Every stored issue, newest first, with its article, figure and unassigned counts."""
    return _frame(
        store,
        f"""SELECT i.issue_key, i.title, i.year, i.number, i.total_number, i.published,
            i.issue_label, i.source_name, i.sha256, i.ingested_at, i.committed_via,
            (SELECT count(*) FROM articles a WHERE a.issue_key = i.issue_key) AS article_count,
            (SELECT count(*) FROM observations o WHERE o.issue_key = i.issue_key) AS figure_count,
            (SELECT count(*) FROM unassigned u WHERE u.issue_key = i.issue_key) AS unassigned_count
        FROM issues i ORDER BY {ISSUE_ORDER}""",
    )


def issue_choices(store: Store, year: int | None = None) -> dict[str, str]:
    """Every stored issue's key (of that year, when given) -> "2021 年第 15 期（2021-09-13）",
    newest first, for the selectors that pick one. Built in SQL: formatting 20,000 dates in
    pandas took longer than the query."""
    where, params = ("WHERE i.year = ?", [year]) if year is not None else ("", [])
    with store.read() as cur:
        rows = cur.execute(
            "SELECT i.issue_key, i.issue_label || '（' || strftime(i.published, '%Y-%m-%d') "
            f"|| '）' FROM issues i {where} ORDER BY {ISSUE_ORDER}",
            params,
        ).fetchall()
    return dict(rows)


def issue_years(store: Store) -> list[int]:
    """The years that have stored issues, newest first."""
    with store.read() as cur:
        rows = cur.execute("SELECT DISTINCT year FROM issues ORDER BY year DESC").fetchall()
    return [int(row[0]) for row in rows]


def issue(store: Store, issue_key: str) -> dict | None:
    """One issue's header fields, source file, sha256 and cleaned text; None if not stored."""
    with store.read() as cur:
        cur.execute(
            "SELECT issue_key, title, year, number, total_number, published, issue_label, "
            "source_name, sha256, ingested_at, committed_via, clean_text "
            "FROM issues WHERE issue_key = ?",
            [issue_key],
        )
        rows = cur.fetchall()
        if not rows:
            return None
        names = [d[0] for d in cur.description]
    return dict(zip(names, rows[0], strict=True))


def articles(store: Store, issue_key: str) -> pd.DataFrame:
    """article_index, title, editor, text, start, end of one issue."""
    return _frame(
        store,
        'SELECT article_index, title, editor, text, start_offset AS "start", end_offset AS "end" '
        "FROM articles WHERE issue_key = ? ORDER BY article_index",
        [issue_key],
    )


def observations_for_issue(store: Store, issue_key: str) -> pd.DataFrame:
    """Every figure one issue states, with the indicator's Chinese name, in text order."""
    return _frame(
        store,
        """SELECT o.indicator, ind.name_zh, o.period, o.period_kind, o.period_start, o.period_end,
            o.value, o.value_high, o.unit, o.qualifier, o.forecast, o.derived, o.figure_text,
            o.period_text, o.quote, o.span_start, o.span_end, o.figure_start, o.article_index,
            o.article, o.editor, o.origin, o.issue_key, o.seq
        FROM observations o LEFT JOIN indicators ind ON ind.id = o.indicator
        WHERE o.issue_key = ? ORDER BY o.seq""",
        [issue_key],
    )


def unassigned_for_issue(store: Store, issue_key: str) -> pd.DataFrame:
    """The figures of one issue that no indicator claimed, in text order."""
    return _frame(
        store,
        """SELECT value, value_high, unit, qualifier, forecast, period, period_kind, period_start,
            period_end, figure_text, period_text, subject, quote, span_start, span_end,
            figure_start, article_index, article, editor, issue_key, seq, suggested_indicator,
            suggested_period
        FROM unassigned WHERE issue_key = ? ORDER BY seq""",
        [issue_key],
    )


COVERAGE_COLUMNS = ("points", "first_period", "last_period", "last_issue")
# How much data an indicator has, counted per indicator before any join with the catalog:
# grouping joined rows by every catalog column took three times as long at 1e6.
_COVERAGE_STATS = """
    SELECT indicator, count(*) AS points,
        arg_min(period, period_end) AS first_period,
        arg_max(period, period_end) AS last_period,
        arg_max(issue_key, published) AS last_issue
    FROM current_points {where} GROUP BY indicator"""


def coverage(store: Store) -> pd.DataFrame:
    """Every catalog indicator with how many current points it has (zero when none)."""
    return _frame(
        store,
        f"""WITH per_indicator AS ({_COVERAGE_STATS.format(where="")})
        SELECT ind.id, ind.name_zh, ind.name_en, ind.category, ind.unit, ind.kind,
            ind.measure, ind.description, coalesce(c.points, 0) AS points,
            c.first_period, c.last_period, c.last_issue
        FROM indicators ind LEFT JOIN per_indicator c ON c.indicator = ind.id
        WHERE NOT coalesce(ind.retired, false)
        ORDER BY ind.position""",
    )


def coverage_of(store: Store, indicator_ids: Sequence[str]) -> dict[str, tuple]:
    """coverage()'s COVERAGE_COLUMNS of these indicators, by indicator; an indicator with
    no points is missing (a cache keyed on series versions rebuilds only the series a commit
    changed)."""
    with store.read() as cur:
        rows = cur.execute(
            _COVERAGE_STATS.format(where="WHERE list_contains(?, indicator)"),
            [list(indicator_ids)],
        ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def audit_log(store: Store) -> pd.DataFrame:
    """Every write, newest first: at (UTC), action, actor, issue_key, sha256, detail."""
    return _frame(
        store,
        'SELECT "at", action, actor, issue_key, sha256, detail FROM audit_log ORDER BY id DESC',
    )


def table_rows(store: Store, name: str) -> pa.Table:
    """A whole table in its stable order as Arrow (exact types: moving a store, not showing
    it); name must be one of TABLES or STATE_TABLES."""
    if name not in TABLES + STATE_TABLES:
        raise ValueError(f"no such table: {name!r}")
    order = TABLE_ORDER.get(name, "ALL")
    with store.read() as cur:
        return cur.execute(f"SELECT * FROM {name} ORDER BY {order}").to_arrow_table()


def table(store: Store, name: str) -> pd.DataFrame:
    """A whole table in its stable order (exports); name must be one of TABLES."""
    if name not in TABLES:
        raise ValueError(f"no such table: {name!r}")
    # The table name and its ordering are the schema's constants, checked above.
    return _frame(store, f"SELECT * FROM {name} ORDER BY {TABLE_ORDER[name]}")


# ------------------------------------------------------------------ archive imports


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


def import_jobs(store: Store, limit: int = 20) -> list[ImportJob]:
    """The latest imports, newest first, with their progress."""
    with store.read() as cur:
        rows = cur.execute(f"{_JOB_SELECT} ORDER BY j.created_at DESC LIMIT ?", [limit]).fetchall()
    return [ImportJob(*row) for row in rows]


def import_job(cur: duckdb.DuckDBPyConnection, job_id: str) -> ImportJob | None:
    rows = cur.execute(f"{_JOB_SELECT} WHERE j.job_id = ?", [job_id]).fetchall()
    return ImportJob(*rows[0]) if rows else None


def import_job_of(store: Store, job_id: str) -> ImportJob | None:
    """One import with its progress, read from the published store."""
    with store.read() as cur:
        return import_job(cur, job_id)


def import_files(store: Store, job_id: str) -> list[ImportFile]:
    """Every file of one import in its order, with its outcome."""
    with store.read() as cur:
        rows = cur.execute(
            "SELECT position, name, size, status, sha256, issue_key, detail FROM import_files "
            "WHERE job_id = ? ORDER BY position",
            [job_id],
        ).fetchall()
    return [ImportFile(*row) for row in rows]


def points_besides(
    cur: duckdb.DuckDBPyConnection, indicator_ids: Sequence[str], issue_key: str
) -> list[tuple[str, str, float, str, bool]]:
    """(indicator, period, value, qualifier, forecast) of the current points of these series
    that another issue than issue_key states: what a new issue's values are checked against."""
    return cur.execute(
        "SELECT indicator, period, value, qualifier, forecast FROM current_points "
        "WHERE list_contains(?, indicator) AND issue_key <> ? ORDER BY indicator, period_end",
        [list(indicator_ids), issue_key],
    ).fetchall()


def stored_file_hashes(cur: duckdb.DuckDBPyConnection, hashes: Sequence[str]) -> dict[str, str]:
    """sha256 -> issue key, for files whose bytes are stored as an issue already."""
    return dict(
        cur.execute(
            "SELECT sha256, issue_key FROM issues WHERE list_contains(?, sha256)", [list(hashes)]
        ).fetchall()
    )


# ------------------------------------------------------------------ re-mapping stored issues


@dataclass(frozen=True)
class IssueText:
    """What re-mapping an issue under a new catalog reads: its header and articles."""

    issue_key: str
    header: dict
    articles: list[dict]


def issue_texts(cur: duckdb.DuckDBPyConnection) -> list[IssueText]:
    """Every stored issue that has text (a figures table has none), with its articles."""
    issues = cur.execute(
        "SELECT issue_key, title, year, number, total_number, published FROM issues "
        "ORDER BY published, year, number"
    ).fetchall()
    rows = cur.execute(
        "SELECT issue_key, article_index, title, editor, text, start_offset, end_offset "
        "FROM articles ORDER BY issue_key, article_index"
    ).fetchall()
    articles: dict[str, list[dict]] = {}
    for key, index, title, editor, text, start, end in rows:
        articles.setdefault(key, []).append(
            {
                "index": index,
                "title": title,
                "editor": editor,
                "text": text,
                "start": start,
                "end": end,
            }
        )
    out = []
    for key, title, year, number, total, published in issues:
        texts = articles.get(key, [])
        if not any(article["text"] for article in texts):
            continue
        header = {
            "title": title,
            "year": year,
            "number": number,
            "total_number": total,
            "published": published,
        }
        out.append(IssueText(key, header, texts))
    return out


def editor_figures(cur: duckdb.DuckDBPyConnection, issue_keys: Sequence[str]) -> pd.DataFrame:
    """The observations of these issues that an editor reviewed or typed in (all columns)."""
    cur.execute(
        "SELECT * FROM observations WHERE list_contains(?, issue_key) "
        "AND coalesce(origin, 'extracted') <> 'extracted' ORDER BY issue_key, seq",
        [list(issue_keys)],
    )
    return result_frame(cur)


def figures_of(cur: duckdb.DuckDBPyConnection, issue_keys: Sequence[str]) -> pd.DataFrame:
    """Observations of these issues: issue_key, indicator, period, forecast, value, unit, origin,
    span_start, figure_start, figure_text, quote (what a re-mapping preview compares)."""
    cur.execute(
        "SELECT issue_key, indicator, period, forecast, value, unit, origin, span_start, figure_start, "
        "figure_text, quote FROM observations WHERE list_contains(?, issue_key)",
        [list(issue_keys)],
    )
    return result_frame(cur)


def unassigned_all(store: Store, limit: int = 5000) -> pd.DataFrame:
    """Unassigned figures across every issue, newest issues first: the work queue."""
    return _frame(
        store,
        """SELECT u.issue_key, i.issue_label, i.published, u.seq, u.value, u.value_high, u.unit,
            u.qualifier, u.forecast, u.period, u.figure_text, u.subject, u.quote, u.article,
            u.suggested_indicator, u.suggested_period
        FROM unassigned u JOIN issues i ON i.issue_key = u.issue_key
        ORDER BY i.published DESC, i.year DESC, i.number DESC, u.seq LIMIT ?""",
        [limit],
    )


def unassigned_row(cur: duckdb.DuckDBPyConnection, issue_key: str, seq: int) -> dict | None:
    cur.execute("SELECT * FROM unassigned WHERE issue_key = ? AND seq = ?", [issue_key, seq])
    rows = cur.fetchall()
    if not rows:
        return None
    return dict(zip([d[0] for d in cur.description], rows[0], strict=True))


def next_observation_seq(cur: duckdb.DuckDBPyConnection, issue_key: str) -> int:
    return cur.execute(
        "SELECT coalesce(max(seq), -1) + 1 FROM observations WHERE issue_key = ?", [issue_key]
    ).fetchall()[0][0]


def catalog_versions_by(cur: duckdb.DuckDBPyConnection, actions: Sequence[str]) -> int:
    """How many catalog versions these actions made."""
    return cur.execute(
        "SELECT count(*) FROM catalog_versions WHERE list_contains(?, action)", [list(actions)]
    ).fetchall()[0][0]


def issue_labels(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """issue_key -> 2021 年第 15 期, for every stored issue."""
    return dict(cur.execute("SELECT issue_key, issue_label FROM issues").fetchall())
