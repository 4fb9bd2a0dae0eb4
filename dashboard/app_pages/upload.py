"""上传 Upload: read a brief or a figures table, review every figure, commit in one go.

Thin page over loaders.services.review: the page only holds widgets and session state;
reading, validation and writing (with the role check) live there and are tested directly.
What it decides from that state is in dashboard.upload_state, its larger pieces of layout
(the format help, the review tables' columns, a commit's result) in dashboard.upload_panels.
User text (file names, quotes, errors quoting cells) is only ever shown through widgets,
st.text or escaped markdown, never as HTML.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.auth import current_actor, current_role, render_login
from dashboard.components import show_error
from dashboard.highlight import (
    article_label,
    article_numbers,
    choice_order,
    held_title,
    legend_html,
    number_choice,
    number_note,
)
from dashboard.markup import plain_markdown
from dashboard.upload_panels import review_columns, show_result, table_format_help
from dashboard.upload_state import (
    commit_outcome,
    is_new_upload,
    preview_text,
    read_status,
    second_look_key,
    start_review,
    unit_options,
)
from loaders.services import StoreError
from loaders.services.held_values import drop_held, held_at, second_look, unconfirmed
from loaders.services.ingest import Seen
from loaders.services.ingest import preview as preview_ingest
from loaders.services.permissions import NotAllowed
from loaders.services.review import rebuild_extraction
from loaders.services.review_frames import (
    FIGURE_COLUMNS,
    UNASSIGNED_COLUMNS,
    names_stale,
    refresh_names,
)
from loaders.services.review_numbers import NotANumber, add_number, review_numbers
from loaders.services.upload_commit import (
    KeptStoredVersion,
    commit_upload,
    diff_frame,
    revisions_frame,
)

# Session keys: the current upload (bytes hash, extraction, review frames) and the last commit.
STATE_KEY = "upload_current"
RESULT_KEY = "upload_last_result"
# A message that outlives the rerun after a review table's edit state was reset.
RESET_KEY = "upload_table_reset"
# What the last 加为数据 did, shown after the rerun that redraws the tables.
ADDED_KEY = "upload_number_added"
# What the last 确认/不写入 of the second look did, shown after the rerun.
HELD_KEY = "upload_held_done"
logger = logging.getLogger(__name__)

st.title("上传")
render_login()
if current_role() != "editor":
    st.warning("只有编辑可以上传和提交数据。")
    st.stop()

catalog = data.catalog()
indicator_ids = catalog.ids()

table_format_help()

# No type= filter: Streamlit checks a filtered upload's name before this script runs and
# fails the whole page on a NUL in it (a forged upload), with no way to answer. The types are
# in the label, and read_upload decides by content, refuses other types with a message and
# drops control characters from the name (loaders.guards.text_safety).
uploaded = st.file_uploader(
    "简报 (.txt .md .pdf .docx) 或数据表 (.csv .xlsx .json)",
    key="upload_file",
)

if uploaded is None:
    st.session_state.pop(STATE_KEY, None)
    st.stop()

payload = uploaded.getvalue()
file_sha = hashlib.sha256(payload).hexdigest()
state = st.session_state.get(STATE_KEY)
if is_new_upload(state, file_sha, uploaded.name):
    with st.status("正在读取…", expanded=False) as status:
        state = start_review(payload, uploaded.name, file_sha, catalog)
        label, outcome = read_status(state)
        status.update(label=label, state=outcome)
    st.session_state[STATE_KEY] = state

if state["error"]:
    show_error(state["error"])
    st.stop()

extraction = state["extraction"]
tag = file_sha[:12]


st.subheader("本期信息")
columns = st.columns([3, 1, 1, 1, 2])
original_header = extraction.issue
# The widgets take any value the file holds: bounds are the review's to name
# (loaders.intake.reviewed_rows.header_problems), never a widget's to clamp silently.
header = {
    "title": columns[0].text_input("标题 title", original_header.title, key=f"hdr_title_{tag}"),
    "year": columns[1].number_input(
        "年 year", value=original_header.year, step=1, key=f"hdr_year_{tag}"
    ),
    "number": columns[2].number_input(
        "期 number", value=original_header.number, step=1, key=f"hdr_number_{tag}"
    ),
    "total_number": columns[3].number_input(
        "总期 total",
        value=original_header.total_number or 0,
        step=1,
        key=f"hdr_total_{tag}",
        help="0 = 未知",
    ),
    "published": columns[4].date_input(
        "出版日期 published",
        original_header.published,
        min_value=date.min,
        max_value=date.max,
        key=f"hdr_published_{tag}",
    ),
}
header["total_number"] = header["total_number"] or None

common_config = review_columns(
    indicator_ids, unit_options(catalog, state["figures"], state["unassigned"])
)


def review_table(which: str, visible: list[str], position: int) -> pd.DataFrame:
    """One editable table; a changed indicator refreshes its name column (new editor key)."""
    base = state[which]
    try:
        edited = st.data_editor(
            base,
            column_order=visible,
            column_config=common_config,
            num_rows="fixed",
            key=f"{which}_{tag}_{state['versions'][position]}",
            width="stretch",
            placeholder="",  # an empty cell (no indicator yet, no upper value) is empty, not None
        )
    except Exception:  # an edit state the browser never sends (forged)
        logger.warning("edit state of %s reset", which, exc_info=True)
        state["versions"][position] += 1
        st.session_state[RESET_KEY] = "表格的编辑状态无效，已重置；请重新修改。"
        st.rerun()
    if names_stale(edited, catalog):
        state[which] = refresh_names(edited, catalog)
        state["versions"][position] += 1
        st.rerun()
    return edited


reset = st.session_state.pop(RESET_KEY, None)
if reset:
    st.warning(reset)
st.subheader(f"识别的数据（{len(state['figures'])}）")
st.caption("勾选“写入”的行会写入数据库；可修改指标、期间、数值、单位。")
edited_figures = review_table("figures", FIGURE_COLUMNS, 0)

st.subheader(f"未归类的数字（{len(state['unassigned'])}）")
st.caption("选择指标并勾选“写入”即可归入该指标；需要期间（已识别的会预先填好）。")
edited_unassigned = review_table("unassigned", UNASSIGNED_COLUMNS, 1)


def redraw_tables(figures: pd.DataFrame, unassigned: pd.DataFrame) -> None:
    """The review tables replaced (the edits made so far in them), every table and choice
    drawn anew."""
    state["figures"], state["unassigned"] = figures, unassigned
    state["versions"] = [version + 1 for version in state["versions"]]
    st.rerun()


def add_as_figure(start: int) -> None:
    """The number at start made a ticked row of the tables (loaders.services.review_numbers.add_number),
    the edits made so far kept; the tables and choices are drawn anew."""
    try:
        added = add_number(extraction, edited_figures, edited_unassigned, start, catalog)
    except NotANumber as exc:
        show_error(str(exc))
        return
    st.session_state[ADDED_KEY] = added.message
    redraw_tables(added.figures, added.unassigned)


# The review as committing it now would store it; the second look checks its values against
# the series in the store (loaders.services.held_values.second_look) before any is written.
review = rebuild_extraction(extraction, header, edited_figures, edited_unassigned, catalog)
try:
    # Checked again only when the content or the store changed: a table of thousands of
    # rows takes seconds, and every click reruns the page.
    look_key = second_look_key(review, data.data_version())
    if state.get("second_look", (None, None))[0] != look_key:
        state["second_look"] = (look_key, second_look(data.get_store(), review, catalog))
    held = state["second_look"][1]
except StoreError as exc:
    show_error(str(exc))
    st.stop()
pending = unconfirmed(held, state["confirmed"])
names = {indicator.id: indicator.name_zh for indicator in catalog.indicators}


if extraction.clean_text.strip():
    st.subheader("原文中的数字")
    st.caption(
        "每个数字按状态标出。漏掉的数字：在文章下方点选它，再点「加为数据」，"
        "它就会加入上面的表格并勾选写入（原句、位置、建议的指标和期间已填好），核对后提交。"
    )
    st.html(legend_html("悬停在数字上，或点选它，可见原因", held=bool(pending)))
    added_message = st.session_state.pop(ADDED_KEY, None)
    if added_message:
        st.success(added_message)
    numbers = review_numbers(extraction, edited_figures, edited_unassigned)
    for article in extraction.articles:
        pick_key = f"pick_{tag}_{article.index}_{state['versions'][2]}"
        view = article_numbers(
            extraction.clean_text,
            article.title,
            article.start,
            article.end,
            numbers,
            names,
            picked=st.session_state.get(pick_key),
            held=held_at(numbers, pending),
        )
        title = article_label(article.index, article.title, article.editor, view.counts)
        with st.expander(title, expanded=True):
            st.html(view.html)
            choices = {n.start: n for n in choice_order(view.numbers)}
            if not choices:
                st.caption("这篇文章的数字都已是数据。")
                continue
            picked = st.pills(
                "点选一个待归类或忽略的数字",
                list(choices),
                format_func=lambda at, shown=choices: plain_markdown(
                    number_choice(shown[at], extraction.clean_text)
                ),
                key=pick_key,
            )
            if picked is not None:
                st.caption(plain_markdown(number_note(choices[picked], names)))
            if st.button(
                "加为数据",
                key=f"add_{tag}_{article.index}_{state['versions'][2]}",
                disabled=picked is None,
                icon=":material/add:",
            ):
                add_as_figure(picked)


def show_second_look() -> None:
    """The values the stored series doubt, each with the reason: confirmed (written as they
    are) or dropped (unticked, not written) here; the commit waits until each is one or the
    other."""
    st.subheader(f"与库中序列比对（{len(held)}）")
    st.caption(
        "这些数字与数据库中同一指标的已有数值相比不合常理（累计总量减少、是相邻期间的 5 倍以上、"
        "超出指标范围、增速与两期数值不符）。请对照原文：确认无误后写入，或不写入。"
        "修改指标、期间或数值后需重新确认。"
    )
    for value in held:
        confirmed = value.key in state["confirmed"]
        with st.container(border=True):
            st.markdown(f"**{held_title(value, names)}**")
            if confirmed:
                st.caption(f"已确认写入。存疑：{plain_markdown(value.detail)}")
            else:
                st.warning(f"存疑：{plain_markdown(value.detail)}", icon=":material/warning:")
            left, right, _ = st.columns([1, 1, 2])
            where = f"{tag}_{value.table}_{value.row}"
            if confirmed:
                if left.button("取消确认", key=f"held_undo_{where}"):
                    state["confirmed"].discard(value.key)
                    st.rerun()
            elif left.button("确认写入", key=f"held_confirm_{where}", type="primary"):
                state["confirmed"].add(value.key)
                st.session_state[HELD_KEY] = f"已确认：{held_title(value, names)}"
                st.rerun()
            if right.button("不写入", key=f"held_drop_{where}", icon=":material/block:"):
                st.session_state[HELD_KEY] = f"不写入：{held_title(value, names)}（已取消勾选）"
                redraw_tables(*drop_held(edited_figures, edited_unassigned, [value]))


if held:
    show_second_look()
held_done = st.session_state.pop(HELD_KEY, None)
if held_done:
    st.success(held_done)
st.subheader("检查与提交")
if not review.ok:
    st.error(f"发现 {len(review.errors)} 个问题，修正后才能提交。")
    st.dataframe(
        pd.DataFrame({"问题 problem": review.errors}),
        hide_index=True,
        width="stretch",
        placeholder="",
    )
    st.stop()

to_store = review.extraction
try:
    preview = preview_ingest(data.get_store(), to_store, catalog)
except StoreError as exc:
    show_error(str(exc))
    st.stop()


def commit(replace: bool, seen: Seen) -> None:
    """Commit what the editor reviewed over the stored version they saw (seen), and keep
    the service's real outcome: written, unchanged, or a race lost to another editor.
    Nothing is written while a value the second look doubts waits for the editor."""
    if pending:
        show_error(f"未写入：还有 {len(pending)} 个存疑的数字未确认。")
        return
    try:
        # The role is read again at the moment of writing; the service refuses non-editors.
        result = commit_upload(
            data.get_store(),
            to_store,
            catalog,
            role=current_role(),
            actor=current_actor(),
            replace=replace,
            file_sha256=file_sha,
            seen=seen,
        )
    except KeptStoredVersion as exc:
        result = exc.result
    except (StoreError, NotAllowed) as exc:
        show_error(str(exc))
        return
    st.session_state[RESULT_KEY] = commit_outcome(result, to_store, catalog)


def wait_for_second_look() -> None:
    if pending:
        st.warning(
            f"还有 {len(pending)} 个存疑的数字未确认："
            "在上面的「与库中序列比对」中确认或不写入后才能提交。"
        )


commit_key, replace_key = f"commit_{tag}", f"replace_{tag}"
# A click is acted on against what the editor saw when clicking (kept from the run that drew
# the button), not against a preview recomputed since: another editor's commit in between is
# then named as such instead of silently hiding the button the editor pressed.
shown = state.get("shown")
if shown and (st.session_state.get(commit_key) or st.session_state.get(replace_key)):
    commit(replace=bool(st.session_state.get(replace_key)), seen=Seen(shown["stored_sha256"]))
    state.pop("shown")
    st.rerun()

label = to_store.issue.label_zh
last = st.session_state.get(RESULT_KEY)
if last and last["content_sha"] == to_store.sha256:
    show_result(last)
    if last["written"]:
        st.stop()
if preview.status == "unchanged":
    if not (last and last["content_sha"] == to_store.sha256):
        st.info(f"已存储：{label}（{to_store.issue.key}）与数据库中的版本相同，无需再次提交。")
elif preview.status == "new":
    st.markdown(preview_text(preview, label))
    if preview.revised:
        st.dataframe(
            revisions_frame(preview, catalog), hide_index=True, width="stretch", placeholder=""
        )
    state["shown"] = {"stored_sha256": preview.stored_sha256}
    wait_for_second_look()
    st.button("提交", type="primary", key=commit_key, disabled=bool(pending))
else:
    st.warning(
        f"{label}（{to_store.issue.key}）已存储，但内容不同。确认后将替换本期已存的全部数字。"
    )
    if preview.replaced_diff:
        st.dataframe(diff_frame(preview, catalog), hide_index=True, width="stretch", placeholder="")
    else:
        st.info("数字没有变化，只是文件（原文或未归类数字）不同。")
    confirmed = st.checkbox("我确认用此版本替换已存储的本期数据", key=f"confirm_replace_{tag}")
    state["shown"] = {"stored_sha256": preview.stored_sha256}
    wait_for_second_look()
    st.button("替换", type="primary", disabled=not confirmed or bool(pending), key=replace_key)
