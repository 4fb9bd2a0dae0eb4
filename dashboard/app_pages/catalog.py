"""指标 Catalog: each indicator's definition, unit, kind and coverage, for everyone.

Editors find the rest of the 指标 section beside it in the navigation: 编辑指标 (add or edit
an indicator with a preview first, retire and restore), 待归类 (the unassigned figures as a
work queue) and 目录历史 (the catalog's versions, undo). Every decision lives in
loaders.catalog.form and loaders.services.catalog / queue; the pages hold widgets.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data
from dashboard.catalog_edits import show_flash
from dashboard.components import csv_download
from dashboard.formatting import empty_state_message
from dashboard.tables import catalog_table

ALL_CATEGORIES = "全部类别"
ROW_HEIGHT_PX = 35

role = auth.current_role()
st.title("指标")
show_flash()
st.caption("库中目录的全部在用指标：定义、单位、类型，以及已有的数据（当前口径）。")
coverage = data.coverage()
if int(coverage["points"].sum()) == 0:
    st.info(empty_state_message(role == "editor"), icon=":material/inbox:")
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
        # Wide enough for the longest id (carbon_national_cum_turnover): ids are typed
        # into figures tables, so they show whole.
        "编号": st.column_config.TextColumn("编号", width=230),
        "定义": st.column_config.TextColumn("定义", width="large"),
        "数据点": st.column_config.NumberColumn("数据点", format="%d 个"),
    },
)
csv_download(table, "catalog.csv", key="catalog_csv")
if role == "editor":
    st.page_link("app_pages/catalog_edit.py", label="新增、修改或停用指标", icon=":material/edit:")
