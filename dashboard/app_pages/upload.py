"""上传 Upload: read a brief, review its figures (first version: read and show only)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.auth import current_role, render_login
from loaders.errors import BriefError

st.title("上传 Upload")
render_login()

if current_role() != "editor":
    st.warning("只有编辑可以上传。 Only editors may upload.")
    st.stop()

uploaded = st.file_uploader(
    "简报文件 Brief (.txt .md .pdf .docx)", type=["txt", "md", "pdf", "docx"]
)
if uploaded is not None:
    from loaders.pipeline import extract_bytes

    try:
        with st.spinner("正在读取 Reading…"):
            extraction = extract_bytes(uploaded.getvalue(), uploaded.name)
    except BriefError as exc:
        st.error(str(exc))
        st.stop()
    header = extraction.issue
    st.subheader(f"{header.title} · {header.label_zh}")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "指标 indicator": o.indicator,
                    "期间 period": o.period,
                    "数值 value": o.value,
                    "单位 unit": o.unit,
                    "原文 quote": o.quote,
                }
                for o in extraction.observations
            ]
        )
    )
