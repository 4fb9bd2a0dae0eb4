"""Tables the pages show: pure functions, rows in, rows out. (The columns of a series CSV
are the read service's: loaders.services.series_export.export_rows.)"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from dashboard.formatting import (
    format_value,
    indicator_label,
    issue_label_from_key,
    period_label,
)
from dashboard.highlight import STATE_LABELS, held_number, written_with_unit
from loaders.figures.number_states import REASONS
from loaders.figures.subjects import subject_group
from loaders.models import NumberState
from loaders.series.citations import citation_of, quote_link
from loaders.series.derive import parse_inputs
from loaders.services.second_look import doubt_of
from loaders.vocab.frames import records
from loaders.vocab.missing import is_missing
from loaders.vocab.periods import form_label

CITATION_COLUMN = "引用"
SOURCE_LINK_COLUMN = "出处"
KIND_NAMES_ZH = {"flow": "流量", "stock": "存量", "rate": "比率", "index": "指数"}


def revision_notes(revisions: pd.DataFrame) -> dict[tuple[str, str, bool], str]:
    """(indicator, period, forecast) -> "2021 年第 15 期: 75 万亿元; …" for earlier statements."""
    notes: dict[tuple[str, str, bool], list[str]] = {}
    if revisions is None or revisions.empty:
        return {}
    ordered = revisions.sort_values("published", kind="stable")
    columns = ("indicator", "period", "forecast", "unit", "issue_label", "value", "qualifier")
    for row in records(ordered, columns):
        key = (row["indicator"], row["period"], bool(row["forecast"]))
        text = (
            f"{row['issue_label']}: {format_value(row['value'], row.get('unit'), row['qualifier'])}"
        )
        notes.setdefault(key, []).append(text)
    return {key: "; ".join(texts) for key, texts in notes.items()}


def trend_table(rows: pd.DataFrame, revisions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The plotted rows as an analyst reads them, one line per plotted point, with a 修订
    column listing what earlier issues said where they disagree. Transformed rows (see
    loaders.series.transforms) add 原值 and 对比期; rows read as of an issue add 其后修订; a derived
    row (loaders.series.derive) says so under 推算 with its inputs, and 核对 sets a stated value and
    the derived value of its period side by side."""
    revisions = revisions if revisions is not None else pd.DataFrame()
    if not revisions.empty and "unit" not in revisions.columns and not rows.empty:
        units_column = "stated_unit" if "stated_unit" in rows.columns else "unit"
        units = dict(zip(rows["indicator"], rows[units_column], strict=False))
        revisions = revisions.assign(unit=revisions["indicator"].map(units))
    notes = revision_notes(revisions)
    transformed = "stated_value" in rows.columns
    as_of = "revised_later" in rows.columns
    # 形式 rather than the kind of period: it says what a line is (年初至今累计 for every
    # 1—n 月, 时点 for a stock on any day), which the kind does not.
    columns = ["指标", "期间", "形式", "数值", "推算", "核对"]
    columns += ["原值", "对比期"] if transformed else []
    columns += ["修订"] + (["其后修订"] if as_of else [])
    columns += ["预测", "期刊", "发布日期", "文章", "原文"]
    # The value's citation (loaders.series.citations) and the link to its sentence in the issue.
    columns += [CITATION_COLUMN, SOURCE_LINK_COLUMN]
    table = []
    for row in records(rows, _TREND_TABLE_COLUMNS):
        record = {
            "指标": indicator_label(row["name_zh"], row["name_en"]),
            "期间": period_label(row["period"]),
            "形式": form_label(row.get("form")),
            "数值": format_value(row["value"], row["unit"], row["qualifier"], row["value_high"]),
            "推算": _derivation_note(row),
            "核对": _check_note(row),
            "修订": notes.get((row["indicator"], row["period"], bool(row["forecast"])), ""),
            "预测": "预测" if row["forecast"] else "",
            "期刊": row["issue_label"],
            "发布日期": _date_text(row["published"]),
            "文章": row["article"],
            "原文": row["quote"],
            CITATION_COLUMN: citation_of(row),
            SOURCE_LINK_COLUMN: quote_link(
                row.get("issue_key"), row.get("span_start"), row.get("span_end")
            ),
        }
        if transformed:
            unit = row["stated_unit"]
            record["原值"] = format_value(row["stated_value"], unit)
            record["对比期"] = (
                f"{period_label(row['base_period'])}：{format_value(row['base_value'], unit)}"
                f"（{row['base_issue_label']}）"
            )
        if as_of:
            unit = row.get("stated_unit") or row["unit"]
            record["其后修订"] = (
                f"现为 {format_value(row['current_value'], unit)}（{row['current_issue_key']}）"
                if not is_missing(row["revised_later"]) and row["revised_later"]
                else ""
            )
        table.append(record)
    return pd.DataFrame(table, columns=columns)


