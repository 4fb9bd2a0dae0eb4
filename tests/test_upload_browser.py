"""The 上传 page in a real browser: upload the practice brief, commit, see it on 趋势.

Headless Chromium (/usr/bin/chromium) through Playwright against `streamlit run` on a free
port with BRIEFS_DB on an empty temporary database, in local mode (no login configured).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.store import open_store, queries
from tests.support.browser import require_chromium, serve_dashboard

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
BRIEF = ROOT / "tests" / "data" / "eval" / "2021-29.txt"
RENDER_TIMEOUT_MS = 90_000

require_chromium()


def test_upload_brief_commit_and_see_it_on_trends(tmp_path, browser) -> None:
    db = tmp_path / "briefs.duckdb"
    open_store(db).close()
    with serve_dashboard(db) as base:
        context = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        try:
            page.goto(f"{base}/upload")
            page.get_by_text("本地模式：未配置登录，所有人可编辑").wait_for()
            page.locator("input[type=file]").set_input_files(str(BRIEF))
            page.get_by_text("将写入 2021 年第 29 期").wait_for()
            page.get_by_role("button", name="提交", exact=True).click()
            page.get_by_text("已写入 2021-29").wait_for()

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
        finally:
            context.close()
    assert 232.0 in plotted
    # The server has exited and released the file: the point is really stored.
    with open_store(db) as store:
        stored = queries.series(store, ["logistics_total"])
        log = queries.audit_log(store)
    assert ("2021-01/2021-09", 232.0) in set(zip(stored["period"], stored["value"], strict=True))
    assert log["action"].tolist()[:2] == ["upload", "ingest"]
