"""What changed since a moment (loaders.services.changes): the digest is complete on the
fixtures, lists no unchanged point, and every line carries both sentences and both issues.

The story: 2021-15 is stored (the reader's last visit), then 2021-29 (it revises the 2021-Q1
logistics total and adds three points), then a corrected 2021-15 (物流业总收入 约 2.7 -> 约 2.9
万亿元; the L2 forecast dropped; 2021-Q1 logistics total 75.0 -> 74.0, which changes nothing
current: 2021-29 still speaks last), then a backfilled older issue that disagrees.
"""

from __future__ import annotations

import pytest

from loaders.services import changes
from loaders.services.ingest import Overwrite, ingest, retract
from loaders.services.series import SeriesRequestError, UnknownIssue
from loaders.store import changes as log
from loaders.store import open_store
from tests.support.builders import CATALOG, issue_2021_15, issue_2021_29
from tests.support.changes import NEW_REVENUE, OLD_REVENUE, backfilled_2021_10, corrected_2021_15


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "changes.duckdb") as opened:
        ingest(opened, issue_2021_15(), CATALOG, actor="test")
        ingest(opened, issue_2021_29(), CATALOG, actor="test")
        ingest(opened, corrected_2021_15(), CATALOG, actor="test", overwrite=Overwrite.ALWAYS)
        yield opened


def _lines(result):
    return {(c.indicator, c.period, c.kind) for c in result.points}


def test_since_the_first_issue_every_new_and_revised_point_with_both_quotes(store) -> None:
    since = changes.resolve_since(store, "2021-15")
    result = changes.digest(store, since)

    assert _lines(result) == {
        ("logistics_total", "2021-Q1", "revised"),
        ("logistics_total", "2021-01/2021-06", "new"),
        ("logistics_total_yoy", "2021-01/2021-06", "new"),
        ("logistics_total", "2020", "new"),
        ("logistics_revenue", "2021-Q1", "corrected"),
        ("l2_penetration", "2025", "removed"),
    }
    by_key = {(c.indicator, c.period): c for c in result.points}
    revised = by_key[("logistics_total", "2021-Q1")]
    assert (revised.old.value, revised.old.issue_key) == (75.0, "2021-15")
    assert (revised.new.value, revised.new.issue_key) == (75.1, "2021-29")
    assert "75.0 万亿元" in revised.old.quote and "修订为 75.1 万亿元" in revised.new.quote
    assert revised.old.issue_label == "2021 年第 15 期"
    corrected = by_key[("logistics_revenue", "2021-Q1")]
    assert (corrected.old.quote, corrected.new.quote) == (OLD_REVENUE, NEW_REVENUE)
    assert corrected.old.issue_key == corrected.new.issue_key == "2021-15"
    new = by_key[("logistics_total", "2020")]
    assert new.old is None and new.new.quote == "2020 年全国社会物流总额 300.1 万亿元。"
    removed = by_key[("l2_penetration", "2025")]
    assert removed.new is None and "50%" in removed.old.quote
    # The issues the window stored, newest first, with their counts.
    assert list(result.commits["issue_key"]) == ["2021-15", "2021-29"]
    assert list(result.commits["action"]) == ["replace", "ingest"]


def test_no_unchanged_point_is_listed(store) -> None:
    result = changes.digest(store, changes.resolve_since(store, "2021-15"))
    listed = {(c.indicator, c.period) for c in result.points}
    # Stated by 2021-15 in both versions with the same values, or restated alike.
    for unchanged in (
        ("telecom_ma_value", "2020"),
        ("telecom_ma_value", "2019"),
        ("telecom_ma_deals", "2020"),
        ("logistics_total_yoy", "2021-Q1"),
    ):
        assert unchanged not in listed


def test_from_the_start_each_point_is_new_with_its_value_now(store) -> None:
    result = changes.digest(store, changes.Since(0, "全部"))
    assert {c.kind for c in result.points} == {"new"}
    by_key = {(c.indicator, c.period): c for c in result.points}
    assert by_key[("logistics_total", "2021-Q1")].new.value == 75.1
    assert by_key[("logistics_revenue", "2021-Q1")].new.quote == NEW_REVENUE
    # Added and removed within the window: nothing to say.
    assert ("l2_penetration", "2025") not in by_key


