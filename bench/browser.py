"""Browser time-to-chart: headless Chromium opens the Trends URL until the plotly chart is
drawn, against the bare page drawing the same points; also the server's memory (RSS).

Every visit is a new browser context (no cache, a new Streamlit session), as a reader
opening a link. Visits to both servers alternate so machine load hits them alike.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bench.common import BENCH_INDICATOR, Result
from bench.page_server import prepare_points
from bench.serve import (
    APP,
    BARE,
    CHART_DRAWN_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    rss_mb,
    streamlit_server,
)
from loaders.catalog.indicators import load_catalog

CATALOG = load_catalog()


TARGET_RATIO = 1.2
TARGET_RSS_MB = 400.0
RENDER_TIMEOUT_MS = 120_000
VIEWPORT = {"width": 1440, "height": 1000}
# The 概览 page has no plotly chart: it is drawn when every catalog indicator has its card.
OVERVIEW_DRAWN_JS = (
    f"() => document.querySelectorAll('[data-testid=\"stMetric\"]').length >= {len(CATALOG.ids())}"
)


def time_to_chart(browser, url: str, drawn_js: str = CHART_DRAWN_JS) -> float:
    """Seconds from opening url in a fresh context to the chart's markers in the SVG."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_function(drawn_js, timeout=RENDER_TIMEOUT_MS)
        return time.perf_counter() - started
    finally:
        context.close()


def run(stores: dict[int, Path], workdir: Path, repeats: int = 7) -> list[Result]:
    from playwright.sync_api import sync_playwright

    small, large = min(stores), max(stores)
    points = workdir / "bare_points_browser.pkl"
    n_points = prepare_points(stores[small], points)
    results = []
    with (
        sync_playwright() as playwright,
        streamlit_server(APP, {"BRIEFS_DB": str(stores[small])}, workdir / "trends.log") as app,
        streamlit_server(BARE, {"BENCH_POINTS": str(points)}, workdir / "bare.log") as bare,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            urls = {
                "trends": f"{app.base}/trends?indicators={BENCH_INDICATOR}",
                "bare": f"{bare.base}/",
            }
            times: dict[str, list[float]] = {name: [] for name in urls}
            for round_no in range(repeats + 1):
                for name, url in urls.items():
                    elapsed = time_to_chart(browser, url)
                    if round_no > 0:  # the first visit compiles the scripts, fills caches
                        times[name].append(elapsed)
        finally:
            browser.close()
    ms = {name: statistics.median(values) * 1000 for name, values in times.items()}
    results.append(
        Result(
            name=f"Browser time-to-chart, Trends vs bare, {small:.0e} obs",
            measured=(
                f"trends {ms['trends']:.0f} ms vs bare page {ms['bare']:.0f} ms "
                f"({n_points} points, median of {repeats})"
            ),
            value=ms["trends"] / ms["bare"],
            target=TARGET_RATIO,
        )
    )
    print(results[-1].line())
    results.extend(memory(stores[large], workdir, large))
    return results


def memory(db: Path, workdir: Path, size: int) -> list[Result]:
    """Server RSS (VmRSS; peak VmHWM) on the largest store: after the Trends page, the target
    of the brief, then after the 概览 page too (the router's default page)."""
    from playwright.sync_api import sync_playwright

    url = f"{{base}}/trends?indicators={BENCH_INDICATOR}"
    with (
        sync_playwright() as playwright,
        streamlit_server(APP, {"BRIEFS_DB": str(db)}, workdir / "memory.log") as app,
    ):
        idle, _ = rss_mb(app.pid)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # Twice: the second visit is a new session served from the caches.
            first = time_to_chart(browser, url.format(base=app.base))
            second = time_to_chart(browser, url.format(base=app.base))
            trends_rss, trends_peak = rss_mb(app.pid)
            overview_first = time_to_chart(browser, f"{app.base}/", OVERVIEW_DRAWN_JS)
            overview_second = time_to_chart(browser, f"{app.base}/", OVERVIEW_DRAWN_JS)
        finally:
            browser.close()
        all_rss, all_peak = rss_mb(app.pid)
    results = [
        Result(
            name=f"Server memory, {size:.0e} obs, Trends opened",
            measured=(
                f"VmRSS {trends_rss:.0f} MB (peak {trends_peak:.0f} MB; idle {idle:.0f} MB); "
                f"time-to-chart {first:.1f} s first visit, {second:.1f} s next"
            ),
            value=trends_rss,
            target=TARGET_RSS_MB,
            unit=" MB",
        ),
        Result(
            name=f"Server memory, {size:.0e} obs, Trends then 概览",
            measured=(
                f"VmRSS {all_rss:.0f} MB (peak {all_peak:.0f} MB); 概览 drawn in "
                f"{overview_first:.1f} s first visit, {overview_second:.1f} s next"
            ),
            value=all_rss,
            target=TARGET_RSS_MB,
            unit=" MB",
        ),
    ]
    for result in results:
        print(result.line())
    return results
