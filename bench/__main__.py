"""`make bench` (= `python -m bench`): every benchmark, then a table of results vs targets.

    python -m bench                 # everything (about 5 minutes on 2 cores)
    python -m bench --quick         # fewer repeats, stores up to 1e5: a smoke run
    python -m bench --only store,api
    python -m bench --json out.json # also write the results as JSON

Synthetic briefs and stores are generated into a temporary directory and deleted at the end;
nothing is written into the repository. Servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench import (
    api_series,
    browser,
    catalog,
    digest,
    extraction,
    lake,
    load,
    page_server,
    reports,
    store_query,
    team,
)
from bench.common import STORE_SIZES, Result, build_store, machine, summary_table
from bench.serve import chromium_available

BENCHMARKS = (
    "store",
    "api",
    "reports",
    "extraction",
    "catalog",
    "page",
    "browser",
    "load",
    "digest",
    "team",
    "lake",
)
# The whole run must stay under this on the 2-core reference machine.
BUDGET_S = 600
TARGET_STORE_BUILD_S = 60.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, stores up to 1e5")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated subset")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(only) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {BENCHMARKS}")
    repeats = 3 if args.quick else 7
    # A page run costs ~0.1 s, so the AppTest benchmark affords more runs than the browser.
    page_repeats = 5 if args.quick else 15
    sizes = STORE_SIZES[:2] if args.quick else STORE_SIZES

    started = time.perf_counter()
    print("Machine:")
    for key, value in machine().items():
        print(f"  {key}: {value}")
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="briefs-bench-") as tmp:
        workdir = Path(tmp)
        stores: dict[int, Path] = {}
        stored = {"store", "api", "reports", "page", "browser", "load", "digest", "team", "lake"}
        if stored & set(only):
            print("\nSynthetic stores (generated, bulk-loaded through Store):")
            for size in sizes:
                path = workdir / f"synthetic-{size}.duckdb"
                seconds = build_store(path, size)
                stores[size] = path
                print(f"  {size:>9,} observations: {seconds:.1f} s")
            results.append(
                Result(
                    name=f"Create a {max(sizes):.0e}-observation store",
                    measured=f"{seconds:.1f} s",
                    value=seconds,
                    target=TARGET_STORE_BUILD_S,
                    unit=" s",
                )
            )
        steps = {
            "store": ("Series query: Store vs raw DuckDB", lambda: store_query.run(stores)),
            "api": (
                "Series CSV endpoint over HTTP vs DuckDB -> Arrow -> CSV",
                lambda: api_series.run(stores, workdir, repeats=8 if args.quick else 20),
            ),
            "reports": (
                "Reports: XLSX endpoint vs CSV endpoint, chart images drawn and kept",
                lambda: reports.run(stores, workdir, repeats=4 if args.quick else 10),
            ),
            "extraction": ("Extraction and ingest", lambda: extraction.run(workdir)),
            "catalog": (
                "Catalog: add an indicator to an archive (preview, save, undo)",
                lambda: catalog.run(workdir, quick=args.quick),
            ),
            "page": (
                "Trends page server time (AppTest)",
                lambda: page_server.run(stores, workdir, repeats=page_repeats),
            ),
            "browser": (
                "Browser time-to-chart and server memory",
                lambda: browser.run(stores, workdir, repeats=repeats),
            ),
            "load": (
                "Load: concurrent browser sessions while an editor commits",
                lambda: load.run(stores, workdir, quick=args.quick),
            ),
            "digest": (
                "Commit to digest, feed and mail",
                lambda: digest.run(stores, workdir, quick=args.quick),
            ),
            "lake": (
                "Team store (DuckLake over PostgreSQL) vs embedded",
                lambda: lake.run(stores, workdir, repeats=repeats),
            ),
            "team": (
                "One machine, many processes: viewers served, archive import, commits, memory",
                lambda: team.run(stores, workdir, quick=args.quick),
            ),
        }
        missing_browser = chromium_available()
        for name in BENCHMARKS:
            if name not in only:
                continue
            title, step = steps[name]
            print(f"\n{title}:")
            if name in ("browser", "load", "reports", "digest") and missing_browser:
                print(f"  skipped: {missing_browser}")
                continue
            step_started = time.perf_counter()
            try:
                results.extend(step())
            except Exception as exc:  # one broken benchmark must not hide the rest
                error = f"{type(exc).__name__}: {str(exc)[:300]}"
                print(f"  FAILED: {error}")
                results.append(Result(title, f"FAILED: {error}", None, None, error=error))
            print(f"  ({time.perf_counter() - step_started:.0f} s)")

    total = time.perf_counter() - started
    results.append(
        Result(
            name="Whole `make bench`" + (" (--quick)" if args.quick else ""),
            measured=f"{total:.0f} s",
            value=total,
            target=BUDGET_S,
            unit=" s",
        )
    )
    print("\nSummary (ratios are measured in the same run against their floor):\n")
    print(summary_table(results))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine(),
                    "results": [
                        {
                            "name": r.name,
                            "measured": r.measured,
                            "value": r.value,
                            "unit": r.unit.strip(),
                            "target": r.target,
                            "verdict": r.verdict(),
                        }
                        for r in results
                    ],
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    missed = [r.name for r in results if r.passed is False and r.error is None]
    if missed:
        print(f"\nMissed targets: {'; '.join(missed)}")
    broken = [r.name for r in results if r.error is not None]
    if broken:
        print(f"\nBenchmarks that failed to run: {'; '.join(broken)}")
    # A missed target is a finding to report, not a broken run; a crashed benchmark is.
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
