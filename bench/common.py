"""What every benchmark shares: timing, results against targets, the machine, stores."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.synthetic import observation_frames
from loaders.catalog.indicators import load_catalog
from loaders.services.ingest import bulk_load
from loaders.store import open_store

CATALOG = load_catalog()


PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Store sizes the brief asks for (observations).
STORE_SIZES = (10_000, 100_000, 1_000_000)
# One indicator the page benchmarks chart: every synthetic store fills it.
BENCH_INDICATOR = "logistics_total"


@dataclass
class Result:
    """One line of the summary: what was measured, the checked figure and its target.

    `value` is a ratio against a floor measured in the same run (unit "x") or, where the
    target is absolute (ms per issue, MB of memory), the figure itself in `unit`.
    """

    name: str
    measured: str
    value: float | None
    target: float | None
    unit: str = "x"
    # Set when the benchmark itself broke (a server that did not start, a timeout).
    error: str | None = None

    @property
    def passed(self) -> bool | None:
        if self.error is not None:
            return False
        if self.value is None or self.target is None:
            return None
        return self.value <= self.target

    def verdict(self) -> str:
        if self.error is not None:
            return "FAILED"
        return {True: "ok", False: "MISSED", None: "n/a"}[self.passed]

    def line(self) -> str:
        if self.value is None or self.target is None:
            return f"  {self.name}: {self.measured}"
        return (
            f"  {self.name}: {self.measured}; {self.value:.2f}{self.unit} "
            f"(target <= {self.target:g}{self.unit}, {self.verdict()})"
        )


def median_time(fn: Callable[[], object], repeats: int, warmup: int = 1) -> float:
    """Median wall time of fn() in seconds after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def interleaved_medians(
    fns: dict[str, Callable[[], object]], repeats: int, warmup: int = 1
) -> dict[str, float]:
    """Median time of each fn, calling them in turns so drift on a shared machine hits all."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0..100) by nearest rank; the load test reports p95 with it."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def build_store(path: Path, n_obs: int) -> float:
    """Create a synthetic store of n_obs observations at path; returns seconds taken."""
    started = time.perf_counter()
    issues, observations = observation_frames(n_obs)
    with open_store(path) as store:
        bulk_load(store, issues, observations, CATALOG)
    return time.perf_counter() - started


def machine() -> dict[str, str]:
    """The machine and versions a result was measured on, for docs/performance.md."""
    import duckdb
    import pandas
    import plotly
    import streamlit

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    chromium = "not installed"
    try:
        chromium = subprocess.run(
            ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        playwright = importlib.metadata.version("playwright")
    except importlib.metadata.PackageNotFoundError:
        playwright = "not installed"
    return {
        "nproc": str(os.cpu_count()),
        "RAM": ram,
        "CPU": cpu,
        "Python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "streamlit": streamlit.__version__,
        "pandas": pandas.__version__,
        "plotly": plotly.__version__,
        "playwright": playwright,
        "chromium": chromium,
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def summary_table(results: list[Result]) -> str:
    """The final table: each ratio (or absolute figure) beside its target, in markdown."""
    lines = [
        "| benchmark | measured | checked | target | verdict |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        value = "n/a" if r.value is None else f"{r.value:.2f}{r.unit}"
        target = "" if r.target is None else f"<= {r.target:g}{r.unit}"
        lines.append(f"| {r.name} | {r.measured} | {value} | {target} | {r.verdict()} |")
    return "\n".join(lines)
