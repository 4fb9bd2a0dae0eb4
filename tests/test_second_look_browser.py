"""The second look in a real browser: a brief whose total since launch falls below the stored
one is uploaded; the review lists it under 与库中序列比对 with the reason and marks it 存疑 in
the text, the commit waits until the editor confirms it, then writes it. The 期刊 page of an
issue imported without confirmation marks the value it set aside.

Headless Chromium (/usr/bin/chromium) through Playwright against `streamlit run`, in local
mode. Screenshots at 1440 and 390 px wide go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from loaders.services.ingest import ingest
from loaders.store import open_store, queries
from tests.support.browser import require_chromium, serve_dashboard
from tests.support.builders import CATALOG
from tests.test_add_figure_browser import RENDER_TIMEOUT_MS, _settled, _shoot
from tests.test_second_look import FALLING, FIRST

pytestmark = pytest.mark.browser

require_chromium()

SERIES = "carbon_national_cum_volume"
DOUBT = "累计总量不会减少：低于 2021-12-17 的 1.79 亿吨"


def _review(page, base: str, brief) -> None:
    page.goto(f"{base}/upload")
    page.get_by_text("本地模式：未配置登录，所有人可编辑").wait_for()
    page.locator("input[type=file]").set_input_files(str(brief))
    page.get_by_text("与库中序列比对（1）").wait_for()
    page.get_by_text("检查与提交", exact=True).wait_for()
    _settled(page)


def test_a_doubtful_value_waits_for_the_editor_then_is_written(tmp_path, browser) -> None:
    db = tmp_path / "briefs.duckdb"
    with open_store(db) as store:
        ingest(store, FIRST, CATALOG, actor="test")
    brief = tmp_path / "2022-02.txt"
    brief.write_text(FALLING.clean_text, encoding="utf-8")
    with serve_dashboard(db) as base:
        context = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        try:
            _review(page, base, brief)
            held = page.locator(".brief-text .num-held", has_text="0.179")
            assert f"存疑：{DOUBT}" in held.get_attribute("title")
            page.get_by_text(f"存疑：{DOUBT}").first.wait_for()
            page.get_by_text("还有 1 个存疑的数字未确认").wait_for()
            assert page.get_by_role("button", name="提交", exact=True).is_disabled()
            _shoot(page, "second_look_review_wide")

            phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
            small = phone.new_page()
            small.set_default_timeout(RENDER_TIMEOUT_MS)
            try:
                _review(small, base, brief)
                _shoot(small, "second_look_review_phone")
            finally:
                phone.close()

            page.get_by_role("button", name="确认写入", exact=True).click()
            page.get_by_text("已确认写入。").wait_for()
            commit = page.get_by_role("button", name="提交", exact=True)
            commit.and_(page.locator(":enabled")).wait_for()
            assert page.locator(".brief-text .num-held").count() == 0
            _settled(page)
            commit.click()
            page.get_by_text("已写入 2022-02").wait_for()
        finally:
            context.close()
    with open_store(db) as store:
        assert sorted(queries.series(store, [SERIES])["value"]) == [0.179, 1.79]


def test_the_issue_page_marks_a_value_an_import_set_aside(tmp_path, browser) -> None:
    db = tmp_path / "briefs.duckdb"
    with open_store(db) as store:
        ingest(store, FIRST, CATALOG, actor="test")
        ingest(store, FALLING, CATALOG, actor="test", second_look=True)
    with serve_dashboard(db) as base:
        for name, (width, height) in {"wide": (1440, 1100), "phone": (390, 844)}.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="zh-CN"
            )
            page = context.new_page()
            page.set_default_timeout(RENDER_TIMEOUT_MS)
            try:
                page.goto(f"{base}/issues?issue=2022-02")
                held = page.locator(".brief-text .num-unassigned.num-held", has_text="0.179")
                held.wait_for()
                assert f"存疑：{DOUBT}" in held.get_attribute("title")
                page.get_by_text("1 个数字导入时与库中该序列已有数值不合").wait_for()
                _settled(page)
                _shoot(page, f"second_look_issue_{name}")
            finally:
                context.close()
