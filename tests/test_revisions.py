"""One meaning of "revision" (loaders.vocab.revisions) in the plan, the counts, the vintages and
the API: another value than the issue before stated, beyond the one tolerance."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from loaders.services.ingest import ingest
from loaders.services.series import SeriesRequest, read_series
from loaders.store import open_store, queries
from loaders.store.current_points import values_differ
from loaders.vocab.revisions import VALUE_TOLERANCE, different_statement, same_value
from tests.support.builders import CATALOG
from tests.support.store import extraction, obs

ID = "logistics_total"


def _issue(number: int, month: int, value: float, high: float | None = None):
    point = obs(ID, "2021-Q1", value, unit="万亿元", value_high=high)
    return extraction(number, date(2021, month, 1), [point], salt=f"{value}-{high}")


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "revisions.duckdb") as opened:
        yield opened


PAIRS = [
    (12000.0, None, 12000.000000000002, None),  # conversion noise
    (69.9, None, 70.1, None),
    (0.0, None, 1e-12, None),  # below 1: measured against 1
    (0.0, None, 1e-6, None),
    (1.0, 2.0, 1.0, None),  # a range against its low end alone
    (1.0, 2.0, 1.0, 2.0),
    (1.0, 1.0, 1.0, None),  # a range of one value is that value
    (-5.0, None, 5.0, None),
    (1e12, None, 1e12 * (1 + VALUE_TOLERANCE / 2), None),
    (1e12, None, 1e12 * (1 + VALUE_TOLERANCE * 2), None),
]


def test_the_sql_form_of_the_rule_agrees_with_the_python_one() -> None:
    with duckdb.connect() as con:
        for pair in PAIRS:
            (in_sql,) = con.execute(
                f"SELECT {values_differ('a', 'ah', 'b', 'bh')} "
                "FROM (VALUES (?::DOUBLE, ?::DOUBLE, ?::DOUBLE, ?::DOUBLE)) t(a, ah, b, bh)",
                list(pair),
            ).fetchone()
            assert bool(in_sql) == different_statement(*pair), pair
    assert same_value(12000.0, 12000.000000000002) and not same_value(69.9, 70.1)


def test_a_same_value_restatement_is_no_revision_anywhere(store) -> None:
    ingest(store, _issue(15, 4, 69.9), CATALOG, actor="t")
    # The unit conversion's float noise is the same value.
    plan = ingest(store, _issue(29, 8, 69.9 * (1 + VALUE_TOLERANCE / 10)), CATALOG, actor="t")
    assert (plan.revised, plan.unchanged_points) == ([], 1)
    now = queries.series(store, [ID])
    assert (int(now["revision_count"].iloc[0]), bool(now["disagrees"].iloc[0])) == (0, False)
    assert queries.revised_statements(store, [ID]).empty
    then = read_series(store, SeriesRequest(indicators=(ID,), as_of="2021-15")).export()
    assert then["revised_later"].tolist() == [False]


def test_each_revision_is_counted_against_the_issue_before(store) -> None:
    # 69.9, 70.1 (revised), 70.1 (restated), 69.9 (revised back): two revisions.
    for number, month, value in ((15, 4, 69.9), (29, 8, 70.1), (30, 9, 70.1)):
        ingest(store, _issue(number, month, value), CATALOG, actor="t")
    plan = ingest(store, _issue(40, 11, 69.9), CATALOG, actor="t")
    assert [(r.old_value, r.new_value, r.old_issue) for r in plan.revised] == [
        (70.1, 69.9, "2021-30")
    ]
    now = queries.series(store, [ID])
    assert (int(now["revision_count"].iloc[0]), bool(now["disagrees"].iloc[0])) == (2, True)
    # What the current 69.9 revised: the 70.1 of 29 and 30, not 15's equal 69.9.
    revised = queries.revised_statements(store, [ID])
    assert revised[["issue_key", "value"]].values.tolist() == [["2021-30", 70.1], ["2021-29", 70.1]]
    # As of 15 the value then is the value now: not revised later (ALFRED: what changed).
    then = read_series(store, SeriesRequest(indicators=(ID,), as_of="2021-15")).export()
    assert then["revised_later"].tolist() == [False]
    as_of_29 = read_series(store, SeriesRequest(indicators=(ID,), as_of="2021-29")).export()
    assert as_of_29["revised_later"].tolist() == [True]


def test_a_range_with_another_top_is_a_revision(store) -> None:
    ingest(store, _issue(15, 4, 1.0, 2.0), CATALOG, actor="t")
    plan = ingest(store, _issue(29, 8, 1.0, 3.0), CATALOG, actor="t")
    assert len(plan.revised) == 1
    assert int(queries.series(store, [ID])["revision_count"].iloc[0]) == 1


def test_an_issue_filed_late_is_planned_against_the_issue_before_it(store) -> None:
    ingest(store, _issue(29, 8, 70.1), CATALOG, actor="t")
    # 15 came out before 29: nothing was stated before it, so its point is new, and 29's
    # 70.1 becomes the revision of it.
    backfill = ingest(store, _issue(15, 4, 69.9), CATALOG, actor="t")
    assert (backfill.new_points, backfill.revised) == (1, [])
    assert int(queries.series(store, [ID])["revision_count"].iloc[0]) == 1
    between = ingest(store, _issue(20, 6, 69.9), CATALOG, actor="t")
    assert (between.unchanged_points, between.revised) == (1, [])
