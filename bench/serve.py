"""Start a Streamlit server on loopback for the browser benchmarks, and Chromium settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.common import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
APP = PROJECT_ROOT / "dashboard" / "streamlit_app.py"
BARE = PROJECT_ROOT / "bench" / "bare_page.py"
START_TIMEOUT_S = 90
# Chart drawn: plotly has data and at least one marker is in the SVG (test_browser.py's test).
CHART_DRAWN_JS = """() => {
    const plot = document.querySelector('.js-plotly-plot');
    return plot && plot.data && plot.data.length > 0
        && plot.querySelectorAll('.scatterlayer .point').length > 0;
}"""


class ServerStartError(RuntimeError):
    """Streamlit exited or did not answer its health check in time; carries the log's tail."""


@dataclass
class Server:
    base: str
    pid: int
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(
    script: Path,
    env: dict[str, str],
    log: Path,
    *,
    port: int | None = None,
    options: Sequence[str] = (),
) -> Iterator[Server]:
    """`streamlit run script` on 127.0.0.1 (at port, or a free one), as `make run` starts it
    (the dashboard and its HTTP API on one port); stopped (by its pid) on exit. options are
    more command-line settings (--secrets.files PATH …)."""
    port = port or free_port()
    inherited = dict(os.environ)
    # A password or token of the shell running the tests must not close the served
    # dashboard; a caller that wants one passes it in env.
    for setting in ("BRIEFS_EDITOR_PASSWORD", "BRIEFS_API_TOKEN"):
        inherited.pop(setting, None)
    full_env = {**inherited, **env, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.fileWatcherType",
                "none",
                *options,
            ],
            cwd=PROJECT_ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise ServerStartError(f"streamlit did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
            yield Server(base=base, pid=process.pid, log=log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB, from /proc/<pid>/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def chromium_available() -> str | None:
    """None when the browser benchmarks can run, else why not."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None
