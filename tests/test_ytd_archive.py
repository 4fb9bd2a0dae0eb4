"""An archive that states a series only as the year so far, as 中物联 publishes it: 1—2 月 …
1—12 月 of the national social logistics total over three years, with its growth from the
second year on (bench.synthetic.ytd_briefs), read by the real loaders.

Trends draws one line per indicator and form, each point at its period's end; the monthly
values the totals imply are there, marked derived, with their inputs; the API serves the
same rows as the Trends page downloads.
"""

from __future__ import annotations

import io
import json
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from bench.synthetic import write_ytd_briefs, ytd_briefs
from loaders.intake.pipeline import extract_file
from loaders.services import changes
from loaders.services.ingest import ingest
from loaders.services.series import SeriesRequest, read_series
from loaders.store import open_store
from tests.support.browser import serve_dashboard
from tests.support.builders import CATALOG

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "streamlit_app.py"
LEVEL, GROWTH = "logistics_total", "logistics_total_yoy"
YEARS = (2019, 2020, 2021)


def build_archive(folder: Path) -> Path:
    """The three years of releases, each file read by the loaders and ingested."""
    db = folder / "ytd.duckdb"
    with open_store(db) as store:
        for path in write_ytd_briefs(folder / "briefs", YEARS[0], len(YEARS)):
            ingest(store, extract_file(path, CATALOG), CATALOG, actor="test")
    return db


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("ytd"))


