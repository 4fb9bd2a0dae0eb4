"""The changes endpoint, updated_after and the Atom feeds over real HTTP (`streamlit run` of the
dashboard, as `make run` serves it), read as programs and feed readers read them: urllib,
pandas, and the `feedparser` package as the feed client.

The store starts with 2021-15; with the server up, this process commits 2021-29 and a
corrected 2021-15 (tests/support/changes.py), which the server sees through the published
copies.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pandas as pd
import pytest

from loaders.guards.csv_safety import csv_bytes
from loaders.services import changes
from loaders.services.ingest import Overwrite, ingest
from loaders.store import open_store
from tests.support.browser import serve_dashboard
from tests.support.builders import CATALOG, issue_2021_15, issue_2021_29
from tests.support.changes import NEW_REVENUE, OLD_REVENUE, corrected_2021_15


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("feeds") / "briefs.duckdb"
    with open_store(path) as store:
        ingest(store, issue_2021_15(), CATALOG, actor="test")
    return path


@pytest.fixture(scope="module")
def site(db: Path) -> Iterator[str]:
    with serve_dashboard(db) as url:
        with open_store(db) as store:
            ingest(store, issue_2021_29(), CATALOG, actor="test")
            ingest(store, corrected_2021_15(), CATALOG, actor="test", overwrite=Overwrite.ALWAYS)
        yield url


@pytest.fixture
def store(db: Path, site: str):
    with open_store(db) as opened:
        yield opened


def get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_changes_since_an_issue_as_json_and_csv(site) -> None:
    status, _, body = get(f"{site}/api/v1/changes?since=2021-15")
    assert status == 200
    payload = json.loads(body)
    items = {(c["indicator"], c["period"]): c for c in payload["changes"]}
    assert {key: c["kind"] for key, c in items.items()} == {
        ("logistics_total", "2021-Q1"): "revised",
        ("logistics_total", "2021-01/2021-06"): "new",
        ("logistics_total_yoy", "2021-01/2021-06"): "new",
        ("logistics_total", "2020"): "new",
        ("logistics_revenue", "2021-Q1"): "corrected",
        ("l2_penetration", "2025"): "removed",
    }
    revised = items[("logistics_total", "2021-Q1")]
    assert (revised["old_value"], revised["old_issue_key"]) == (75.0, "2021-15")
    assert (revised["new_value"], revised["new_issue_key"]) == (75.1, "2021-29")
    assert revised["new_issue"] == "2021 年第 29 期" and "修订为 75.1" in revised["new_quote"]
    corrected = items[("logistics_revenue", "2021-Q1")]
    assert (corrected["old_quote"], corrected["new_quote"]) == (OLD_REVENUE, NEW_REVENUE)
    assert [c["issue_key"] for c in payload["commits"]] == ["2021-15", "2021-29"]

    read = pd.read_csv(f"{site}/api/v1/changes.csv?since=2021-15")
    assert list(read.columns) == list(changes.CHANGE_COLUMNS)
    assert set(zip(read["indicator"], read["period"], read["kind"], strict=True)) == {
        (i, p, c["kind"]) for (i, p), c in items.items()
    }


def test_the_endpoint_and_the_digest_agree(site, store) -> None:
    for since in ("2021-15", "2021-29", "2000-01-01"):
        digest = changes.digest(store, changes.resolve_since(store, since))
        expected = pd.read_csv(io.BytesIO(csv_bytes(changes.change_rows(store, digest))))
        served = pd.read_csv(f"{site}/api/v1/changes.csv?since={since}")
        pd.testing.assert_frame_equal(served, expected)


def test_changes_of_some_indicators_and_bad_requests(site) -> None:
    status, _, body = get(f"{site}/api/v1/changes.json?since=2021-15&indicators=logistics_revenue")
    assert status == 200
    assert [c["kind"] for c in json.loads(body)["changes"]] == ["corrected"]
    for query, code, message in (
        ("", 400, "since is required"),
        ("?since=yesterday", 400, "neither an issue key"),
        ("?since=2021-16", 404, "did you mean 2021-15"),
        ("?since=2021-15&indicators=logistics_totl", 404, "did you mean logistics_total"),
        ("?since=2021-15&limit=3", 400, "unknown parameter limit"),
    ):
        status, _, body = get(f"{site}/api/v1/changes{query}")
        assert status == code and message in json.loads(body)["error"]["message"], query


def test_updated_after_keeps_the_points_a_commit_changed(site) -> None:
    read = pd.read_csv(f"{site}/api/v1/series/logistics_total.csv?updated_after=2021-15")
    stated = read[read["derivation"].isna()]
    assert sorted(stated["period"]) == ["2020", "2021-01/2021-06", "2021-Q1"]
    # The first half (1—6 月 under its own name) and the second quarter (1—6 月 − 一季度)
    # are derived from changed points, so they changed too.
    assert sorted(read.loc[read["derivation"].notna(), "period"]) == ["2021-H1", "2021-Q2"]
    everything = pd.read_csv(f"{site}/api/v1/series/logistics_total.csv")
    assert len(everything) == 5  # the same here: every point of the series changed
    derived_only = pd.read_csv(
        f"{site}/api/v1/series/logistics_total.csv?updated_after=2021-15&derived=only"
    )
    assert list(derived_only["period"]) == ["2021-H1", "2021-Q2"]
    revenue = pd.read_csv(f"{site}/api/v1/series/logistics_total_yoy.csv?updated_after=2021-15")
    assert list(revenue["period"]) == ["2021-01/2021-06"]
    assert pd.read_csv(f"{site}/api/v1/series/logistics_total.csv?updated_after=2999-01-01").empty


def test_the_issue_feed_parses_and_counts_new_and_revised_points(site) -> None:
    status, headers, body = get(f"{site}/api/v1/feed.atom")
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title and parsed.feed.updated_parsed
    titles = [entry.title for entry in parsed.entries]
    assert titles == [
        "2021 年第 15 期 更正版：更正 1，删除 1",
        "2021 年第 29 期：新增 3，修订 1",
        "2021 年第 15 期：新增 9",
    ]
    assert len({entry.id for entry in parsed.entries}) == 3
    revised = parsed.entries[1]
    assert revised.link == f"{site}/issues?issue=2021-29"
    assert "75 万亿元 → 75.1 万亿元" in revised.content[0].value
    assert "2021 年一季度全国社会物流总额修订为 75.1 万亿元。" in revised.content[0].value
    assert revised.updated_parsed is not None


def test_an_unchanged_feed_is_a_304_and_a_commit_changes_it(site, store) -> None:
    status, headers, body = get(f"{site}/api/v1/feed.atom")
    tag = headers["ETag"]
    status, _, again = get(f"{site}/api/v1/feed.atom", {"If-None-Match": tag})
    assert (status, again) == (304, b"")
    series_status, series_headers, _ = get(f"{site}/api/v1/series/logistics_total.atom")
    assert series_status == 200
    status, _, _ = get(
        f"{site}/api/v1/series/logistics_total.atom", {"If-None-Match": series_headers["ETag"]}
    )
    assert status == 304
    # A commit touching another series: the issue feed changes, the logistics one does not.
    text = "2021 年 L2 级自动驾驶渗透率为 20%。"
    ingest(store, _one_figure(41, text, "l2_penetration", "2021", 20), CATALOG, actor="test")
    deadline_status = _until_changed(f"{site}/api/v1/feed.atom", tag)
    assert deadline_status == 200
    status, _, _ = get(
        f"{site}/api/v1/series/logistics_total.atom", {"If-None-Match": series_headers["ETag"]}
    )
    assert status == 304


def test_the_series_feed_lists_the_commits_that_changed_it(site) -> None:
    parsed = feedparser.parse(get(f"{site}/api/v1/series/logistics_revenue.atom")[2])
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert [entry.title for entry in parsed.entries] == [
        "2021 年第 15 期 更正版：更正 1",
        "2021 年第 15 期：新增 1",
    ]
    assert OLD_REVENUE in parsed.entries[0].content[0].value
    assert NEW_REVENUE in parsed.entries[0].content[0].value
    assert parsed.feed.link == f"{site}/trends?indicators=logistics_revenue"
    status, _, body = get(f"{site}/api/v1/series/logistics_totl.atom")
    assert status == 404 and b"did you mean logistics_total" in body


def _one_figure(number: int, text: str, indicator: str, period: str, value: float):
    from datetime import date

    from tests.support.builders import Fig, build_extraction

    return build_extraction(
        number,
        date(2021, 11, 15),
        [("一条消息", "王芳", text)],
        [Fig(0, text, f"{value}%", value, "%", indicator, period)],
    )


def _until_changed(url: str, tag: str) -> int:
    """The feed's status once the server sees the commit (it reads published copies: the
    very next request does, but a loaded machine may publish a moment later)."""
    import time

    for _ in range(100):
        status, _, _ = get(url, {"If-None-Match": tag})
        if status != 304:
            return status
        time.sleep(0.1)
    return status
