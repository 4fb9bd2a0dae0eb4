"""Figure builders: DataFrame in, plotly Figure out. No Streamlit, no store.

The traces (one per indicator, form, forecast and derived flag, thinned to what a chart can
show) and the figure of them; each point's hover text is dashboard.chart_hover's, the
panels, axes and template dashboard.chart_layout's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from dashboard.chart_hover import HOVER_COLUMNS, hover_text
from dashboard.chart_layout import axis_id, figure_layout
from loaders.series.comparable import with_plot_columns
from loaders.vocab.frames import records
from loaders.vocab.periods import FORMS

# A bound must not look like an exact figure: ≥ points up, ≤ points down, ≈ is a diamond.
QUALIFIER_SYMBOLS = {
    "exact": "circle",
    "more_than": "triangle-up",
    "less_than": "triangle-down",
    "approx": "diamond",
}
# One colour per indicator and form, the same in every view: the indicator's catalog place
# picks a hue (24 distinct ones, more than the catalog has series), the form a shade of it.
PALETTE = qualitative.Dark24
# How far each form's shade moves from the hue: towards white (+) or black (−).
FORM_SHADES = {
    "ytd": 0.0,
    "since_launch": 0.0,
    "point": 0.0,
    "month": 0.45,
    "quarter": -0.3,
    "half": 0.25,
    "year": -0.5,
    "day": 0.3,
    "multi_year": -0.65,
    "span": 0.6,
}
# Different units never share a plot area: scaled each on its own, two series whose peaks
# coincide would share a pixel and one would vanish. Each unit gets its own panel, stacked on
# one time axis (small multiples).
MAX_UNITS_ON_ONE_PANEL = 1
# A chart whose points span less than this is widened by PAD_DAYS on each side, so a
# single point does not get ticks a few days apart.
NARROW_DAYS = 92
PAD_DAYS = 45
# A derived point (loaders.series.derive) is an ✕ on a dotted line; where the stated value of its
# period disagrees beyond rounding, it is ringed in red (REVISED_COLOR, as a revised point).
DERIVED_SYMBOLS = {"exact": "x", "approx": "diamond-x"}
# A trace longer than this is thinned to the lowest and highest point of each stretch of
# the axis (thin_for_plot): the chart is about 1,100 pixels wide, so 300 stretches of under
# 4 pixels show every peak and dip a screen can; thousands of SVG markers only make the
# browser crawl and the page message heavy (each point carries its quote for the hover).
# The table and the CSV keep every row.
MAX_POINTS_PER_TRACE = 600
# A point a later issue revised (a Trends view as of an earlier issue) is ringed in red.
REVISED_COLOR = "#d62728"


def marker_symbol(qualifier: str | None, forecast: bool, derived: bool = False) -> str:
    """Forecasts are hollow: "circle-open", "triangle-up-open"; derived values are ✕."""
    if derived:
        symbol = DERIVED_SYMBOLS.get(qualifier or "exact", "x")
    else:
        symbol = QUALIFIER_SYMBOLS.get(qualifier or "exact", "circle")
    return f"{symbol}-open" if forecast else symbol


def series_color(position: int, form: str) -> str:
    """The colour of an indicator (its catalog place) in a form: a hue per indicator, a shade
    per form, so it is the same in every view and stays when data is added."""
    hue = PALETTE[position % len(PALETTE)]
    shade = FORM_SHADES.get(form, 0.0)
    red, green, blue = (int(hue[i : i + 2], 16) for i in (1, 3, 5))
    target = 255 if shade > 0 else 0
    mixed = [round(c + (target - c) * abs(shade)) for c in (red, green, blue)]
    return "#" + "".join(f"{c:02x}" for c in mixed)


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
    """One line of the chart before it gets an axis: what is costly to build (hover texts,
    thinning), so it can be built once per series version and reused. x, y, hover, symbols
    and periods hold None where a year-to-date line starts again (a gap each January)."""

    indicator: str
    unit: str
    form: str
    forecast: bool
    name: str
    x: tuple[str | None, ...]
    y: tuple[float | None, ...]
    hover: tuple[str, ...]
    symbols: tuple[str, ...]
    periods: tuple[str | None, ...]
    revised: tuple[bool, ...] = ()  # per point: a later issue changed it (as-of views)
    derived: bool = False
    disagrees: tuple[bool, ...] = ()  # per point: stated and derived disagree


def indicator_traces(frame: pd.DataFrame, hover: bool = True) -> list[TraceSpec]:
    """The traces of one indicator's plot rows (with_plot_columns): one per form, forecast
    flag and derived flag (a derived value is never drawn as a stated one), thinned to what
    a chart can show. A year-to-date line starts again each January. Without `hover`, no
    hover texts (a static image shows none)."""
    frame = frame[frame["value"].notna()] if not frame.empty else frame
    specs = []
    # unique() keeps first-seen order like dict.fromkeys, without iterating Arrow strings
    # one Python object at a time (17 of 43 ms for a 25,000-point series).
    for indicator in frame["indicator"].unique() if not frame.empty else []:
        of_indicator = frame[frame["indicator"] == indicator]
        unit = of_indicator["unit"].iloc[0]
        derived_rows = (
            of_indicator["derived"].fillna(False).astype(bool)
            if "derived" in of_indicator.columns
            else pd.Series(False, index=of_indicator.index)
        )
        present = set(of_indicator["form"].unique())
        # What was stated first (in the legend too), then what is derived from it.
        for derived in (False, True):
            for form in [f for f in FORMS if f in present] + sorted(present - set(FORMS)):
                of_form = of_indicator[
                    (of_indicator["form"] == form) & (derived_rows == derived).to_numpy()
                ]
                for forecast in (False, True):
                    points = of_form[of_form["forecast"].astype(bool) == forecast]
                    if points.empty:
                        continue
                    specs.append(
                        _trace_spec(points, indicator, unit, form, forecast, derived, hover)
                    )
    return specs


def _trace_spec(
    points: pd.DataFrame,
    indicator: str,
    unit: str,
    form: str,
    forecast: bool,
    derived: bool,
    with_hover: bool = True,
) -> TraceSpec:
    points = thin_for_plot(points.sort_values("x", kind="stable"))
    name = f"{points['name_zh'].iloc[0]} · {points['form_label'].iloc[0]}"
    x = list(points["x"])
    y: list[float | None] = [float(value) for value in points["value"]]
    hover = [hover_text(row) for row in records(points, HOVER_COLUMNS)] if with_hover else []
    symbols = [marker_symbol(q, forecast, derived) for q in points["qualifier"]]
    periods: list[str | None] = list(points["period"])
    revised = (
        [bool(flag) for flag in points["revised_later"].fillna(False)]
        if "revised_later" in points.columns
        else []
    )
    disagrees = (
        [bool(flag) for flag in points["check_disagrees"].fillna(False)]
        if "check_disagrees" in points.columns
        else []
    )
    if form == "ytd":
        # One line that starts again each January: a gap between the years.
        starts = [i for i in range(1, len(x)) if x[i][:4] != x[i - 1][:4]]
        for i in reversed(starts):
            x.insert(i, None)
            y.insert(i, None)
            if hover:
                hover.insert(i, "")
            symbols.insert(i, symbols[i])
            periods.insert(i, None)
            if revised:
                revised.insert(i, False)
            if disagrees:
                disagrees.insert(i, False)
    suffix = ("（推算）" if derived else "") + ("（预测）" if forecast else "")
    return TraceSpec(
        indicator=indicator,
        unit=unit,
        form=form,
        forecast=forecast,
        name=name + suffix,
        x=tuple(x),
        y=tuple(y),
        hover=tuple(hover),
        symbols=tuple(symbols),
        periods=tuple(periods),
        revised=tuple(revised),
        derived=derived,
        disagrees=tuple(disagrees),
    )


def trend_figure(rows: pd.DataFrame, positions: Mapping[str, int] | None = None) -> go.Figure:
    """One trace per (indicator, form, forecast, derived), one panel per unit.

    `rows` are series rows (the read service's, with their forms). Points of different
    forms are never joined; forecasts are dashed with hollow markers; derived values are ✕
    on dotted lines; bounds use their own symbols. positions: each indicator's catalog
    place, which its colour follows (first seen first, without).
    """
    return assemble_figure(indicator_traces(with_plot_columns(rows)), positions)


def _line_dash(spec: TraceSpec) -> str:
    if spec.derived:
        return "dashdot" if spec.forecast else "dot"
    return "dash" if spec.forecast else "solid"


def _marker_line(spec: TraceSpec, color: str) -> dict[str, Any]:
    """The marker outline: red where a later issue revised the point or where the stated
    and the derived value disagree; the trace's colour elsewhere."""
    flags = [
        a or b
        for a, b in zip(
            spec.revised or (False,) * len(spec.x),
            spec.disagrees or (False,) * len(spec.x),
            strict=True,
        )
    ]
    if not any(flags):
        return {"color": color, "width": 2}
    return {
        "color": [REVISED_COLOR if flag else color for flag in flags],
        "width": [4 if flag else 2 for flag in flags],
    }


def assemble_figure(
    specs: list[TraceSpec], positions: Mapping[str, int] | None = None
) -> go.Figure:
    """The chart of these traces, in order: colours, panels by unit, layout.

    Built as plain dicts and handed to plotly unvalidated: validating them (and deep-copying
    the template twice, plotly's default and then ours) was 18 of the 19 ms a two-series
    chart took, paid on the first run after every commit. The dicts are what validation
    would make of them; tests/test_dashboard_charts.py validates every kind of chart."""
    units = list(dict.fromkeys(spec.unit for spec in specs))
    panels = len(units) > MAX_UNITS_ON_ONE_PANEL
    places = dict(positions or {})
    for spec in specs:
        places.setdefault(spec.indicator, len(places))
    traces = []
    for spec in specs:
        color = series_color(places[spec.indicator], spec.form)
        position = units.index(spec.unit)
        if panels:
            axes = {"xaxis": axis_id("x", position + 1), "yaxis": axis_id("y", position + 1)}
        else:
            axes = {"yaxis": "y"}
        points = sum(value is not None for value in spec.y)
        traces.append(
            {
                "type": "scatter",
                "x": list(spec.x),
                "y": list(spec.y),
                "mode": "lines+markers" if points > 1 else "markers",
                "name": spec.name + (f" [{spec.unit}]" if len(units) > 1 else ""),
                "legendgroup": spec.indicator,
                "connectgaps": False,
                "line": {"color": color, "dash": _line_dash(spec), "width": 2},
                "marker": {
                    "color": color,
                    "size": 11,
                    # One symbol for the whole trace when its points share one (most do):
                    # a list makes the browser check each point's symbol.
                    "symbol": spec.symbols[0]
                    if len(spec.symbols) > 1 and len(set(spec.symbols)) == 1
                    else list(spec.symbols),
                    "line": _marker_line(spec, color),
                },
                "hovertext": list(spec.hover),
                "hovertemplate": "%{hovertext}<extra></extra>",
                "meta": {
                    "indicator": spec.indicator,
                    "form": spec.form,
                    "forecast": spec.forecast,
                    "derived": spec.derived,
                    "unit": spec.unit,
                    "periods": list(spec.periods),
                    "revised": [
                        p for p, flag in zip(spec.periods, spec.revised, strict=False) if flag
                    ],
                    "disagrees": [
                        p for p, flag in zip(spec.periods, spec.disagrees, strict=False) if flag
                    ],
                },
                **axes,
            }
        )
    return go.Figure(
        data=traces, layout=figure_layout(units, panels, _x_range(specs)), _validate=False
    )


def _x_range(specs: list[TraceSpec]) -> list[str] | None:
    """A range for a chart whose points span under NARROW_DAYS (None: plotly's own)."""
    days = [x for spec in specs for x in spec.x if x is not None]
    if not days:
        return None
    first, last = pd.Timestamp(min(days)), pd.Timestamp(max(days))
    if (last - first).days >= NARROW_DAYS:
        return None
    pad = pd.Timedelta(days=PAD_DAYS)
    return [(first - pad).strftime("%Y-%m-%d"), (last + pad).strftime("%Y-%m-%d")]
