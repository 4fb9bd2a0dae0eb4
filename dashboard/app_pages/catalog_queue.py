"""待归类 (editors): figures no indicator claimed, across every issue, grouped by what they
are about: assign one to a series, or start a new indicator from a group (编辑指标)."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data
from dashboard.catalog_edits import EDIT_PAGE, open_new_indicator, show_flash, write
from dashboard.markup import plain_markdown
from dashboard.tables import HELD_GROUP, NO_SUBJECT, queue_figures, queue_subjects
from loaders.catalog.form import values_from_figure
from loaders.services.queue import assign

st.title("待归类")
show_flash()
queue = data.unassigned_all()
if queue.empty:
    st.info("没有未归类的数字。上传或导入期刊后，目录未认领的数字会列在这里。")
    st.stop()
subjects = queue_subjects(queue)
st.caption(
    f"{len(queue)} 个未归类数字，按所指分组。选一组查看其数字，可归入已有指标，"
    "或以它为起点新建指标。"
)
picked = st.dataframe(
    subjects,
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="catalog_queue_subjects",
)
rows = picked.selection.rows
if not rows:
    st.stop()
subject = subjects.iloc[rows[0]]["所指"]
figures = queue_figures(queue, subject)
st.markdown(f"**{plain_markdown(subject)}**：{len(figures)} 个数字")
shown = st.dataframe(
    figures,
    hide_index=True,
    column_order=["期刊", "数值", "期间", "建议指标", "存疑", "数字原文", "原文"],
    on_select="rerun",
    selection_mode="single-row",
    key=f"catalog_queue_figures_{subject}",
)
if subject.startswith(HELD_GROUP):
    # Values an import set aside (the second look): the series exists, the value is doubted.
    st.caption(
        "这些数字导入时与库中该序列已有数值不合（原因见「存疑」）：对照原文核对，"
        "归入指标即确认写入；不归入则不写入序列。"
    )
elif st.button("以此新建指标", key="catalog_queue_new", help="打开新增表单，预填名称、别名和单位"):
    start = "" if subject == NO_SUBJECT else subject
    open_new_indicator(values_from_figure(start, list(figures["unit"].dropna())))
    st.switch_page(EDIT_PAGE)
chosen = shown.selection.rows
if not chosen:
    st.caption("选中一个数字可把它归入已有指标。")
    st.stop()
figure = figures.iloc[chosen[0]]
catalog = data.catalog()
active = catalog.active()
ids = active.ids()
names = {ind.id: f"{ind.name_zh}（{ind.id}，{ind.unit}）" for ind in active.indicators}
suggested = figure["建议指标"]
left, right = st.columns(2)
indicator = left.selectbox(
    "归入指标",
    ids,
    index=ids.index(suggested) if suggested in ids else 0,
    format_func=names.get,
    key=f"catalog_assign_indicator_{figure['issue_key']}_{figure['seq']}",
)
period = right.text_input(
    "期间",
    figure["period"],
    help="例如 2021、2021-H1、2021-Q3、2021-09、2021-01/2021-09",
    key=f"catalog_assign_period_{figure['issue_key']}_{figure['seq']}",
)
if st.button("归入", type="primary", key="catalog_assign"):
    write(
        lambda: assign(
            data.get_store(),
            catalog,
            figure["issue_key"],
            int(figure["seq"]),
            indicator=indicator,
            period=period.strip(),
            role=auth.current_role(),
            actor=auth.current_actor(),
        ),
        lambda result: f"已把 {figure['数字原文']} 归入 {indicator}（{result.period}）",
        indicator=indicator,
    )
