"""Which statement is current, in SQL: the order of issues, when two statements state another
figure, and the select that keeps the table current_points (and the `current` view over it).

Every read and write that ranks statements takes its SQL from here (loaders.store.writes
refreshes current_points with it, loaders.store.queries reads as of a vintage with it), so
the rule is written once.
"""

from __future__ import annotations

from loaders.vocab.revisions import VALUE_TOLERANCE

# Which issue is newer: the later published, then the higher year and number (issues `i`).
# As-of reads (what was known at an issue) cut the issues in this order.
ISSUE_ORDER = "i.published DESC, i.year DESC, i.number DESC"
# Which issue speaks last about a figure: ISSUE_ORDER, then within one issue its first
# statement. current_points, its as-of form (current_select) and the ingest plan
# (loaders.store.queries.earlier_statements) all rank by this, and nothing else does.
ISSUE_RECENCY = f"{ISSUE_ORDER}, o.seq"


def values_differ(value: str, high: str, other_value: str, other_high: str) -> str:
    """SQL true when two statements state another figure: loaders.vocab.revisions'
    different_statement (VALUE_TOLERANCE) over four SQL expressions, the values and the
    tops of their ranges (NULL: a single value)."""
    top, other_top = f"coalesce({high}, {value})", f"coalesce({other_high}, {other_value})"
    return (
        f"(abs({value} - {other_value}) > {VALUE_TOLERANCE} * "
        f"greatest(abs({value}), abs({other_value}), 1.0) OR abs({top} - {other_top}) > "
        f"{VALUE_TOLERANCE} * greatest(abs({top}), abs({other_top}), 1.0))"
    )


# Each (indicator, period, forecast) takes the statement of the latest issue (ISSUE_RECENCY).
# revision_count is how many issues' statements revised the point (loaders.vocab.revisions: each
# issue's first statement against the one of the issue before it), disagrees whether any
# did. The result is kept in the table current_points, refreshed by every write for the
# keys it touches (loaders.store.writes.refresh_current), so reading a series is a plain
# scan. {where} narrows the statements ranked (a write's indicators and periods).
# Inside, `i` is each issue's first statement of a key with its issue's columns under their
# own names (published, year, number), so ISSUE_ORDER ranks the statements newest first and
# lead() over that order is the statement of the issue before.
_REVISES = values_differ("i.value", "i.value_high", "i.earlier_value", "i.earlier_high")
# {columns} are the stored columns after origin: current_points gains a column by a
# migration (ALTER TABLE adds it at the end), and migrations 3 and 8 built the table without
# the later ones (POINT_COLUMNS_ADDED).
_CURRENT_POINTS_TEMPLATE = f"""
    SELECT indicator, period, forecast, unit, period_kind, period_start, period_end, value,
        value_high, qualifier, derived, issue_key, issue_label, published, article, editor,
        quote, period_text, figure_text,
        CAST(revision_count AS INTEGER) AS revision_count, revision_count > 0 AS disagrees,
        year AS issue_year, number AS issue_number, article_index, span_start, span_end, seq,
        origin{{columns}}
    FROM (
        SELECT i.*, sum(CASE WHEN i.earlier_value IS NOT NULL AND {_REVISES} THEN 1 ELSE 0 END)
            OVER (PARTITION BY i.indicator, i.period, i.forecast) AS revision_count
        FROM (
            SELECT i.*, row_number() OVER newest_first AS rank_in_key,
                lead(i.value) OVER newest_first AS earlier_value,
                lead(i.value_high) OVER newest_first AS earlier_high
            FROM (
                SELECT o.*, i.published, i.year, i.number, i.issue_label
                FROM observations o JOIN issues i ON i.issue_key = o.issue_key
                {{where}}
                QUALIFY row_number() OVER (
                    PARTITION BY o.indicator, o.period, o.forecast, o.issue_key
                    ORDER BY o.seq) = 1) i
            WINDOW newest_first AS (PARTITION BY i.indicator, i.period, i.forecast
                ORDER BY {ISSUE_ORDER})) i
        QUALIFY i.rank_in_key = 1)"""
# The columns migrations added to current_points after the table was made (schema 3), in
# the order they were added.
POINT_COLUMNS_ADDED = ("source_org",)
CURRENT_POINTS_SELECT = _CURRENT_POINTS_TEMPLATE.replace(
    "{columns}", "".join(f", {column}" for column in POINT_COLUMNS_ADDED)
)
# current_points as migrations 3 and 8 made it, before any column was added.
FIRST_POINTS_SELECT = _CURRENT_POINTS_TEMPLATE.replace("{columns}", "")

# The current view's columns over a table of current points ({points}) with the catalog's
# names: the view reads current_points, an as-of read (current_select) the same rule
# computed over the issues known then.
_CURRENT_WITH_NAMES = """
    SELECT c.indicator, ind.name_zh, ind.name_en, ind.category, c.unit,
        c.period, c.period_kind, c.period_start, c.period_end,
        c.value, c.value_high, c.qualifier, c.forecast, c.derived,
        c.issue_key, c.issue_label, c.published, c.article, c.editor, c.quote,
        c.period_text, c.figure_text, c.revision_count, c.disagrees,
        c.issue_year, c.issue_number, c.article_index, c.span_start, c.span_end, c.seq,
        c.origin, ind.position AS indicator_position, c.source_org,
        iss.total_number AS issue_total_number
    FROM {points} c LEFT JOIN indicators ind ON ind.id = c.indicator
        LEFT JOIN issues iss ON iss.issue_key = c.issue_key"""

VIEWS = {
    "current": "CREATE OR REPLACE VIEW current AS"
    + _CURRENT_WITH_NAMES.format(points="current_points"),
}


def current_select(where: str) -> str:
    """The `current` view's rows computed afresh from the statements `where` keeps (SQL on
    `o` and `i` starting with WHERE, values as ? parameters): an as-of read passes the
    issues published up to a vintage, so what was known then is ranked by the same rule."""
    return _CURRENT_WITH_NAMES.format(points=f"({CURRENT_POINTS_SELECT.format(where=where)})")
