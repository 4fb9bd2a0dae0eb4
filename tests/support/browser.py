"""What the browser tests share: the Chromium check, a served dashboard, a CLI-built database.

The server and the Chromium settings are bench.serve's, so tests and benchmarks start Streamlit
and Chromium the same way (bench never imports tests). This module adds the pytest side: skip
the module with a clear reason when Chromium is missing, fail the test with the server's log
when Streamlit does not start. The Playwright `browser` fixture is in conftest.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import ModuleType

import pytest

from bench.serve import APP, CHROMIUM, ServerStartError, streamlit_server

ROOT = Path(__file__).resolve().parents[2]


def require_chromium() -> ModuleType:
    """playwright.sync_api; skips the calling test module when Chromium or Playwright is missing.

    Call it at module level: the skip then covers the whole module, with the reason in `-ra`.
    """
    if not CHROMIUM.exists():
        pytest.skip(
            f"chromium not found at {CHROMIUM}; install with apt-get install chromium",
            allow_module_level=True,
        )
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@contextmanager
def serve_dashboard(
    db: Path,
    env: dict[str, str] | None = None,
    log_name: str = "streamlit.log",
    *,
    port: int | None = None,
    options: Sequence[str] = (),
) -> Iterator[str]:
    """`streamlit run` of the dashboard on db (as `make run` starts it, API included); yields
    the base URL. env adds settings (a password, an API token); the server's log is written
    next to db (log_name: two servers on one db keep their own logs). The server holds the
    database file's lock until the block exits. port and options as
    bench.serve.streamlit_server takes them."""
    with ExitStack() as stack:
        try:
            server = stack.enter_context(
                streamlit_server(
                    APP,
                    {"BRIEFS_DB": str(db), **(env or {})},
                    db.parent / log_name,
                    port=port,
                    options=options,
                )
            )
        except ServerStartError as error:
            pytest.fail(str(error))
        yield server.base


def ingest_with_cli(brief: Path, db: Path) -> Path:
    """brief ingested into db through the real CLI (`python -m loaders ingest`); returns db."""
    result = subprocess.run(
        [sys.executable, "-m", "loaders", "ingest", str(brief)],
        cwd=ROOT,
        env={**os.environ, "BRIEFS_DB": str(db)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return db
