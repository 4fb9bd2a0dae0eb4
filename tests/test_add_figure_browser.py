"""The review's "add a missed figure" path in a real browser: a brief whose 75.4 万亿元 the
loaders leave to review (it conflicts with 75.1 万亿元 for the same quarter) is uploaded, the
figure made an observation in two clicks (its number, then 加为数据), committed, and found in
the store, on the 期刊 page, on Trends and in the API's series with its quote.

Headless Chromium (/usr/bin/chromium) through Playwright against `streamlit run` on an empty
temporary database, in local mode. Screenshots of the upload review and of the issue page at
1440 and 390 px wide go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import io
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from loaders.store import open_store, queries
from tests.support.browser import require_chromium, serve_dashboard

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
BRIEF = ROOT / "tests" / "data" / "numbers" / "missed-figures.txt"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
RENDER_TIMEOUT_MS = 90_000
WIDTHS = {"wide": (1440, 1100), "phone": (390, 844)}

require_chromium()


def _settled(page) -> None:
    """Streamlit has finished the run (no running indicator)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=RENDER_TIMEOUT_MS,
    )
    page.wait_for_timeout(600)
    assert page.locator('[data-testid="stException"]').count() == 0


def _shoot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main block, so the window is made as tall
    as that block for the picture (full_page alone would show one screen)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight"
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height + 120)})
    # Elements a resize brings into view are drawn as skeletons first.
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')",
        timeout=RENDER_TIMEOUT_MS,
    )
    page.wait_for_timeout(500)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    assert path.stat().st_size > 10_000


def _upload(page, base: str) -> None:
    page.goto(f"{base}/upload")
    page.get_by_text("本地模式：未配置登录，所有人可编辑").wait_for()
    page.locator("input[type=file]").set_input_files(str(BRIEF))
    page.get_by_text("原文中的数字", exact=True).wait_for()
    page.get_by_text("检查与提交", exact=True).wait_for()
    _settled(page)


def test_a_missed_figure_is_added_in_two_clicks_and_committed(tmp_path, browser) -> None:
    db = tmp_path / "briefs.duckdb"
    open_store(db).close()
    with serve_dashboard(db) as base:
        context = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        try:
            _upload(page, base)
            page.get_by_text("将写入 2021 年第 16 期").wait_for()
            # Each number carries its state: a class, a tooltip with the reason, hidden words.
            conflict = page.locator(".num-unassigned", has_text="75.4万亿").first
            assert "同一期刊中同一指标同一期间的数值不一致" in conflict.get_attribute("title")
            assert page.locator(".brief-text .num-observation").count() == 1
            assert page.locator(".brief-text .num-ignored").count() == 2
            _shoot(page, "review_numbers_wide")

            page.get_by_role("radio", name="75.4万亿元 · 待归类").click()  # click 1
            add = page.get_by_role("button", name="加为数据", exact=True)
            add.and_(page.locator(":enabled")).wait_for()
            _settled(page)
            _shoot(page, "review_numbers_picked_wide")
            add.click()  # click 2
            page.get_by_text("已加入「未归类的数字」第 3 行并勾选写入").wait_for()
            page.locator(".num-observation", has_text="75.4万亿").wait_for()
            _settled(page)
            page.get_by_role("button", name="提交", exact=True).click()
            page.get_by_text("已写入 2021-16").wait_for()

            page.goto(f"{base}/issues?issue=2021-16")
            marked = page.locator(".num-observation", has_text="75.4万亿")
            marked.wait_for()
            assert "全国社会物流总额" in marked.get_attribute("title")
            assert "编辑审核时归入或修改" in marked.get_attribute("title")
            _settled(page)
            _shoot(page, "issue_numbers_wide")

            page.goto(f"{base}/trends?indicators=logistics_total")
            page.wait_for_function(
                """() => {
                    const plot = document.querySelector('.js-plotly-plot');
                    return plot && plot.data && plot.data.some(t => (t.y || []).length > 0);
                }"""
            )
            plotted = page.evaluate(
                "() => document.querySelector('.js-plotly-plot').data"
                ".flatMap(t => Array.from(t.y || []))"
            )
            with urllib.request.urlopen(f"{base}/api/v1/series/logistics_total.csv") as answer:
                served = pd.read_csv(io.BytesIO(answer.read()))

            # The same pages on a phone.
            phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
            small = phone.new_page()
            small.set_default_timeout(RENDER_TIMEOUT_MS)
            try:
                small.goto(f"{base}/issues?issue=2021-16")
                small.locator(".num-observation", has_text="75.4万亿").wait_for()
                _settled(small)
                _shoot(small, "issue_numbers_phone")
                _upload(small, base)
                _shoot(small, "review_numbers_phone")
            finally:
                phone.close()
        finally:
            context.close()
    assert 75.4 in plotted
    assert served[["period", "value"]].values.tolist() == [["2021-Q1", 75.4]]
    assert "一季度全国社会物流总额为75.4万亿元" in served["quote"].iloc[0]
    # The server has exited and released the file: the figure is really stored.
    with open_store(db) as store:
        stored = queries.observations_for_issue(store, "2021-16")
        clean_text = queries.issue(store, "2021-16")["clean_text"]
        log = queries.audit_log(store)
    total = stored[stored["indicator"] == "logistics_total"]
    assert total[["period", "value", "origin"]].values.tolist() == [["2021-Q1", 75.4, "reviewed"]]
    assert "75.4万亿元" in total["quote"].iloc[0]
    # Its place in the text came along: the issue page marks that very number.
    assert clean_text[int(total["figure_start"].iloc[0]) :].startswith("75.4万亿元")
    assert log["action"].tolist()[:2] == ["upload", "ingest"]
