"""A citation from the Trends table to its sentence, in a real browser: pick a row, copy its
citation with the copy button, open its link, and find the sentence marked on the 期刊 page.
Also the chart embedded alone, and the report downloads. Screenshots at 1440 and 390 px
are kept in test-artifacts/screenshots/."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from bench.serve import CHART_DRAWN_JS
from loaders.catalog.indicators import load_catalog
from loaders.intake.pipeline import extract_file
from loaders.services.ingest import ingest
from loaders.services.series import SeriesRequest, read_series
from loaders.store import open_store
from tests.support.browser import require_chromium, serve_dashboard

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
# The shared briefs (shared/eval/briefs) as the repository keeps them.
SHARED_BRIEFS = (
    ROOT / "data" / "briefs" / "2021-15.txt",
    ROOT / "tests" / "data" / "eval" / "2021-29.txt",
)
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
TIMEOUT_MS = 90_000
INDICATOR = "logistics_total"

require_chromium()


@pytest.fixture(scope="module")
def cited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """The store, and the export rows of INDICATOR (citation, quote) read before serving."""
    path = tmp_path_factory.mktemp("citations") / "briefs.duckdb"
    catalog = load_catalog()
    with open_store(path) as store:
        for brief in SHARED_BRIEFS:
            ingest(store, extract_file(brief, catalog), catalog, actor="test")
        rows = read_series(store, SeriesRequest(indicators=(INDICATOR,))).export()
    return path, rows.to_dict("records")


@pytest.fixture(scope="module")
def server(cited) -> Iterator[str]:
    with serve_dashboard(cited[0], log_name="citations.log") as base:
        yield base


def _context(browser, width: int):
    context = browser.new_context(
        viewport={"width": width, "height": 1000}, locale="zh-CN", accept_downloads=True
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    return context


def _pick_first_row(page) -> None:
    """Tick the first row of the Trends table (its selection box, left of the first cell)."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The header row and each data row are about 35 pixels high.
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)


@pytest.mark.parametrize("width", [1440, 390])
def test_copy_a_citation_from_the_trends_table_and_open_its_sentence(
    server: str, cited, browser, width: int
) -> None:
    _, rows = cited
    context = _context(browser, width)
    page = context.new_page()
    page.goto(f"{server}/trends?indicators={INDICATOR}")
    page.wait_for_function(CHART_DRAWN_JS, timeout=TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=TIMEOUT_MS)
    _pick_first_row(page)
    code = page.locator('[data-testid="stCode"]').first
    code.wait_for(timeout=TIMEOUT_MS)
    first = rows[0]
    assert first["citation"] in code.inner_text().replace("\n", "")
    code.hover()
    code.locator("button").first.click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == first["citation"]
    assert copied.startswith("《产业创新动态》") and "原始来源：中物联" in copied
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"trends_citation_{width}.png"))

    with context.expect_page() as opened:
        page.get_by_role("link", name="在期刊中查看原句").click()
    issue_page = opened.value
    mark = issue_page.locator("mark.cited")
    mark.wait_for(timeout=TIMEOUT_MS)
    assert f"issue={first['issue_key']}" in issue_page.url
    # The sentence as it reads: each number in it is marked by its state too, with the
    # state spelled out for screen readers (.num-sr), which the eye does not see.
    shown = mark.evaluate(
        """m => { const c = m.cloneNode(true);
                  c.querySelectorAll('.num-sr').forEach(s => s.remove());
                  return c.textContent; }"""
    )
    assert shown == first["quote"]
    assert mark.locator(".num-observation").count() >= 1
    assert issue_page.locator("mark.cited").count() == 1
    # Brought into view: the marked sentence is inside the window.
    issue_page.wait_for_function(
        """() => { const r = document.querySelector('mark.cited').getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= window.innerHeight; }""",
        timeout=TIMEOUT_MS,
    )
    issue_page.screenshot(path=str(SCREENSHOTS / f"issue_cited_{width}.png"))
    context.close()


@pytest.mark.parametrize("width", [1440, 390])
def test_the_embedded_chart_shows_the_chart_and_its_source_alone(
    server: str, browser, width: int
) -> None:
    context = _context(browser, width)
    page = context.new_page()
    page.goto(f"{server}/embed/trends?indicators={INDICATOR},logistics_total_yoy")
    page.wait_for_function(CHART_DRAWN_JS, timeout=TIMEOUT_MS)
    assert "chart=only" in page.url and "embed=true" in page.url
    caption = page.get_by_text("来源：《产业创新动态》")
    caption.wait_for(timeout=TIMEOUT_MS)
    assert "原始来源：中物联" in caption.inner_text()
    # Nothing but the chart: no page title, no widgets, no navigation.
    assert page.locator('[data-testid="stSidebar"]').count() == 0
    assert page.locator('[data-testid="stMultiSelect"]').count() == 0
    assert page.get_by_role("heading", name="趋势").count() == 0
    page.screenshot(path=str(SCREENSHOTS / f"embed_trends_{width}.png"))
    context.close()


def test_the_trends_page_downloads_excel_and_images(server: str, browser) -> None:
    context = _context(browser, 1440)
    page = context.new_page()
    page.goto(f"{server}/trends?indicators={INDICATOR}")
    page.wait_for_function(CHART_DRAWN_JS, timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name="下载 Excel").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == ["数据", "说明"]
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name="下载图片 SVG").click()
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert "全国社会物流总额" in svg and "产业创新动态" in svg
    page.get_by_text("图片链接与嵌入").click()
    address = page.locator('[data-testid="stCode"]').first.inner_text()
    assert f"/api/v1/series/{INDICATOR}.png" in address and address.startswith("http")
    page.screenshot(path=str(SCREENSHOTS / "trends_report_panel.png"), full_page=True)
    context.close()
