"""The 指标 page in a real browser: an editor adds 快递业务量 (亿件), sees the preview list the
figures already stored, saves, and /trends draws the new series without a re-upload; undo
takes the catalog back and the series is gone again.

Headless Chromium (/usr/bin/chromium) through Playwright against `streamlit run` on a store
built by the CLI from a real issue, in local mode (no login configured).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.store import open_store, queries
from tests.support.browser import ingest_with_cli, require_chromium, serve_dashboard

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
# 1—10 月 867.2 亿件 and 10 月份 100.4 亿件: parcels the seed catalog has no series for.
BRIEF = ROOT / "tests" / "data" / "eval" / "2021-35.txt"
RENDER_TIMEOUT_MS = 90_000
PLOTTED_Y = (
    "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
    ".flatMap(p => (p.data || []).flatMap(t => Array.from(t.y || [])))"
)

require_chromium()


def test_editor_adds_an_indicator_sees_its_history_and_undoes_it(tmp_path, browser) -> None:
    db = ingest_with_cli(BRIEF, tmp_path / "briefs.duckdb")
    with serve_dashboard(db) as base:
        context = browser.new_context(viewport={"width": 1440, "height": 1400}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        try:
            page.goto(f"{base}/catalog")
            page.get_by_role("link", name="编辑指标").click()  # the 指标 section in the navigation
            fields = {
                "编号 id": "express_volume",
                "类别": "快递",
                "中文名称": "快递业务量",
                "英文名称": "Express parcels",
                "单位": "亿件",
                "别名": "快递业务量",
                "定义": "全国快递服务企业业务量",
            }
            for label, value in fields.items():
                page.get_by_label(label, exact=True).fill(value)
            page.get_by_role("button", name="预览").click()
            page.get_by_text("预览：express_volume").wait_for()
            joined = page.get_by_test_id("stMetric").filter(has_text="将归入的数字")
            assert joined.get_by_test_id("stMetricValue").inner_text() == "2"
            with open_store(db, read_only=True) as store:
                assert queries.series(store, ["express_volume"]).empty  # a preview saves nothing

            page.get_by_role("button", name="保存").click()
            page.get_by_text("已新增指标 express_volume").wait_for()
            page.get_by_role("link", name="在趋势页查看").click()
            page.wait_for_function(
                "() => location.pathname.endsWith('/trends')"
                " && location.search.includes('indicators=express_volume')"
            )
            page.wait_for_function(f"() => ({PLOTTED_Y})().length > 0")
            plotted = page.evaluate(PLOTTED_Y)

            page.goto(f"{base}/catalog")
            page.get_by_role("link", name="目录历史").click()
            page.get_by_role("button", name="撤销最近一次修改").click()
            page.get_by_text("已撤销").wait_for()
            page.goto(f"{base}/trends?indicators=express_volume")
            page.get_by_text("链接中有未知的指标，已忽略：express_volume").wait_for()
            after_undo = page.evaluate(PLOTTED_Y)
        finally:
            context.close()
    assert {867.2, 100.4} <= set(plotted)
    assert not {867.2, 100.4} & set(after_undo)
    with open_store(db) as store:
        assert queries.series(store, ["express_volume"]).empty
        assert list(queries.catalog_history(store)["action"][:2]) == ["undo", "add"]
