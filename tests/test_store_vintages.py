"""Vintages in the store: the series as an earlier issue left it, every issue's statement, the
issue in force on a date, and the data state behind the API's ETag."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from loaders.services.ingest import ingest
from loaders.store import open_store, queries
from tests.support.builders import CATALOG
from tests.support.store import extraction, obs

IDS = ["logistics_total", "logistics_total_yoy"]

# Three issues about logistics_total 2021-Q1: 69.9, then 70.1 (a revision), then 70.1 again
# (a restatement). Issue 30 appears the same day as 29 and only adds a yoy point.
ISSUE_15 = extraction(
    15,
    date(2021, 4, 26),
    [
        obs("logistics_total", "2021-Q1", 69.9, unit="万亿元"),
        obs("logistics_total_yoy", "2021-Q1", 24.2),
    ],
)
ISSUE_29 = extraction(
    29,
    date(2021, 8, 30),
    [
        obs("logistics_total", "2021-Q1", 70.1, unit="万亿元", quote="修订为 70.1"),
        # A second statement of the same point in one issue: only the first counts.
        obs("logistics_total", "2021-Q1", 99.0, unit="万亿元", quote="另一句 99"),
        obs("logistics_total_yoy", "2021-H1", 15.7),
    ],
)
ISSUE_30 = extraction(30, date(2021, 8, 30), [obs("logistics_total_yoy", "2021-Q2", 9.1)])
ISSUE_40 = extraction(
    40, date(2021, 11, 1), [obs("logistics_total", "2021-Q1", 70.1, unit="万亿元")]
)


# The tests of this module only read it: one store for all of them keeps the suite fast.
@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    with open_store(tmp_path_factory.mktemp("vintages") / "vintages.duckdb") as opened:
        for issue in (ISSUE_15, ISSUE_29, ISSUE_30, ISSUE_40):
            ingest(opened, issue, CATALOG, actor="test")
        yield opened


def _points(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    rows = frame.loc[:, ["indicator", "period", *columns]].to_numpy(dtype=object)
    return [tuple(None if pd.isna(cell) else cell for cell in row) for row in rows]


def test_as_of_the_newest_issue_is_the_current_view(store) -> None:
    as_of = queries.series_as_of(store, IDS, "2021-40")
    current = queries.series(store, IDS)
    pd.testing.assert_frame_equal(as_of.loc[:, list(queries.SERIES_COLUMNS)], current)
    assert not as_of["revised_later"].any()


def test_as_of_an_early_issue_shows_what_it_said_and_marks_later_revisions(store) -> None:
    then = queries.series_as_of(store, IDS, "2021-15")
    assert _points(then, "value", "issue_key", "current_value", "revised_later") == [
        ("logistics_total", "2021-Q1", 69.9, "2021-15", 70.1, True),
        ("logistics_total_yoy", "2021-Q1", 24.2, "2021-15", 24.2, False),
    ]
    # Revision counts are among the issues known then: nobody had revised anything yet.
    assert then["revision_count"].tolist() == [0, 0]


def test_a_restatement_with_the_same_value_is_not_a_revision(store) -> None:
    then = queries.series_as_of(store, IDS, "2021-29")
    q1 = then[then["period"] == "2021-Q1"].set_index("indicator")
    assert q1.loc["logistics_total", "value"] == 70.1
    assert q1.loc["logistics_total", "current_issue_key"] == "2021-40"
    assert not q1.loc["logistics_total", "revised_later"]


def test_issues_published_the_same_day_are_ordered_by_number(store) -> None:
    # 2021-29 and 2021-30 share a date; as of 29, 30's point was not known yet.
    assert "2021-Q2" not in set(queries.series_as_of(store, IDS, "2021-29")["period"])
    assert "2021-Q2" in set(queries.series_as_of(store, IDS, "2021-30")["period"])
    assert queries.issue_on_or_before(store, date(2021, 8, 30)).issue_key == "2021-30"


def test_the_issue_in_force_on_a_date(store) -> None:
    assert queries.issue_on_or_before(store, date(2021, 4, 25)) is None
    assert queries.issue_on_or_before(store, date(2021, 4, 26)) == queries.IssueRef(
        "2021-15", "2021 年第 15 期", date(2021, 4, 26)
    )
    assert queries.issue_on_or_before(store, date(2021, 10, 31)).issue_key == "2021-30"
    assert queries.issue_on_or_before(store, date(2030, 1, 1)).issue_key == "2021-40"
    assert queries.issue_ref(store, "2021-99") is None


def test_as_of_an_unknown_issue_has_no_rows(store) -> None:
    assert queries.series_as_of(store, IDS, "2021-99").empty


def test_statements_list_every_issue_with_the_issue_that_superseded_it(store) -> None:
    stated = queries.statements(store, ["logistics_total"])
    assert list(stated.columns) == list(queries.STATEMENT_COLUMNS)
    assert _points(stated, "value", "issue_key", "superseded_by", "quote") == [
        (
            "logistics_total",
            "2021-Q1",
            69.9,
            "2021-15",
            "2021-29",
            "logistics_total 2021-Q1 为 69.9",
        ),
        ("logistics_total", "2021-Q1", 70.1, "2021-29", "2021-40", "修订为 70.1"),
        ("logistics_total", "2021-Q1", 70.1, "2021-40", None, "logistics_total 2021-Q1 为 70.1"),
    ]
    assert pd.Timestamp(stated["superseded_on"].iloc[0]).date() == date(2021, 8, 30)
    assert pd.isna(stated["superseded_on"].iloc[2])


def test_statements_as_of_an_issue_stop_there(store) -> None:
    stated = queries.statements(store, ["logistics_total"], as_of="2021-29")
    assert _points(stated, "issue_key", "superseded_by") == [
        ("logistics_total", "2021-Q1", "2021-15", "2021-29"),
        ("logistics_total", "2021-Q1", "2021-29", None),
    ]


def test_revised_statements_as_of_are_the_values_that_vintage_revised(store) -> None:
    assert queries.revised_statements(store, ["logistics_total"], as_of="2021-15").empty
    earlier = queries.revised_statements(store, ["logistics_total"], as_of="2021-29")
    assert earlier[["issue_key", "value"]].values.tolist() == [["2021-15", 69.9]]
    # Now 2021-40 stands with 70.1: 29 said the same (its first sentence speaks for it, the
    # 99 of its second is not its statement), so only 15's 69.9 was revised.
    now = queries.revised_statements(store, ["logistics_total"])
    assert now[["issue_key", "value"]].values.tolist() == [["2021-15", 69.9]]


def test_revision_counts_are_revisions_among_the_issues_known(store) -> None:
    # 69.9, then 70.1 (a revision), then 70.1 again (a restatement): one revision.
    now = queries.series(store, ["logistics_total"]).set_index("period").loc["2021-Q1"]
    assert (now["revision_count"], bool(now["disagrees"])) == (1, True)
    then = queries.series_as_of(store, ["logistics_total"], "2021-29").set_index("period")
    assert then.loc["2021-Q1", "revision_count"] == 1


def test_data_state_moves_with_every_write(tmp_path: Path) -> None:
    with open_store(tmp_path / "state.duckdb") as store:
        before = queries.data_state(store)
        ingest(store, ISSUE_15, CATALOG, actor="test")
        after = queries.data_state(store)
    assert after.version > before.version
    assert isinstance(after.changed_at, datetime)
    assert before.changed_at is None or after.changed_at > before.changed_at


def test_data_state_of_a_file_written_before_the_timestamp_falls_back_to_the_last_write(
    tmp_path: Path,
) -> None:
    with open_store(tmp_path / "old.duckdb") as store:
        ingest(store, ISSUE_15, CATALOG, actor="test")
        # A write by a release before data_changed_at: the version moves (so readers see
        # the new copy), no timestamp is recorded.
        with store.transaction("write as an older release") as cur:
            cur.execute("DELETE FROM meta WHERE key = 'data_changed_at'")
            cur.execute(
                "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
                "WHERE key IN ('data_version', 'write_version')"
            )
        last_write = max(
            queries.audit_log(store)["at"].max(), queries.issues(store)["ingested_at"].max()
        )
        assert queries.data_state(store).changed_at == last_write
