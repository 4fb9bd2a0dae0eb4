"""Long series stay drawable: the chart thins a trace to its envelope, the table keeps all."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.charts import MAX_POINTS_PER_TRACE, thin_for_plot, trend_figure
from dashboard.formatting import period_label
from loaders.services.ingest import bulk_load
from loaders.store import open_store, queries
from tests.support.builders import CATALOG


def _trace(n: int) -> pd.DataFrame:
    return pd.DataFrame({"x": np.arange(n), "value": np.sin(np.arange(n) / 50.0) * 10})


def test_short_trace_is_drawn_whole():
    points = _trace(MAX_POINTS_PER_TRACE)
    assert thin_for_plot(points) is points


def test_long_trace_keeps_ends_peaks_and_dips_in_order():
    points = _trace(25_000)
    points.loc[12_345, "value"] = 99.0  # a spike must survive thinning
    points.loc[20_001, "value"] = -99.0
    thinned = thin_for_plot(points)
    assert len(thinned) <= MAX_POINTS_PER_TRACE
    assert thinned["x"].is_monotonic_increasing
    assert thinned["x"].iloc[0] == 0 and thinned["x"].iloc[-1] == 24_999
    assert {12_345, 20_001} <= set(thinned["x"])
    assert thinned["value"].max() == 99.0 and thinned["value"].min() == -99.0


def _envelope_row_by_row(points: pd.DataFrame, max_points: int) -> list[int]:
    """thin_for_plot's rule, one stretch at a time: what the vectorised version must keep."""
    values = points["value"].to_numpy(dtype=float)
    edges = np.linspace(0, len(points), max_points // 2 - 1).astype(int)
    keep = {0, len(points) - 1}
    for start, end in zip(edges[:-1], edges[1:], strict=True):
        if end > start and not np.isnan(values[start:end]).all():
            keep.add(start + int(np.nanargmin(values[start:end])))
            keep.add(start + int(np.nanargmax(values[start:end])))
    return sorted(keep)


def test_thinning_keeps_each_stretchs_first_lowest_and_highest_row_with_gaps_and_ties():
    generator = np.random.default_rng(7)
    for count, max_points in ((601, 600), (5_000, 600), (25_000, 600), (1_000, 40)):
        # Few distinct values (many ties), some missing, and one stretch missing entirely.
        values = generator.integers(0, 5, count).astype(float)
        values[generator.random(count) < 0.2] = np.nan
        values[count // 2 : count // 2 + count // 10] = np.nan
        points = pd.DataFrame({"x": np.arange(count), "value": values})
        thinned = thin_for_plot(points, max_points)
        assert list(thinned["x"]) == _envelope_row_by_row(points, max_points)


@pytest.mark.slow
def test_chart_of_a_long_stored_series_is_thinned_but_complete_in_range(tmp_path):
    from bench.synthetic import observation_frames

    issues, observations = observation_frames(200_000)
    with open_store(tmp_path / "long.duckdb") as store:
        bulk_load(store, issues, observations, CATALOG)
        series = queries.series(store, ["logistics_total"])
    assert len(series) == 5_000
    figure = trend_figure(series)
    # A year-to-date line holds a gap (None) where each year starts again.
    drawn = [[y for y in trace.y if y is not None] for trace in figure.data]
    assert sum(map(len, drawn)) <= MAX_POINTS_PER_TRACE * len(figure.data)
    assert max(max(ys) for ys in drawn) == series["value"].max()
    assert min(min(ys) for ys in drawn) == series["value"].min()


@pytest.mark.slow
def test_trends_table_shows_the_latest_rows_and_the_csv_all(tmp_path, monkeypatch):
    import streamlit as st

    from bench.synthetic import observation_frames
    from dashboard.trend_view import MAX_TABLE_ROWS, SeriesView, plot_frame, trend_view

    issues, observations = observation_frames(200_000)
    db = tmp_path / "long.duckdb"
    with open_store(db) as store:
        bulk_load(store, issues, observations, CATALOG)
        latest_period = queries.series(store, ["logistics_total"])["period"].iloc[-1]
    monkeypatch.setenv("BRIEFS_DB", str(db))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        kinds = list(plot_frame(["logistics_total"])["form"].unique())
        # The stated rows only; with them, the months and quarters their totals imply.
        view = trend_view(["logistics_total"], kinds, SeriesView(derived="exclude"))
        with_derived = trend_view(["logistics_total"], kinds)
        assert with_derived.points == 5_000 + with_derived.derived > 5_000
        assert with_derived.csv().decode("utf-8-sig").count("\r\n") == with_derived.points + 1
        assert len(view.plotted) == 5_000
        assert view.table.num_rows == MAX_TABLE_ROWS
        assert "共 5000 行" in view.table_note
        assert view.csv().decode("utf-8-sig").count("\r\n") == 5_000 + 1
        # The rows kept are the latest: the table ends on the series' last period.
        assert view.table.column("期间").to_pylist()[-1] == period_label(latest_period)
    finally:
        # The cached Store holds the file; close it so tmp_path can go.
        from dashboard import data

        data.get_store().close()
        st.cache_resource.clear()
        st.cache_data.clear()
