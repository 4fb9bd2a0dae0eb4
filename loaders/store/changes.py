"""What changed: the change log of the current values (SQL only).

Every write that recomputes current values (loaders.store.writes.refresh_current) names its
cause, which opens a changeset; `record` then compares the current values of the keys it
touches before and after the write and keeps one row per point whose value changed (or
that an issue began to disagree with), sentences included. The digest, the changes
endpoint and the feeds read these rows (loaders.services.changes); who is told of them is
loaders.store.watchers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

from loaders.store.connection import Store
from loaders.store.queries import result_frame
from loaders.vocab.revisions import different_statement

_KEY = ("indicator", "period", "forecast")
# The columns of one statement in point_changes, after the key and kind.
STATEMENT_FIELDS = (
    "value",
    "value_high",
    "qualifier",
    "issue_key",
    "issue_label",
    "published",
    "quote",
)


@dataclass(frozen=True)
class Cause:
    """Why a write recomputes current values: its action (ingest, replace, retract, assign,
    catalog, bulk_load), who did it, and the issue it stored or removed (if one)."""

    action: str
    actor: str
    issue_key: str | None = None
    issue_label: str | None = None


def _now() -> datetime:
    # Naive UTC, as loaders.store.writes stamps every row.
    return datetime.now(UTC).replace(tzinfo=None)


def _next(cur: duckdb.DuckDBPyConnection, table: str, column: str) -> int:
    # Table and column names are this module's constants, never input.
    return int(cur.execute(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}").fetchall()[0][0])


def _on(left: str, right: str) -> str:
    return " AND ".join(f"{left}.{k} = {right}.{k}" for k in _KEY)


def _key_filter(keys: tuple[list[str], list[str]] | None, alias: str = "") -> tuple[str, list]:
    if keys is None:
        return "", []
    prefix = f"{alias}." if alias else ""
    return (
        f"WHERE list_contains(?, {prefix}indicator) AND list_contains(?, {prefix}period)",
        [list(keys[0]), list(keys[1])],
    )


# A current point as snapshot() and record() read it: the key, where it sits, how many
# revisions it has, then its statement (STATEMENT_FIELDS).
_POINT_COLUMNS = (*_KEY, "unit", "period_kind", "period_end", "revision_count")
_POINT_SELECT = f"SELECT {', '.join((*_POINT_COLUMNS, *STATEMENT_FIELDS))} FROM current_points"
_STATEMENT_AT = len(_POINT_COLUMNS)
_REVISIONS_AT = _POINT_COLUMNS.index("revision_count")

Point = tuple  # a row of _POINT_SELECT
Snapshot = dict[tuple, Point]  # by (indicator, period, forecast)
# Rows per INSERT ... VALUES statement (a write logs tens; a catalog change, every point).
_VALUES_BATCH = 200


def _points(cur: duckdb.DuckDBPyConnection, keys: tuple[list[str], list[str]] | None) -> Snapshot:
    where, params = _key_filter(keys)
    rows = cur.execute(f"{_POINT_SELECT} {where}", params).fetchall()
    return {row[:3]: row for row in rows}


def snapshot(cur: duckdb.DuckDBPyConnection, keys: tuple[list[str], list[str]] | None) -> Snapshot:
    """The current values of these keys (indicators, periods; None: every key) as they are
    before a write recomputes them, for record() to compare with."""
    return _points(cur, keys)


def _differ(point: Point, other: Point | tuple) -> bool:
    """Whether two statements (value and value_high first) state another figure."""
    return different_statement(point[0], point[1], other[0], other[1])


def _said(
    cur: duckdb.DuckDBPyConnection, issue_key: str, points: Sequence[Point]
) -> dict[tuple, tuple]:
    """The issue's own first statement (STATEMENT_FIELDS) of each of these points' keys."""
    rows = cur.execute(
        """SELECT o.indicator, o.period, o.forecast, o.value, o.value_high, o.qualifier,
            o.issue_key, i.issue_label, i.published, o.quote
        FROM observations o JOIN issues i ON i.issue_key = o.issue_key
        WHERE o.issue_key = ? AND list_contains(?, o.indicator) AND list_contains(?, o.period)
        QUALIFY row_number() OVER (PARTITION BY o.indicator, o.period, o.forecast
            ORDER BY o.seq) = 1""",
        [issue_key, sorted({p[0] for p in points}), sorted({p[1] for p in points})],
    ).fetchall()
    return {row[:3]: row[3:] for row in rows}


def _changes(
    cur: duckdb.DuckDBPyConnection, cause: Cause, before: Snapshot, after: Snapshot
) -> list[tuple]:
    """One row per point whose current value changed (new, removed, revised, corrected) or
    that the cause's issue began to disagree with: the key, kind, where the point sits, its
    statement now and the other statement (the one replaced, or the one that disagrees)."""
    empty = (None,) * len(STATEMENT_FIELDS)
    rows: list[tuple] = []
    doubted: list[Point] = []
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old is None:
            rows.append((new, "new", new[_STATEMENT_AT:], empty))
        elif new is None:
            rows.append((old, "removed", empty, old[_STATEMENT_AT:]))
        elif _differ(new[_STATEMENT_AT:], old[_STATEMENT_AT:]):
            kind = "corrected" if new[-4] == old[-4] else "revised"
            rows.append((new, kind, new[_STATEMENT_AT:], old[_STATEMENT_AT:]))
        elif new[_REVISIONS_AT] > old[_REVISIONS_AT]:
            doubted.append(new)
    if doubted and cause.issue_key is not None:
        said = _said(cur, cause.issue_key, doubted)
        for new in doubted:
            statement = said.get(new[:3])
            if (
                statement is not None
                and statement[3] != new[-4]
                and _differ(statement, new[_STATEMENT_AT:])
            ):
                rows.append((new, "disagreement", new[_STATEMENT_AT:], statement))
    return [(*point[:6], kind, *now, *other) for point, kind, now, other in rows]


def record(
    cur: duckdb.DuckDBPyConnection,
    cause: Cause,
    keys: tuple[list[str], list[str]] | None,
    before: Snapshot,
) -> int:
    """Open a changeset for cause and log how the current values of these keys changed
    from `before` (snapshot() before current_points was recomputed). Returns the
    changeset."""
    changeset = _next(cur, "changesets", "changeset")
    cur.execute(
        "INSERT INTO changesets SELECT ?, ?, ?, ?, ?, coalesce("
        "(SELECT issue_label FROM issues WHERE issue_key = ?), "
        "(SELECT max(issue_label) FROM changesets WHERE issue_key = ?), ?)",
        [
            changeset,
            _now(),
            cause.action,
            cause.actor,
            cause.issue_key,
            cause.issue_key,
            cause.issue_key,
            cause.issue_label or cause.issue_key,
        ],
    )
    rows = _changes(cur, cause, before, _points(cur, keys))
    # point_changes' columns: changeset, the key, kind, unit, period_kind, period_end, the
    # statement, the other one.
    marks = "(" + ", ".join("?" * (8 + 2 * len(STATEMENT_FIELDS))) + ")"
    for start in range(0, len(rows), _VALUES_BATCH):
        batch = rows[start : start + _VALUES_BATCH]
        cur.execute(
            "INSERT INTO point_changes (changeset, indicator, period, forecast, unit, "
            "period_kind, period_end, kind, "
            + ", ".join(STATEMENT_FIELDS)
            + ", "
            + ", ".join(f"other_{field}" for field in STATEMENT_FIELDS)
            + ") VALUES "
            + ", ".join([marks] * len(batch)),
            [value for row in batch for value in (changeset, *row)],
        )
    return changeset


# ------------------------------------------------------------------ reads


def latest_changeset(store: Store) -> int:
    """The newest changeset (0 when none was recorded)."""
    with store.read() as cur:
        return int(
            cur.execute("SELECT coalesce(max(changeset), 0) FROM changesets").fetchall()[0][0]
        )


def changeset_before(store: Store, moment: datetime, *, inclusive: bool) -> int:
    """The newest changeset recorded before moment (at or before it when inclusive); 0
    when none."""
    op = "<=" if inclusive else "<"
    with store.read() as cur:
        rows = cur.execute(
            f'SELECT coalesce(max(changeset), 0) FROM changesets WHERE "at" {op} ?', [moment]
        ).fetchall()
    return int(rows[0][0])


def first_changeset_of(store: Store, issue_key: str) -> int | None:
    """The changeset that first stored this issue (None: stored before changes were
    recorded, or never)."""
    with store.read() as cur:
        rows = cur.execute(
            "SELECT min(changeset) FROM changesets WHERE issue_key = ? "
            "AND action IN ('ingest', 'replace')",
            [issue_key],
        ).fetchall()
    return rows[0][0] if rows and rows[0][0] is not None else None


def changesets(
    store: Store,
    after: int = 0,
    *,
    with_issue: bool = False,
    limit: int | None = None,
    indicator: str | None = None,
) -> pd.DataFrame:
    """Changesets after `after`, newest first, with their counts of point changes by kind:
    changeset, at, action, actor, issue_key, issue_label, new, revised, corrected, removed,
    disagreement. with_issue: only those that stored or removed an issue; indicator: only
    those that changed that series (the counts are that series')."""
    where = ["c.changeset > ?"]
    params: list[Any] = [after]
    if with_issue:
        where.append("c.issue_key IS NOT NULL AND c.action IN ('ingest', 'replace', 'retract')")
    join_filter = ""
    if indicator is not None:
        join_filter = "AND p.indicator = ?"
        where.append(
            "EXISTS (SELECT 1 FROM point_changes q WHERE q.changeset = c.changeset "
            "AND q.indicator = ?)"
        )
    counts = ", ".join(
        f"count(p.kind) FILTER (WHERE p.kind = '{kind}') AS {kind}"
        for kind in ("new", "revised", "corrected", "removed", "disagreement")
    )
    sql = f"""SELECT c.changeset, c."at", c.action, c.actor, c.issue_key, c.issue_label, {counts}
        FROM changesets c LEFT JOIN point_changes p ON p.changeset = c.changeset {join_filter}
        WHERE {" AND ".join(where)}
        GROUP BY ALL ORDER BY c.changeset DESC"""
    if indicator is not None:
        params = [indicator, after, indicator]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    with store.read() as cur:
        return result_frame(cur.execute(sql, params))


# The columns of net_changes: a point, its first change in the window (the statement before
# it, old_*) and its last (the statement now, new_*).
NET_COLUMNS = (
    "indicator",
    "period",
    "forecast",
    "unit",
    "period_kind",
    "period_end",
    *(f"old_{field}" for field in STATEMENT_FIELDS),
    *(f"new_{field}" for field in STATEMENT_FIELDS),
    "first_kind",
    "last_kind",
    "changeset",
    "at",
)


def net_changes(
    store: Store,
    after: int,
    through: int,
    indicators: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per point whose current value changed in changesets after..through (of these
    indicators only, when given): the statement current before the first of them and after
    the last (NET_COLUMNS; old_* empty for a point that had no value, new_* for one that
    has none now). Whether that is a change at all is the caller's rule."""
    indicator_filter = "" if indicators is None else "AND list_contains(?, p.indicator)"
    params: list[Any] = [after, through]
    if indicators is not None:
        params.append(list(indicators))
    old = ", ".join(f"f.other_{field} AS old_{field}" for field in STATEMENT_FIELDS)
    new = ", ".join(f"l.{field} AS new_{field}" for field in STATEMENT_FIELDS)
    with store.read() as cur:
        return result_frame(
            cur.execute(
                f"""WITH w AS (
                    SELECT p.*, c."at" FROM point_changes p
                    JOIN changesets c ON c.changeset = p.changeset
                    WHERE p.changeset > ? AND p.changeset <= ? AND p.kind <> 'disagreement'
                        {indicator_filter}),
                f AS (SELECT * FROM w QUALIFY row_number() OVER (
                    PARTITION BY indicator, period, forecast ORDER BY changeset) = 1),
                l AS (SELECT * FROM w QUALIFY row_number() OVER (
                    PARTITION BY indicator, period, forecast ORDER BY changeset DESC) = 1)
                SELECT l.indicator, l.period, l.forecast, l.unit, l.period_kind, l.period_end,
                    {old}, {new}, f.kind AS first_kind, l.kind AS last_kind,
                    l.changeset, l."at"
                FROM f JOIN l ON {_on("f", "l")}
                ORDER BY l.indicator, l.period_end, l.period, l.forecast""",
                params,
            )
        )


def point_changes(
    store: Store,
    after: int,
    through: int,
    indicators: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The logged rows of changesets after..through, oldest first: the point, its kind, the
    statement after the change and the other one (other_*), with the changeset's at,
    action and issue (changed_by)."""
    where = ["p.changeset > ?", "p.changeset <= ?"]
    params: list[Any] = [after, through]
    if indicators is not None:
        where.append("list_contains(?, p.indicator)")
        params.append(list(indicators))
    if kinds is not None:
        where.append("list_contains(?, p.kind)")
        params.append(list(kinds))
    with store.read() as cur:
        return result_frame(
            cur.execute(
                f"""SELECT p.*, c."at", c.action, c.issue_key AS changed_by
                FROM point_changes p JOIN changesets c ON c.changeset = p.changeset
                WHERE {" AND ".join(where)}
                ORDER BY p.changeset, p.indicator, p.period_end, p.period, p.forecast""",
                params,
            )
        )


def unassigned_of_changesets(
    store: Store, after: int, through: int, suggested: Sequence[str]
) -> pd.DataFrame:
    """The unassigned figures of the issues stored in changesets after..through whose
    suggested indicator is among `suggested`: issue_key, issue_label, seq, value,
    value_high, unit, qualifier, figure_text, period, suggested_indicator, subject, quote,
    article."""
    with store.read() as cur:
        return result_frame(
            cur.execute(
                """SELECT u.issue_key, i.issue_label, u.seq, u.value, u.value_high, u.unit,
                    u.qualifier, u.figure_text, coalesce(u.suggested_period, u.period) AS period,
                    u.suggested_indicator, u.subject, u.quote, u.article
                FROM unassigned u JOIN issues i ON i.issue_key = u.issue_key
                WHERE list_contains(?, u.suggested_indicator) AND u.issue_key IN (
                    SELECT issue_key FROM changesets WHERE changeset > ? AND changeset <= ?
                        AND action IN ('ingest', 'replace'))
                ORDER BY i.published DESC, u.issue_key, u.seq""",
                [list(suggested), after, through],
            )
        )