@pytest.fixture
def trends(archive: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("BRIEFS_DB", str(archive))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("app_pages/trends.py")
    at.query_params.update({"indicators": f"{LEVEL},{GROWTH}"})
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _figure(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_the_loaders_read_every_release() -> None:
    issues = ytd_briefs(YEARS[0], len(YEARS))
    assert len(issues) == 11 * len(YEARS)
    assert {f.period for i in issues for f in i.expected if f.indicator == LEVEL} == {
        f"{year}-01/{year}-{months:02d}" for year in YEARS for months in range(2, 13)
    }


def test_one_line_per_indicator_and_form_each_point_at_its_period_end(trends: AppTest) -> None:
    traces = _figure(trends)["data"]
    stated = [t for t in traces if not t["meta"]["derived"]]
    # Eleven lengths of 1—n 月 over three years: one line each for the total and its growth.
    assert [(t["meta"]["indicator"], t["meta"]["form"]) for t in stated] == [
        (LEVEL, "ytd"),
        (GROWTH, "ytd"),
    ]
    level = stated[0]
    points = [(p, x) for p, x in zip(level["meta"]["periods"], level["x"], strict=True) if p]
    assert len(points) == 33
    for period, x in points:
        year, months = int(period[:4]), int(period[-2:])
        end = (pd.Timestamp(year=year, month=months, day=1) + pd.offsets.MonthEnd(0)).date()
        assert x == end.isoformat(), period
    # The line starts again each January: a gap between the years, none within one.
    assert [i for i, p in enumerate(level["meta"]["periods"]) if p is None] == [11, 23]
    forms = {(t["meta"]["indicator"], t["meta"]["form"], t["meta"]["derived"]) for t in traces}
    assert len(forms) == len(traces)  # never two traces for one indicator, form and kind


def test_derived_months_are_there_marked_and_with_their_inputs(
    trends: AppTest, archive: Path
) -> None:
    traces = _figure(trends)["data"]
    (months,) = [t for t in traces if t["meta"]["derived"] and t["meta"]["form"] == "month"]
    assert months["meta"]["indicator"] == LEVEL
    # March to December of each year (1—2 月 has no January to take away).
    assert [p for p in months["meta"]["periods"]] == [
        f"{year}-{month:02d}" for year in YEARS for month in range(3, 13)
    ]
    assert months["line"]["dash"] == "dot" and months["marker"]["symbol"] == "x"
    # No month is stated, so none is ringed as disagreeing with a stated one.
    assert months["meta"]["disagrees"] == [] and months["marker"]["line"]["color"] != "#d62728"
    march = months["hovertext"][0]
    assert "推算" in march and "依据：2019年1—3月" in march and "依据：2019年1—2月" in march
    assert "原文：中国物流与采购联合会日前发布数据显示，2019年1—3月" in march
    # The values: each the difference of the two totals, to the decimal they are written in.
    table = trends.dataframe[0].value
    derived = table[table["推算"] != ""]
    march_row = derived[derived["期间"] == "2019年3月"].iloc[0]
    assert march_row["形式"] == "月度"
    assert march_row["推算"] == (
        "推算：2019年1—3月 30.3 万亿元（2019 年第 2 期） − 2019年1—2月 20.1 万亿元（2019 年第 1 期）"
    )
    assert march_row["数值"] == "10.2 万亿元"
    growth = [t for t in traces if t["meta"]["derived"] and t["meta"]["indicator"] == GROWTH]
    # Growth from both years' levels beside the stated growth, agreeing within rounding.
    assert len(growth) == 1 and len(growth[0]["meta"]["periods"]) == 22 + 1  # a gap
    assert growth[0]["meta"]["disagrees"] == []
    assert not any("推算值与同期公布值不一致" in caption.value for caption in trends.caption)


def _download(at: AppTest, media: list[MemoryMediaFileStorage]) -> bytes:
    """The CSV a click on the page's download button gets (conftest's media_files)."""
    (button,) = [b for b in at.get("download_button") if b.proto.label == "下载 CSV"]
    url = button.proto.url or media[-1].manager.execute_deferred(button.proto.deferred_file_id)
    return media[-1].get_file(url.rsplit("/", 1)[-1]).content


def test_the_api_serves_the_rows_trends_downloads(
    archive: Path, monkeypatch: pytest.MonkeyPatch, media_files: list[MemoryMediaFileStorage]
) -> None:
    downloads = {}
    for indicator in (LEVEL, GROWTH):
        monkeypatch.setenv("BRIEFS_DB", str(archive))
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
        at.switch_page("app_pages/trends.py")
        at.query_params.update({"indicators": indicator})
        at.run()
        assert not at.exception
        downloads[indicator] = _download(at, media_files)
    with serve_dashboard(archive) as base:
        for indicator, downloaded in downloads.items():
            url = f"{base}/api/v1/series/{indicator}.csv"
            with urllib.request.urlopen(url, timeout=60) as response:
                assert response.read() == downloaded
        with urllib.request.urlopen(f"{base}/api/v1/series/{LEVEL}.json", timeout=60) as response:
            payload = json.load(response)
    rows = pd.read_csv(io.BytesIO(downloads[LEVEL]), dtype={"period": str})
    months = rows[rows["form"] == "month"]
    assert len(months) == 30 and months["derived"].all()
    assert set(months["derivation"]) == {"month_from_ytd"}
    march = next(o for o in payload["observations"] if o["period"] == "2019-03")
    assert [(i["period"], i["issue_key"]) for i in march["inputs"]] == [
        # Released in 2019's second and first issues (1—2 月 comes out in March).
        ("2019-01/2019-03", "2019-02"),
        ("2019-01/2019-02", "2019-01"),
    ]
    assert all(i["quote"] for i in march["inputs"])


def test_updated_after_keeps_the_derived_points_whose_inputs_the_last_release_changed(
    archive: Path,
) -> None:
    # Issue 2021-11 is 1—11 月 of 2021; after it came only 2022-01, with 1—12 月 and its growth.
    with open_store(archive) as store:
        since = changes.resolve_since(store, "2021-11")
        kept = {}
        for indicator in (LEVEL, GROWTH):
            rows = read_series(store, SeriesRequest((indicator,))).export()
            updated = changes.updated_only(store, rows, since, [indicator])
            derivations = updated["derivation"].fillna("")
            kept[indicator] = sorted(zip(updated["period"], derivations, strict=True))
    assert kept[LEVEL] == [
        ("2021", "year_from_ytd"),
        ("2021-01/2021-12", ""),
        ("2021-12", "month_from_ytd"),
        ("2021-H2", "half_from_ytd"),
        ("2021-Q4", "quarter_from_ytd"),
    ]
    # The growth derived from the levels of 2021 and 2020: one of its inputs is new.
    assert kept[GROWTH] == [("2021-01/2021-12", ""), ("2021-01/2021-12", "yoy_from_levels")]
