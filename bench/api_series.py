"""The series CSV endpoint over HTTP against the bare DuckDB -> Arrow -> CSV path.

The endpoint is `GET /api/v1/series/<id>.csv` on `streamlit run` of the dashboard (as
`make run` serves it), read whole with urllib, on the largest synthetic store. The floor is
the least any server of this file could do: one DuckDB query for the same rows and columns
on the store's published copy (the file the server reads) straight from the table the
store keeps (current_points, with the catalog's names from indicators), into Arrow, written
by Arrow's C++ CSV writer as UTF-8 with a BOM; no HTTP, no cell escaping. Both are checked
to hold the same rows before timing, then timed in turns; p50 and p95 of each are reported
and the p50 ratio is checked. The endpoint pays, on top, HTTP (Tornado), the request's
checks, and the escaping that keeps a cell from being read as a formula by Excel
(loaders.guards.csv_safety).

For context only, the old floor: the same rows through pandas' `to_csv` (what an analyst
would type), which the endpoint beat (0.7x) because pandas' writer is slower than Arrow's.

The endpoint does more than the floor: it adds each row's form, and the values the
statements imply (months, quarters and years from 1—n 月 totals, with their inputs), so the
check compares the floor with the endpoint's stated rows, in the floor's columns.

The endpoint is not cached on the server (every request reads and encodes again), so this
is the cost of a refresh that finds something new; one that finds nothing is a 304.
The cache warmer is off during the run: at start it builds every series' Trends parts,
which would compete with the measured requests for the two cores.
"""

from __future__ import annotations

import io
import time
import urllib.request
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.csv as pa_csv

from bench.common import BENCH_INDICATOR, Result, percentile
from bench.serve import APP, streamlit_server
from loaders.store.filestore import published_dir

TARGET_RATIO = 1.5
# The floor's query: the rows and columns the endpoint writes (loaders.services.series.
# EXPORT_COLUMNS), straight from the store's current view (current_points with the
# issue's and article's columns the citation needs). SQL outside loaders/store/ is
# allowed here only because this is the yardstick, never product code.
# The citation as SQL (loaders.series.citations writes it in Python): issue and running number,
# article, editor, sentence, source.
RAW_CITATION_SQL = """
    '《产业创新动态》' || issue_label
    || coalesce('（总第 ' || issue_total_number || ' 期）', '')
    || CASE WHEN coalesce(trim(article), '') = '' THEN ''
        ELSE '，《' || replace(replace(trim(article), '《', '〈'), '》', '〉') || '》' END
    || CASE WHEN coalesce(trim(editor), '') = '' THEN ''
        ELSE '，产业所 ' || trim(editor) || ' 整理' END
    || CASE WHEN coalesce(trim(quote), '') = '' THEN ''
        ELSE '，原文：“' || trim(quote) || '”' END
    || CASE WHEN coalesce(trim(source_org), '') = '' THEN ''
        ELSE '；原始来源：' || trim(source_org) END"""
RAW_EXPORT_SQL = f"""
SELECT indicator, name_zh, name_en, period, period_kind, period_start, period_end, value,
    value_high, unit, qualifier, forecast, issue_label AS issue, issue_key, published,
    article, editor, quote, source_org, {RAW_CITATION_SQL} AS citation
FROM current WHERE indicator = ? ORDER BY period_end, period, forecast
"""
BOM = "\ufeff".encode()


def newest_copy(path: Path) -> Path:
    """The published copy the server reads (loaders.store.connection)."""
    copies = sorted(published_dir(path).glob("v*.duckdb"))
    if not copies:
        raise RuntimeError(f"{path} has no published copy; was it built with open_store?")
    return copies[-1]


def fetch(url: str) -> bytes:
    # urllib asks for no compression, so the body is the CSV as encoded.
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read()


def floor_csv(raw: duckdb.DuckDBPyConnection) -> bytes:
    table = raw.execute(RAW_EXPORT_SQL, [BENCH_INDICATOR]).to_arrow_table()
    sink = io.BytesIO()
    sink.write(BOM)
    pa_csv.write_csv(table, sink, pa_csv.WriteOptions(eol=b"\r\n"))
    return sink.getvalue()


def pandas_csv(raw: duckdb.DuckDBPyConnection) -> bytes:
    frame = raw.execute(RAW_EXPORT_SQL, [BENCH_INDICATOR]).df()
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _same_rows(served: bytes, floor: bytes) -> int:
    """The served CSV's stated rows are the floor's table (text differs: true vs True, 1750
    vs 1750.0); returns how many rows the endpoint derived besides."""
    mine = pd.read_csv(io.BytesIO(served), dtype={"period": str})
    theirs = pd.read_csv(io.BytesIO(floor), dtype={"period": str})
    theirs["forecast"] = theirs["forecast"].astype(bool)
    stated = mine[~mine["derived"].astype(bool)].reset_index(drop=True)
    pd.testing.assert_frame_equal(stated.loc[:, theirs.columns], theirs, check_dtype=False)
    return len(mine) - len(stated)


def run(stores: dict[int, Path], workdir: Path, repeats: int = 20) -> list[Result]:
    size = max(stores)
    path = stores[size]
    env = {"BRIEFS_DB": str(path), "BRIEFS_WARM_CACHES": "0"}
    with streamlit_server(APP, env, workdir / "api.log") as server:
        url = f"{server.base}/api/v1/series/{BENCH_INDICATOR}.csv"
        served = fetch(url)  # the first request opens the store and reads the catalog
        raw = duckdb.connect(str(newest_copy(path)), read_only=True)
        try:
            derived = _same_rows(served, floor_csv(raw))
            _same_rows(served, pandas_csv(raw))
            fetch(url)
            floor_csv(raw)
            pandas_csv(raw)
            times: dict[str, list[float]] = {"endpoint": [], "floor": [], "pandas": []}
            for _ in range(repeats):
                # In turns, so drift on a shared machine hits all sides alike.
                for name, step in (
                    ("endpoint", lambda: fetch(url)),
                    ("floor", lambda: floor_csv(raw)),
                    ("pandas", lambda: pandas_csv(raw)),
                ):
                    started = time.perf_counter()
                    step()
                    times[name].append(time.perf_counter() - started)
        finally:
            raw.close()
    p50 = {name: percentile(values, 50) * 1000 for name, values in times.items()}
    p95 = {name: percentile(values, 95) * 1000 for name, values in times.items()}
    rows = served.count(b"\r\n") - 1
    ratio = p50["endpoint"] / p50["floor"]
    result = Result(
        name=f"Series CSV endpoint vs DuckDB -> Arrow -> CSV, {size:.0e} obs",
        measured=(
            f"endpoint p50 {p50['endpoint']:.0f} ms, p95 {p95['endpoint']:.0f} ms; "
            f"DuckDB -> Arrow -> CSV p50 {p50['floor']:.0f} ms, p95 {p95['floor']:.0f} ms "
            f"({rows} rows of which {derived} derived, {len(served) / 1e6:.1f} MB, "
            f"{repeats} requests; p95 ratio {p95['endpoint'] / p95['floor']:.2f}x); context: "
            f"the old floor, DuckDB + pandas to_csv, p50 {p50['pandas']:.0f} ms "
            f"({p50['endpoint'] / p50['pandas']:.2f}x)"
        ),
        value=ratio,
        target=TARGET_RATIO,
    )
    print(result.line())
    return [result]
