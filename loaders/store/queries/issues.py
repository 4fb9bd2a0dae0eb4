"""Issues: the list and the selectors' choices, one issue's text, figures and unassigned
figures, the work queue of unassigned figures; what an ingest plan reads about an issue (its
stored version, its statements, the statements of the issues before it); and what a
re-mapping reads (every issue's text, the figures editors made)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from loaders.store.current_points import ISSUE_ORDER, ISSUE_RECENCY
from loaders.store.queries.results import Source, frame, reading, result_frame


@dataclass(frozen=True)
class IssueRef:
    """An issue named as a vintage: its key, label and publication date."""

    issue_key: str
    issue_label: str
    published: date


def issue_ref(source: Source, issue_key: str) -> IssueRef | None:
    """The stored issue with this key, or None."""
    with reading(source) as cur:
        rows = cur.execute(
            "SELECT issue_key, issue_label, published FROM issues WHERE issue_key = ?",
            [issue_key],
        ).fetchall()
    return IssueRef(*rows[0]) if rows else None


def issue_on_or_before(source: Source, day: date) -> IssueRef | None:
    """The latest issue (ISSUE_ORDER) published on or before day; None when none was."""
    with reading(source) as cur:
        rows = cur.execute(
            "SELECT i.issue_key, i.issue_label, i.published FROM issues i "
            f"WHERE i.published <= ? ORDER BY {ISSUE_ORDER} LIMIT 1",
            [day],
        ).fetchall()
    return IssueRef(*rows[0]) if rows else None


def issues(source: Source) -> pd.DataFrame:
    """Every stored issue, newest first, with its article, figure and unassigned counts."""
    return frame(
        source,
        f"""SELECT i.issue_key, i.title, i.year, i.number, i.total_number, i.published,
            i.issue_label, i.source_name, i.sha256, i.ingested_at, i.committed_via,
            (SELECT count(*) FROM articles a WHERE a.issue_key = i.issue_key) AS article_count,
            (SELECT count(*) FROM observations o WHERE o.issue_key = i.issue_key) AS figure_count,
            (SELECT count(*) FROM unassigned u WHERE u.issue_key = i.issue_key) AS unassigned_count
        FROM issues i ORDER BY {ISSUE_ORDER}""",
    )


def issue_choices(source: Source, year: int | None = None) -> dict[str, str]:
    """Every stored issue's key (of that year, when given) -> "2021 年第 15 期（2021-09-13）",
    newest first, for the selectors that pick one. Built in SQL: formatting 20,000 dates in
    pandas took longer than the query."""
    where, params = ("WHERE i.year = ?", [year]) if year is not None else ("", [])
    with reading(source) as cur:
        rows = cur.execute(
            "SELECT i.issue_key, i.issue_label || '（' || strftime(i.published, '%Y-%m-%d') "
            f"|| '）' FROM issues i {where} ORDER BY {ISSUE_ORDER}",
            params,
        ).fetchall()
    return dict(rows)


def issue_years(source: Source) -> list[int]:
    """The years that have stored issues, newest first."""
    with reading(source) as cur:
        rows = cur.execute("SELECT DISTINCT year FROM issues ORDER BY year DESC").fetchall()
    return [int(row[0]) for row in rows]


def issue(source: Source, issue_key: str) -> dict | None:
    """One issue's header fields, source file, sha256 and cleaned text; None if not stored."""
    with reading(source) as cur:
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


def articles(source: Source, issue_key: str) -> pd.DataFrame:
    """article_index, title, editor, text, start, end of one issue."""
    return frame(
        source,
        'SELECT article_index, title, editor, text, start_offset AS "start", end_offset AS "end" '
        "FROM articles WHERE issue_key = ? ORDER BY article_index",
        [issue_key],
    )


def observations_for_issue(source: Source, issue_key: str) -> pd.DataFrame:
    """Every figure one issue states, with the indicator's Chinese name, in text order."""
    return frame(
        source,
        """SELECT o.indicator, ind.name_zh, o.period, o.period_kind, o.period_start, o.period_end,
            o.value, o.value_high, o.unit, o.qualifier, o.forecast, o.derived, o.figure_text,
            o.period_text, o.quote, o.span_start, o.span_end, o.figure_start, o.article_index,
            o.article, o.editor, o.origin, o.issue_key, o.seq, o.source_org
        FROM observations o LEFT JOIN indicators ind ON ind.id = o.indicator
        WHERE o.issue_key = ? ORDER BY o.seq""",
        [issue_key],
    )


def unassigned_for_issue(source: Source, issue_key: str) -> pd.DataFrame:
    """The figures of one issue that no indicator claimed, in text order."""
    return frame(
        source,
        """SELECT value, value_high, unit, qualifier, forecast, period, period_kind, period_start,
            period_end, figure_text, period_text, subject, quote, span_start, span_end,
            figure_start, article_index, article, editor, issue_key, seq, suggested_indicator,
            suggested_period
        FROM unassigned WHERE issue_key = ? ORDER BY seq""",
        [issue_key],
    )


