"""A point's hover text on a chart: the value with its unit and qualifier, the period as
written, what a derived or transformed value was computed from, the citation and the quoted
sentence (dashboard.charts draws it). Pure: a row in, escaped HTML out.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from dashboard.formatting import (
    QUALIFIER_LABELS,
    format_value,
    period_label,
    wrap_for_hover,
)
from loaders.series.citations import citation_text
from loaders.series.derive import RULES_ZH as DERIVATION_RULES_ZH
from loaders.series.derive import parse_inputs
from loaders.series.frequency import CONVERSION_RULES_ZH
from loaders.series.transforms import LABELS_ZH, RULES_ZH
from loaders.vocab.missing import is_missing

# The columns hover_text reads (a transformed or as-of view adds some): only these are
# turned into Python rows.
HOVER_COLUMNS = (
    "name_zh",
    "value",
    "unit",
    "qualifier",
    "value_high",
    "forecast",
    "period",
    "group_label",
    "form_label",
    "derived",
    "derivation",
    "formula",
    "inputs",
    "check_value",
    "check_disagrees",
    "period_text",
    "issue_label",
    "issue_total_number",
    "article",
    "editor",
    "quote",
    "source_org",
    "revised_later",
    "current_value",
    "current_value_high",
    "current_issue_key",
    "transform",
    "stated_unit",
    "stated_value",
    "base_value",
    "base_period",
    "base_issue_label",
    "base_quote",
)


def hover_text(row: Mapping[str, Any]) -> str:
    """Value with unit and qualifier, the period as written, the issue and the quoted sentence."""
    value = format_value(row["value"], row["unit"], row["qualifier"], row.get("value_high"))
    qualifier = row["qualifier"] or "exact"
    if qualifier != "exact":
        value += f"（{QUALIFIER_LABELS[qualifier]}）"
    derived = _flag(row.get("derived"))
    lines = [
        f"<b>{html.escape(str(row['name_zh']))}</b>",
        f"{html.escape(value)}{'　<i>推算</i>' if derived else ''}"
        f"{'　<i>预测</i>' if row['forecast'] else ''}",
        f"期间：{html.escape(period_label(row['period']))}"
        f"（{html.escape(str(row.get('form_label') or row['group_label']))}）",
    ]
    if row.get("period_text"):
        lines.append(f"原文期间：{html.escape(str(row['period_text']))}")
    lines += _derivation_lines(row)
    lines += _transform_lines(row)
    if _flag(row.get("revised_later")):
        unit = row.get("stated_unit") or row["unit"]
        now = format_value(row.get("current_value"), unit, "exact", row.get("current_value_high"))
        lines.append(f"<b>其后修订</b>：现为 {html.escape(now)}（{row.get('current_issue_key')}）")
    if derived and row.get("inputs"):
        return "<br>".join(lines)  # each input's issue and sentence are listed above
    # The value's citation (loaders.series.citations) without the sentence, which follows it.
    source = citation_text(
        row["issue_label"],
        row.get("issue_total_number"),
        row.get("article"),
        row.get("editor"),
        None,
        row.get("source_org"),
    )
    lines.append(f"引用：{wrap_for_hover(source)}")
    if row.get("quote"):
        lines.append(f"原文：{wrap_for_hover(str(row['quote']))}")
    return "<br>".join(lines)


def _derivation_lines(row: Mapping[str, Any]) -> list[str]:
    """For a derived point: the rule, each input (value, issue, sentence) and the stated
    value of the same period if there is one; for a stated point, the derived value of its
    period. A disagreement beyond rounding is said in bold."""
    unit = row.get("stated_unit") or row["unit"]
    check = row.get("check_value")
    disagrees = _flag(row.get("check_disagrees"))
    lines = []
    if _flag(row.get("derived")) and row.get("derivation"):
        rule = DERIVATION_RULES_ZH.get(row["derivation"]) or CONVERSION_RULES_ZH.get(
            row["derivation"], ""
        )
        lines.append(f"推算：{wrap_for_hover(rule)}")
        for item in parse_inputs(row.get("inputs")):
            lines.append(
                f"依据：{html.escape(period_label(item.get('period')))} "
                f"{html.escape(format_value(item.get('value'), item.get('unit') or unit))}"
                f"（{html.escape(str(item.get('issue') or ''))}）"
            )
            if item.get("quote"):
                lines.append(f"　原文：{wrap_for_hover(str(item['quote']))}")
        if not is_missing(check):
            lines.append(f"公布值：{html.escape(format_value(check, unit))}")
    elif not is_missing(check):
        lines.append(f"推算值：{html.escape(format_value(check, unit))}")
    if disagrees:
        lines.append("<b>公布值与推算值不一致（超出四舍五入误差）</b>")
    return lines


def _flag(value: Any) -> bool:
    return not is_missing(value) and bool(value)


def _transform_lines(row: Mapping[str, Any]) -> list[str]:
    """For a transformed point: what it was computed from (both figures, the base's issue
    and sentence) and the rule, so the number can be checked by hand."""
    transform = row.get("transform")
    if is_missing(transform) or transform in (None, "level"):
        return []
    unit = row.get("stated_unit")
    stated = format_value(row.get("stated_value"), unit)
    base = format_value(row.get("base_value"), unit)
    lines = [
        f"{LABELS_ZH[transform]}：本期 {html.escape(stated)}，"
        f"对比 {html.escape(period_label(row.get('base_period')))} {html.escape(base)}",
        f"对比期来源：{wrap_for_hover(str(row.get('base_issue_label') or ''))}",
    ]
    if row.get("base_quote") and row.get("base_quote") != row.get("quote"):
        lines.append(f"对比期原文：{wrap_for_hover(str(row['base_quote']))}")
    lines.append(f"规则：{wrap_for_hover(RULES_ZH[transform])}")
    return lines
