"""A chart as it goes into a report: the Trends figure with its title, units, source line,
the data's date and the publisher, ready for a static image (dashboard.render).

Pure: rows and a figure in, a figure dict out (no Streamlit, no store). The figure is the
page's own (dashboard.charts); this adds what a picture cut out of the page would lack:

- a title (the series' names) and, under it, the units and the view (同比, as of an issue);
- axis ticks in 万 / 亿 / 万亿 where a unit has a magnitude or the numbers are large
  (2.5 万亿, never 2.5T or 25000);
- a source line naming the issues the points come from and the organisations they cite;
- the data's date (the latest issue drawn, or the vintage) and 产业创新动态 as publisher.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.formatting import format_number
from loaders.series.citations import PUBLICATION
from loaders.vocab.missing import is_missing
from loaders.vocab.units import RATIO_UNITS, split_unit

PUBLISHER = f"{PUBLICATION} · 中国科学技术发展战略研究院 产业科技发展研究所"
# The fonts a static image is drawn in: the CJK font the project installs first
# (fonts-wqy-microhei), so Chinese never falls back to boxes.
IMAGE_FONT = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'
DEFAULT_WIDTH, DEFAULT_HEIGHT = 1200, 675
MIN_SIZE, MAX_SIZE = 320, 4000
# Chinese magnitudes for tick labels, largest first.
TICK_MAGNITUDES = (("万亿", 1e12), ("亿", 1e8), ("万", 1e4))
# The issues a source line names one by one; more are summarised as a range.
MAX_ISSUES_NAMED = 4
MAX_TITLE_CHARS = 60
# Legend entries sit in a grid of this width (pixels), so the space below the plot is known.
LEGEND_ENTRY_WIDTH = 400


@dataclass(frozen=True)
class ImageText:
    """What a report's chart says besides its traces."""

    title: str
    subtitle: str
    source: str
    dated: str
    publisher: str = PUBLISHER


def _clean(values: Sequence[Any] | pd.Series) -> list[str]:
    """The distinct texts of a column, first seen first, missing and empty ones left out."""
    # unique() first: a series holds one name per point (25,000 of them at 1e6 observations),
    # and iterating Arrow strings one Python object at a time was half the image's overhead.
    distinct = pd.Series(values).unique() if len(values) else []
    return [str(v) for v in distinct if not is_missing(v) and str(v)]


def _issue_names(rows: pd.DataFrame) -> str:
    """《产业创新动态》2021 年第 15 期（总第 460 期）、2021 年第 29 期…, oldest first."""
    if "issue_label" not in rows or rows.empty:
        return ""
    columns = [c for c in ("published", "issue_label", "issue_total_number") if c in rows]
    # One row per issue before anything row by row (a series has a row per point, and a
    # long one cites thousands of issues, of which only the first and the last are named).
    labels = rows["issue_label"]
    issues = rows.loc[labels.notna() & ~labels.duplicated(), columns].sort_values(
        "published", kind="stable"
    )
    named = issues if len(issues) <= MAX_ISSUES_NAMED else issues.iloc[[0, -1]]
    names = []
    for row in named.itertuples(index=False):
        total = getattr(row, "issue_total_number", None)
        suffix = "" if is_missing(total) else f"（总第 {int(total)} 期）"
        names.append(f"{row.issue_label}{suffix}")
    if not names:
        return ""
    if len(issues) > MAX_ISSUES_NAMED:
        return f"《{PUBLICATION}》{names[0]}至{names[-1]}等 {len(issues)} 期"
    return f"《{PUBLICATION}》" + "、".join(names)


