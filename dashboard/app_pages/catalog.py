"""指标 Catalog: each indicator's definition, unit, kind and coverage."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data
from dashboard.components import csv_download
from dashboard.formatting import empty_state_message
from dashboard.tables import catalog_table

ALL_CATEGORIES = "全部类别"
ROW_HEIGHT_PX = 35

st.title("指标")
st.caption(
    "目录 data/catalog.yaml 中的全部指标：定义、单位、类型，以及库中已有的数据（当前口径）。"
)

coverage = data.coverage()
if int(coverage["points"].sum()) == 0:
    st.info(empty_state_message(auth.current_role() == "editor"), icon=":material/inbox:")

categories = list(dict.fromkeys(coverage["category"]))
category = st.selectbox("类别", [ALL_CATEGORIES, *categories], key="catalog_category")
shown = coverage if category == ALL_CATEGORIES else coverage[coverage["category"] == category]

with_data = int((shown["points"] > 0).sum())
st.caption(f"{len(shown)} 个指标，其中 {with_data} 个已有数据。")
table = catalog_table(shown)
st.dataframe(
    table,
    hide_index=True,
    key="catalog_table",
    # Tall enough for every row: the catalog is short and reads better without a scrollbar.
    height=ROW_HEIGHT_PX * (len(shown) + 1) + 3,
    column_config={
        "趋势": st.column_config.LinkColumn("趋势", display_text="打开趋势"),
        "定义": st.column_config.TextColumn("定义", width="large"),
        "数据点": st.column_config.NumberColumn("数据点", format="%d 个"),
    },
)
csv_download(table, "catalog.csv", key="catalog_csv")
