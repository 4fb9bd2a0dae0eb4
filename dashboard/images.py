"""A Trends view as an image (PNG or SVG), for the page's download and the HTTP API.

One function makes both: the series are read by the read service (the same request the
CSV answers), drawn by the page's chart builder (dashboard.charts.trend_figure), dressed
for a report (dashboard.chart_images) and rendered (dashboard.render). An image is kept by
the data version it was drawn from and the request, so the same URL gives the same bytes
until the data changes, and a second reader gets it without a render.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard.chart_images import DEFAULT_HEIGHT, DEFAULT_WIDTH, image_text, report_figure
from dashboard.charts import assemble_figure, indicator_traces
from dashboard.render import FORMATS, renderer
from loaders.series.comparable import forms_named, with_plot_columns
from loaders.series.transforms import LABELS_ZH
from loaders.services.series import SeriesRequest, data_state, prepare, read_prepared
from loaders.store import Store
from loaders.vocab.periods import PeriodError, period_label_zh

# What an image reads of a current series: what the chart plots and its text names (names,
# units, issues, sources), not the sentences (a static image has no hover); a third of the
# read of a 25,000-point series.
CHART_COLUMNS = (
    "indicator",
    "name_zh",
    "unit",
    "period",
    "period_kind",
    "period_start",
    "period_end",
    "value",
    "value_high",
    "qualifier",
    "forecast",
    "issue_label",
    "published",
    "issue_total_number",
    "source_org",
)


@dataclass(frozen=True)
class ImageRequest:
    """What to draw: the series read (as the API's CSV reads it), the page's period groups
    (kinds; empty: every group), and the picture's format and size in pixels."""

    series: SeriesRequest
    kinds: tuple[str, ...] = ()
    fmt: str = "png"
    width: int = DEFAULT_WIDTH
    height: int = DEFAULT_HEIGHT


def _view_note(request: SeriesRequest) -> str:
    if request.transform == "level":
        return ""
    note = LABELS_ZH[request.transform]
    if request.base:
        try:
            note += f"（{period_label_zh(request.base)} = 100）"
        except PeriodError:
            note += f"（{request.base} = 100）"
    return note


def chart_rows(store: Store, request: ImageRequest) -> tuple[pd.DataFrame, str]:
    """The plotted rows (with x, group, group_label) and the vintage note of a request."""
    vintage = prepare(store, request.series)
    read = read_prepared(store, request.series, vintage, columns=CHART_COLUMNS)
    rows = with_plot_columns(read.rows)
    if len(request.series.indicators) > 1:
        # In the order asked for, as the page draws its picks: the first takes the first axis.
        order = {indicator: i for i, indicator in enumerate(request.series.indicators)}
        rows = rows.sort_values("indicator", key=lambda ids: ids.map(order), kind="stable")
    if request.kinds:
        # The Trends page's forms (a comparable group of an older link is its form).
        rows = rows[rows["form"].isin(forms_named(request.kinds))]
    note = (
        f"按 {vintage.issue_label}（{vintage.published}）发布时所知绘制"
        if vintage is not None
        else ""
    )
    return rows, note


def image_figure(rows: pd.DataFrame) -> go.Figure:
    """The page's chart (dashboard.charts.trend_figure) of plotted rows (chart_rows), without
    the hover texts an image does not show."""
    return assemble_figure(indicator_traces(rows, hover=False))


def render_chart(store: Store, request: ImageRequest) -> bytes:
    """The image of a request, made now (see series_image for the kept one)."""
    rows, vintage_note = chart_rows(store, request)
    figure = image_figure(rows)
    text = image_text(rows, _view_note(request.series), vintage_note)
    spec = report_figure(figure, text, request.width, request.height)
    return renderer().render(spec, request.fmt, request.width, request.height)


def series_image(store: Store, request: ImageRequest) -> tuple[bytes, str, bool]:
    """(image bytes, media type, whether it was kept from before) of a request, kept by the
    store's data version: a commit makes the next request draw anew."""
    state = data_state(store)
    key = (store.path, state.version, state.changed_at, request)
    image, kept = renderer().cached(key, lambda: render_chart(store, request))
    return image, FORMATS[request.fmt], kept
