"""趋势 Trends: chosen indicators over time, the plotted rows as a table and as CSV.

The view lives in the URL (?indicators=a,b&forms=ytd,month&frequency=quarter&transform=yoy
&as_of=2021-15&derived=exclude) so a link reproduces it. transform, base, as_of, frequency and
derived mean the same in the HTTP API, which takes one indicator per URL
(/api/v1/series/a.csv) and calls forms form.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data, embed, report_panel
from dashboard.formatting import empty_state_message, indicator_label, period_label
from dashboard.markup import plain_markdown
from dashboard.tables import CITATION_COLUMN, SOURCE_LINK_COLUMN
from dashboard.trend_view import SeriesView, plot_frame, trend_view
from dashboard.url_state import join_list, parse_list, split_known
from loaders.models import IssueHeader
from loaders.series.comparable import forms_named
from loaders.series.frequency import RULES_ZH as FREQUENCY_RULES_ZH
from loaders.series.transforms import LABELS_ZH, RULES_ZH, TRANSFORMS, base_choices
from loaders.services.series import SeriesRequest, SeriesRequestError, download_name
from loaders.vocab.periods import FORMS, FREQUENCIES, FREQUENCY_LABELS, POSITION_RULE_ZH, form_label

CATEGORY_KEY = "trends_category"
INDICATORS_KEY = "trends_indicators"
KINDS_KEY = "trends_kinds"
TRANSFORM_KEY = "trends_transform"
FREQUENCY_KEY = "trends_frequency"
DERIVED_KEY = "trends_derived"
BASE_KEY = "trends_base"
AS_OF_KEY = "trends_as_of"
AS_OF_YEAR_KEY = "trends_as_of_year"
# The as-of choice meaning "as stated now" (every issue).
LATEST = ""
URL_KEYS = ("indicators", "forms", "kinds", "transform", "base", "as_of", "frequency", "derived")
# The frequency choice meaning "the periods as stated".
AS_STATED = ""
# The kind options offered on the previous run: a kind that appears when an indicator is
# added is selected too if the user had not narrowed the kinds.
KIND_OPTIONS_KEY = "trends_kind_options"
# Not a widget key, so it survives visits to other pages.
LAST_VIEW_KEY = "trends_last_view"
ALL_CATEGORIES = "全部类别"
# Refused periods named under the chart; the rest are counted.
REFUSALS_SHOWN = 5

# ?chart=only (what /embed/trends redirects to): the chart and its source line alone.
if embed.is_embed():
    embed.render()

st.title("趋势")

catalog = data.indicators()
coverage = data.coverage()
if int(coverage["points"].sum()) == 0:
    st.info(empty_state_message(auth.current_role() == "editor"), icon=":material/inbox:")
    st.stop()

labels = {
    row.id: indicator_label(row.name_zh, row.name_en) for row in catalog.itertuples(index=False)
}
category_of = dict(zip(catalog["id"], catalog["category"], strict=True))
points = dict(zip(coverage["id"], coverage["points"], strict=True))
with_data = [indicator for indicator in catalog["id"] if points.get(indicator, 0) > 0]
categories = list(dict.fromkeys(catalog["category"]))


def _ids_in(category: str) -> list[str]:
    return [i for i in catalog["id"] if category == ALL_CATEGORIES or category_of[i] == category]


def _on_category_change() -> None:
    options = _ids_in(st.session_state[CATEGORY_KEY])
    kept = [i for i in st.session_state.get(INDICATORS_KEY, []) if i in options]
    first_with_data = [i for i in options if i in with_data][:1]
    st.session_state[INDICATORS_KEY] = kept or first_with_data or options[:1]


# A link's view wins; without one (e.g. back from another page through the sidebar, which
# drops the query string) the view this session last had comes back.
fresh = INDICATORS_KEY not in st.session_state
view = {key: st.query_params.get_all(key) for key in URL_KEYS}
if fresh and not view["indicators"] and LAST_VIEW_KEY in st.session_state:
    view = {key: [value] for key, value in st.session_state[LAST_VIEW_KEY].items()}
requested = parse_list(view.get("indicators"))
valid, unknown = split_known(requested, catalog["id"])
if unknown:
    st.warning(f"链接中有未知的指标，已忽略：{'、'.join(map(plain_markdown, unknown))}")

# Widgets absent from session state means a fresh visit (or arrival by a link): the URL rules.
if fresh:
    selection = valid or with_data[:1]
    chosen_categories = {category_of[i] for i in selection}
    st.session_state[CATEGORY_KEY] = (
        chosen_categories.pop() if len(chosen_categories) == 1 else ALL_CATEGORIES
    )
    st.session_state[INDICATORS_KEY] = selection
    st.session_state.pop(KINDS_KEY, None)
    st.session_state.pop(KIND_OPTIONS_KEY, None)
    wanted_transform = (view.get("transform") or ["level"])[0]
    if wanted_transform not in TRANSFORMS:
        st.warning(f"链接中的变换未知，已显示水平值：{plain_markdown(wanted_transform)}")
        wanted_transform = "level"
    st.session_state[TRANSFORM_KEY] = wanted_transform
    wanted_frequency = (view.get("frequency") or [AS_STATED])[0]
    if wanted_frequency not in (AS_STATED, *FREQUENCIES):
        st.warning(f"链接中的频率未知，已按公布期间显示：{plain_markdown(wanted_frequency)}")
        wanted_frequency = AS_STATED
    st.session_state[FREQUENCY_KEY] = wanted_frequency
    st.session_state[DERIVED_KEY] = (view.get("derived") or ["include"])[0] != "exclude"
    st.session_state[BASE_KEY] = (view.get("base") or [None])[0]
    st.session_state[AS_OF_YEAR_KEY] = LATEST
    st.session_state.pop(AS_OF_KEY, None)
    wanted_as_of = (view.get("as_of") or [LATEST])[0]
    if wanted_as_of:
        # A date or an issue key, as the API takes it; the selectors hold its year and key.
        try:
            vintage_ref = data.vintage(wanted_as_of)
        except SeriesRequestError as exc:
            st.warning(f"链接中的截至期刊无效，已显示最新数据：{plain_markdown(str(exc))}")
        else:
            st.session_state[AS_OF_YEAR_KEY] = IssueHeader.year_of_key(vintage_ref.issue_key)
            st.session_state[AS_OF_KEY] = vintage_ref.issue_key

left, right = st.columns([1, 3])
category = left.selectbox(
    "类别",
    [ALL_CATEGORIES, *categories],
    key=CATEGORY_KEY,
    on_change=_on_category_change,
)
selected = right.multiselect(
    "指标（中文名 (English)）",
    _ids_in(category),
    key=INDICATORS_KEY,
    format_func=lambda i: labels[i] if points.get(i, 0) else f"{labels[i]} · 暂无数据",
    placeholder="选择一个或多个指标",
    # In a column Streamlit keeps the chips on one scrolling row, which hid every chip but
    # the first at 390 px: long bilingual names wrap onto rows of their own.
    wrap=True,
    # Ids are what a figures table's indicator column takes (the 数据表格式 page lists them).
    help="指标编号（数据表的 indicator 列）：\n\n"
    + "\n".join(f"- {plain_markdown(labels[i])}：`{i}`" for i in _ids_in(category)),
)

# The vintage is picked by year, then issue: one selector of every issue would hold
# thousands of options in every session of a large archive.
issue_years = data.issue_years()
if st.session_state.get(AS_OF_YEAR_KEY, LATEST) not in issue_years:
    st.session_state[AS_OF_YEAR_KEY] = LATEST
shape, vintage = st.columns([5, 4])
transform = shape.radio(
    "显示",
    TRANSFORMS,
    key=TRANSFORM_KEY,
    format_func=LABELS_ZH.get,
    horizontal=True,
    help="\n\n".join(RULES_ZH[name] for name in TRANSFORMS if name != "level"),
)
frequency_column, derived_column = shape.columns([3, 2])
frequency = frequency_column.radio(
    "频率",
    [AS_STATED, *FREQUENCIES],
    key=FREQUENCY_KEY,
    format_func=lambda f: FREQUENCY_LABELS.get(f, "按公布期间"),
    horizontal=True,
    help="\n\n".join(FREQUENCY_RULES_ZH.values()),
)
show_derived = derived_column.checkbox(
    "显示推算值",
    key=DERIVED_KEY,
    help="由公布值推算的值（如由相邻两期 1—n月累计相减得到的月度值、由两年水平值计算的同比），"
    "以 ✕ 标出，悬停可见依据。",
)
vintage_year, vintage_issue = vintage.columns([2, 3])
as_of_year = vintage_year.selectbox(
    "截至期刊（按当时所知绘制）",
    [LATEST, *issue_years],
    key=AS_OF_YEAR_KEY,
    format_func=lambda year: f"{year} 年" if year != LATEST else "最新（全部期刊）",
)
issue_names = data.issues_of_year(as_of_year) if as_of_year != LATEST else {}
as_of = LATEST
if issue_names:
    if st.session_state.get(AS_OF_KEY) not in issue_names:
        st.session_state[AS_OF_KEY] = next(iter(issue_names))  # the year's latest issue
    as_of = vintage_issue.selectbox(
        "期", list(issue_names), key=AS_OF_KEY, format_func=issue_names.get
    )
base = None
if transform == "index" and selected:
    base_options, first_base = base_choices(plot_frame(selected, SeriesView(as_of=as_of or None)))
    if st.session_state.get(BASE_KEY) not in base_options:
        st.session_state[BASE_KEY] = first_base
    base = shape.selectbox("基期（= 100）", base_options, key=BASE_KEY, format_func=period_label)
series_view = SeriesView(
    transform,
    base,
    as_of or None,
    frequency or None,
    "include" if show_derived else "exclude",
)
try:
    frame = plot_frame(selected, series_view) if selected else None
except SeriesRequestError as exc:
    st.warning(f"无法按所选方式显示：{plain_markdown(str(exc))}")
    series_view = SeriesView()
    frame = plot_frame(selected, series_view)
# unique() keeps first-seen order like dict.fromkeys, without a Python loop over every row.
present = set(frame["form"].unique()) if frame is not None else set()
nothing_selected = frame is None
# Only the forms were needed. This page's variables live as long as its widgets (their
# format functions hold the page's globals), so a frame left here stays in memory for
# every session that saw the page: about 3 MB each at 1e6 observations.
del frame
kind_options = [form for form in FORMS if form in present]

if KINDS_KEY not in st.session_state:
    # A link from before forms named comparable groups (kinds=ytd-09): their form is kept.
    wanted = forms_named(parse_list(view.get("forms")) or parse_list(view.get("kinds")))
    st.session_state[KINDS_KEY] = [g for g in wanted if g in kind_options] or kind_options
else:
    previous_options = st.session_state.get(KIND_OPTIONS_KEY, [])
    previous = st.session_state[KINDS_KEY]
    had_all = set(previous) >= set(previous_options)
    st.session_state[KINDS_KEY] = (
        kind_options if had_all else [g for g in previous if g in kind_options]
    )
st.session_state[KIND_OPTIONS_KEY] = kind_options
kinds = st.multiselect(
    "形式（每个指标的每种形式一条线；年初至今累计每年一月重新开始）",
    kind_options,
    key=KINDS_KEY,
    format_func=form_label,
    placeholder="选择形式",
)

# Write the view back into the URL; only what differs from the defaults.
wanted_params = {"indicators": join_list(selected)} if selected else {}
if kinds and set(kinds) != set(kind_options):
    wanted_params["forms"] = join_list(kinds)
if series_view.transform != "level":
    wanted_params["transform"] = series_view.transform
if series_view.frequency:
    wanted_params["frequency"] = series_view.frequency
if series_view.derived != "include":
    wanted_params["derived"] = series_view.derived
if series_view.base:
    wanted_params["base"] = series_view.base
if series_view.as_of:
    wanted_params["as_of"] = series_view.as_of
if st.query_params.to_dict() != wanted_params:
    st.query_params.from_dict(wanted_params)
st.session_state[LAST_VIEW_KEY] = wanted_params

if nothing_selected:
    st.info("请选择至少一个指标。")
    st.stop()

# Figure, table and CSV are built once per data version and selection (dashboard.trend_view).
view = trend_view(selected, kinds, series_view)
reasons = dict(view.empty_reasons)
for indicator in selected:
    # Why a chosen series shows nothing: which period a comparison needs, which periods a
    # frequency cannot give (the API says the same in empty_reason / X-Empty-Reason).
    if indicator in reasons:
        st.info(
            f"{plain_markdown(labels[indicator])}：{plain_markdown(reasons[indicator].message_zh)}",
            icon=":material/info:",
        )
if not view.points:
    if not reasons:
        st.info("未选择形式：请在上方选择至少一种形式。")
    st.stop()

st.plotly_chart(
    view.figure,
    config={"displaylogo": False, "locale": "zh-CN"},
    key="trends_chart",
)
st.caption(
    "图例：● 确数；▲ 不少于（≥）；▼ 不超过（≤）；◆ 约（≈）；空心点和虚线为预测值；"
    "✕ 和点线为推算值（由公布值计算，悬停查看依据），红圈表示与公布值不一致。"
    f"{POSITION_RULE_ZH}不同单位分栏绘制。悬停查看原文与来源期刊。"
    "多期刊说法不一致时，图中采用最新一期，表格“修订”列列出早前说法。"
)
if view.disagreeing:
    st.caption(
        f"有 {view.disagreeing} 个推算值与同期公布值不一致（超出四舍五入误差），见表格“核对”列。"
    )
if view.refusals:
    named = "；".join(plain_markdown(r.reason_zh) for r in view.refusals[-REFUSALS_SHOWN:])
    more = len(view.refusals) - REFUSALS_SHOWN
    st.caption(
        f"按{FREQUENCY_LABELS[series_view.frequency or 'year']}换算时无法给出的期间：{named}"
        + (f"（另有 {more} 个）" if more > 0 else "")
    )
if series_view.transform != "level":
    missing_note = (
        f"另有 {view.without_comparison} 个点没有可比的对比期，未画出。"
        if view.without_comparison
        else ""
    )
    st.caption(f"{RULES_ZH[series_view.transform]}{missing_note}")
if series_view.as_of:
    st.caption(
        f"按 {plain_markdown(issue_names[series_view.as_of])} 发布时所知绘制（该期及更早的期刊）。"
        f"红色描边的点其后被修订（{view.revised_later} 个），悬停可见现值。"
    )

st.subheader("数据表")
picked = st.dataframe(
    view.table,
    hide_index=True,
    key="trends_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        SOURCE_LINK_COLUMN: st.column_config.LinkColumn(SOURCE_LINK_COLUMN, display_text="打开原句")
    },
)
if view.table_note:
    st.caption(view.table_note)
# The picked row's citation, with the copy button st.code has, and the way to its sentence.
picked_rows = picked.selection.rows if picked else []
if picked_rows:
    row = picked_rows[0]
    st.caption("所选数值的引用（右上角按钮复制）：")
    st.code(view.table.column(CITATION_COLUMN)[row].as_py(), language=None, wrap_lines=True)
    st.link_button(
        "在期刊中查看原句",
        view.table.column(SOURCE_LINK_COLUMN)[row].as_py(),
        icon=":material/format_quote:",
    )
else:
    st.caption("选中表中一行（行首方框），可复制该数值的引用并打开原句。")
st.download_button(
    "下载 CSV",
    view.csv,
    file_name=download_name(
        SeriesRequest(
            indicators=tuple(selected),
            transform=series_view.transform,
            base=series_view.base,
            as_of=series_view.as_of,
            frequency=series_view.frequency,
            derived=series_view.derived,
        )
    ),
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
    key="trends_csv",
)
# Excel, PNG and SVG of this view, the image's address and the embed (dashboard.report_panel).
report_panel.render(selected, kinds, series_view, wanted_params)
