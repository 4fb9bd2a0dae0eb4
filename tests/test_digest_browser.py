"""The digest in a real browser: watch an indicator on 概览, commit an issue that revises it,
come back and read the line, then follow it to the trend.

Headless Chromium (/usr/bin/chromium) through Playwright against `streamlit run` on a store
holding 2021-15, in local mode (one watchlist for the machine); the commit is made by this
process through the same service the upload page calls, and reaches the server through the
published copies.
"""

from __future__ import annotations

import time

import pytest

from loaders.services.ingest import ingest
from loaders.store import open_store
from loaders.store import watchers as log
from tests.support.browser import require_chromium, serve_dashboard
from tests.support.builders import CATALOG, issue_2021_15, issue_2021_29

pytestmark = pytest.mark.browser
RENDER_TIMEOUT_MS = 90_000
LINE = "修订 全国社会物流总额 2021年一季度：75 万亿元 → 75.1 万亿元（2021 年第 15 期 → 2021 年第 29 期）"

require_chromium()


def _watched(db) -> list[str]:
    with open_store(db) as store:
        return log.watchlist(store, "local")


def test_watch_an_indicator_commit_a_revision_and_read_the_digest_line(tmp_path, browser) -> None:
    db = tmp_path / "briefs.duckdb"
    with open_store(db) as store:
        ingest(store, issue_2021_15(), CATALOG, actor="test")
    with serve_dashboard(db) as base:
        context = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        try:
            page.goto(base)  # the overview is the default page
            page.get_by_text("有什么变化").wait_for()
            chooser = page.locator('[data-testid="stMultiSelect"]').filter(has_text="关注的指标")
            chooser.locator("input").click()
            chooser.locator("input").fill("全国社会物流总额")
            page.get_by_role("option", name="全国社会物流总额", exact=True).click()
            page.get_by_text("只看关注的指标").wait_for()
            for _ in range(100):
                if _watched(db) == ["logistics_total"]:
                    break
                time.sleep(0.1)
            assert _watched(db) == ["logistics_total"]

            with open_store(db) as store:
                ingest(store, issue_2021_29(), CATALOG, actor="test")

            page.reload()
            line = page.get_by_text(LINE, exact=True)
            line.wait_for()
            page.get_by_text("新：「2021 年一季度全国社会物流总额修订为 75.1 万亿元。」").wait_for()
            # Watched only: the growth rate 2021-29 also added is not listed.
            assert page.get_by_text("社会物流总额同比增速 2021年1—6月").count() == 0
            # The line's own link (the cards below say 查看趋势).
            page.locator('a[href*="indicators=logistics_total"]').filter(
                has_text="趋势", has_not_text="查看"
            ).first.click()
            page.wait_for_url("**/trends?indicators=logistics_total**")
        finally:
            context.close()
