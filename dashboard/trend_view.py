"""The Trends page's rendered pieces (figure, table, CSV), built once per data version.

Building them is most of the page's server time: hover texts and table cells are formatted
row by row, so a long series (25,000 points of one indicator in a store of a million
observations) takes seconds. They change only when the store does (data_version, part of
every key) or the selection does, so each is built once and shared by every session.

st.cache_resource rather than st.cache_data: cache_data hands each session a pickled copy,
and unpickling a figure of thousands of points costs much of what the cache saves. The page
only reads these objects (STYLE: never mutate what a cache returns).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from dashboard import data
from dashboard.charts import trend_figure
from dashboard.tables import trend_table
from loaders.csv_safety import csv_bytes
from loaders.paths import database_path
from loaders.series import with_plot_columns
from loaders.services.series import export_rows

# Keyed on data_version, so the TTL and the entry bound only limit memory held by old
# versions and by selections nobody looks at any more.
CACHE_TTL_SECONDS = data.CACHE_TTL_SECONDS
MAX_ENTRIES = 64
# The table shows at most this many rows, the latest of each indicator; the CSV has them all.
# 25,000 rows of one indicator on a store of a million observations made a 7 MB message on
# every visit, for a grid nobody scrolls through.
MAX_TABLE_ROWS = 1000


@dataclass(frozen=True)
class TrendView:
    """What the page shows for one selection: read-only, shared between sessions."""

    plotted: pd.DataFrame  # series rows + x/group/group_label, chosen kinds, selection order
    figure: go.Figure
    # Arrow, the form st.dataframe sends: converting 25,000 formatted rows from pandas on
    # every run would cost more than the rest of the page.
    table: pa.Table
    csv: bytes
    table_note: str  # what the table leaves out, "" when it shows every row


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _plot_frame(path: str, version: int, indicator_ids: tuple[str, ...]) -> pd.DataFrame:
    return with_plot_columns(data.series(list(indicator_ids)))


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _trend_view(
    path: str, version: int, indicator_ids: tuple[str, ...], kinds: tuple[str, ...]
) -> TrendView:
    frame = _plot_frame(path, version, indicator_ids)
    order = list(indicator_ids)
    # Rows in the order the user picked the indicators: the first pick gets the first axis.
    plotted = frame[frame["group"].isin(kinds)].sort_values(
        "indicator", key=lambda ids: ids.map(order.index), kind="stable"
    )
    series_columns = [c for c in plotted.columns if c not in ("x", "group", "group_label")]
    rows = plotted.loc[:, series_columns].reset_index(drop=True)
    shown, note = rows, ""
    if len(rows) > MAX_TABLE_ROWS:
        # Rows of an indicator are in period order, so its tail is its latest periods.
        per_indicator = max(1, MAX_TABLE_ROWS // rows["indicator"].nunique())
        shown = rows.groupby("indicator", sort=False).tail(per_indicator).reset_index(drop=True)
        note = (
            f"表中显示每个指标最近的 {per_indicator} 行（共 {len(rows)} 行）；"
            "下载 CSV 可得全部数据。"
        )
    return TrendView(
        plotted=plotted,
        figure=trend_figure(plotted) if not plotted.empty else go.Figure(),
        table=pa.Table.from_pandas(trend_table(shown, data.revisions(order)), preserve_index=False),
        csv=csv_bytes(export_rows(rows)),
        table_note=note,
    )


def plot_frame(indicator_ids: Sequence[str]) -> pd.DataFrame:
    """Store.series rows of these indicators with x, group and group_label (read-only)."""
    return _plot_frame(str(database_path()), data.data_version(), tuple(indicator_ids))


def trend_view(indicator_ids: Sequence[str], kinds: Sequence[str]) -> TrendView:
    """Figure, table and CSV for the selected indicators (in pick order) and period kinds."""
    return _trend_view(
        str(database_path()), data.data_version(), tuple(indicator_ids), tuple(sorted(kinds))
    )
