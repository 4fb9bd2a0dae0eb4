"""指标 Catalog: each indicator's definition, unit, kind and coverage; editors grow it here.

Viewers see the list. Editors also get: a form to add or edit an indicator with a preview
over every stored issue before saving, retire/restore, the unassigned figures as a work
queue (assign one, or start a new indicator from it), and the catalog's history with undo.
Every decision (validation, what a change does, the role check) lives in
loaders.catalog_form and loaders.services.catalog / queue; this page holds widgets.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data
from dashboard.components import csv_download, show_error
from dashboard.formatting import empty_state_message
from dashboard.markup import plain_markdown
from dashboard.tables import (
    CATALOG_ACTIONS_ZH,
    HELD_GROUP,
    NO_SUBJECT,
    catalog_history_table,
    catalog_table,
    preview_conflicts_table,
    preview_table,
    queue_figures,
    queue_subjects,
)
from loaders.catalog_form import (
    FIELD_LABELS,
    KIND_LABELS,
    MEASURE_LABELS,
    IndicatorFormError,
    form_values,
    values_from_figure,
)
from loaders.services import StoreError
from loaders.services import catalog as catalog_service
from loaders.services.permissions import NotAllowed
from loaders.services.queue import assign

ALL_CATEGORIES = "全部类别"
ROW_HEIGHT_PX = 35
SECTIONS = ("指标列表", "新增或修改", "未归类数字", "修改记录")
NEW_INDICATOR = ""
# Session keys: the section shown, the indicator the form edits, a form prefilled from the
# queue, the previewed draft, and a message that survives the rerun after a write.
SECTION_KEY = "catalog_section"
TARGET_KEY = "catalog_edit_target"
PREFILL_KEY = "catalog_prefill"
DRAFT_KEY = "catalog_draft"
FLASH_KEY = "catalog_flash"

role = auth.current_role()
st.title("指标")

flash = st.session_state.pop(FLASH_KEY, None)
if flash:
    st.success(plain_markdown(flash["text"]), icon=":material/check_circle:")
    if flash.get("indicator"):
        st.page_link(
            "app_pages/trends.py",
            label="在趋势页查看",
            icon=":material/show_chart:",
            query_params={"indicators": flash["indicator"]},
        )


def show_list() -> None:
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


def write(action, success, indicator: str | None = None) -> bool:
    """Run a catalog write; a refusal or a failure is a message, never a traceback."""
    try:
        result = action()
    except IndicatorFormError as exc:
        st.error("\n".join(f"- {plain_markdown(str(error))}" for error in exc.errors))
        return False
    except NotAllowed:
        st.error("只有编辑可以修改指标目录。")
        return False
    except StoreError as exc:
        show_error(str(exc))
        return False
    st.session_state[FLASH_KEY] = {"text": success(result), "indicator": indicator}
    st.session_state.pop(DRAFT_KEY, None)
    # The next form opens blank (a new token in its widget keys).
    st.session_state[PREFILL_KEY] = {
        "values": None,
        "token": st.session_state.get(PREFILL_KEY, {}).get("token", 0) + 1,
    }
    st.rerun()
    return True


def show_retire(catalog) -> None:
    with st.expander("停用或恢复指标", expanded=False):
        st.caption("停用后该指标不在各页面显示，数据保留，可随时恢复。")
        ids = catalog.ids()
        labels = {
            ind.id: f"{ind.name_zh}（{ind.id}）{' · 已停用' if ind.retired else ''}"
            for ind in catalog.indicators
        }
        chosen = st.selectbox("指标", ids, format_func=labels.get, key="catalog_retire_target")
        indicator = catalog.get(chosen)
        reason = st.text_input("原因（写入修改记录）", key="catalog_retire_reason")
        retired = bool(indicator and indicator.retired)
        if st.button("恢复" if retired else "停用", key="catalog_retire_button"):
            write(
                lambda: catalog_service.set_retired(
                    data.get_store(),
                    chosen,
                    not retired,
                    role=auth.current_role(),
                    actor=auth.current_actor(),
                    reason=reason,
                ),
                lambda result: (
                    f"已{'恢复' if retired else '停用'} {chosen}（目录版本 {result.version}）"
                ),
            )


def start_new_from(subject: str, figure_units: list[str]) -> None:
    """Button callback: the form, blank but for what the queue's figures say."""
    st.session_state[PREFILL_KEY] = {
        "values": values_from_figure(subject, figure_units),
        "token": st.session_state.get(PREFILL_KEY, {}).get("token", 0) + 1,
    }
    st.session_state[TARGET_KEY] = NEW_INDICATOR
    st.session_state[SECTION_KEY] = "新增或修改"
    st.session_state.pop(DRAFT_KEY, None)