def image_text(rows: pd.DataFrame, view_note: str = "", vintage_note: str = "") -> ImageText:
    """Title, subtitle, source line and date of a chart of these series rows (the current
    view's columns): names, units, issues, sources and dates come from the rows."""
    names = _clean(rows["name_zh"]) if "name_zh" in rows else []
    title = "、".join(names) or "（无数据）"
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1] + "…"
    units = _clean(rows["unit"]) if "unit" in rows else []
    subtitle = "单位：" + "；".join(units) if units else ""
    if view_note:
        subtitle = f"{subtitle} · {view_note}" if subtitle else view_note
    source = "来源：" + (_issue_names(rows) or f"《{PUBLICATION}》")
    cited = [s for part in _clean(rows.get("source_org", [])) for s in part.split("、")]
    if cited:
        source += "；原始来源：" + "、".join(dict.fromkeys(cited))
    if vintage_note:
        dated = vintage_note
    elif "published" in rows and rows["published"].notna().any():
        latest = pd.Timestamp(rows["published"].max())
        dated = (
            f"数据截至 {latest.year} 年 {latest.month} 月 {latest.day} 日（所用最新一期的发布日）"
        )
    else:
        dated = ""
    return ImageText(title=title, subtitle=subtitle, source=source, dated=dated)


def _nice_step(span: float, count: int = 5) -> float:
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def magnitude_ticks(values: Sequence[float], unit: str, to_zero: bool) -> dict[str, Any] | None:
    """tickvals and ticktext in 万 / 亿 / 万亿 for an axis of values stored in `unit`, or None
    where plain numbers read best (a rate, a per-unit price, small numbers).

    A value's size is its size in the base unit (2.3 of 万亿元 is 2.3e12 元): one magnitude
    is chosen for the whole axis from its largest tick, and each label is that tick in it
    with the base unit (0.5万亿元, 1万亿元, 1.5万亿元)."""
    parts = split_unit(unit)
    if parts is None or not values:
        return None
    base, scale = parts
    if base in RATIO_UNITS or "/" in base:
        return None
    low, high = min(values), max(values)
    if to_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high, low = high + abs(high or 1) * 0.5, low - abs(low or 1) * 0.5
    step = _nice_step(high - low)
    first = math.floor(low / step) * step
    ticks = []
    tick = first
    while tick <= high + step * 0.5:
        ticks.append(round(tick, 12))
        tick += step
    largest = max(abs(t) for t in ticks) * scale
    word, size = next(((w, s) for w, s in TICK_MAGNITUDES if largest >= s), ("", 1.0))
    if not word and scale == 1.0:
        return None  # small counts in a plain unit: plotly's own ticks
    text = []
    for value in ticks:
        number = value * scale / size
        text.append("0" if abs(number) < 1e-12 else format_number(number, 4) + word + base)
    return {
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": text,
        "range": [ticks[0] - step * 0.05, ticks[-1] + step * 0.05],
    }


def _axis_key(axis_id: str) -> str:
    """ "y" -> "yaxis", "y2" -> "yaxis2"."""
    letter, number = axis_id[0], axis_id[1:]
    return f"{letter}axis{number}"


