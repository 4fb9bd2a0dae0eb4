"""The Trends chart alone, for an iframe in an intranet page: /embed/trends?… (redirected to
/trends?…&chart=only&embed=true, dashboard.api) draws one chart with its source line and
nothing else. The parameters are the Trends page's shareable URL's (indicators, kinds,
transform, base, as_of); Streamlit's own embed=true drops the app's header and sidebar.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from dashboard import data
from dashboard.chart_images import PUBLISHER, image_text
from dashboard.markup import plain_markdown
from dashboard.trend_view import SeriesView, plot_frame, trend_view
from dashboard.url_state import parse_list, split_known
from loaders.series.comparable import forms_named
from loaders.series.transforms import LABELS_ZH, TRANSFORMS
from loaders.services.series import SeriesRequestError

# The Trends URL's parameter that turns the page into its chart alone.
EMBED_PARAMETER = "chart"
EMBED_VALUE = "only"
# The view's parameters an embed carries over from the shareable URL.
VIEW_PARAMETERS = ("indicators", "forms", "kinds", "transform", "base", "as_of")
CHART_HEIGHT = 420


def is_embed() -> bool:
    return st.query_params.get(EMBED_PARAMETER) == EMBED_VALUE


def embed_url(view: dict[str, str]) -> str:
    """The iframe's address for a Trends view (its URL parameters): /embed/trends?…."""
    params = {key: value for key, value in view.items() if key in VIEW_PARAMETERS and value}
    return "/embed/trends?" + urlencode(params)


def iframe_html(base_url: str, view: dict[str, str], height: int = CHART_HEIGHT + 80) -> str:
    """The <iframe> snippet an intranet page pastes in."""
    source = base_url.rstrip("/") + embed_url(view)
    return (
        f'<iframe src="{source}" width="100%" height="{height}" '
        'style="border:0" title="产业创新动态 趋势图" loading="lazy"></iframe>'
    )


def render() -> None:
    """Draw the embedded chart from the URL and stop the page."""
    params = {key: st.query_params.get(key) or "" for key in VIEW_PARAMETERS}
    catalog = data.indicators()
    wanted, unknown = split_known(parse_list(params["indicators"]), catalog["id"])
    transform = params["transform"] if params["transform"] in TRANSFORMS else "level"
    view = SeriesView(transform, params["base"] or None, params["as_of"] or None)
    if not wanted:
        st.info(
            "请在链接中用 indicators= 指定指标。"
            + (f"未知：{'、'.join(unknown)}" if unknown else "")
        )
        st.stop()
    try:
        if view.as_of:
            view = view._replace(as_of=data.vintage(view.as_of).issue_key)
        present = list(plot_frame(wanted, view)["form"].unique())
        # The page's forms; a link from before them names comparable groups (kinds=ytd-09).
        named = forms_named(parse_list(params["forms"]) or parse_list(params["kinds"]))
        kinds = [form for form in named if form in present] or present
        shown = trend_view(wanted, kinds, view)
    except SeriesRequestError as exc:
        st.warning(f"无法按链接显示：{plain_markdown(str(exc))}")
        st.stop()
    if not shown.points:
        st.info("所选指标暂无数据。")
        st.stop()
    rows = shown.plotted
    note = LABELS_ZH[view.transform] if view.transform != "level" else ""
    vintage = f"按 {view.as_of} 期发布时所知" if view.as_of else ""
    text = image_text(rows, note, vintage)
    figure = shown.figure
    st.markdown(
        f"**{plain_markdown(text.title)}**"
        + (f"　{plain_markdown(text.subtitle)}" if text.subtitle else "")
    )
    st.plotly_chart(
        figure,
        config={"displaylogo": False, "locale": "zh-CN"},
        key="embed_chart",
        height=CHART_HEIGHT,
    )
    st.caption(plain_markdown(f"{text.source}。{text.dated}。{PUBLISHER}"))
    st.stop()