def show_form(catalog) -> None:
    ids = catalog.ids()
    labels = {ind.id: f"{ind.name_zh}（{ind.id}）" for ind in catalog.indicators}
    labels[NEW_INDICATOR] = "（新指标）"
    target = st.selectbox(
        "新增一个指标，或选择要修改的指标",
        [NEW_INDICATOR, *ids],
        format_func=labels.get,
        key=TARGET_KEY,
    )
    editing = target or None
    prefill = st.session_state.get(PREFILL_KEY) if editing is None else None
    if editing is not None:
        defaults = form_values(catalog.get(editing))
    else:
        defaults = prefill["values"] if prefill and prefill["values"] else form_values(None)
    # Widget keys name what the form was opened on, so switching target refills it.
    form_id = f"{target or 'new'}_{prefill['token'] if prefill else 0}"
    submitted, values, reason = form_fields(catalog, defaults, editing, form_id)
    if submitted:
        store = data.get_store()
        with st.spinner("正在用新目录重新识别库中的每一期…"):
            try:
                preview = catalog_service.preview_indicator(store, values, editing=editing)
            except IndicatorFormError as exc:
                st.error("\n".join(f"- {plain_markdown(str(e))}" for e in exc.errors))
                st.session_state.pop(DRAFT_KEY, None)
                return
        st.session_state[DRAFT_KEY] = {
            "values": values,
            "editing": editing,
            "reason": reason,
            "form_id": form_id,
            "version": data.data_version(),
            "preview": preview,
        }
    draft = st.session_state.get(DRAFT_KEY)
    if not draft or draft["form_id"] != form_id:
        st.caption("填好后点「预览」：先看库中哪些数字会归入该指标，再保存。")
        return
    show_preview(draft)


def form_fields(
    catalog, defaults: dict[str, str], editing: str | None, form_id: str
) -> tuple[bool, dict[str, str], str]:
    """The form's widgets: (submitted, the field values as typed, the reason). One widget
    per field of a catalog entry, so as long as the entry has fields; it decides nothing
    (loaders.catalog_form checks what was typed)."""
    with st.form(f"catalog_form_{form_id}"):
        values: dict[str, str] = {}
        left, right = st.columns(2)
        values["id"] = left.text_input(
            FIELD_LABELS["id"],
            defaults["id"],
            disabled=editing is not None,
            help="小写英文、数字和下划线，如 express_volume；保存后不能改",
            key=f"catalog_id_{form_id}",
        )
        values["category"] = right.text_input(
            FIELD_LABELS["category"],
            defaults["category"],
            help="已有类别：" + "、".join(catalog.categories()),
            key=f"catalog_category_{form_id}",
        )
        values["name_zh"] = left.text_input(
            FIELD_LABELS["name_zh"], defaults["name_zh"], key=f"catalog_name_zh_{form_id}"
        )
        values["name_en"] = right.text_input(
            FIELD_LABELS["name_en"], defaults["name_en"], key=f"catalog_name_en_{form_id}"
        )
        values["unit"] = left.text_input(
            FIELD_LABELS["unit"],
            defaults["unit"],
            help="数量级加基本单位，如 亿元、万亿元、亿件、万辆、亿户、%、元/吨",
            key=f"catalog_unit_{form_id}",
        )
        values["source"] = right.text_input(
            FIELD_LABELS["source"],
            defaults["source"],
            help="数据来源，如 国家邮政局",
            key=f"catalog_source_{form_id}",
        )
        kinds = list(KIND_LABELS)
        values["kind"] = left.selectbox(
            FIELD_LABELS["kind"],
            kinds,
            index=kinds.index(defaults["kind"]) if defaults["kind"] in kinds else 0,
            format_func=KIND_LABELS.get,
            key=f"catalog_kind_{form_id}",
        )
        measures = list(MEASURE_LABELS)
        values["measure"] = right.selectbox(
            FIELD_LABELS["measure"],
            measures,
            index=measures.index(defaults["measure"]) if defaults["measure"] in measures else 0,
            format_func=MEASURE_LABELS.get,
            help="数字须说明的内容：水平值、同比、占比……",
            key=f"catalog_measure_{form_id}",
        )
        values["aliases"] = st.text_area(
            FIELD_LABELS["aliases"],
            defaults["aliases"],
            help="简报中指代该指标的说法，每行一个（或用顿号、逗号分隔）；@名称 引用共享词表",
            key=f"catalog_aliases_{form_id}",
        )
        left, right = st.columns(2)
        values["context"] = left.text_area(
            FIELD_LABELS["context"],
            defaults["context"],
            help="别名有歧义时，文章或句中须出现其中之一",
            key=f"catalog_context_{form_id}",
        )
        values["exclude"] = right.text_area(
            FIELD_LABELS["exclude"],
            defaults["exclude"],
            help="出现在数字前表示说的是别的对象，如 同城、异地",
            key=f"catalog_exclude_{form_id}",
        )
        values["generic_aliases"] = left.text_area(
            FIELD_LABELS["generic_aliases"],
            defaults["generic_aliases"],
            help="过于笼统、须有语境词才算的说法，如 市场规模",
            key=f"catalog_generic_{form_id}",
        )
        values["description"] = right.text_area(
            FIELD_LABELS["description"],
            defaults["description"],
            key=f"catalog_description_{form_id}",
        )
        reason = st.text_input("原因（写入修改记录）", key=f"catalog_reason_{form_id}")
        if editing is not None:
            values["id"] = editing
        submitted = st.form_submit_button("预览", type="primary")
    return submitted, values, reason


