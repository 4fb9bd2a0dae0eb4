"""编辑指标 (editors): add an indicator or edit one, with a preview over every stored issue
before saving; retire or restore one. The form has one widget per field of a catalog entry,
labelled and explained as loaders.catalog.form says (FIELD_LABELS, FIELD_HELP); what was
typed is checked there and in loaders.services.catalog, never here."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data
from dashboard.catalog_edits import (
    DRAFT_KEY,
    NEW_INDICATOR,
    PREFILL_KEY,
    TARGET_KEY,
    show_flash,
    show_form_errors,
    take_open_new,
    write,
)
from dashboard.tables import preview_conflicts_table, preview_table
from loaders.catalog.form import (
    FIELD_HELP,
    FIELD_LABELS,
    KIND_LABELS,
    MEASURE_LABELS,
    IndicatorFormError,
    form_values,
)
from loaders.services import catalog as catalog_service

# Where each field goes, in the form's order: a column of two, or None for the full width.
TEXT_FIELDS = {
    "id": "left",
    "category": "right",
    "name_zh": "left",
    "name_en": "right",
    "unit": "left",
    "source": "right",
}
WORD_FIELDS = {
    "aliases": None,
    "context": "left",
    "exclude": "right",
    "generic_aliases": "left",
    "description": "right",
}


def field_help(field: str, catalog) -> str:
    if field == "category":
        return f"{FIELD_HELP[field]}；已有类别：" + "、".join(catalog.categories())
    return FIELD_HELP[field]


def form_fields(
    catalog, defaults: dict[str, str], editing: str | None, form_id: str
) -> tuple[bool, dict[str, str], str]:
    """The form's widgets: (submitted, the field values as typed, the reason)."""
    with st.form(f"catalog_form_{form_id}"):
        values: dict[str, str] = {}
        left, right = st.columns(2)
        places = {"left": left, "right": right}
        for field, column in TEXT_FIELDS.items():
            values[field] = places[column].text_input(
                FIELD_LABELS[field],
                defaults[field],
                disabled=field == "id" and editing is not None,
                help=field_help(field, catalog),
                key=f"catalog_{field}_{form_id}",
            )
        for field, labels, column in (
            ("kind", KIND_LABELS, left),
            ("measure", MEASURE_LABELS, right),
        ):
            choices = list(labels)
            values[field] = column.selectbox(
                FIELD_LABELS[field],
                choices,
                index=choices.index(defaults[field]) if defaults[field] in choices else 0,
                format_func=labels.get,
                help=FIELD_HELP[field],
                key=f"catalog_{field}_{form_id}",
            )
        left, right = st.columns(2)
        places = {"left": left, "right": right, None: st}
        for field, column in WORD_FIELDS.items():
            # Short keys for the longest names, as the tests and links know them.
            key = "generic" if field == "generic_aliases" else field
            values[field] = places[column].text_area(
                FIELD_LABELS[field],
                defaults[field],
                help=FIELD_HELP[field],
                key=f"catalog_{key}_{form_id}",
            )
        reason = st.text_input(
            "原因（写入修改记录）",
            help="为什么修改：写入目录历史，日后查看或撤销时可见",
            key=f"catalog_reason_{form_id}",
        )
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
                show_form_errors(exc)
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
        reason = st.text_input(
            "原因（写入修改记录）",
            help="为什么停用或恢复：写入目录历史",
            key="catalog_retire_reason",
        )
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


st.title("编辑指标")
take_open_new()
show_flash()
catalog = data.catalog()
show_form(catalog)
show_retire(catalog)
