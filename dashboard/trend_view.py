"""The Trends page's rendered pieces (figure, table, CSV), built once per series version.

Building them is most of the page's server time: hover texts and table cells are formatted
row by row. So each indicator's part (its plot rows, its traces, its table rows) is built
once per version of that series (dashboard.data.series_version) and view (SeriesView: the
transform and the vintage) and shared by every session:
a commit that touches one indicator rebuilds that indicator's part only, and a selection of
several indicators is assembled from the parts. The CSV is built only when someone clicks
the download button.

st.cache_resource rather than st.cache_data: cache_data hands each session a pickled copy,
and unpickling a figure of thousands of points costs much of what the cache saves. The page
only reads these objects (STYLE: never mutate what a cache returns).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from dashboard import data
from dashboard.charts import TraceSpec, assemble_figure, indicator_traces
from dashboard.tables import trend_table
from loaders.guards.csv_safety import csv_bytes
from loaders.series.comparable import PLOT_COLUMNS, with_plot_columns
from loaders.series.frequency import Refusal
from loaders.services.empty_reasons import EmptyReason
from loaders.services.series import SeriesRequestError
from loaders.services.series_export import export_rows

# Keyed on series versions, so the TTL and the entries only bound memory held by old versions
# and by selections nobody looks at any more.
CACHE_TTL_SECONDS = data.CACHE_TTL_SECONDS
MAX_ENTRIES = 256
# The table shows at most this many rows, the latest of each indicator; the CSV has them all.
# 25,000 rows of one indicator on a store of a million observations made a 7 MB message on
# every visit, for a grid nobody scrolls through.
MAX_TABLE_ROWS = 1000


class SeriesView(NamedTuple):
    """How the series are drawn: a transform (loaders.series.transforms; base for "index") of the
    series as it stood at an issue (as_of, an issue key; None: now), at a frequency
    (loaders.series.frequency; None: as stated), with or without its derived values."""

    transform: str = "level"
    base: str | None = None
    as_of: str | None = None
    frequency: str | None = None
    derived: str = "include"


LATEST = SeriesView()


class PlotPart(NamedTuple):
    """One series read for a view: its plot rows, the periods a frequency conversion refused
    and, when it has no rows, why."""

    frame: pd.DataFrame
    refusals: tuple[Refusal, ...] = ()
    empty_reason: EmptyReason | None = None


@dataclass(frozen=True)
class TrendView:
    """What the page shows for one selection: read-only, shared between sessions."""

    # Each indicator's plot frame (the cached _plot_frame, not a copy), in selection order,
    # and the period groups shown: `plotted` is assembled from them when asked for (the CSV).
    # A concatenated copy kept in every view held 23 MB per two-series view at 1e6.
    frames: tuple[pd.DataFrame, ...]
    kinds: tuple[str, ...]
    points: int  # plotted rows
    figure: go.Figure
    # Arrow, the form st.dataframe sends: converting formatted rows from pandas on every
    # run would cost more than the rest of the page.
    table: pa.Table
    csv: Callable[[], bytes]  # built on a click of the download button, not on every run
    table_note: str  # what the table leaves out, "" when it shows every row
    # Points of the series a transform could not compare (no comparable period stated).
    without_comparison: int = 0
    revised_later: int = 0  # points of an as-of view that a later issue changed
    refusals: tuple[Refusal, ...] = ()  # periods a frequency conversion could not give
    # Why each series of the selection with no rows has none, in selection order.
    empty_reasons: tuple[tuple[str, EmptyReason], ...] = ()
    derived: int = 0  # plotted points derived from stated ones
    disagreeing: int = 0  # derived points that disagree with the stated value

    @property
    def plotted(self) -> pd.DataFrame:
        """Series rows + PLOT_COLUMNS of the chosen forms, in selection order (a new frame on
        every access)."""
        return _plotted(self.frames, self.kinds)


def _plotted(frames: Sequence[pd.DataFrame], kinds: tuple[str, ...]) -> pd.DataFrame:
    if not frames:
        return with_plot_columns(pd.DataFrame())
    return pd.concat([frame[frame["form"].isin(kinds)] for frame in frames])


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _plot_part(path: str, indicator: str, version: int, view: SeriesView = LATEST) -> PlotPart:
    # version keys the cache; the rows are read as the store holds them now.
    result = data.series_result(indicator, *view)
    return PlotPart(with_plot_columns(result.rows), result.refusals, result.empty_reason)


def _plot_frame(path: str, indicator: str, version: int, view: SeriesView = LATEST) -> pd.DataFrame:
    return _plot_part(path, indicator, version, view).frame


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _traces(
    path: str, indicator: str, version: int, kinds: tuple[str, ...], view: SeriesView = LATEST
) -> list[TraceSpec]:
    frame = _plot_frame(path, indicator, version, view)
    return indicator_traces(frame[frame["form"].isin(kinds)])


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _table_rows(
    path: str,
    indicator: str,
    version: int,
    kinds: tuple[str, ...],
    limit: int | None,
    view: SeriesView = LATEST,
) -> pd.DataFrame:
    """The formatted table rows of one indicator: its latest `limit` plotted rows (all when
    None), with what earlier issues (up to the view's vintage) said about those periods."""
    frame = _plot_frame(path, indicator, version, view)
    rows = _series_columns(frame[frame["form"].isin(kinds)])
    rows = rows.tail(limit) if limit is not None else rows
    periods = tuple(rows["period"].unique())
    return trend_table(rows, data.revisions_of(indicator, version, periods, view.as_of))


def _series_columns(plotted: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in plotted.columns if c not in PLOT_COLUMNS or c == "form"]
    return plotted.loc[:, columns].reset_index(drop=True)


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _trend_view(
    path: str,
    versions: tuple[tuple[str, int], ...],
    kinds: tuple[str, ...],
    view: SeriesView = LATEST,
    positions: tuple[int, ...] = (),
) -> TrendView:
    parts = [_plot_part(path, indicator, version, view) for indicator, version in versions]
    frames = tuple(part.frame for part in parts)
    # Rows in the order the user picked the indicators: the first pick gets the first axis.
    plotted = _plotted(frames, kinds)
    per_indicator = None
    note = ""
    if len(plotted) > MAX_TABLE_ROWS:
        per_indicator = max(1, MAX_TABLE_ROWS // len(versions))
        note = (
            f"表中显示每个指标最近的 {per_indicator} 行（共 {len(plotted)} 行）；"
            "下载 CSV 可得全部数据。"
        )
    tables = [
        _table_rows(path, indicator, version, kinds, per_indicator, view)
        for indicator, version in versions
    ]
    table = (
        pd.concat(tables, ignore_index=True) if tables else trend_table(_series_columns(plotted))
    )
    specs = [
        spec
        for indicator, version in versions
        for spec in _traces(path, indicator, version, kinds, view)
    ]
    without_comparison = 0
    if view.transform != "level":
        # The same view untransformed: how many of its points found no comparison.
        untransformed = view._replace(transform="level", base=None)
        levels = [
            _plot_frame(path, indicator, version, untransformed) for indicator, version in versions
        ]
        without_comparison = sum(len(frame) for frame in levels) - sum(len(f) for f in frames)
    revised = int(plotted["revised_later"].sum()) if "revised_later" in plotted.columns else 0
    derived = plotted["derived"].fillna(False).astype(bool) if len(plotted) else pd.Series()
    disagreeing = (
        int((derived & plotted["check_disagrees"].fillna(False).astype(bool)).sum())
        if "check_disagrees" in plotted.columns
        else 0
    )
    colors = dict(zip((indicator for indicator, _ in versions), positions, strict=False))

    def build_csv() -> bytes:
        # The rows are assembled when someone downloads: a copy kept for the button held as
        # much memory again as the view itself.
        return csv_bytes(export_rows(_series_columns(_plotted(frames, kinds)), view.as_of))

    return TrendView(
        frames=frames,
        kinds=kinds,
        points=len(plotted),
        figure=assemble_figure(specs, colors) if specs else go.Figure(),
        table=pa.Table.from_pandas(table, preserve_index=False),
        csv=build_csv,
        table_note=note,
        without_comparison=without_comparison,
        revised_later=revised,
        refusals=tuple(refusal for part in parts for refusal in part.refusals),
        empty_reasons=tuple(
            (indicator, part.empty_reason)
            for (indicator, _), part in zip(versions, parts, strict=True)
            if part.empty_reason is not None
        ),
        derived=int(derived.sum()),
        disagreeing=disagreeing,
    )


def plot_frame(indicator_ids: Sequence[str], view: SeriesView = LATEST) -> pd.DataFrame:
    """Series rows of these indicators in this view, with PLOT_COLUMNS (read-only). Raises
    SeriesRequestError for a view the read service refuses."""
    frames = [
        _plot_frame(data.store_path(), indicator, data.read_version(indicator), view)
        for indicator in indicator_ids
    ]
    return pd.concat(frames) if frames else with_plot_columns(pd.DataFrame())


# The views pages asked for lately, per store, newest last: the cache warmer rebuilds those
# whose series a commit changed (a view of two series shares no parts with either alone).
RECENT_VIEWS = 16
_recent: OrderedDict[tuple, None] = OrderedDict()
_recent_guard = threading.Lock()


def trend_view(
    indicator_ids: Sequence[str], kinds: Sequence[str], view: SeriesView = LATEST
) -> TrendView:
    """Figure, table and CSV for the selected indicators (in pick order), forms and view."""
    path = data.store_path()
    sorted_kinds = tuple(sorted(kinds))
    with _recent_guard:
        key = (path, tuple(indicator_ids), sorted_kinds, view)
        _recent[key] = None
        _recent.move_to_end(key)
        while len(_recent) > RECENT_VIEWS:
            _recent.popitem(last=False)
    versions = tuple((indicator, data.read_version(indicator)) for indicator in indicator_ids)
    return _trend_view(path, versions, sorted_kinds, view, _positions(indicator_ids))


def _positions(indicator_ids: Sequence[str]) -> tuple[int, ...]:
    """Each indicator's catalog place, which its colour follows (charts.series_color)."""
    positions = data.indicator_positions()
    return tuple(positions.get(indicator, index) for index, indicator in enumerate(indicator_ids))


def warm_recent(path: str, versions: dict[str, int], changed: set[str]) -> None:
    """Rebuild the recently asked views of this store that show a changed series, at the
    series' new versions (the cache warmer, after a commit)."""
    sources = {
        indicator: data.derivation_sources_of(indicator)
        for key in list(_recent)
        for indicator in key[1]
    }
    touched = {indicator for indicator, its in sources.items() if changed & {indicator, *its}}
    with _recent_guard:
        recent = [key for key in _recent if key[0] == path and touched & set(key[1])]
    for _, indicator_ids, kinds, view in recent:
        current = tuple(
            (indicator, data.read_version_of(indicator, versions, sources[indicator]))
            for indicator in indicator_ids
        )
        try:
            _trend_view(path, current, kinds, view, _positions(indicator_ids))
        except SeriesRequestError:
            continue  # a view the new data no longer allows (a base period gone)


def warm(path: str, indicator: str, version: int) -> None:
    """Build one series' parts for the default Trends view (every form, the series alone,
    as stated now), as the page would on its first visit. version is its read_version."""
    frame = _plot_frame(path, indicator, version)
    kinds = tuple(sorted(frame["form"].unique()))
    _traces(path, indicator, version, kinds)
    limit = MAX_TABLE_ROWS if len(frame) > MAX_TABLE_ROWS else None
    _table_rows(path, indicator, version, kinds, limit)
    _trend_view(path, ((indicator, version),), kinds, LATEST, _positions([indicator]))
