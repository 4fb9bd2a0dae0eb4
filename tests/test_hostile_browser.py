"""Every page with hostile data and hostile links, in a real browser: nothing from data turns
into a link or an image, and no request leaves the machine.

The store holds an issue whose title, file name, article title, editor and text carry the
payload of tests/test_markup_everywhere.py (markdown links and images, styling, directives,
math, bare URLs, e-mail addresses, HTML); the links put the payload in ?indicators= and
?issue=. For each page, headless Chromium must find no <a> or <img> pointing anywhere but
the app, and every request it made (page.on("request"): favicon, fonts, icons, images) must
go to the app's own host. The grids offer no raw CSV download of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from loaders.services.ingest import ingest
from loaders.store import open_store
from tests.support.browser import require_chromium, serve_dashboard
from tests.support.builders import CATALOG, issue_carrying
from tests.test_markup_everywhere import PAYLOAD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
RENDER_TIMEOUT_MS = 60_000
# Schemes that never leave the page.
LOCAL_SCHEMES = ("data", "blob", "about", "javascript")

require_chromium()

PAGES = [
    ("overview", "/", '[data-testid="stMetric"]'),
    ("trends_payload", f"/trends?indicators={quote(PAYLOAD)}", '[data-testid="stAlert"]'),
    ("trends", "/trends?indicators=logistics_total", ".js-plotly-plot .point"),
    ("issues_payload", f"/issues?issue={quote(PAYLOAD)}", '[data-testid="stAlert"]'),
    ("issues", "/issues?issue=2021-15", '[data-testid="stExpander"]'),
    ("catalog", "/catalog", '[data-testid="stDataFrame"]'),
    ("upload", "/upload", '[data-testid="stFileUploader"]'),
    ("imports", "/imports", '[data-testid="stFileUploader"]'),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    extraction = issue_carrying(PAYLOAD)
    db = tmp_path_factory.mktemp("hostile") / "briefs.duckdb"
    with open_store(db) as store:
        ingest(store, extraction, CATALOG, actor="test")
    with serve_dashboard(db) as base:
        yield base


def _outside(url: str, app: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in LOCAL_SCHEMES or not parsed.netloc:
        return False
    return parsed.netloc != urlparse(app).netloc


@pytest.mark.parametrize(("name", "path", "ready"), PAGES, ids=[name for name, _, _ in PAGES])
def test_no_link_image_or_request_leaves_the_app(server: str, browser, name, path, ready):
    context = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(server + path)
        page.wait_for_selector(ready)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
        page.wait_for_timeout(1000)  # icons and images a page asks for after its run
        assert page.locator('[data-testid="stException"]').count() == 0
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        images = page.eval_on_selector_all("img[src]", "els => els.map(e => e.src)")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"hostile_{name}.png"), full_page=True)
    finally:
        context.close()
    assert [url for url in links if _outside(url, server)] == []
    assert [url for url in images if _outside(url, server)] == []
    assert [url for url in requested if _outside(url, server)] == []
    assert requested, "the page made no request at all: the listener saw nothing"


def test_the_payload_is_shown_as_text(server: str, browser):
    """The same pages are not blank: the reader sees the payload's characters."""
    page = browser.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    try:
        page.goto(server + "/issues?issue=2021-15")
        page.wait_for_selector('[data-testid="stExpander"]')
        heading = page.locator('[data-testid="stHeading"] h3').first.inner_text()
        # Invisible word joiners keep http:// and the address from being autolinked.
        assert heading.replace("\u2060", "").startswith(PAYLOAD)
    finally:
        page.close()


def test_grids_offer_no_raw_csv_download(server: str, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 1100})
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    try:
        page.goto(server + "/catalog")
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.wait_for()
        grid.hover()
        page.wait_for_timeout(500)
        toolbar = page.locator('[data-testid="stElementToolbar"] button')
        labels = [toolbar.nth(i).get_attribute("aria-label") or "" for i in range(toolbar.count())]
        assert labels, "the grid's toolbar did not show"
        assert not [label for label in labels if "download" in label.lower()]
        # Ours is there instead: formula-safe (loaders.guards.csv_safety).
        assert page.get_by_role("button", name="下载 CSV").count() == 1
    finally:
        page.close()
