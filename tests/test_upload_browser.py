"""The 上传 page in a real browser: upload the practice brief, commit, see it on 趋势.

Headless Chromium (/usr/bin/chromium) through Playwright against `streamlit run` on a free
port with BRIEFS_DB on an empty temporary database, in local mode (no login configured).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from loaders.store import Store

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
BRIEF = ROOT / "tests" / "data" / "eval" / "2021-29.txt"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SERVER_START_TIMEOUT_S = 90
RENDER_TIMEOUT_MS = 90_000

if not CHROMIUM.exists():
    pytest.skip(
        f"chromium not found at {CHROMIUM}; install with apt-get install chromium",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(db: Path) -> Iterator[str]:
    """`streamlit run` on db; yields the base URL. The server holds the file's lock until exit."""
    folder = db.parent
    port = _free_port()
    env = {**os.environ, "BRIEFS_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    env.pop("BRIEFS_EDITOR_PASSWORD", None)
    log_path = folder / "streamlit.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboard/streamlit_app.py",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT_S
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("streamlit did not start:\n" + log_path.read_text(encoding="utf-8"))
                time.sleep(0.3)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_upload_brief_commit_and_see_it_on_trends(tmp_path, browser) -> None:
    db = tmp_path / "briefs.duckdb"
    Store(db).close()
    with serve(db) as base:
        context = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        try:
            page.goto(f"{base}/upload")
            page.get_by_text("本地模式：未配置登录，所有人可编辑").wait_for()
            page.locator("input[type=file]").set_input_files(str(BRIEF))
            page.get_by_text("将写入 2021 年第 29 期").wait_for()
            page.get_by_role("button", name="提交 Commit").click()
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
    with Store(db) as store:
        stored = store.series(["logistics_total"])
        log = store.audit_log()
    assert ("2021-01/2021-09", 232.0) in set(zip(stored["period"], stored["value"], strict=True))
    assert log["action"].tolist()[:2] == ["upload", "ingest"]
