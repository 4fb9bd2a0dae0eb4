"""Server time of the Trends page (AppTest) against the bare page drawing the same points.

Each measured run is a fresh AppTest session opening the page, as a visitor arriving by a
link (`/trends?indicators=<id>`); Streamlit's caches are process-wide, so after the warm-up
both pages run warm, as on a live server. The runs of all variants are interleaved so that
load from other programs on the machine hits them alike.

Runs in a child process (`python -m bench.page_server ...`): AppTest keeps Stores open
through st.cache_resource, and DuckDB locks a file per process; the parent's later
benchmarks start servers on the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import BENCH_INDICATOR, PROJECT_ROOT, Result
from loaders.series.comparable import with_plot_columns
from loaders.services.series import SeriesRequest, read_series
from loaders.store import open_store

APP = PROJECT_ROOT / "dashboard" / "streamlit_app.py"
BARE = PROJECT_ROOT / "bench" / "bare_page.py"
TARGET_RATIO = 1.3
TARGET_SCALE_RATIO = 1.5
TIMEOUT_S = 120


def prepare_points(db: Path, out: Path) -> int:
    """Write the points the Trends page plots for BENCH_INDICATOR (x, value) for the bare page:
    what the read service gives it, the stated points and those derived from them."""
    with open_store(db, read_only=True) as store:
        rows = read_series(store, SeriesRequest(indicators=(BENCH_INDICATOR,))).rows
        frame = with_plot_columns(rows)
    frame[["x", "value"]].reset_index(drop=True).to_pickle(out)
    return len(frame)


def _run_trends(db: str) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ["BRIEFS_DB"] = db
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.switch_page("app_pages/trends.py")
    at.query_params["indicators"] = BENCH_INDICATOR
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    _check(at, "trends")
    return elapsed


def _run_bare(points: str) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ["BENCH_POINTS"] = points
    at = AppTest.from_file(str(BARE), default_timeout=TIMEOUT_S)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    _check(at, "bare")
    return elapsed


def _check(at, name: str) -> None:
    if at.exception:
        raise RuntimeError(f"{name} page raised: {[e.message for e in at.exception]}")
    if not at.get("plotly_chart"):
        raise RuntimeError(f"{name} page drew no chart")


def measure(variants: dict[str, tuple[str, str]], repeats: int) -> dict[str, list[float]]:
    """variants: name -> ("trends", db) or ("bare", points pickle); interleaved runs."""
    runners = {"trends": _run_trends, "bare": _run_bare}
    times: dict[str, list[float]] = {name: [] for name in variants}
    for round_no in range(repeats + 1):
        for name, (kind, arg) in variants.items():
            elapsed = runners[kind](arg)
            if round_no > 0:  # the first round fills the caches
                times[name].append(elapsed)
    return times


def measure_in_child(variants: dict[str, tuple[str, str]], repeats: int) -> dict[str, float]:
    """Medians (seconds) from a child process, which releases the store files when it exits."""
    spec = json.dumps({"variants": variants, "repeats": repeats})
    done = subprocess.run(
        [sys.executable, "-m", "bench.page_server", spec],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"page benchmark failed:\n{done.stderr[-3000:]}")
    times = json.loads(done.stdout.strip().splitlines()[-1])
    return {name: statistics.median(values) for name, values in times.items()}


def run(stores: dict[int, Path], workdir: Path, repeats: int = 7) -> list[Result]:
    small, large = min(stores), max(stores)
    points = workdir / "bare_points.pkl"
    n_points = prepare_points(stores[small], points)
    medians = measure_in_child(
        {
            "trends_small": ("trends", str(stores[small])),
            "bare": ("bare", str(points)),
            "trends_large": ("trends", str(stores[large])),
        },
        repeats,
    )
    ms = {name: value * 1000 for name, value in medians.items()}
    page = Result(
        name=f"Trends page server time (AppTest), {small:.0e} obs",
        measured=(
            f"trends {ms['trends_small']:.0f} ms vs bare page {ms['bare']:.0f} ms "
            f"({n_points} points, median of {repeats})"
        ),
        value=medians["trends_small"] / medians["bare"],
        target=TARGET_RATIO,
    )
    scale = Result(
        name=f"Trends page at {large:.0e} vs {small:.0e} obs (AppTest)",
        measured=f"{ms['trends_large']:.0f} ms vs {ms['trends_small']:.0f} ms",
        value=medians["trends_large"] / medians["trends_small"],
        target=TARGET_SCALE_RATIO,
    )
    for result in (page, scale):
        print(result.line())
    return [page, scale]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("spec", help='JSON: {"variants": {name: [kind, arg]}, "repeats": n}')
    spec = json.loads(parser.parse_args(argv).spec)
    times = measure({k: tuple(v) for k, v in spec["variants"].items()}, spec["repeats"])
    print(json.dumps(times))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
