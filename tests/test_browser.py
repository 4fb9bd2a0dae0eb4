"""End to end in a real browser: the sample brief ingested by the CLI, the dashboard served by
`streamlit run`, driven by headless Chromium through Playwright.

Run with `pytest -m browser -s` to see the timing; screenshots of each page are written to
test-artifacts/screenshots/ and the Trends timing to test-artifacts/timings.json.
"""

from __future__ import annotations

import csv
import io
import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from bench.serve import CHART_DRAWN_JS
from loaders.series.comparable import period_position
from loaders.series.derive import DERIVED_COLUMNS
from loaders.services.series_export import EXPORT_COLUMNS as CSV_COLUMNS
from loaders.store import open_store, queries
from tests.support.browser import ingest_with_cli, require_chromium, serve_dashboard

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "briefs" / "2021-15.txt"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
TREND_IDS = ["logistics_total_yoy", "telecom_ma_value"]
RENDER_TIMEOUT_MS = 60_000

require_chromium()


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample brief ingested through the real CLI."""
    return ingest_with_cli(SAMPLE, tmp_path_factory.mktemp("browser") / "briefs.duckdb")


@pytest.fixture(scope="module")
def expected(sample_db: Path) -> dict:
    """What the store holds, read before the server takes the file's lock."""
    with open_store(sample_db) as store:
        return {
            "series": queries.series(store, TREND_IDS),
            "issues": queries.issues(store),
        }


@pytest.fixture(scope="module")
def server(sample_db: Path, expected: dict) -> Iterator[str]:
    with serve_dashboard(sample_db) as base:
        yield base


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(
        viewport={"width": 1440, "height": 1100}, accept_downloads=True, locale="zh-CN"
    )
    page = context.new_page()
    yield page
    context.close()


def _wait_plotted(page) -> None:
    page.wait_for_function(CHART_DRAWN_JS, timeout=RENDER_TIMEOUT_MS)


def test_trends_chart_and_csv_match_the_store(server: str, expected: dict, page) -> None:
    url = f"{server}/trends?indicators={','.join(TREND_IDS)}"
    started = time.perf_counter()
    page.goto(url)
    _wait_plotted(page)
    chart_ms = (time.perf_counter() - started) * 1000
    # A second open in the same browser: scripts and styles are cached, the server is warm.
    started = time.perf_counter()
    page.goto(url)
    _wait_plotted(page)
    warm_ms = (time.perf_counter() - started) * 1000
    ARTIFACTS.mkdir(exist_ok=True)
    timings = {
        "trends_url_to_chart_ms": round(chart_ms, 1),
        "trends_url_to_chart_warm_ms": round(warm_ms, 1),
        "url": url,
    }
    (ARTIFACTS / "timings.json").write_text(json.dumps(timings, indent=2), encoding="utf-8")
    print(
        f"\nTrends: {chart_ms:.0f} ms from opening {url} to the chart drawn ({warm_ms:.0f} ms warm)"
    )

    series = expected["series"]
    traces = page.evaluate(
        """() => Array.from(document.querySelector('.js-plotly-plot').data).map(t => ({
            x: Array.from(t.x), y: Array.from(t.y), indicator: t.meta.indicator,
            periods: Array.from(t.meta.periods)}))"""
    )
    plotted = sorted(
        (trace["indicator"], period, x[:10], y)
        for trace in traces
        for period, x, y in zip(trace["periods"], trace["x"], trace["y"], strict=True)
        if period is not None  # a year-to-date line's gap at January
    )
    # Every point at the last day of its period.
    stored = sorted(
        (row.indicator, row.period, period_position(row.period_end), row.value)
        for row in series.itertuples(index=False)
    )
    assert plotted == stored
    assert {trace["indicator"] for trace in traces} == set(TREND_IDS)

    # Hovering a point shows value, period, issue and the quoted sentence.
    box = page.locator(".js-plotly-plot .scatterlayer .point").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=RENDER_TIMEOUT_MS)
    hover = page.locator(".hoverlayer .hovertext").first.text_content()
    assert "2021 年第 15 期" in hover and "期间：" in hover and "原文：" in hover
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "trends_hover.png"))

    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载 CSV").click()
    payload = Path(download_info.value.path()).read_bytes()
    assert payload.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"))))
    assert list(rows[0].keys()) == [*CSV_COLUMNS, *DERIVED_COLUMNS]
    assert [
        (r["indicator"], r["period"], float(r["value"]), r["qualifier"], r["issue"], r["quote"])
        for r in rows
    ] == [
        (r.indicator, r.period, r.value, r.qualifier, r.issue_label, r.quote)
        for r in series.itertuples(index=False)
    ]


