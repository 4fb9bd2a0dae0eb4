"""Charts that cannot hide a series, in a real browser: the year-to-date archive
(tests/test_ytd_archive.py) served by `streamlit run`, drawn by headless Chromium.

The national social logistics total (万亿元) and its growth (%) both peak at the last 1—12 月:
on one plot area, each scaled to its own axis, the two peaks would share a pixel. Every point
of both series must be drawn where it can be seen: inside a plot area, and never on a point of
the other series. Screenshots at 1440 and 390 px wide go to test-artifacts/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.serve import CHART_DRAWN_JS
from tests.support.browser import require_chromium, serve_dashboard
from tests.test_ytd_archive import GROWTH, LEVEL, build_archive

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
RENDER_TIMEOUT_MS = 60_000
WIDTHS = {"wide": 1440, "phone": 390}

require_chromium()

# Per trace: its meta, the number of points it has data for, and each drawn point's box
# (plotly binds each trace's data to its SVG group: __data__[0].trace).
POINTS_JS = """() => {
    const plot = document.querySelector('.js-plotly-plot');
    const out = [];
    plot.querySelectorAll('.scatterlayer .trace').forEach(group => {
        const trace = group.__data__[0].trace;
        const boxes = Array.from(group.querySelectorAll('.point')).map(point => {
            const r = point.getBoundingClientRect();
            return [r.left, r.top, r.right, r.bottom];
        });
        out.push({index: trace.index, meta: trace.meta, yaxis: trace.yaxis || 'y',
                  data: trace.y.filter(v => v !== null).length, boxes: boxes});
    });
    // Each panel's plot area: the rectangle that takes its drags (xy, x2y2, ...).
    const areas = {};
    plot.querySelectorAll('.draglayer > g').forEach(panel => {
        const b = panel.querySelector('.nsewdrag').getBoundingClientRect();
        areas[panel.getAttribute('class')] = [b.left, b.top, b.right, b.bottom];
    });
    return {traces: out, areas: areas};
}"""
# Each panel's date tick labels as drawn, by its x axis (x, x2, ...; plotly classes them
# xtick, x2tick, ...).
TICKS_JS = """() => {
    const plot = document.querySelector('.js-plotly-plot');
    const out = {};
    plot.querySelectorAll('.cartesianlayer > .subplot').forEach(panel => {
        const axis = panel.getAttribute('class').split(' ')[1].match(/^x[0-9]*/)[0];
        out[axis] = Array.from(panel.querySelectorAll('.xaxislayer-above text'))
            .map(text => text.textContent).filter(text => text);
    });
    return out;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_dashboard(build_archive(tmp_path_factory.mktemp("ytd-browser"))) as base:
        yield base


@pytest.fixture(params=list(WIDTHS))
def page(request: pytest.FixtureRequest, browser) -> Iterator[object]:
    width = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.width_name = request.param  # type: ignore[attr-defined]
    yield page
    context.close()


def _settle(page) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=RENDER_TIMEOUT_MS,
    )
    page.wait_for_timeout(600)
    assert page.locator('[data-testid="stException"]').count() == 0


def _screenshot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its own container, so the viewport is made
    tall enough to hold it rather than asking for a full-page picture."""
    page.set_viewport_size({"width": WIDTHS[page.width_name], "height": 2600})
    page.wait_for_timeout(1000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}_{page.width_name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(box: list[float], area: list[float], slack: float = 1.0) -> bool:
    centre_x, centre_y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return (
        area[0] - slack <= centre_x <= area[2] + slack
        and area[1] - slack <= centre_y <= area[3] + slack
    )


def test_two_units_whose_peaks_coincide_show_every_point(server: str, page) -> None:
    page.goto(f"{server}/trends?indicators={LEVEL},{GROWTH}")
    page.wait_for_function(CHART_DRAWN_JS, timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    drawn = page.evaluate(POINTS_JS)
    traces = {
        (t["meta"]["indicator"], t["meta"]["form"], t["meta"]["derived"]): t
        for t in drawn["traces"]
    }
    level, growth = traces[(LEVEL, "ytd", False)], traces[(GROWTH, "ytd", False)]
    # Both peak at the last 1—12 月.
    assert level["meta"]["periods"][-1] == growth["meta"]["periods"][-1] == "2021-01/2021-12"
    for trace in drawn["traces"]:
        # Every point it has data for is drawn, inside its own panel.
        assert len(trace["boxes"]) == trace["data"], trace["meta"]
        panel = trace["yaxis"][1:]
        area = drawn["areas"][f"x{panel}y{panel}"]
        assert all(_inside(box, area) for box in trace["boxes"]), trace["meta"]
    # Different units, different panels: no point of one series lies on one of the other.
    assert level["yaxis"] != growth["yaxis"]
    assert not any(_overlap(a, b) for a in level["boxes"] for b in growth["boxes"])
    # Date ticks never repeat a label (on the shared time axis of the bottom panel).
    ticks = page.evaluate(TICKS_JS)
    assert any(ticks.values()), ticks
    for labels in ticks.values():
        assert len(labels) == len(set(labels)), labels
    _screenshot(page, "trends_ytd_two_units")


def test_a_single_point_gets_ticks_that_do_not_repeat(server: str, page) -> None:
    # As of the first release, the total is one point: 1—2 月 of 2019.
    page.goto(f"{server}/trends?indicators={LEVEL}&as_of=2019-01")
    page.wait_for_function(CHART_DRAWN_JS, timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    drawn = page.evaluate(POINTS_JS)
    assert [t["meta"]["periods"] for t in drawn["traces"]] == [["2019-01/2019-02"]]
    assert len(drawn["traces"][0]["boxes"]) == 1
    (labels,) = page.evaluate(TICKS_JS).values()
    assert len(labels) >= 2 and len(labels) == len(set(labels)), labels


def test_the_overview_at_each_width(server: str, page) -> None:
    page.goto(server + "/")
    page.wait_for_selector('[data-testid="stMetric"]', timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    card = page.locator('[data-testid="stMetric"]', has_text="全国社会物流总额").first
    assert "万亿元" in card.inner_text()
    captions = page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
    assert any("较上年同期（2020年1—12月）" in text for text in captions)
    _screenshot(page, "overview_ytd")
