"""The Trends page's way into a report: the view as Excel, PNG and SVG, the image's stable
address (for Word or PowerPoint to link to) and the iframe that embeds the chart.

Streamlit pieces only: the workbook is loaders.services.reports', the image
dashboard.images' (the same as /api/v1/series/{ids}.png draws), the embed dashboard.embed's.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode, urlsplit

import streamlit as st

from dashboard import data
from dashboard.embed import iframe_html
from dashboard.images import ImageRequest, series_image
from dashboard.render import RenderError
from dashboard.trend_view import SeriesView
from loaders.services.reports import MEDIA_TYPE as WORKBOOK_MEDIA_TYPE
from loaders.services.reports import view_workbook
from loaders.services.series import SeriesRequest, download_name

API_SERIES = "/api/v1/series"


def _request(selected: Sequence[str], view: SeriesView) -> SeriesRequest:
    return SeriesRequest(
        indicators=tuple(selected), transform=view.transform, base=view.base, as_of=view.as_of
    )


def image_path(selected: Sequence[str], kinds: Sequence[str], view: SeriesView, fmt: str) -> str:
    """The API's address of the view's image: /api/v1/series/a,b.png?kinds=…&transform=…."""
    params = {"kinds": ",".join(kinds), "transform": view.transform, "base": view.base}
    params["as_of"] = view.as_of
    if view.transform == "level":
        params.pop("transform")
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{API_SERIES}/{','.join(selected)}.{fmt}" + (f"?{query}" if query else "")


def _site() -> str:
    """scheme://host:port of the page as the browser reached it ("" where unknown)."""
    try:
        url = st.context.url
    except AttributeError:
        return ""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _image(selected: Sequence[str], kinds: Sequence[str], view: SeriesView, fmt: str) -> bytes:
    try:
        image, _, _ = series_image(
            data.get_store(), ImageRequest(_request(selected, view), tuple(kinds), fmt)
        )
    except RenderError as exc:
        st.error(f"无法生成图片：{exc}")
        return b""
    return image


def render(
    selected: Sequence[str], kinds: Sequence[str], view: SeriesView, url_params: dict[str, str]
) -> None:
    """Excel / PNG / SVG downloads of the view, its image address and its iframe."""
    request = _request(selected, view)
    kinds = tuple(kinds)
    with st.container(horizontal=True):
        st.download_button(
            "下载 Excel",
            # Built on the click, not on every run of the page.
            lambda: view_workbook(data.get_store(), request, kinds),
            file_name=download_name(request, "xlsx"),
            mime=WORKBOOK_MEDIA_TYPE,
            on_click="ignore",
            icon=":material/table_view:",
            key="trends_xlsx",
        )
        for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
            st.download_button(
                f"下载图片 {fmt.upper()}",
                lambda fmt=fmt: _image(selected, kinds, view, fmt),
                file_name=download_name(request, fmt),
                mime=mime,
                on_click="ignore",
                icon=":material/image:",
                key=f"trends_{fmt}",
            )
    with st.expander("图片链接与嵌入（插入报告、内网页面）", icon=":material/link:"):
        site = _site()
        st.caption(
            "图片地址稳定：数据更新后同一地址给出新图。Word / PowerPoint：插入 → 图片 → "
            "来自链接（或「链接到文件」）。图片含标题、单位、来源期刊、数据日期与出版方。"
        )
        st.code(site + image_path(selected, kinds, view, "png"), language=None, wrap_lines=True)
        st.caption("嵌入内网页面：只显示图表及其来源一行。")
        st.code(iframe_html(site, url_params), language="html", wrap_lines=True)