def issue_labels(source: Source) -> dict[str, str]:
    """issue_key -> 2021 年第 15 期, for every stored issue."""
    with reading(source) as cur:
        return dict(cur.execute("SELECT issue_key, issue_label FROM issues").fetchall())


def unassigned_all(source: Source, limit: int = 5000) -> pd.DataFrame:
    """Unassigned figures across every issue, newest issues first: the work queue."""
    return frame(
        source,
        """SELECT u.issue_key, i.issue_label, i.published, u.seq, u.value, u.value_high, u.unit,
            u.qualifier, u.forecast, u.period, u.figure_text, u.subject, u.quote, u.article,
            u.suggested_indicator, u.suggested_period
        FROM unassigned u JOIN issues i ON i.issue_key = u.issue_key
        ORDER BY i.published DESC, i.year DESC, i.number DESC, u.seq LIMIT ?""",
        [limit],
    )


def unassigned_row(source: Source, issue_key: str, seq: int) -> dict | None:
    with reading(source) as cur:
        cur.execute("SELECT * FROM unassigned WHERE issue_key = ? AND seq = ?", [issue_key, seq])
        rows = cur.fetchall()
        if not rows:
            return None
        return dict(zip([d[0] for d in cur.description], rows[0], strict=True))


def next_observation_seq(source: Source, issue_key: str) -> int:
    with reading(source) as cur:
        return cur.execute(
            "SELECT coalesce(max(seq), -1) + 1 FROM observations WHERE issue_key = ?", [issue_key]
        ).fetchall()[0][0]


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


def stored_issue(source: Source, issue_key: str) -> StoredIssue | None:
    with reading(source) as cur:
        rows = cur.execute(
            "SELECT issue_key, sha256, committed_via FROM issues WHERE issue_key = ?", [issue_key]
        ).fetchall()
        return StoredIssue(*rows[0]) if rows else None


def last_issue_action(source: Source, issue_key: str) -> str | None:
    """The last audit action that stored or removed this issue: ingest, replace, retract."""
    with reading(source) as cur:
        rows = cur.execute(
            "SELECT action FROM audit_log WHERE issue_key = ? "
            "AND action IN ('ingest', 'replace', 'retract') ORDER BY id DESC LIMIT 1",
            [issue_key],
        ).fetchall()
        return rows[0][0] if rows else None


def issue_statements(source: Source, issue_key: str) -> list[StoredStatement]:
    """Everything one stored issue says, in its own order."""
    with reading(source) as cur:
        rows = cur.execute(
            "SELECT indicator, period, forecast, value, value_high, issue_key FROM observations "
            "WHERE issue_key = ? ORDER BY seq",
            [issue_key],
        ).fetchall()
        return [StoredStatement(*row) for row in rows]


def earlier_statements(
    source: Source,
    indicators: Sequence[str],
    periods: Sequence[str],
    issue: IssuePlace,
) -> list[StoredStatement]:
    """For each key among these indicators and periods, the statement of the latest issue
    before `issue` (the one being stored) in ISSUE_ORDER, ranked by ISSUE_RECENCY: the one a
    statement of `issue` would revise (loaders.vocab.revisions)."""
    with reading(source) as cur:
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


@dataclass(frozen=True)
class IssueText:
    """What re-mapping an issue under a new catalog reads: its header and articles."""

    issue_key: str
    header: dict
    articles: list[dict]


def issue_texts(source: Source) -> list[IssueText]:
    """Every stored issue that has text (a figures table has none), with its articles."""
    with reading(source) as cur:
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


def editor_figures(source: Source, issue_keys: Sequence[str]) -> pd.DataFrame:
    """The observations of these issues that an editor reviewed or typed in (all columns)."""
    with reading(source) as cur:
        cur.execute(
            "SELECT * FROM observations WHERE list_contains(?, issue_key) "
            "AND coalesce(origin, 'extracted') <> 'extracted' ORDER BY issue_key, seq",
            [list(issue_keys)],
        )
        return result_frame(cur)


def figures_of(source: Source, issue_keys: Sequence[str]) -> pd.DataFrame:
    """Observations of these issues: issue_key, indicator, period, forecast, value, unit, origin,
    span_start, figure_start, figure_text, quote (what a re-mapping preview compares)."""
    with reading(source) as cur:
        cur.execute(
            "SELECT issue_key, indicator, period, forecast, value, unit, origin, span_start, figure_start, "
            "figure_text, quote FROM observations WHERE list_contains(?, issue_key)",
            [list(issue_keys)],
        )
        return result_frame(cur)
