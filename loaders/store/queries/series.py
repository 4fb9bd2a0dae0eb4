"""Series: the current values, the series as an earlier issue left it, every issue's
statement (the vintages), the values the current ones revised, and how much each indicator
has. Every read ranks statements by the store's one rule (loaders.store.current_points:
ISSUE_ORDER, ISSUE_RECENCY, current_select) and compares values by loaders.vocab.revisions'
(values_differ)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from loaders.store.current_points import ISSUE_ORDER, ISSUE_RECENCY, current_select, values_differ
from loaders.store.queries.results import Source, frame, reading
from loaders.vocab.periods import HEADLINE_KINDS

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
    # Where the sentence is in the issue's text, the issue's running number and the
    # organisation the text cites: what a citation of the value needs.
    "span_start",
    "span_end",
    "source_org",
    "issue_total_number",
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


def _indicators_filter(indicator_ids: Sequence[str]) -> tuple[str, Any]:
    """The WHERE condition on `indicator` and its parameter. One indicator (a Trends page,
    an API request) is an equality, which DuckDB's zone maps use to skip the row groups of
    other series (points are stored in series order); list_contains is not pushed down.
    bench/store_query.py: 1e5 observations, 85 vs 119 ms."""
    if len(indicator_ids) == 1:
        return "indicator = ?", indicator_ids[0]
    return "list_contains(?, indicator)", list(indicator_ids)


def series(
    source: Source, indicator_ids: Sequence[str], columns: Sequence[str] = SERIES_COLUMNS
) -> pd.DataFrame:
    """Current values of the given indicators (SERIES_COLUMNS, or those of them a caller
    needs: a 25,000-point CSV reads a third faster without the unused words), one row per
    period and forecast flag, in indicator and period order."""
    unknown = [column for column in columns if column not in SERIES_COLUMNS]
    if unknown:
        raise ValueError(f"not series columns: {unknown}")
    # The column names are SERIES_COLUMNS' own, checked above, never input.
    where, parameter = _indicators_filter(indicator_ids)
    return frame(
        source,
        f"SELECT {', '.join(columns)} FROM current WHERE {where} "
        "ORDER BY indicator, period_end, period, forecast",
        [parameter],
    )


def series_points(source: Source, indicator_ids: Sequence[str]) -> pd.DataFrame:
    """series() without the words: POINT_COLUMNS, in the same order."""
    where, parameter = _indicators_filter(indicator_ids)
    return frame(
        source,
        f"SELECT {', '.join(POINT_COLUMNS)} FROM current_points "
        f"WHERE {where} ORDER BY indicator, period_end, period, forecast",
        [parameter],
    )


def series_as_of(source: Source, indicator_ids: Sequence[str], issue_key: str) -> pd.DataFrame:
    """The series as it stood when issue_key came out: the current view's rule applied to
    that issue and the issues before it (ISSUE_ORDER). SERIES_COLUMNS (revision_count and
    disagrees among the issues known then) plus AS_OF_COLUMNS: the value the current view
    holds now and revised_later, true when a later issue changed it. No rows when issue_key
    is not stored."""
    return frame(
        source,
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
    source: Source, indicator_ids: Sequence[str], as_of: str | None = None
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
    return frame(
        source,
        f"""WITH issue_newness AS ({_ISSUE_NEWNESS}),
        known AS (
            SELECT o.*, i.published, i.issue_label, i.total_number AS issue_total_number,
                n.newness,
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
    source: Source,
    indicator_ids: Sequence[str],
    periods: Sequence[str] | None = None,
    as_of: str | None = None,
) -> pd.DataFrame:
    """The earlier values the current ones revised (loaders.vocab.revisions): for each current key
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
    return frame(
        source,
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


COVERAGE_COLUMNS = ("points", "first_period", "last_period", "last_issue")


# How much data an indicator has, counted per indicator before any join with the catalog:
# grouping joined rows by every catalog column took three times as long at 1e6.
# The latest period is the overview's (loaders.series.comparable.latest_cards): of the periods ending
# last, the kind loaders.vocab.periods.HEADLINE_KINDS (the first parameter) puts first; 2016/2020
# ends with 2020 and is not the latest.
_COVERAGE_STATS = """
    SELECT indicator, count(*) AS points,
        arg_min(period, period_end) AS first_period,
        arg_max(period, struct_pack(
            e := period_end, r := -coalesce(list_position(?, period_kind), 99)
        )) AS last_period,
        arg_max(issue_key, published) AS last_issue
    FROM current_points {where} GROUP BY indicator"""


def points_besides(
    source: Source, indicator_ids: Sequence[str], issue_key: str
) -> list[tuple[str, str, float, str, bool]]:
    """(indicator, period, value, qualifier, forecast) of the current points of these series
    that another issue than issue_key states: what a new issue's values are checked against."""
    with reading(source) as cur:
        return cur.execute(
            "SELECT indicator, period, value, qualifier, forecast FROM current_points "
            "WHERE list_contains(?, indicator) AND issue_key <> ? ORDER BY indicator, period_end",
            [list(indicator_ids), issue_key],
        ).fetchall()


def coverage(source: Source) -> pd.DataFrame:
    """Every catalog indicator with how many current points it has (zero when none)."""
    return frame(
        source,
        f"""WITH per_indicator AS ({_COVERAGE_STATS.format(where="")})
        SELECT ind.id, ind.name_zh, ind.name_en, ind.category, ind.unit, ind.kind,
            ind.measure, ind.description, coalesce(c.points, 0) AS points,
            c.first_period, c.last_period, c.last_issue
        FROM indicators ind LEFT JOIN per_indicator c ON c.indicator = ind.id
        WHERE NOT coalesce(ind.retired, false)
        ORDER BY ind.position""",
        [list(HEADLINE_KINDS)],
    )


def coverage_of(source: Source, indicator_ids: Sequence[str]) -> dict[str, tuple]:
    """coverage()'s COVERAGE_COLUMNS of these indicators, by indicator; an indicator with
    no points is missing (a cache keyed on series versions rebuilds only the series a commit
    changed)."""
    with reading(source) as cur:
        rows = cur.execute(
            _COVERAGE_STATS.format(where="WHERE list_contains(?, indicator)"),
            [list(HEADLINE_KINDS), list(indicator_ids)],
        ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}
