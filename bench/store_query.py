"""queries.series(Store, [id]) against the same query written by hand in raw DuckDB, same file.

The floor is what a DuckDB user would type for one indicator: filter the indicator
first, then pick the latest issue per period. It returns the same rows as the Store
(checked before timing), so the ratio is the price of the Store's view and wrappers.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from bench.common import BENCH_INDICATOR, Result, interleaved_medians
from loaders.store import open_store, queries

TARGET_RATIO = 1.5

# The benchmark's floor query. SQL outside loaders/store/ is allowed here only because
# this is the yardstick the store is measured against, never product code.
RAW_SERIES_SQL = """
WITH ranked AS (
    SELECT o.*, i.published, i.issue_label,
        row_number() OVER key_latest AS rank_in_key,
        count(DISTINCT o.issue_key) OVER key_all - 1 AS revision_count,
        max(o.value) OVER key_all - min(o.value) OVER key_all AS value_spread,
        max(coalesce(o.value_high, o.value)) OVER key_all
            - min(coalesce(o.value_high, o.value)) OVER key_all AS high_spread,
        max(abs(o.value)) OVER key_all AS value_scale
    FROM observations o JOIN issues i ON i.issue_key = o.issue_key
    WHERE o.indicator = ?
    WINDOW key_all AS (PARTITION BY o.period, o.forecast),
        key_latest AS (PARTITION BY o.period, o.forecast
            ORDER BY i.published DESC, i.year DESC, i.number DESC, o.seq))
SELECT r.indicator, ind.name_zh, ind.name_en, ind.category, r.unit,
    r.period, r.period_kind, r.period_start, r.period_end,
    r.value, r.value_high, r.qualifier, r.forecast, r.derived,
    r.issue_key, r.issue_label, r.published, r.article, r.editor, r.quote,
    r.period_text, r.figure_text,
    CAST(r.revision_count AS INTEGER) AS revision_count,
    greatest(r.value_spread, r.high_spread) > 1e-9 * greatest(r.value_scale, 1.0) AS disagrees
FROM ranked r LEFT JOIN indicators ind ON ind.id = r.indicator
WHERE r.rank_in_key = 1
ORDER BY r.period_end, r.period, r.forecast
"""


def run(stores: dict[int, Path], repeats: int = 7) -> list[Result]:
    results = []
    for size, path in sorted(stores.items()):
        store = open_store(path)
        # Same process, same file: DuckDB hands this connection the Store's database.
        raw = duckdb.connect(str(path))
        try:
            mine = queries.series(store, [BENCH_INDICATOR]).reset_index(drop=True)
            floor = raw.execute(RAW_SERIES_SQL, [BENCH_INDICATOR]).df()
            pd.testing.assert_frame_equal(mine, floor, check_dtype=False)
            medians = interleaved_medians(
                {
                    "store": lambda store=store: queries.series(store, [BENCH_INDICATOR]),
                    "raw": lambda raw=raw: raw.execute(RAW_SERIES_SQL, [BENCH_INDICATOR]).df(),
                },
                repeats=repeats,
            )
        finally:
            raw.close()
            store.close()
        ratio = medians["store"] / medians["raw"]
        result = Result(
            name=f"queries.series, {size:.0e} obs",
            measured=(
                f"store {medians['store'] * 1000:.1f} ms, raw DuckDB "
                f"{medians['raw'] * 1000:.1f} ms ({len(mine)} points)"
            ),
            value=ratio,
            target=TARGET_RATIO,
        )
        print(result.line())
        results.append(result)
    return results
