"""Reports: a series, or any table a page shows, as an Excel workbook that says what it holds.

A series workbook has two sheets: 数据 (the rows of the series CSV, loaders.services.series:
numbers as numbers, dates as dates, a citation on every row) and 说明, one column per series
saying what it is: indicator, unit, kind and measure, the catalog's source and the
organisations its figures cite, the period rule, the vintage (as of), the transform and
what in it is derived. A page's table gets the same 说明 sheet for the table as a whole.
The writer is loaders.guards.spreadsheet (formula-safe by the one formula rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd

from loaders.catalog.form import KIND_LABELS, MEASURE_LABELS
from loaders.guards.spreadsheet import Sheet, xlsx_bytes
from loaders.series.citations import PUBLICATION
from loaders.series.comparable import forms_named
from loaders.series.transforms import LABELS_ZH, RULES_ZH
from loaders.services.series import (
    SeriesRequest,
    SeriesResult,
    data_state,
    indicators,
    read_series,
)
from loaders.store import Store
from loaders.vocab.missing import is_missing
from loaders.vocab.periods import PeriodError, period_label_zh

DATA_SHEET = "数据"
DESCRIPTION_SHEET = "说明"
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# How a series' rows are made from the statements (the current view's rule).
PERIOD_RULE_ZH = (
    "每行是一个期间的值（period 为期间，period_start、period_end 为起止日期）。"
    "同一期间有多期刊说法时，取最新一期的说法（早前说法见 API 的 vintages=all）。"
    "年、半年、季、月、1—n 月累计等不同类型的期间各成一组，只在同组期间之间比较。"
)
CITATION_RULE_ZH = (
    "citation 列为每个值的引用：期刊期号（总期号）、文章标题、整理人、原句，以及原文所引的"
    "原始来源（原文未写明来源时不写）。"
)
# The rows of the 说明 sheet, in order: (label, what fills it).
DESCRIPTION_FIELDS = (
    "指标 id",
    "中文名",
    "英文名",
    "单位",
    "类型",
    "口径",
    "定义",
    "来源（目录）",
    "原始来源（原文所引）",
    "期间规则",
    "截至",
    "变换",
    "派生值",
    "行数",
    "期间范围",
    "引用",
    "出版",
    "数据版本",
    "导出时间（UTC）",
)


def _text(value) -> str:
    return "" if is_missing(value) else str(value)


def _period(text: str) -> str:
    try:
        return period_label_zh(text)
    except PeriodError:
        return text


def _vintage_text(result: SeriesResult) -> str:
    if result.request.vintages == "all":
        scope = "每期刊的说法（vintages=all），每行注明其后被哪一期更新"
    else:
        scope = ""
    if result.vintage is None:
        return scope or "最新（全部期刊）"
    vintage = result.vintage
    known = f"按 {vintage.issue_label}（{vintage.issue_key}，{vintage.published}）发布时所知"
    return f"{known}；{scope}" if scope else known


def _transform_text(result: SeriesResult) -> str:
    name = result.request.transform
    text = f"{LABELS_ZH[name]}：{RULES_ZH[name]}"
    if result.request.base:
        text += f"（基期 {_period(result.request.base)} = 100）"
    if result.untransformed:
        text += f"另有 {result.untransformed} 个点没有可比的对比期，未列出。"
    return text


def _derived_text(rows: pd.DataFrame) -> str:
    derived = int(rows["derived"].fillna(False).astype(bool).sum()) if "derived" in rows else 0
    if not derived:
        return "无：每个值都是原文所述"
    return f"{derived} 行为推算值（derived 为 true，由原文所述的值推算），其余为原文所述"


def series_description(store: Store, result: SeriesResult, exported: pd.DataFrame) -> pd.DataFrame:
    """The 说明 sheet: a row per field (DESCRIPTION_FIELDS), a column per series."""
    catalog = indicators(store).set_index("id")
    state = data_state(store)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    columns: dict[str, list[str]] = {"项目": list(DESCRIPTION_FIELDS)}
    for indicator in result.request.indicators:
        entry = catalog.loc[indicator]
        mine = exported[exported["indicator"] == indicator]
        rows = result.rows[result.rows["indicator"] == indicator]
        periods = mine["period"].dropna().tolist()
        cited = [s for s in dict.fromkeys(mine["source_org"].dropna().tolist()) if s]
        span = f"{_period(periods[0])} 至 {_period(periods[-1])}" if periods else "（无数据）"
        columns[indicator] = [
            indicator,
            _text(entry["name_zh"]),
            _text(entry["name_en"]),
            _text(entry["unit"]),
            KIND_LABELS.get(_text(entry["kind"]), _text(entry["kind"])),
            MEASURE_LABELS.get(_text(entry["measure"]), _text(entry["measure"])),
            _text(entry["description"]),
            _text(entry["source"]) or "（目录未写）",
            "、".join(cited) if cited else "（原文未写明）",
            PERIOD_RULE_ZH,
            _vintage_text(result),
            _transform_text(result),
            _derived_text(rows),
            str(len(mine)),
            span,
            CITATION_RULE_ZH,
            f"《{PUBLICATION}》，中国科学技术发展战略研究院 产业科技发展研究所",
            str(state.version),
            stamp,
        ]
    return pd.DataFrame(columns)


def series_workbook(
    store: Store, result: SeriesResult, exported: pd.DataFrame | None = None
) -> bytes:
    """The rows of a series read (its export, loaders.services.series) and their 说明."""
    rows = result.export() if exported is None else exported
    description = series_description(store, result, rows)
    return xlsx_bytes(
        [
            Sheet(DATA_SHEET, rows),
            Sheet(DESCRIPTION_SHEET, description, widths={"项目": 18}),
        ]
    )


def view_workbook(store: Store, request: SeriesRequest, groups: Sequence[str] = ()) -> bytes:
    """The workbook of a Trends view: the series a request reads, only the forms shown (the
    page's; a comparable group of an older link is its form, loaders.series.comparable;
    empty: all), as series_workbook writes them."""
    result = read_series(store, request)
    if groups:
        shown = result.rows["form"].isin(forms_named(groups))
        result = replace(result, rows=result.rows[shown].reset_index(drop=True))
    return series_workbook(store, result)


def table_workbook(table: pd.DataFrame, title: str, notes: Sequence[tuple[str, str]] = ()) -> bytes:
    """A page's table and a 说明 sheet: its title, what the page says about it, publisher
    and time."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    about = [
        ("表", title),
        *notes,
        ("行数", str(len(table))),
        ("出版", f"《{PUBLICATION}》，中国科学技术发展战略研究院 产业科技发展研究所"),
        ("导出时间（UTC）", stamp),
    ]
    description = pd.DataFrame(about, columns=["项目", "说明"])
    return xlsx_bytes(
        [
            Sheet(DATA_SHEET, table),
            Sheet(DESCRIPTION_SHEET, description, widths={"项目": 18, "说明": 80}),
        ]
    )