def test_a_value_that_comes_back_is_no_change(store) -> None:
    since = changes.Since(changes.latest_changeset(store), "now")
    ingest(store, issue_2021_15(), CATALOG, actor="test", overwrite=Overwrite.ALWAYS)
    # The first version back: revenue 2.9 -> 2.7 corrected, L2 new again.
    assert _lines(changes.digest(store, since)) == {
        ("logistics_revenue", "2021-Q1", "corrected"),
        ("l2_penetration", "2025", "new"),
    }
    ingest(store, corrected_2021_15(), CATALOG, actor="test", overwrite=Overwrite.ALWAYS)
    # And the correction again: as it was at `since`.
    assert changes.digest(store, since).points == []


def test_a_backfilled_issue_that_disagrees_is_a_new_disagreement(store) -> None:
    since = changes.Since(changes.latest_changeset(store), "now")
    ingest(store, backfilled_2021_10(), CATALOG, actor="test")
    result = changes.digest(store, since)
    [line] = result.points
    assert (line.kind, line.indicator, line.period) == (
        "disagreement",
        "logistics_revenue",
        "2021-Q1",
    )
    assert (line.new.issue_key, line.new.quote) == ("2021-15", NEW_REVENUE)
    assert (line.old.issue_key, line.old.value) == ("2021-10", 2.5)
    assert "预计 2.5 万亿元" in line.old.quote


def test_a_retracted_issue_revises_back_or_removes(store) -> None:
    since = changes.Since(changes.latest_changeset(store), "now")
    retract(store, "2021-29", role="editor", actor="test")
    lines = {(c.indicator, c.period): c for c in changes.digest(store, since).points}
    back = lines.pop(("logistics_total", "2021-Q1"))
    # 2021-15 speaks again, as corrected.
    assert (back.kind, back.old.value, back.new.value) == ("revised", 75.1, 74.0)
    assert {key: c.kind for key, c in lines.items()} == {
        ("logistics_total", "2021-01/2021-06"): "removed",
        ("logistics_total_yoy", "2021-01/2021-06"): "removed",
        ("logistics_total", "2020"): "removed",
    }


def test_the_watched_indicators_only(store) -> None:
    since = changes.resolve_since(store, "2021-15")
    result = changes.digest(store, since, ["logistics_revenue"])
    assert _lines(result) == {("logistics_revenue", "2021-Q1", "corrected")}


def test_unassigned_figures_on_watched_topics(store) -> None:
    since = changes.Since(0, "全部")
    # 进口物流量增长 12.5% is unassigned in 2021-15; give it a suggestion as the loaders would.
    extraction = corrected_2021_15()
    figures = [
        u.model_copy(update={"suggested_indicator": "logistics_total_yoy"})
        for u in extraction.unassigned
    ]
    ingest(
        store,
        extraction.model_copy(update={"unassigned": figures, "sha256": "d" * 64}),
        CATALOG,
        actor="test",
        overwrite=Overwrite.ALWAYS,
    )
    watched = changes.digest(store, since, ["logistics_revenue"], watched=["logistics_revenue"])
    assert list(watched.unassigned["quote"]) == ["进口物流量增长 12.5%。"]
    other_topic = changes.digest(store, since, ["telecom_ma_value"], watched=["telecom_ma_value"])
    assert other_topic.unassigned.empty


def test_since_a_date_a_time_or_an_unknown_issue(store) -> None:
    assert changes.resolve_since(store, "2000-01-01").after == 0
    assert changes.resolve_since(store, "2999-01-01").after == changes.latest_changeset(store)
    assert changes.resolve_since(
        store, "2999-01-01T00:00:00+08:00"
    ).after == changes.latest_changeset(store)
    with pytest.raises(UnknownIssue, match="2021-16"):
        changes.resolve_since(store, "2021-16")
    with pytest.raises(SeriesRequestError, match="neither an issue key"):
        changes.resolve_since(store, "yesterday")
    with pytest.raises(SeriesRequestError, match="required"):
        changes.resolve_since(store, "")


def test_each_commit_is_a_changeset_with_its_counts(store) -> None:
    commits = log.changesets(store, with_issue=True)
    counts = commits[["issue_key", "new", "revised", "corrected", "removed"]].values.tolist()
    assert counts == [
        ["2021-15", 0, 0, 1, 1],
        ["2021-29", 3, 1, 0, 0],
        ["2021-15", 9, 0, 0, 0],
    ]