def _download_csv(page) -> bytes:
    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载 CSV").click()
    return Path(download_info.value.path()).read_bytes()


def test_year_on_year_of_a_level_series_is_drawn_and_downloaded(
    server: str, expected: dict, page
) -> None:
    page.goto(f"{server}/trends?indicators=telecom_ma_value")
    _wait_plotted(page)
    page.get_by_text("同比 %", exact=True).click()
    # Redrawn in the transform's unit, and the URL carries it.
    page.wait_for_function(
        """() => {
            const plot = document.querySelector('.js-plotly-plot');
            return plot && plot.data.length > 0 && plot.data.every(t => t.meta.unit === '%');
        }""",
        timeout=RENDER_TIMEOUT_MS,
    )
    page.wait_for_url("**transform=yoy**", timeout=RENDER_TIMEOUT_MS)
    levels = expected["series"].set_index(["indicator", "period"])["value"]
    growth = (levels["telecom_ma_value", "2020"] / levels["telecom_ma_value", "2019"] - 1) * 100
    traces = page.evaluate(
        """() => Array.from(document.querySelector('.js-plotly-plot').data).map(t => ({
            y: Array.from(t.y), periods: Array.from(t.meta.periods)}))"""
    )
    plotted = {p: y for t in traces for p, y in zip(t["periods"], t["y"], strict=True)}
    assert plotted == {"2020": pytest.approx(growth, rel=1e-11)}
    # The hover names both figures and the rule; the page states the rule under the chart.
    box = page.locator(".js-plotly-plot .scatterlayer .point").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=RENDER_TIMEOUT_MS)
    hover = page.locator(".hoverlayer .hovertext").first.text_content()
    assert "对比 2019年 367 亿元" in hover and "规则：同比 % = (本期 ÷ 上年同期 − 1)" in hover
    page.get_by_text("只与上年的同类期间比较", exact=False).first.wait_for(
        timeout=RENDER_TIMEOUT_MS
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "trends_yoy.png"), full_page=True)

    rows = list(csv.DictReader(io.StringIO(_download_csv(page).decode("utf-8-sig"))))
    assert {r["period"]: float(r["value"]) for r in rows} == plotted
    assert [(r["transform"], r["base_period"], r["unit"]) for r in rows] == [("yoy", "2019", "%")]


@pytest.mark.parametrize("query", ["", "&as_of=2021-15"])
def test_the_api_serves_the_rows_the_trends_page_downloads(server: str, page, query: str) -> None:
    page.goto(f"{server}/trends?indicators=logistics_total_yoy{query}")
    _wait_plotted(page)
    downloaded = _download_csv(page)
    with urllib.request.urlopen(
        f"{server}/api/v1/series/logistics_total_yoy.csv?{query.lstrip('&')}", timeout=60
    ) as response:
        served = response.read()
    assert served == downloaded
    read = pd.read_csv(io.BytesIO(served))
    assert read["quote"].notna().all() and len(read) > 0


@pytest.mark.parametrize(
    ("name", "path", "ready"),
    [
        ("overview", "/", '[data-testid="stMetric"]'),
        ("trends", f"/trends?indicators={','.join(TREND_IDS)}", ".js-plotly-plot .point"),
        (
            "trends_three_units",
            "/trends?indicators=telecom_ma_value,telecom_ma_deals,logistics_total_yoy",
            ".js-plotly-plot .point",
        ),
        ("issues", "/issues", '[data-testid="stDataFrame"]'),
        ("catalog", "/catalog", '[data-testid="stDataFrame"]'),
    ],
)
def test_screenshot_of_each_page(server: str, page, name: str, path: str, ready: str) -> None:
    page.goto(server + path)
    page.wait_for_selector(ready, timeout=RENDER_TIMEOUT_MS)
    # Let Streamlit finish the run (the status widget disappears) before the picture.
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=RENDER_TIMEOUT_MS,
    )
    page.wait_for_timeout(800)
    assert page.locator('[data-testid="stException"]').count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000
