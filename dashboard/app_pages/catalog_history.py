"""目录历史 (editors): the catalog's versions, newest first, and undo of the latest change."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data
from dashboard.catalog_edits import show_flash, write
from dashboard.components import csv_download
from dashboard.tables import CATALOG_ACTIONS_ZH, catalog_history_table
from loaders.services import catalog as catalog_service

st.title("目录历史")
show_flash()
history = data.catalog_history()
if history.empty:
    st.info("目录还没有版本记录。")
    st.stop()
history_table = catalog_history_table(history)
st.dataframe(history_table, hide_index=True, key="catalog_history")
csv_download(history_table, "catalog_history.csv", key="catalog_history_csv")
if len(history) < 2:
    st.caption("只有初始目录，没有可撤销的修改。")
    st.stop()
latest = history.iloc[0]
action = CATALOG_ACTIONS_ZH.get(latest["action"], latest["action"])
what = f"版本 {int(latest['version'])}：{action} {latest['indicator'] or ''}".strip()
if st.button(f"撤销最近一次修改（{what}）", key="catalog_undo"):
    write(
        lambda: catalog_service.undo(
            data.get_store(), role=auth.current_role(), actor=auth.current_actor()
        ),
        lambda result: (
            "已撤销：目录回到上一版本"
            f"（新版本 {result.version}，重新识别 {result.remapped_issues} 期）"
        ),
    )
