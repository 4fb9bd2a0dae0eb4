"""The team store against the embedded one: the series query at 1e4 and 1e6 observations
(the same bulk-loaded rows in both; ratio of medians, target <= 3x) and ingest per issue
(synthetic issues stored one by one, as an import writes them).

Needs a PostgreSQL server: BRIEFS_TEST_POSTGRES, or a private cluster started from
Debian's binaries (bench/postgres.py); skipped with a message without one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from bench import postgres
from bench.common import BENCH_INDICATOR, CATALOG, Result, interleaved_medians
from bench.synthetic import observation_frames, synthetic_extraction
from loaders.services.ingest import bulk_load, ingest
from loaders.store import open_store, queries

TARGET_RATIO = 3.0
INGEST_ISSUES = 100


def _lake(fields: str, data_path: Path) -> str:
    data_path.mkdir(parents=True, exist_ok=True)
    os.environ["BRIEFS_DATA_PATH"] = str(data_path)
    return postgres.lake_location(fields, postgres.create_database(fields))


def run(stores: dict[int, Path], workdir: Path, repeats: int = 7) -> list[Result]:
    reason = postgres.unavailable()
    if reason:
        print(f"  skipped: {reason}")
        return []
    results = []
    with postgres.server() as fields:
        for size in (min(stores), max(stores)):
            lake = _lake(fields, workdir / f"lake-{size}")
            issues, observations = observation_frames(size)
            started = time.perf_counter()
            with open_store(lake) as team:
                bulk_load(team, issues, observations, CATALOG)
            load_s = time.perf_counter() - started
            with (
                open_store(lake, read_only=True) as team,
                open_store(stores[size], read_only=True) as file,
            ):
                assert queries.series(team, [BENCH_INDICATOR]).equals(
                    queries.series(file, [BENCH_INDICATOR])
                ), "the two stores disagree"
                medians = interleaved_medians(
                    {
                        "team": lambda team=team: queries.series(team, [BENCH_INDICATOR]),
                        "file": lambda file=file: queries.series(file, [BENCH_INDICATOR]),
                    },
                    repeats,
                )
            result = Result(
                name=f"Series query, team store vs embedded, {size:.0e} obs",
                measured=f"team {medians['team'] * 1000:.1f} ms, embedded "
                f"{medians['file'] * 1000:.1f} ms (bulk load into the lake {load_s:.1f} s)",
                value=medians["team"] / medians["file"],
                target=TARGET_RATIO,
            )
            print(result.line())
            results.append(result)
        for kind in ("file", "lake"):
            location = (
                str(workdir / "ingest-file.duckdb")
                if kind == "file"
                else _lake(fields, workdir / "lake-ingest")
            )
            with open_store(location) as store:
                started = time.perf_counter()
                with store.batch():
                    for seq in range(INGEST_ISSUES):
                        ingest(store, synthetic_extraction(seq, 14), CATALOG, actor="bench")
                elapsed = time.perf_counter() - started
            result = Result(
                name=f"Ingest per issue, {'team' if kind == 'lake' else 'embedded'} store",
                measured=f"{elapsed / INGEST_ISSUES * 1000:.1f} ms/issue over {INGEST_ISSUES}",
                value=None,
                target=None,
            )
            print(result.line())
            results.append(result)
    return results
