"""Shared fixtures: real DuckDB files in tmp, built through loaders.store.Store. The helpers
they are built from (issues, the catalog, stores, the browser) are in tests/support/; tests
import those from there, never from this file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

# The cache-warming thread (dashboard/warm.py) watches one store per process; the suite's
# stores come and go, so it stays off here and is tested by calling it directly.
os.environ["BRIEFS_WARM_CACHES"] = "0"
# Likewise the digest-mail job (dashboard/mailer.py); tests/test_digest_mail.py runs it.
os.environ["BRIEFS_DIGEST_MAILS"] = "0"
from loaders.models import Extraction
from loaders.services.ingest import ingest
from loaders.store import open_store
from tests.support.builders import CATALOG, Fig, build_extraction, issue_2021_15, issue_2021_29


@pytest.fixture
def dashboard_db(tmp_path: Path) -> Path:
    """A DuckDB file holding issues 2021-15 and 2021-29 (closed, ready to reopen)."""
    path = tmp_path / "dashboard.duckdb"
    with open_store(path) as store:
        ingest(store, issue_2021_15(), CATALOG, actor="test")
        ingest(store, issue_2021_29(), CATALOG, actor="test")
    return path


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    """A DuckDB file with the schema and catalog but no issue."""
    path = tmp_path / "empty.duckdb"
    open_store(path).close()
    return path


@pytest.fixture
def app_db(dashboard_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """BRIEFS_DB pointing at the two-issue database, for AppTest runs of the dashboard."""
    monkeypatch.setenv("BRIEFS_DB", str(dashboard_db))
    # Editor role decided by dashboard.auth: no password configured means local mode.
    monkeypatch.delenv("BRIEFS_EDITOR_PASSWORD", raising=False)
    yield dashboard_db


@pytest.fixture
def empty_app_db(empty_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("BRIEFS_DB", str(empty_db))
    monkeypatch.delenv("BRIEFS_EDITOR_PASSWORD", raising=False)
    yield empty_db


@pytest.fixture
def later_issue() -> Extraction:
    """Issue 2021-40 with the 1—9月 logistics total: what an editor commits while the app runs."""
    text = "2021 年 1—9 月，全国社会物流总额 231.7 万亿元。"
    return build_extraction(
        40,
        date(2021, 11, 1),
        [("前三季度物流运行情况", "王芳", text)],
        [Fig(0, text, "231.7 万亿元", 231.7, "万亿元", "logistics_total", "2021-01/2021-09")],
    )


@pytest.fixture
def revising_issue() -> Extraction:
    """Issue 2021-33 restating 2021-Q1 物流业总收入 as 2.8 万亿元 (2021-15 said about 2.7)."""
    text = "一季度物流业总收入 2.8 万亿元。"
    return build_extraction(
        33,
        date(2021, 9, 13),
        [("物流业总收入修订", "王芳", text)],
        [Fig(0, text, "2.8 万亿元", 2.8, "万亿元", "logistics_revenue", "2021-Q1")],
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium through Playwright, one per test module.

    Only for browser test modules: they call tests.support.browser.require_chromium() at
    import, which skips the module (with the reason) when Chromium or Playwright is missing,
    so the imports here are deferred until then.
    """
    from playwright.sync_api import sync_playwright

    from bench.serve import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def media_files(monkeypatch: pytest.MonkeyPatch) -> list[MemoryMediaFileStorage]:
    """The in-memory media stores AppTest creates per run, so a download's bytes can be read."""
    created: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, media_endpoint: str) -> None:
            super().__init__(media_endpoint)
            created.append(self)

    class Manager(app_test_module.MediaFileManager):
        def __init__(self, storage: MemoryMediaFileStorage) -> None:
            super().__init__(storage)
            storage.manager = self  # a deferred download is executed through its manager

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)
    monkeypatch.setattr(app_test_module, "MediaFileManager", Manager)
    return created


# ------------------------------------------------------------------ the team store


# What makes a test slow without a mark of its own: a whole page run (the app fixtures,
# AppTest) or a served dashboard (serve_dashboard, bench.serve.streamlit_server).
SLOW_FIXTURES = {"app_db", "empty_app_db", "media_files", "browser"}
SLOW_HELPERS = ("AppTest", "serve_dashboard", "streamlit_server")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks what `make test-fast` leaves out, so no test file has to remember it.

    postgres: the tests using the postgres fixture, and the cases of a test parametrized
    over the backends whose backend is the team store ("lake"). slow: the tests using an
    app fixture and the tests of a module that runs pages (AppTest) or serves the dashboard;
    tests that start processes or make many writes carry @pytest.mark.slow themselves."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params.values() if callspec is not None else ()
        fixtures = set(getattr(item, "fixturenames", ()))
        if "postgres" in fixtures or "lake" in params:
            item.add_marker(pytest.mark.postgres)
        module = getattr(item, "module", None)
        if fixtures & SLOW_FIXTURES or any(hasattr(module, name) for name in SLOW_HELPERS):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A real PostgreSQL server for the whole run (bench/postgres.py)."""
    from bench import postgres as postgres_support

    reason = postgres_support.unavailable()
    if reason:
        pytest.skip(reason)
    with postgres_support.server() as fields:
        yield fields


@pytest.fixture
def lake(postgres: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """BRIEFS_DB of a new, empty team store (its own database and data folder), set in the
    environment with BRIEFS_DATA_PATH as a deployment would."""
    from bench import postgres as postgres_support

    location = postgres_support.lake_location(postgres, postgres_support.create_database(postgres))
    data_path = tmp_path / "lake-data"
    data_path.mkdir()
    monkeypatch.setenv("BRIEFS_DATA_PATH", str(data_path))
    return location