def show_preview(draft: dict) -> None:
    preview = draft["preview"]
    unit = draft["values"]["unit"].strip()
    indicator_id = draft["values"]["id"].strip()
    st.subheader(f"预览：{indicator_id}")
    counts = st.columns(5)
    counts[0].metric("将归入的数字", len(preview.joins))
    counts[1].metric("从其他指标转来", len(preview.taken))
    counts[2].metric("将移出的数字", len(preview.leaves))
    counts[3].metric("待复核", len(preview.conflicts))
    counts[4].metric("其他指标将失去", len(preview.unsettled))
    st.caption(f"已检查库中 {preview.issues} 期的原文；编辑复核或录入的数字保持不变。")
    sections = [
        ("将归入的数字", preview_table(preview.joins, unit)),
        ("从其他指标转来", preview_table(preview.taken, unit, with_owner=True)),
        ("将移出的数字", preview_table(preview.leaves, unit)),
        (
            "待复核（可能属于该指标、未能确定期间或取值）",
            preview_conflicts_table(preview.conflicts),
        ),
        (
            "其他指标将失去的数字（不再能确定归属，转为未归类）",
            preview_table(preview.unsettled, "", with_owner=True),
        ),
    ]
    for title, table in sections:
        if table.empty:
            continue
        st.markdown(f"**{title}**")
        st.dataframe(table, hide_index=True, key=f"catalog_preview_{title}")
    if preview.joins.empty and preview.taken.empty:
        st.info("库中暂无会归入该指标的数字；保存后，新上传的期刊会按它识别。")
    stale = data.data_version() != draft["version"]
    if stale:
        st.warning("预览之后库中数据已有变化，请重新预览再保存。")
    editing = draft["editing"]
    if st.button("保存", type="primary", disabled=stale, key="catalog_save"):
        write(
            lambda: catalog_service.save_indicator(
                data.get_store(),
                draft["values"],
                editing=editing,
                reason=draft["reason"],
                role=auth.current_role(),
                actor=auth.current_actor(),
            ),
            lambda result: (
                f"已{'修改' if editing else '新增'}指标 {indicator_id}"
                f"（目录版本 {result.version}，重新识别 {result.remapped_issues} 期）"
            ),
            indicator=indicator_id,
        )


def show_queue(catalog) -> None:
    queue = data.unassigned_all()
    if queue.empty:
        st.info("没有未归类的数字。上传或导入期刊后，目录未认领的数字会列在这里。")
        return
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
        return
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
    else:
        st.button(
            "以此新建指标",
            on_click=start_new_from,
            args=("" if subject == NO_SUBJECT else subject, list(figures["unit"].dropna())),
            key="catalog_queue_new",
            help="打开新增表单，预填名称、别名和单位",
        )
    chosen = shown.selection.rows
    if not chosen:
        st.caption("选中一个数字可把它归入已有指标。")
        return
    figure = figures.iloc[chosen[0]]
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


def show_history() -> None:
    history = data.catalog_history()
    if history.empty:
        st.info("目录还没有版本记录。")
        return
    history_table = catalog_history_table(history)
    st.dataframe(history_table, hide_index=True, key="catalog_history")
    csv_download(history_table, "catalog_history.csv", key="catalog_history_csv")
    if len(history) < 2:
        st.caption("只有初始目录，没有可撤销的修改。")
        return
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


if role != "editor":
    show_list()
    st.stop()

catalog = data.catalog()
section = st.segmented_control(
    "编辑", SECTIONS, default=SECTIONS[0], key=SECTION_KEY, label_visibility="collapsed"
)
if section == "新增或修改":
    show_form(catalog)
elif section == "未归类数字":
    show_queue(catalog)
elif section == "修改记录":
    show_history()
else:
    show_list()
    show_retire(catalog)
