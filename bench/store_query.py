"""queries.series(Store, [id]) against the fastest raw DuckDB query on the tables it reads.

The store keeps each indicator's current points in a table (current_points, refreshed by
every write) and the series query reads it joined to the catalog's names (indicators). The
floor is therefore the same rows read by hand from those two tables, on a bare DuckDB
connection to the same published copy the store reads, turned into a DataFrame by the
faster of DuckDB's two ways (`.df()`, or Arrow then `to_pandas()`), checked to hold the
same rows first: the ratio is the price of the Store's view, cursor and wrappers.

Two more figures, for context only:
- the physical floor: the same query into an Arrow table, no DataFrame (what scanning the
  rows costs at all);
- the old floor, which recomputes the latest-issue window over every statement
  (observations and issues) as the store did before current_points existed: the store
  "beat" it 3-5x because it does not recompute, so it measured nothing about the store.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from bench.common import BENCH_INDICATOR, Result, interleaved_medians
from loaders.store import open_store, queries
from loaders.store.filestore import published_dir

TARGET_RATIO = 1.2

# The benchmark's floor queries. SQL outside loaders/store/ is allowed here only because
# these are the yardsticks the store is measured against, never product code.
RAW_SERIES_SQL = """
SELECT c.indicator, ind.name_zh, ind.name_en, ind.category, c.unit,
    c.period, c.period_kind, c.period_start, c.period_end,
    c.value, c.value_high, c.qualifier, c.forecast, c.derived,
    c.issue_key, c.issue_label, c.published, c.article, c.editor, c.quote,
    c.period_text, c.figure_text, c.span_start, c.span_end, c.source_org,
    iss.total_number AS issue_total_number, c.revision_count, c.disagrees
FROM current_points c LEFT JOIN indicators ind ON ind.id = c.indicator
    LEFT JOIN issues iss ON iss.issue_key = c.issue_key
WHERE c.indicator = ?
ORDER BY c.period_end, c.period, c.forecast
"""

# Context only: the latest-issue window recomputed from the statements.
RECOMPUTED_SERIES_SQL = """
WITH firsts AS (
    SELECT o.*, i.published, i.year, i.number, i.issue_label, i.total_number
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
    r.period_text, r.figure_text, r.span_start, r.span_end, r.source_org,
    r.total_number AS issue_total_number,
    CAST(r.revision_count AS INTEGER) AS revision_count, r.revision_count > 0 AS disagrees
FROM counted r LEFT JOIN indicators ind ON ind.id = r.indicator
WHERE r.rank_in_key = 1
ORDER BY r.period_end, r.period, r.forecast
"""


def assert_same_rows(mine: pd.DataFrame, floor: pd.DataFrame) -> None:
    """The same table, an empty cell being empty whichever way a reader spells it: the store's
    frame gives NaN for a text column with no value at all (source_org in a synthetic store),
    DuckDB's .df() gives None."""

    def cells(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.astype(object).where(frame.notna(), None)

    pd.testing.assert_frame_equal(cells(mine), cells(floor), check_dtype=False)


def newest_copy(path: Path) -> Path:
    """The published copy the store reads (loaders.store.filestore)."""
    copies = sorted(published_dir(path).glob("v*.duckdb"))
    if not copies:
        raise RuntimeError(f"{path} has no published copy; was it built with open_store?")
    return copies[-1]


def run(stores: dict[int, Path], repeats: int = 7) -> list[Result]:
    results = []
    for size, path in sorted(stores.items()):
        store = open_store(path, read_only=True)
        raw = duckdb.connect(str(newest_copy(path)), read_only=True)
        try:

            def by_df(raw=raw) -> pd.DataFrame:
                return raw.execute(RAW_SERIES_SQL, [BENCH_INDICATOR]).df()

            def by_arrow(raw=raw) -> pd.DataFrame:
                return (
                    raw.execute(RAW_SERIES_SQL, [BENCH_INDICATOR])
                    .to_arrow_table()
                    .to_pandas(date_as_object=False)
                )

            mine = queries.series(store, [BENCH_INDICATOR]).reset_index(drop=True)
            for floor in (by_df(), by_arrow()):
                assert_same_rows(mine, floor)
            recomputed = raw.execute(RECOMPUTED_SERIES_SQL, [BENCH_INDICATOR]).df()
            assert_same_rows(mine, recomputed)
            medians = interleaved_medians(
                {
                    "store": lambda store=store: queries.series(store, [BENCH_INDICATOR]),
                    "df": by_df,
                    "arrow": by_arrow,
                    "scan": lambda raw=raw: raw.execute(
                        RAW_SERIES_SQL, [BENCH_INDICATOR]
                    ).to_arrow_table(),
                    "recomputed": lambda raw=raw: raw.execute(
                        RECOMPUTED_SERIES_SQL, [BENCH_INDICATOR]
                    ).df(),
                },
                repeats=repeats,
            )
        finally:
            raw.close()
            store.close()
        floor_name = min(("df", "arrow"), key=medians.__getitem__)
        floor = medians[floor_name]
        ms = {name: value * 1000 for name, value in medians.items()}
        result = Result(
            name=f"queries.series, {size:.0e} obs",
            measured=(
                f"store {ms['store']:.1f} ms, raw query on current_points + indicators "
                f"{floor * 1000:.1f} ms (.{'df()' if floor_name == 'df' else 'arrow → pandas'}; "
                f"the other way {ms['arrow' if floor_name == 'df' else 'df']:.1f} ms), "
                f"{len(mine)} points; context: scan into Arrow {ms['scan']:.1f} ms "
                f"({medians['store'] / medians['scan']:.2f}x), old recomputing floor "
                f"{ms['recomputed']:.1f} ms ({medians['store'] / medians['recomputed']:.2f}x)"
            ),
            value=medians["store"] / floor,
            target=TARGET_RATIO,
        )
        print(result.line())
        results.append(result)
    return results
