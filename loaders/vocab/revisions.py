"""What a revision is, decided here once.

A point is an (indicator, period, forecast) key. Each issue that states a point speaks for
it once, with its first statement of it (an issue may quote a figure twice). A statement
*revises* the point when an earlier issue stated it (ISSUE_ORDER: the later published, then
the higher year and number) and the statement of the latest such issue has another value:
the values, or the tops of their ranges, differ by more than VALUE_TOLERANCE. A restatement
of the same value is no revision.

Everything that speaks of revisions applies this rule and no other:
- the ingest plan (loaders.services.ingest_plan.plan_ingest): which points of an incoming issue
  revise an earlier issue, and which a replacement changes;
- the store's counts (loaders.store.current_points: `revision_count`, how many statements revised
  the point, and `disagrees`, at least one did), through `values_differ`, this rule in SQL;
- the vintages (loaders.store.queries): `revised_later` (the point's value now differs
  from the one read as of an issue) and `revised_statements` (the earlier statements whose
  value the current one revised), and so the API's as_of columns and the Trends page;
- what changed since a moment (loaders.store.changes, loaders.services.changes: the
  overview's digest, GET /api/v1/changes, the feeds, the mails): a point is revised when its
  current statement differs by this rule from the one current before, and a write's new
  disagreement is a statement that revision_count now counts.
"""

from __future__ import annotations

# Two values of one figure are the same when they differ by at most this share of the larger
# (or of 1, for figures below 1): converting units (万亿元 -> 亿元) leaves float noise on
# equal figures (12000.000000000002), which is no revision.
VALUE_TOLERANCE = 1e-9


def same_value(a: float, b: float) -> bool:
    """Whether two values are one figure (VALUE_TOLERANCE)."""
    return abs(a - b) <= VALUE_TOLERANCE * max(abs(a), abs(b), 1.0)


def different_statement(
    value: float, value_high: float | None, other_value: float, other_high: float | None
) -> bool:
    """Whether two statements of a point state another figure: the values, or the tops of
    their ranges (a single value is its own top), are not the same value."""
    high = value if value_high is None else value_high
    other = other_value if other_high is None else other_high
    return not (same_value(value, other_value) and same_value(high, other))
