"""From chart to report: the XLSX endpoint against the CSV endpoint, and the chart image
endpoint drawing anew and kept, over HTTP on `streamlit run` of the dashboard (as `make run`
serves it) on the largest synthetic store.

- XLSX: `GET /api/v1/series/<id>.xlsx` against `GET /api/v1/series/<id>.csv` for the same
  series (25,000 rows at 1e6 observations), timed in turns. Both are checked to hold the
  same rows first (the workbook read back by openpyxl). The CSV endpoint is itself measured
  against DuckDB + pandas (bench/api_series.py), so this ratio says what a workbook costs
  over the cheapest honest download.
- Images: `GET /api/v1/series/<id>.png`. Drawn anew: each request asks for another width,
  so nothing is kept; the floor is Kaleido alone rendering the same report figure at the
  same size in this process (the renderer the server uses, its browser already running), so
  the ratio is what reading, building the figure and HTTP add. Kept: the same URL again, a
  dictionary look-up by data version. The first image (the browser starting) is reported
  on its own.
"""

from __future__ import annotations

import io
import time
import urllib.request
from pathlib import Path

import openpyxl
import pandas as pd

from bench.common import BENCH_INDICATOR, Result, percentile
from bench.serve import APP, streamlit_server

TARGET_XLSX_RATIO = 3.0
TARGET_IMAGE_RATIO = 1.5
# A kept image is a look-up and an HTTP answer.
TARGET_KEPT_MS = 50.0
IMAGE_HEIGHT = 600


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=300) as response:
        return response.read()


def fetch_image(url: str, expected: str) -> bytes:
    """An image, checked to be drawn now (expected "miss") or kept from before ("hit")."""
    with urllib.request.urlopen(url, timeout=300) as response:
        body = response.read()
        state = response.headers["X-Cache"]
    assert state == expected, f"{url}: X-Cache {state}, expected {expected}"
    return body


def _same_rows(workbook: bytes, csv: bytes) -> int:
    """The workbook's data sheet holds the CSV's rows (values and citations)."""
    sheet = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)["数据"]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    table = pd.DataFrame(list(rows), columns=header)
    expected = pd.read_csv(io.BytesIO(csv), dtype={"period": str})
    assert list(table.columns) == list(expected.columns), "columns differ"
    assert len(table) == len(expected), f"{len(table)} rows vs {len(expected)}"
    assert table["value"].tolist() == expected["value"].tolist(), "values differ"
    assert table["citation"].tolist() == expected["citation"].fillna("").tolist()
    return len(table)


def _xlsx(base: str, repeats: int, size: int) -> Result:
    csv_url = f"{base}/api/v1/series/{BENCH_INDICATOR}.csv"
    xlsx_url = f"{base}/api/v1/series/{BENCH_INDICATOR}.xlsx"
    rows = _same_rows(fetch(xlsx_url), fetch(csv_url))
    times: dict[str, list[float]] = {"xlsx": [], "csv": []}
    sizes = {}
    for _ in range(repeats):
        for name, url in (("xlsx", xlsx_url), ("csv", csv_url)):
            started = time.perf_counter()
            sizes[name] = len(fetch(url))
            times[name].append(time.perf_counter() - started)
    p50 = {name: percentile(values, 50) * 1000 for name, values in times.items()}
    p95 = {name: percentile(values, 95) * 1000 for name, values in times.items()}
    return Result(
        name=f"Series XLSX endpoint vs CSV endpoint, {size:.0e} obs",
        measured=(
            f"XLSX p50 {p50['xlsx']:.0f} ms, p95 {p95['xlsx']:.0f} ms "
            f"({sizes['xlsx'] / 1e6:.1f} MB); CSV p50 {p50['csv']:.0f} ms, "
            f"p95 {p95['csv']:.0f} ms ({sizes['csv'] / 1e6:.1f} MB); {rows} rows, "
            f"{repeats} requests each"
        ),
        value=p50["xlsx"] / p50["csv"],
        target=TARGET_XLSX_RATIO,
    )


def _images(base: str, path: Path, repeats: int, size: int) -> list[Result]:
    from dashboard.chart_images import image_text, report_figure
    from dashboard.images import ImageRequest, chart_rows, image_figure
    from dashboard.render import Renderer
    from loaders.services.series import SeriesRequest
    from loaders.store import open_store

    url = f"{base}/api/v1/series/{BENCH_INDICATOR}.png"
    started = time.perf_counter()
    fetch(f"{url}?width=1000&height={IMAGE_HEIGHT}")
    first = time.perf_counter() - started
    # The floor: Kaleido alone, the same figure, a browser of its own already running.
    request = ImageRequest(SeriesRequest(indicators=(BENCH_INDICATOR,)))
    with open_store(path, read_only=True) as store:
        rows, note = chart_rows(store, request)
    figure = image_figure(rows)
    text = image_text(rows, vintage_note=note)
    floor = Renderer(max_cached=0)
    times: dict[str, list[float]] = {"endpoint": [], "kaleido": []}
    try:
        floor.render(report_figure(figure, text, 1000, IMAGE_HEIGHT), "png", 1000, IMAGE_HEIGHT)
        for attempt in range(repeats):
            width = 1001 + attempt  # a size not asked for before: drawn anew
            spec = report_figure(figure, text, width, IMAGE_HEIGHT)
            wanted = f"{url}?width={width}&height={IMAGE_HEIGHT}"
            for name, step in (
                ("endpoint", lambda wanted=wanted: fetch_image(wanted, "miss")),
                ("kaleido", lambda spec=spec, w=width: floor.render(spec, "png", w, IMAGE_HEIGHT)),
            ):
                started = time.perf_counter()
                step()
                times[name].append(time.perf_counter() - started)
    finally:
        floor.close()
    kept = []
    kept_url = f"{url}?width=1001&height={IMAGE_HEIGHT}"
    for _ in range(repeats * 2):
        started = time.perf_counter()
        fetch_image(kept_url, "hit")
        kept.append(time.perf_counter() - started)
    p50 = {name: percentile(values, 50) * 1000 for name, values in times.items()}
    kept_p50 = percentile(kept, 50) * 1000
    return [
        Result(
            name=f"Chart image endpoint drawn anew vs Kaleido alone, {size:.0e} obs",
            measured=(
                f"endpoint p50 {p50['endpoint']:.0f} ms, p95 "
                f"{percentile(times['endpoint'], 95) * 1000:.0f} ms; Kaleido alone p50 "
                f"{p50['kaleido']:.0f} ms; first image (browser start) {first:.1f} s; "
                f"{repeats} sizes"
            ),
            value=p50["endpoint"] / p50["kaleido"],
            target=TARGET_IMAGE_RATIO,
        ),
        Result(
            name=f"Chart image endpoint, kept (same URL, same data version), {size:.0e} obs",
            measured=f"p50 {kept_p50:.1f} ms over {len(kept)} requests",
            value=kept_p50,
            target=TARGET_KEPT_MS,
            unit=" ms",
        ),
    ]


def run(stores: dict[int, Path], workdir: Path, repeats: int = 10) -> list[Result]:
    size = max(stores)
    path = stores[size]
    env = {"BRIEFS_DB": str(path), "BRIEFS_WARM_CACHES": "0"}
    results = []
    with streamlit_server(APP, env, workdir / "reports.log") as server:
        results.append(_xlsx(server.base, repeats, size))
        print(results[-1].line())
        for result in _images(server.base, path, repeats, size):
            results.append(result)
            print(result.line())
    return results