def _derivation_note(row: dict[str, Any]) -> str:
    """ "推算：2021年1—9月 94.9 万亿元（2021 年第 40 期）− 2021年1—8月 …" for a derived row."""
    if is_missing(row.get("derived")) or not row.get("derived"):
        return ""
    inputs = parse_inputs(row.get("inputs"))
    if not inputs:
        return "推算"
    unit = row.get("stated_unit") or row["unit"]
    sign = " + " if row.get("derivation") == "sum_of_parts" else " − "
    if row.get("derivation") == "yoy_from_levels":
        sign = " ÷ "
    parts = [
        f"{period_label(item.get('period'))} "
        f"{format_value(item.get('value'), item.get('unit') or unit)}（{item.get('issue') or ''}）"
        for item in inputs
    ]
    return "推算：" + sign.join(parts)


def _check_note(row: dict[str, Any]) -> str:
    """The other value of the same period (derived beside stated) and whether they agree."""
    check = row.get("check_value")
    if is_missing(check):
        return ""
    unit = row.get("stated_unit") or row["unit"]
    derived = not is_missing(row.get("derived")) and bool(row.get("derived"))
    other = "公布值" if derived else "推算值"
    verdict = "不一致" if row.get("check_disagrees") else "一致"
    return f"{other} {format_value(check, unit)}，{verdict}"


# The series columns trend_table reads (transformed and as-of rows add some).
_TREND_TABLE_COLUMNS = (
    "indicator",
    "name_zh",
    "name_en",
    "period",
    "period_kind",
    "form",
    "value",
    "unit",
    "qualifier",
    "value_high",
    "forecast",
    "derived",
    "derivation",
    "inputs",
    "check_value",
    "check_disagrees",
    "issue_label",
    "published",
    "article",
    "quote",
    "issue_key",
    "issue_total_number",
    "editor",
    "source_org",
    "span_start",
    "span_end",
    "stated_unit",
    "stated_value",
    "base_period",
    "base_value",
    "base_issue_label",
    "current_value",
    "current_issue_key",
    "revised_later",
)


def _date_text(value: Any) -> str:
    if is_missing(value):
        return ""
    return pd.Timestamp(value).date().isoformat()


def issues_table(issues: pd.DataFrame) -> pd.DataFrame:
    """queries.issues rows for the issue list (newest first, as the store orders them)."""
    return pd.DataFrame(
        {
            "期刊": issues["issue_label"],
            "编号": issues["issue_key"],
            "发布日期": [_date_text(value) for value in issues["published"]],
            "总期号": [
                "" if is_missing(value) else f"总第 {int(value)} 期"
                for value in issues["total_number"]
            ],
            "标题": issues["title"],
            "文章数": issues["article_count"].astype(int),
            "识别数字": issues["figure_count"].astype(int),
            "未归类数字": issues["unassigned_count"].astype(int),
            "来源文件": issues["source_name"],
        }
    )


def figures_table(observations: pd.DataFrame) -> pd.DataFrame:
    """queries.observations_for_issue rows: each figure with the indicator it was mapped onto."""
    return pd.DataFrame(
        {
            "指标": [
                f"{name} ({indicator})" if isinstance(name, str) else indicator
                for name, indicator in zip(
                    observations["name_zh"], observations["indicator"], strict=True
                )
            ],
            "期间": [period_label(period) for period in observations["period"]],
            "数值": [
                format_value(row.value, row.unit, row.qualifier, row.value_high)
                for row in observations.itertuples(index=False)
            ],
            "预测": ["预测" if flag else "" for flag in observations["forecast"]],
            "推算": ["推算" if flag else "" for flag in observations["derived"]],
            "数字原文": observations["figure_text"],
            "期间原文": observations["period_text"],
            "文章": observations["article"],
            "原文": observations["quote"],
            "趋势": [f"/trends?indicators={indicator}" for indicator in observations["indicator"]],
        }
    )


