"""Figure builders: DataFrame in, plotly Figure out. No Streamlit, no store."""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from dashboard.formatting import (
    QUALIFIER_LABELS,
    format_value,
    period_label,
    wrap_for_hover,
)
from loaders.citations import citation_text
from loaders.frames import records
from loaders.missing import is_missing
from loaders.series import with_plot_columns
from loaders.transforms import LABELS_ZH, RULES_ZH

# A bound must not look like an exact figure: ≥ points up, ≤ points down, ≈ is a diamond.
QUALIFIER_SYMBOLS = {
    "exact": "circle",
    "more_than": "triangle-up",
    "less_than": "triangle-down",
    "approx": "diamond",
}
PALETTE = qualitative.Plotly + qualitative.D3
TEMPLATE = "plotly_white"
# Beyond two units a second y-axis no longer helps; each unit gets its own panel.
MAX_UNITS_ON_ONE_PANEL = 2
# A trace longer than this is thinned to the lowest and highest point of each stretch of
# the axis (thin_for_plot): the chart is about 1,100 pixels wide, so 300 stretches of under
# 4 pixels show every peak and dip a screen can; thousands of SVG markers only make the
# browser crawl and the page message heavy (each point carries its quote for the hover).
# The table and the CSV keep every row.
MAX_POINTS_PER_TRACE = 600
# A point a later issue revised (a Trends view as of an earlier issue) is ringed in red.
REVISED_COLOR = "#d62728"
FONT_FAMILY = (
    '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif'
)


def marker_symbol(qualifier: str | None, forecast: bool) -> str:
    """Forecasts are hollow: "circle-open", "triangle-up-open"."""
    symbol = QUALIFIER_SYMBOLS.get(qualifier or "exact", "circle")
    return f"{symbol}-open" if forecast else symbol


# The columns hover_text reads (a transformed or as-of view adds some): only these are
# turned into Python rows.
HOVER_COLUMNS = (
    "name_zh",
    "value",
    "unit",
    "qualifier",
    "value_high",
    "forecast",
    "period",
    "group_label",
    "period_text",
    "issue_label",
    "issue_total_number",
    "article",
    "editor",
    "quote",
    "source_org",
    "revised_later",
    "current_value",
    "current_value_high",
    "current_issue_key",
    "transform",
    "stated_unit",
    "stated_value",
    "base_value",
    "base_period",
    "base_issue_label",
    "base_quote",
)


def hover_text(row: Mapping[str, Any]) -> str:
    """Value with unit and qualifier, the period as written, the issue and the quoted sentence."""
    value = format_value(row["value"], row["unit"], row["qualifier"], row.get("value_high"))
    qualifier = row["qualifier"] or "exact"
    if qualifier != "exact":
        value += f"（{QUALIFIER_LABELS[qualifier]}）"
    lines = [
        f"<b>{html.escape(str(row['name_zh']))}</b>",
        f"{html.escape(value)}{'　<i>预测</i>' if row['forecast'] else ''}",
        f"期间：{html.escape(period_label(row['period']))}（{html.escape(str(row['group_label']))}）",
    ]
    if row.get("period_text"):
        lines.append(f"原文期间：{html.escape(str(row['period_text']))}")
    lines += _transform_lines(row)
    if _flag(row.get("revised_later")):
        unit = row.get("stated_unit") or row["unit"]
        now = format_value(row.get("current_value"), unit, "exact", row.get("current_value_high"))
        lines.append(f"<b>其后修订</b>：现为 {html.escape(now)}（{row.get('current_issue_key')}）")
    # The value's citation (loaders.citations) without the sentence, which follows it.
    source = citation_text(
        row["issue_label"],
        row.get("issue_total_number"),
        row.get("article"),
        row.get("editor"),
        None,
        row.get("source_org"),
    )
    lines.append(f"引用：{wrap_for_hover(source)}")
    if row.get("quote"):
        lines.append(f"原文：{wrap_for_hover(str(row['quote']))}")
    return "<br>".join(lines)


def _flag(value: Any) -> bool:
    return not is_missing(value) and bool(value)


def _transform_lines(row: Mapping[str, Any]) -> list[str]:
    """For a transformed point: what it was computed from (both figures, the base's issue
    and sentence) and the rule, so the number can be checked by hand."""
    transform = row.get("transform")
    if is_missing(transform) or transform in (None, "level"):
        return []
    unit = row.get("stated_unit")
    stated = format_value(row.get("stated_value"), unit)
    base = format_value(row.get("base_value"), unit)
    lines = [
        f"{LABELS_ZH[transform]}：本期 {html.escape(stated)}，"
        f"对比 {html.escape(period_label(row.get('base_period')))} {html.escape(base)}",
        f"对比期来源：{wrap_for_hover(str(row.get('base_issue_label') or ''))}",
    ]
    if row.get("base_quote") and row.get("base_quote") != row.get("quote"):
        lines.append(f"对比期原文：{wrap_for_hover(str(row['base_quote']))}")
    lines.append(f"规则：{wrap_for_hover(RULES_ZH[transform])}")
    return lines


