"""A trend chart's layout (dashboard.charts): one panel per unit on a shared time axis,
date ticks that never repeat a label, amounts read against zero, the template and the font.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import plotly.io as pio
from plotly.subplots import make_subplots

TEMPLATE = "plotly_white"
# Date ticks never repeat a label: the label shows as much of the date as the tick spacing
# tells apart (days under a month apart, months under a year, else years).
TICK_FORMATS = [
    {"dtickrange": [None, 28 * 86_400_000], "value": "%Y年%-m月%-d日"},
    {"dtickrange": ["M1", "M11"], "value": "%Y年%-m月"},
    {"dtickrange": ["M12", None], "value": "%Y年"},
]
FONT_FAMILY = (
    '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif'
)


def _range_mode(unit: str) -> str:
    """Amounts are read against zero (367 vs 1,750 亿元 must not look like 1 vs 10); rates
    and indices move around their own level (a PMI of 54.1 vs 54.9), so they keep auto range."""
    return "normal" if unit == "%" else "tozero"


def axis_id(letter: str, position: int) -> str:
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


def figure_layout(units: list[str], panels: bool, x_range: list[str] | None) -> dict[str, Any]:
    x_axis: dict[str, Any] = {"type": "date", "tickformatstops": TICK_FORMATS}
    if x_range is not None:
        x_axis["range"] = x_range
    x_title = {"title": {"text": "期间（点位于期间末）"}}
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
    layout.update(
        {
            "template": json.loads(_template()),
            "font": {"family": FONT_FAMILY},
            "height": max(460, 300 * len(units) + 120) if panels else 480,
            "hovermode": "closest",
            "hoverlabel": {"align": "left", "bgcolor": "white", "font": {"color": "#262730"}},
            "legend": {
                "orientation": "h",
                "yanchor": "top",
                "y": -0.18 if not panels else -0.08,
                "x": 0,
            },
            "margin": {"l": 60, "r": 30, "t": 40, "b": 40},
        }
    )
    return layout
