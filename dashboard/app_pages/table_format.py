"""数据表格式: how to write a figures table without guessing (columns, qualifier words, the
period grammar, flags, and every indicator id), with the template to download."""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.markup import plain_markdown
from loaders.intake.table_format import format_guide, template_csv

st.title("数据表格式")
st.caption("编辑可在「上传」页上传数据表（手工录入或改正的数字）；这里说明每一列怎么写。")
st.download_button(
    "下载模板（CSV）",
    data=template_csv(),
    file_name="figures_template.csv",
    mime="text/csv",
    icon=":material/download:",
)
# Names and units come from the catalog editors change: data, through the one markup rule.
indicators = [
    (ind.id, plain_markdown(ind.name_zh), plain_markdown(ind.unit))
    for ind in data.catalog().indicators
    if not ind.retired
]
st.markdown(format_guide(indicators))