def unassigned_table(unassigned: pd.DataFrame) -> pd.DataFrame:
    """queries.unassigned_for_issue rows: figures no catalog indicator claimed."""
    return pd.DataFrame(
        {
            "数值": [
                format_value(row.value, row.unit, row.qualifier, row.value_high)
                for row in unassigned.itertuples(index=False)
            ],
            "期间": [
                "" if is_missing(period) else period_label(period)
                for period in unassigned["period"]
            ],
            "预测": ["预测" if flag else "" for flag in unassigned["forecast"]],
            "所指": unassigned["subject"],
            "数字原文": unassigned["figure_text"],
            "文章": unassigned["article"],
            "原文": unassigned["quote"],
        }
    )


NUMBERS_COLUMNS = ["文章", "数字", "状态", "原因", "指标", "期间"]


def numbers_table(
    articles: Iterable[tuple[str, Sequence[NumberState]]],
    names: Mapping[str, str],
    clean_text: str,
    held: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """Every number of each article (title, its numbers) in text order: as written with its
    unit, its state and reason, the series it is in (or the one suggested) and its period.
    The marks' tooltips as a table, for a reader without a mouse; a number `held` (start ->
    doubt) says the second look's doubt in its reason."""
    held = held or {}
    rows = []
    for title, numbers in articles:
        for number in numbers:
            doubt = held.get(number.start)
            reason = REASONS.get(number.reason, number.reason)
            if doubt:
                number = held_number(number)
                reason = f"{REASONS.get(number.reason, number.reason)}：{doubt}"
            indicator = number.indicator or number.suggested_indicator
            name = names.get(indicator, indicator) if indicator else ""
            rows.append(
                {
                    "文章": title,
                    "数字": written_with_unit(number, clean_text),
                    "状态": STATE_LABELS.get(number.state, number.state),
                    "原因": reason,
                    "指标": name if number.indicator or not name else f"建议：{name}",
                    "期间": period_label(number.period) if number.period else "",
                }
            )
    return pd.DataFrame(rows, columns=NUMBERS_COLUMNS)


def catalog_table(coverage: pd.DataFrame) -> pd.DataFrame:
    """queries.coverage rows: definition, unit, kind and how much data each indicator has."""
    return pd.DataFrame(
        {
            "指标": coverage["name_zh"],
            # The id a figures table's indicator column takes: shown, not guessed.
            "编号": coverage["id"],
            "单位": coverage["unit"],
            "类型": [KIND_NAMES_ZH.get(kind, kind) for kind in coverage["kind"]],
            "定义": coverage["description"],
            "数据点": coverage["points"].astype(int),
            "最早期间": [
                "" if is_missing(period) else period_label(period)
                for period in coverage["first_period"]
            ],
            "最新期间": [
                "" if is_missing(period) else period_label(period)
                for period in coverage["last_period"]
            ],
            "最新期刊": [
                "" if is_missing(key) else issue_label_from_key(key)
                for key in coverage["last_issue"]
            ],
            "趋势": [f"/trends?indicators={indicator}" for indicator in coverage["id"]],
            "English": coverage["name_en"],
            "类别": coverage["category"],
        }
    )


CATALOG_ACTIONS_ZH = {
    "seed": "初始目录",
    "ingest": "随导入更新",
    "add": "新增",
    "edit": "修改",
    "retire": "停用",
    "restore": "恢复",
    "import": "导入目录文件",
    "undo": "撤销",
    "revert": "回到旧版本",
}


def catalog_history_table(history: pd.DataFrame) -> pd.DataFrame:
    """queries.catalog_history rows as the 修改记录 list shows them."""
    return pd.DataFrame(
        {
            "版本": history["version"].astype(int),
            "时间": [
                "" if is_missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
                for value in history["created_at"]
            ],
            "操作": [CATALOG_ACTIONS_ZH.get(action, action) for action in history["action"]],
            "指标": ["" if is_missing(value) else value for value in history["indicator"]],
            "操作人": history["actor"],
            "原因": ["" if is_missing(value) else value for value in history["reason"]],
        }
    )


NO_SUBJECT = "（未识别所指）"


# The queue's group of the values an import set aside for a series (the second look).
HELD_GROUP = "存疑："


def _doubts(unassigned: pd.DataFrame) -> list[str | None]:
    return [
        doubt_of(subject, suggested)
        for subject, suggested in zip(
            unassigned["subject"], unassigned["suggested_indicator"], strict=True
        )
    ]


def _subject_keys(unassigned: pd.DataFrame) -> list[str]:
    """The group of each queued figure: what it is about, or, for a value the second look
    set aside, 存疑：<the series it was read for>."""
    return [
        f"{HELD_GROUP}{suggested}"
        if doubt
        else subject_group(
            "" if is_missing(subject) else str(subject), pd.Timestamp(published).date()
        )
        or NO_SUBJECT
        for subject, published, suggested, doubt in zip(
            unassigned["subject"],
            unassigned["published"],
            unassigned["suggested_indicator"],
            _doubts(unassigned),
            strict=True,
        )
    ]


def queue_subjects(unassigned: pd.DataFrame) -> pd.DataFrame:
    """queries.unassigned_all rows grouped by what they are about, most figures first."""
    columns = ["所指", "数字个数", "期刊数", "单位", "最新期刊"]
    if unassigned.empty:
        return pd.DataFrame(columns=columns)
    frame = unassigned.assign(_subject=_subject_keys(unassigned))
    groups = []
    for subject, rows in frame.groupby("_subject", sort=False):
        units = [str(u) for u in dict.fromkeys(rows["unit"]) if not is_missing(u)]
        groups.append(
            {
                "所指": subject,
                "数字个数": len(rows),
                "期刊数": rows["issue_key"].nunique(),
                "单位": "、".join(units),
                "最新期刊": rows["issue_label"].iloc[0],
            }
        )
    grouped = pd.DataFrame(groups, columns=columns)
    return grouped.sort_values("数字个数", ascending=False, kind="stable").reset_index(drop=True)


def queue_figures(unassigned: pd.DataFrame, subject: str) -> pd.DataFrame:
    """The queue's figures about one subject (as queue_subjects names it), newest first,
    with issue_key and seq kept for the assignment."""
    rows = unassigned[[key == subject for key in _subject_keys(unassigned)]]
    return pd.DataFrame(
        {
            "期刊": rows["issue_label"],
            "数值": [
                format_value(row.value, row.unit, row.qualifier, row.value_high)
                for row in rows.itertuples(index=False)
            ],
            "期间": [
                "" if is_missing(period) else period_label(period) for period in rows["period"]
            ],
            "建议指标": ["" if is_missing(v) else v for v in rows["suggested_indicator"]],
            "存疑": [doubt or "" for doubt in _doubts(rows)],
            "数字原文": rows["figure_text"],
            "原文": rows["quote"],
            "issue_key": rows["issue_key"],
            "seq": rows["seq"].astype(int),
            "period": [
                "" if is_missing(p) else p for p in rows["suggested_period"].fillna(rows["period"])
            ],
            "unit": rows["unit"],
        }
    ).reset_index(drop=True)


def preview_table(rows: pd.DataFrame, unit: str, with_owner: bool = False) -> pd.DataFrame:
    """Figures of a catalog preview (loaders.services.remap.Preview) as a list to read."""
    columns = ["期刊", "期间", "数值", "数字原文", "原文"] + (["原指标"] if with_owner else [])
    if rows is None or rows.empty:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame(
        {
            "期刊": rows["issue_label"],
            "期间": [
                period_label(p) + ("（预测）" if f else "")
                for p, f in zip(rows["period"], rows["forecast"], strict=True)
            ],
            "数值": [
                format_value(value, row_unit if isinstance(row_unit, str) and row_unit else unit)
                for value, row_unit in zip(
                    rows["value"], rows.get("unit", pd.Series([unit] * len(rows))), strict=True
                )
            ],
            "数字原文": rows["figure_text"],
            "原文": rows["quote"],
        }
    )
    if with_owner:
        table["原指标"] = rows["from"].fillna("")
    return table.reset_index(drop=True)


def preview_conflicts_table(conflicts: pd.DataFrame) -> pd.DataFrame:
    """Figures a catalog preview leaves for review (suggested for the indicator, unplaced)."""
    columns = ["期刊", "数值", "期间", "所指", "原文"]
    if conflicts is None or conflicts.empty:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(
        {
            "期刊": conflicts["issue_label"],
            "数值": [
                format_value(row.value, row.unit) for row in conflicts.itertuples(index=False)
            ],
            "期间": ["" if is_missing(p) else period_label(p) for p in conflicts["period"]],
            "所指": conflicts["subject"],
            "原文": conflicts["quote"],
        }
    ).reset_index(drop=True)
