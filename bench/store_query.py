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
WITH firsts AS (
    SELECT o.*, i.published, i.year, i.number, i.issue_label
    FROM observations o JOIN issues i ON i.issue_key = o.issue_key
    WHERE o.indicator = ?
    QUALIFY row_number() OVER (PARTITION BY o.period, o.forecast, o.issue_key
        ORDER BY o.seq) = 1),
ranked AS (
    SELECT f.*, row_number() OVER newest_first AS rank_in_key,
        lead(f.value) OVER newest_first AS earlier_value,
        lead(coalesce(f.value_high, f.value)) OVER newest_first AS earlier_high
    FROM firsts f
    WINDOW newest_first AS (PARTITION BY f.period, f.forecast
        ORDER BY f.published DESC, f.year DESC, f.number DESC)),
counted AS (
    SELECT r.*, count(*) FILTER (WHERE
        abs(r.value - r.earlier_value) > 1e-9 * greatest(abs(r.value), abs(r.earlier_value), 1.0)
        OR abs(coalesce(r.value_high, r.value) - r.earlier_high)
            > 1e-9 * greatest(abs(coalesce(r.value_high, r.value)), abs(r.earlier_high), 1.0))
        OVER (PARTITION BY r.period, r.forecast) AS revision_count
    FROM ranked r)
SELECT r.indicator, ind.name_zh, ind.name_en, ind.category, r.unit,
    r.period, r.period_kind, r.period_start, r.period_end,
    r.value, r.value_high, r.qualifier, r.forecast, r.derived,
    r.issue_key, r.issue_label, r.published, r.article, r.editor, r.quote,
    r.period_text, r.figure_text,
    CAST(r.revision_count AS INTEGER) AS revision_count, r.revision_count > 0 AS disagrees
FROM counted r LEFT JOIN indicators ind ON ind.id = r.indicator
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
