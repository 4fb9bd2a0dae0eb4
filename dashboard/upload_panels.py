"""Streamlit pieces of the 上传 page (dashboard/app_pages/upload.py): the figures table's
format and template, the review tables' columns, and what a commit did with links to where
it can be seen. Widgets only; what they show is decided in dashboard.upload_state and
loaders.services.review.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from loaders.intake.table_format import MAX_TABLE_BYTES, template_csv


def table_format_help() -> None:
    """The figures table's columns in brief, and its template to download."""
    with st.expander("数据表格式与模板", expanded=False):
        st.markdown(
            "数据表（.csv UTF-8 或 GBK、.xlsx、.json）每行一个数字，列为 "
            "`indicator, period, value, qualifier, forecast, note`，以及本期信息 "
            "`title, year, number, total_number, published`（每行重复）。"
            "JSON 与 `python -m loaders extract --json` 的输出格式相同。"
            f"数据表上限 {MAX_TABLE_BYTES // 2**20} MB。"
        )
        st.caption("每列的写法、限定词、期间写法与全部指标编号：见侧栏的「数据表格式」页。")
        st.download_button(
            "下载模板（CSV）",
            data=template_csv(),
            file_name="figures_template.csv",
            mime="text/csv",
        )


def review_columns(indicator_ids: list[str], unit_options: list[str]) -> dict[str, Any]:
    """The column settings both review tables share: which cells the editor may change, the
    choices of indicator and unit, and the help beside each header."""
    indicator_column = st.column_config.SelectboxColumn(
        "指标 indicator", options=indicator_ids, help="库中目录的指标 id（在「指标」页新增或修改）"
    )
    return {
        "include": st.column_config.CheckboxColumn("写入 include", default=False),
        "indicator": indicator_column,
        "name_zh": st.column_config.TextColumn("指标名称", disabled=True),
        "period": st.column_config.TextColumn(
            "期间 period", help="例如 2021、2021-H1、2021-Q3、2021-09、2021-01/2021-09"
        ),
        "value": st.column_config.NumberColumn("数值 value", format="%g"),
        "value_high": st.column_config.NumberColumn(
            "上限 value_high", format="%g", help="区间（如 55—60%）的上限；数值为下限"
        ),
        "unit": st.column_config.SelectboxColumn("单位 unit", options=unit_options),
        "qualifier": st.column_config.SelectboxColumn(
            "限定 qualifier", options=["exact", "approx", "more_than", "less_than"]
        ),
        "forecast": st.column_config.CheckboxColumn("预测 forecast"),
        "quote": st.column_config.TextColumn("原文/备注 quote", disabled=True, width="large"),
        "subject": st.column_config.TextColumn("主题 subject", disabled=True),
        "reason": st.column_config.TextColumn("原因 reason", disabled=True, help="为何未归入指标"),
        "figure_text": st.column_config.TextColumn("原文数字", disabled=True),
    }


def show_result(result_state: dict) -> None:
    """A commit's outcome (dashboard.upload_state.commit_outcome), the revisions it made, and
    links to the issue and its series."""
    # Composed from counts and the issue key only (commit_report): no user text in it.
    getattr(st, result_state["kind"])(result_state["message"])
    if result_state["revised"] is not None and not result_state["revised"].empty:
        st.markdown("修订了之前各期的数字（原值 → 新值）：")
        st.dataframe(result_state["revised"], hide_index=True, width="stretch", placeholder="")
    if result_state["written"]:
        # Where what was just written can be seen: the issue, and its series on 趋势.
        links = st.columns([1, 1, 3])
        links[0].page_link(
            "app_pages/issues.py",
            label=f"查看期刊 {result_state['issue_key']}",
            icon=":material/article:",
            query_params={"issue": result_state["issue_key"]},
        )
        if result_state["indicators"]:
            links[1].page_link(
                "app_pages/trends.py",
                label="在趋势页查看",
                icon=":material/show_chart:",
                query_params={"indicators": ",".join(result_state["indicators"])},
            )
