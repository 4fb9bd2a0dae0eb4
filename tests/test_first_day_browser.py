"""A new analyst's first day in a real browser: every page of the shipped store and of the demo
(`make demo`) at a desktop's 1440 px and a phone's 390 px opens its page (the declared paths
included: /overview), shows no `None`, no English sentence of ours, no chip out of sight,
nothing wider than the window, and the demo says 示例数据 on every page. Screenshots go to test-artifacts/screenshots/first-day/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.demo import build, demo_issue
from tests.support.browser import ingest_with_cli, require_chromium, serve_dashboard
from tests.support.builders import CATALOG

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "briefs" / "2021-15.txt"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots" / "first-day"
RENDER_TIMEOUT_MS = 60_000
WIDTHS = (1440, 390)
PATHS = (
    "/",
    "/overview",
    "/trends?indicators=logistics_total,telecom_ma_value,carbon_national_cum_turnover",
    "/issues",
    "/catalog",
    "/upload",
    "/imports",
    "/format",
    "/catalog-edit",
    "/catalog-queue",
    "/catalog-history",
)
# Three English words in a row: a sentence, unless it is an indicator's English name, the
# brief's own text, or one of Streamlit's own texts its API does not expose (README:
# Language on screen).
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’&-]*(?:[ ,]+[A-Za-z][A-Za-z'’&-]*){2,}")
STREAMLIT_TEXTS = ("Skip to main content", "MB per file", "Drag and drop file here", "Browse files")
CODE_ON_THE_FORMAT_PAGE = "python -m loaders extract"
# An element of the page wider than the window, not inside a box that scrolls or clips it.
OVERFLOWING_JS = """() => {
  const width = window.innerWidth;
  const found = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let contained = false;
    for (let up = el.parentElement; up; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (['auto', 'scroll', 'hidden', 'clip'].includes(overflow)
          && up.getBoundingClientRect().right <= width + 1) { contained = true; break; }
    }
    if (!contained) found.push(`${el.tagName} ${el.getAttribute('data-testid') || ''}`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, overflowing: found.slice(0, 5)};
}"""

# Chips of a multiselect hidden in its box: Streamlit keeps the chips of a picker placed in
# a column on one row that scrolls, so at 390 px all but the first were out of sight.
HIDDEN_CHIPS_JS = """() => {
  const hidden = [];
  for (const box of document.querySelectorAll('[data-testid="stMultiSelect"]')) {
    const area = box.querySelector('[data-testid="stMultiSelectTagsContainer"]') || box;
    const edge = area.getBoundingClientRect();
    for (const chip of box.querySelectorAll('[data-tag]')) {
      const r = chip.getBoundingClientRect();
      if (r.left < edge.left - 1 || r.right > edge.right + 1) hidden.push(chip.innerText);
    }
  }
  return hidden;
}"""

require_chromium()


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("first-day")
    demo = folder / "demo.duckdb"
    assert build(demo, count=30) == 0  # 2019 and the first half of 2020: enough for each page
    return {"real": ingest_with_cli(SAMPLE, folder / "briefs.duckdb"), "demo": demo}


@pytest.fixture(scope="module")
def theirs() -> str:
    """Every text the pages show that is not ours to translate: the catalog's English names,
    the briefs (the real one and the demo's), code."""
    names = [indicator.name_en or "" for indicator in CATALOG.indicators]
    briefs = [SAMPLE.read_text(encoding="utf-8"), *(demo_issue(i).text for i in range(30))]
    return "\n".join([*names, *briefs, *STREAMLIT_TEXTS, CODE_ON_THE_FORMAT_PAGE])


def english_of_ours(text: str, theirs: str) -> list[str]:
    return [run for run in ENGLISH_RUN.findall(text) if run not in theirs]


@pytest.fixture(scope="module", params=["real", "demo"])
def served(request: pytest.FixtureRequest, stores: dict[str, Path]) -> Iterator[tuple[str, str]]:
    which = request.param
    env = {"BRIEFS_DEMO": "1"} if which == "demo" else {"BRIEFS_DEMO": ""}
    with serve_dashboard(stores[which], env, log_name=f"streamlit-{which}.log") as base:
        yield which, base


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_opens_with_no_none_no_english_and_nothing_wider_than_the_window(
    browser, served: tuple[str, str], width: int, theirs: str
) -> None:
    which, base = served
    context = browser.new_context(viewport={"width": width, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        for path in PATHS:
            page.goto(base + path)
            page.wait_for_selector('[data-testid="stMain"] h1', timeout=RENDER_TIMEOUT_MS)
            page.wait_for_function(
                "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                timeout=RENDER_TIMEOUT_MS,
            )
            page.wait_for_timeout(800)
            name = path.strip("/").split("?")[0] or "root"
            page.screenshot(path=str(SCREENSHOTS / f"{which}-{name}-{width}.png"), full_page=True)
            text = page.inner_text("body")
            assert "Page not found" not in text, path
            assert "None" not in text, path
            assert english_of_ours(text, theirs) == [], path
            assert page.locator('[data-testid="stException"]').count() == 0, path
            layout = page.evaluate(OVERFLOWING_JS)
            assert layout == {"scrollWidth": width, "overflowing": []}, path
            assert page.evaluate(HIDDEN_CHIPS_JS) == [], path
            assert ("示例数据：" in text) == (which == "demo"), path
        # The declared path of the overview is the overview, as / is.
        page.goto(base + "/overview")
        page.wait_for_selector('[data-testid="stMetric"]', timeout=RENDER_TIMEOUT_MS)
        assert page.locator("h1").first.inner_text() == "概览"
    finally:
        context.close()