def report_figure(
    figure: go.Figure | dict[str, Any],
    text: ImageText,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
) -> dict[str, Any]:
    """A copy of the chart for a static image: title, subtitle, source line, date and
    publisher, 万/亿 ticks, no hover, the CJK font, legend and notes placed for the size."""
    spec = copy.deepcopy(figure.to_plotly_json() if isinstance(figure, go.Figure) else figure)
    data = spec.setdefault("data", [])
    layout = spec.setdefault("layout", {})
    by_axis: dict[str, tuple[str, list[float]]] = {}
    for trace in data:
        trace.pop("hovertext", None)
        trace["hoverinfo"] = "skip"
        trace.pop("hovertemplate", None)
        unit = str((trace.get("meta") or {}).get("unit", ""))
        axis = _axis_key(trace.get("yaxis") or "y")
        values = [float(v) for v in trace.get("y") or [] if not is_missing(v)]
        known_unit, known = by_axis.get(axis, (unit, []))
        by_axis[axis] = (known_unit or unit, known + values)
    for axis, (unit, values) in by_axis.items():
        settings = layout.setdefault(axis, {})
        ticks = magnitude_ticks(values, unit, settings.get("rangemode") == "tozero")
        if ticks:
            # The ticks carry the unit (1.5万亿元): an axis title would say it twice.
            settings.update(ticks, title={"text": ""})
        else:
            # Plain numbers with thousands separators, never SI suffixes (2k, 1.5M).
            settings.setdefault("tickformat", ",~r")
    for key, settings in layout.items():
        if not isinstance(settings, dict):
            continue
        title = settings.get("title")
        if key.startswith("yaxis") and isinstance(title, dict) and title.get("text"):
            # The page titles its axes 数值（单位）; a report's axis says its unit alone.
            title["text"] = re.sub(r"^数值（(.*)）$", r"\1", str(title["text"]))
        if key.startswith("xaxis"):
            # Where points sit is the page's note; the legend takes this place.
            settings["title"] = {"text": ""}
    notes_height = 54 if text.dated else 36
    # A horizontal legend lays its groups (one per indicator) side by side and each group's
    # entries one under another.
    groups: dict[str, int] = {}
    for position, trace in enumerate(data):
        if trace.get("showlegend", True):
            group = str(trace.get("legendgroup") or position)
            groups[group] = groups.get(group, 0) + 1
    per_row = max(1, (width - 160) // LEGEND_ENTRY_WIDTH)
    legend_rows = max(1, math.ceil(len(groups) / per_row) * max(groups.values(), default=1))
    bottom = 44 + 22 * legend_rows + notes_height + 30
    top = 96 if text.subtitle else 70
    plot_height = max(height - top - bottom, 1)
    layout.update(
        {
            "width": width,
            "height": height,
            "font": {"family": IMAGE_FONT, "size": 14, "color": "#262730"},
            "title": {"text": ""},
            "margin": {"l": 80, "r": 80, "t": top, "b": bottom},
            "legend": {
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                # Below the date ticks (about 40 pixels).
                "y": -40 / plot_height,
                "yanchor": "top",
                "font": {"size": 13},
                "entrywidth": LEGEND_ENTRY_WIDTH,
                "entrywidthmode": "pixels",
            },
            "hovermode": False,
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
        }
    )
    notes = [note for note in (text.source, text.dated) if note]
    annotations = list(layout.get("annotations") or [])
    # Title and subtitle above the plot, in pixels from its top edge.
    heading = [(f"<b>{_escape(text.title)}</b>", 22, "#262730", top - 48)]
    if text.subtitle:
        heading.append((_escape(text.subtitle), 14, "#555", top - 74))
    for words, size, color, shift in heading:
        annotations.append(
            {
                "text": words,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 1,
                "xanchor": "left",
                "yanchor": "bottom",
                "yshift": shift,
                "align": "left",
                "showarrow": False,
                "font": {"size": size, "color": color},
            }
        )
    annotations.append(
        {
            "text": "<br>".join(_escape(note) for note in notes),
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": 0,
            "xanchor": "left",
            "yanchor": "top",
            "yshift": -(bottom - notes_height - 24),
            "align": "left",
            "showarrow": False,
            "font": {"size": 12, "color": "#555"},
        }
    )
    annotations.append(
        {
            "text": _escape(text.publisher),
            "xref": "paper",
            "yref": "paper",
            "x": 1,
            "y": 0,
            "xanchor": "right",
            "yanchor": "top",
            "yshift": -(bottom - 24),
            "align": "right",
            "showarrow": False,
            "font": {"size": 12, "color": "#555"},
        }
    )
    layout["annotations"] = annotations
    return spec


def _escape(text: str) -> str:
    """Text for plotly's label markup: < > & shown as written, never read as tags."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clamp_size(value: str | int | None, default: int) -> int:
    """A requested width or height in pixels, within MIN_SIZE and MAX_SIZE; ValueError for
    one that is not a whole number."""
    if value is None or value == "":
        return default
    number = int(value)
    if not MIN_SIZE <= number <= MAX_SIZE:
        raise ValueError(f"must be between {MIN_SIZE} and {MAX_SIZE} pixels, not {number}")
    return number
