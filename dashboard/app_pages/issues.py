"""期刊 Issues: every stored issue; one opened (?issue=2021-15) with every number of its
articles marked by its state (data, to review, ignored; loaders.figures.number_states)."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data, issue_data
from dashboard.components import csv_download, render_issue_admin, scroll_to_cited
from dashboard.formatting import empty_state_message
from dashboard.highlight import article_label, article_numbers, legend_html
from dashboard.markup import plain_markdown
from dashboard.tables import figures_table, issues_table, numbers_table, unassigned_table
from loaders.series.citations import QUOTE_PARAMETER, cited_offset
from loaders.services.held_values import held_in_store
from loaders.vocab.missing import is_missing

ISSUE_KEY = "issues_selected"

st.title("期刊")

stored = data.issues()
if stored.empty:
    st.info(empty_state_message(auth.current_role() == "editor"), icon=":material/inbox:")
    st.stop()

st.dataframe(issues_table(stored), hide_index=True, key="issues_list")
csv_download(lambda: issues_table(data.issues()), "issues.csv", key="issues_list_csv")
# This page's variables live as long as its widgets (their functions hold the page's
# globals): the archive's list must not stay behind in every session that saw the page.
del stored

choices = data.issue_choices()  # shared by every session
keys = list(choices)
requested = st.query_params.get("issue")
if ISSUE_KEY not in st.session_state:
    if requested and requested not in choices:
        st.warning(f"链接中的期刊 {plain_markdown(requested)} 不存在，已打开最新一期。")
    st.session_state[ISSUE_KEY] = requested if requested in choices else keys[0]
issue_key = st.selectbox(
    "打开一期",
    keys,
    key=ISSUE_KEY,
    format_func=choices.get,  # the shared labels, not new strings for every session
)
if st.query_params.get("issue") != issue_key:
    st.query_params["issue"] = issue_key

header = issue_data.issue(issue_key) or {}
observations = issue_data.observations_for_issue(issue_key)
unassigned = issue_data.unassigned_for_issue(issue_key)
articles = issue_data.articles(issue_key)

# Title, file name, article titles and editors come from uploads: escaped, never markup.
st.subheader(
    f"{plain_markdown(str(header.get('title', '')))} · {plain_markdown(str(header.get('issue_label', '')))}"
)
total = header.get("total_number")
st.caption(
    f"发布日期 {header.get('published')}"
    + (f" · 总第 {total} 期" if total else "")
    + f" · 来源文件 {plain_markdown(str(header.get('source_name', '')))}"
    + f" · {len(articles)} 篇文章 · 识别数字 {len(observations)} 个 · 未归类 {len(unassigned)} 个"
)

clean_text = str(header.get("clean_text") or "")
names = data.indicator_names()
numbers = issue_data.issue_numbers(issue_key)
# Values an import set aside because the stored series doubt them (loaders.services.second_look).
held = held_in_store(numbers, clean_text, unassigned)
# A citation's link (loaders.series.citations.quote_link) names the sentence by its offset: the
# figure stated there, its sentence marked apart and its article opened.
cited_at = cited_offset(st.query_params.get(QUOTE_PARAMETER))
cited_rows = observations[observations["span_start"] == cited_at] if cited_at is not None else None
cited = None if cited_rows is None or cited_rows.empty else cited_rows.iloc[0]
cited_span = None if cited is None else (int(cited.span_start), int(cited.span_end))
cited_article = None if cited is None else int(cited.article_index)
views = [
    (
        article,
        article_numbers(
            clean_text,
            article.title,
            article.start,
            article.end,
            numbers,
            names,
            held=held,
            cited=cited_span if article.article_index == cited_article else None,
        ),
    )
    for article in articles.itertuples(index=False)
]
every_number = numbers_table(
    [(a.title, view.numbers) for a, view in views], names, clean_text, held
)
tab_articles, tab_figures, tab_unassigned, tab_numbers = st.tabs(
    [
        "文章",
        f"已识别数字（{len(observations)}）",
        f"未归类数字（{len(unassigned)}）",
        f"全部数字（{len(every_number)}）",
    ]
)

with tab_articles:
    if cited is not None:
        st.info(
            f"链接所指的原句已用橙色标出（第 {cited_article + 1} 篇）："
            f"{plain_markdown(str(cited.quote))}",
            icon=":material/format_quote:",
        )
    if not clean_text.strip():
        st.info("这一期来自数据表，没有原文；数字见「已识别数字」。", icon=":material/table:")
    else:
        st.html(legend_html("悬停在数字上可见原因，「全部数字」中逐一列出", held=bool(held)))
        st.caption("待归类的数字可在「指标」页的待归类队列中归入指标。")
        if held:
            st.warning(
                f"{len(held)} 个数字导入时与库中该序列已有数值不合（存疑，原因见标注与"
                "「全部数字」），未写入序列，留在待归类队列：在「指标」页的「未归类数字」中核对，"
                "归入指标即确认写入；不归入则不写入。",
                icon=":material/warning:",
            )
    for article, view in views:
        editor = None if is_missing(article.editor) else str(article.editor)
        title = article_label(int(article.article_index), str(article.title), editor, view.counts)
        opened = (
            bool(view.numbers) if cited_article is None else article.article_index == cited_article
        )
        with st.expander(title, expanded=opened):
            st.html(view.html)

if cited_article is not None:
    scroll_to_cited()

with tab_figures:
    if observations.empty:
        st.info("这一期没有识别出目录中指标的数字。")
    else:
        figures = figures_table(observations)
        st.dataframe(
            figures,
            hide_index=True,
            key="issues_figures",
            column_config={"趋势": st.column_config.LinkColumn("趋势", display_text="打开趋势")},
        )
        csv_download(figures, f"figures_{issue_key}.csv", key="issues_figures_csv")

with tab_unassigned:
    if unassigned.empty:
        st.info("这一期没有未归类的数字。")
    else:
        figures = unassigned_table(unassigned)
        st.dataframe(figures, hide_index=True, key="issues_unassigned")
        csv_download(figures, f"unassigned_{issue_key}.csv", key="issues_unassigned_csv")

with tab_numbers:
    if every_number.empty:
        st.info("这一期的原文中没有数字。")
    else:
        st.dataframe(every_number, hide_index=True, key="issues_numbers")
        csv_download(every_number, f"numbers_{issue_key}.csv", key="issues_numbers_csv")

# Editor tools for this issue (retract, audit log): dashboard/components.py.
render_issue_admin(issue_key)