def _range_mode(unit: str) -> str:
    """Amounts are read against zero (367 vs 1,750 亿元 must not look like 1 vs 10); rates
    and indices move around their own level (a PMI of 54.1 vs 54.9), so they keep auto range."""
    return "normal" if unit == "%" else "tozero"


def thin_for_plot(points: pd.DataFrame, max_points: int = MAX_POINTS_PER_TRACE) -> pd.DataFrame:
    """At most max_points rows of one x-sorted trace: the first and last row, and the lowest
    and highest value of each of max_points // 2 equal stretches, so peaks and dips stay
    (the first such row where several tie; a stretch of missing values keeps none)."""
    count = len(points)
    if count <= max_points:
        return points
    values = points["value"].to_numpy(dtype=float)
    edges = np.linspace(0, count, max_points // 2 - 1).astype(int)
    starts, ends = edges[:-1], edges[1:]
    starts, ends = starts[ends > starts], ends[ends > starts]
    # Vectorised (row by row this took 10 ms of a 25,000-point trace): each stretch's lowest
    # and highest value (fmin/fmax skip missing ones), then the first row of the stretch
    # holding it.
    lowest = np.fmin.reduceat(values, starts)
    highest = np.fmax.reduceat(values, starts)
    stated = ~np.isnan(lowest)
    keep = {0, count - 1}
    for extreme in (lowest, highest):
        rows = np.flatnonzero(values == np.repeat(extreme, ends - starts))
        keep.update(rows[np.searchsorted(rows, starts[stated])].tolist())
    return points.iloc[sorted(keep)]


def _unit_order(frame: pd.DataFrame) -> list[str]:
    return list(frame["unit"].unique())


@dataclass(frozen=True)
class TraceSpec:
    """One line of the chart before it gets a colour and an axis: what is costly to build
    (hover texts, thinning), so it can be built once per series version and reused."""

    indicator: str
    unit: str
    group: str
    forecast: bool
    name: str
    x: tuple[str, ...]
    y: tuple[float, ...]
    hover: tuple[str, ...]
    symbols: tuple[str, ...]
    periods: tuple[str, ...]
    revised: tuple[bool, ...] = ()  # per point: a later issue changed it (as-of views)


def indicator_traces(frame: pd.DataFrame, hover: bool = True) -> list[TraceSpec]:
    """The traces of one indicator's plot rows (with_plot_columns): one per comparable
    period group and forecast flag, thinned to what a chart can show; without `hover`, no
    hover texts (a static image shows none)."""
    frame = frame[frame["value"].notna()] if not frame.empty else frame
    specs = []
    # unique() keeps first-seen order like dict.fromkeys, without iterating Arrow strings
    # one Python object at a time (17 of 43 ms for a 25,000-point series).
    for indicator in frame["indicator"].unique() if not frame.empty else []:
        of_indicator = frame[frame["indicator"] == indicator]
        unit = of_indicator["unit"].iloc[0]
        for group in of_indicator["group"].unique():
            of_group = of_indicator[of_indicator["group"] == group]
            for forecast in (False, True):
                points = of_group[of_group["forecast"].astype(bool) == forecast]
                if points.empty:
                    continue
                points = thin_for_plot(points.sort_values("x", kind="stable"))
                name = f"{points['name_zh'].iloc[0]} · {points['group_label'].iloc[0]}"
                specs.append(
                    TraceSpec(
                        indicator=indicator,
                        unit=unit,
                        group=group,
                        forecast=forecast,
                        name=name + ("（预测）" if forecast else ""),
                        x=tuple(points["x"]),
                        y=tuple(float(value) for value in points["value"]),
                        hover=tuple(hover_text(row) for row in records(points, HOVER_COLUMNS))
                        if hover
                        else (),
                        symbols=tuple(
                            marker_symbol(qualifier, forecast) for qualifier in points["qualifier"]
                        ),
                        periods=tuple(points["period"]),
                        revised=tuple(bool(flag) for flag in points["revised_later"].fillna(False))
                        if "revised_later" in points.columns
                        else (),
                    )
                )
    return specs


def trend_figure(rows: pd.DataFrame) -> go.Figure:
    """One trace per (indicator, comparable period group, forecast), one y-axis per unit.

    `rows` are series rows (the current view). Points of different period kinds are never
    joined; forecasts are dashed with hollow markers; bounds use their own symbols.
    One unit: one axis. Two units: a second axis on the right. More: one panel per unit.
    """
    return assemble_figure(indicator_traces(with_plot_columns(rows)))


def assemble_figure(specs: list[TraceSpec]) -> go.Figure:
    """The chart of these traces, in order: colours, axes or panels by unit, layout.

    Built as plain dicts and handed to plotly unvalidated: validating them (and deep-copying
    the template twice, plotly's default and then ours) was 18 of the 19 ms a two-series
    chart took, paid on the first run after every commit. The dicts are what validation
    would make of them; tests/test_dashboard_charts.py validates every kind of chart."""
    units = list(dict.fromkeys(spec.unit for spec in specs))
    panels = len(units) > MAX_UNITS_ON_ONE_PANEL
    traces = []
    color_of: dict[tuple[str, str], str] = {}
    for spec in specs:
        color = color_of.setdefault(
            (spec.indicator, spec.group), PALETTE[len(color_of) % len(PALETTE)]
        )
        position = units.index(spec.unit)
        if panels:
            axes = {"xaxis": _axis_id("x", position + 1), "yaxis": _axis_id("y", position + 1)}
        else:
            axes = {"yaxis": "y2" if position == 1 else "y"}
        traces.append(
            {
                "type": "scatter",
                "x": list(spec.x),
                "y": list(spec.y),
                "mode": "lines+markers" if len(spec.x) > 1 else "markers",
                "name": spec.name + (f" [{spec.unit}]" if len(units) > 1 else ""),
                "legendgroup": spec.indicator,
                "line": {"color": color, "dash": "dash" if spec.forecast else "solid", "width": 2},
                "marker": {
                    "color": color,
                    "size": 11,
                    # One symbol for the whole trace when its points share one (most do):
                    # a list makes the browser check each point's symbol.
                    "symbol": spec.symbols[0]
                    if len(spec.symbols) > 1 and len(set(spec.symbols)) == 1
                    else list(spec.symbols),
                    "line": {
                        "color": [REVISED_COLOR if flag else color for flag in spec.revised]
                        if any(spec.revised)
                        else color,
                        "width": [4 if flag else 2 for flag in spec.revised]
                        if any(spec.revised)
                        else 2,
                    },
                },
                "hovertext": list(spec.hover),
                "hovertemplate": "%{hovertext}<extra></extra>",
                "meta": {
                    "indicator": spec.indicator,
                    "group": spec.group,
                    "forecast": spec.forecast,
                    "unit": spec.unit,
                    "periods": list(spec.periods),
                    "revised": [
                        p for p, flag in zip(spec.periods, spec.revised, strict=False) if flag
                    ],
                },
                **axes,
            }
        )
    return go.Figure(data=traces, layout=_layout(units, panels), _validate=False)


def _axis_id(letter: str, position: int) -> str:
    """The id a trace uses for the axis of panel `position` (1-based): x, x2, x3, …"""
    return letter if position == 1 else f"{letter}{position}"


def _axis_key(letter: str, position: int) -> str:
    """The layout key of that axis: xaxis, xaxis2, …"""
    return f"{letter}axis" + ("" if position == 1 else str(position))


@functools.lru_cache(maxsize=8)
def _panel_grid(units: tuple[str, ...]) -> str:
    """make_subplots' layout for one panel per unit (axes, domains, titles) without its
    template, as JSON: computed once per set of units, copied by each chart."""
    grid = make_subplots(
        rows=len(units),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=[f"单位：{unit}" for unit in units],
    ).layout.to_plotly_json()
    grid.pop("template", None)
    return json.dumps(grid, ensure_ascii=False)


@functools.lru_cache(maxsize=1)
def _template() -> str:
    return json.dumps(pio.templates[TEMPLATE].to_plotly_json(), ensure_ascii=False)


def _layout(units: list[str], panels: bool) -> dict[str, Any]:
    x_axis = {"type": "date", "tickformat": "%Y年%-m月"}
    x_title = {"title": {"text": "期间（点位于期间中点）"}}
    if panels:
        layout = json.loads(_panel_grid(tuple(units)))
        for position, unit in enumerate(units, start=1):
            layout[_axis_key("y", position)].update(
                {"title": {"text": f"数值（{unit}）"}, "rangemode": _range_mode(unit)}
            )
            layout[_axis_key("x", position)].update(x_axis)
        # Panels share the time axis: its title goes under the bottom panel only.
        layout[_axis_key("x", len(units))].update(x_title)
    else:
        layout = {"xaxis": {**x_axis, **x_title}}
        if units:
            layout["yaxis"] = {
                "title": {"text": f"数值（{units[0]}）"},
                "rangemode": _range_mode(units[0]),
            }
        if len(units) == 2:
            layout["yaxis2"] = {
                "title": {"text": f"数值（{units[1]}）"},
                "rangemode": _range_mode(units[1]),
                # Own round ticks rather than ticks aligned to the left axis' grid.
                "tickmode": "auto",
                "overlaying": "y",
                "side": "right",
                "showgrid": False,
            }
    layout.update(
        {
            "template": json.loads(_template()),
            "font": {"family": FONT_FAMILY},
            "height": max(460, 320 * len(units)) if panels else 480,
            "hovermode": "closest",
            "hoverlabel": {"align": "left", "bgcolor": "white", "font": {"color": "#262730"}},
            "legend": {"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
            "margin": {"l": 60, "r": 60, "t": 40, "b": 40},
        }
    )
    return layout
