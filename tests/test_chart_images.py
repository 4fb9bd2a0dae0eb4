"""A chart dressed for a report (dashboard.chart_images): what its text says of the rows, and
its 万/亿 ticks. The images themselves are drawn in tests/test_reports_api.py."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.chart_images import MAX_ISSUES_NAMED, image_text, magnitude_ticks


def _rows(issues: list[tuple[str, str, int | None]], **columns) -> pd.DataFrame:
    """Series rows, one per (issue label, published, running number), newest given first."""
    frame = pd.DataFrame(
        {
            "name_zh": "全国社会物流总额",
            "unit": "万亿元",
            "issue_label": [label for label, _, _ in issues],
            "published": pd.to_datetime([published for _, published, _ in issues]),
            "issue_total_number": pd.array([total for _, _, total in issues], dtype="Int64"),
            "source_org": None,
        }
    )
    return frame.assign(**columns)


def test_the_source_line_names_each_issue_oldest_first_with_its_running_number() -> None:
    rows = _rows(
        [
            ("2021 年第 29 期", "2021-10-25", 474),
            ("2021 年第 15 期", "2021-04-26", 460),
            ("2021 年第 15 期", "2021-04-26", 460),  # a second point of the same issue
        ],
        source_org=["中物联", None, "中物联、国家统计局"],
    )
    text = image_text(rows, view_note="同比")
    assert text.title == "全国社会物流总额"
    assert text.subtitle == "单位：万亿元 · 同比"
    assert text.source == (
        "来源：《产业创新动态》2021 年第 15 期（总第 460 期）、2021 年第 29 期（总第 474 期）"
        "；原始来源：中物联、国家统计局"
    )
    assert text.dated == "数据截至 2021 年 10 月 25 日（所用最新一期的发布日）"


def test_many_issues_are_named_as_a_range_with_their_count() -> None:
    count = MAX_ISSUES_NAMED + 3
    issues = [(f"2021 年第 {n} 期", f"2021-01-{n:02d}", None) for n in range(count, 0, -1)]
    text = image_text(_rows(issues))
    assert text.source == f"来源：《产业创新动态》2021 年第 1 期至2021 年第 {count} 期等 {count} 期"
    assert "原始来源" not in text.source


def test_rows_without_issues_or_names_still_have_a_source_and_title() -> None:
    text = image_text(pd.DataFrame({"name_zh": [], "unit": [], "issue_label": []}))
    assert text.title == "（无数据）" and text.source == "来源：《产业创新动态》"
    assert text.subtitle == "" and text.dated == ""


def test_an_amount_axis_is_labelled_in_chinese_magnitudes() -> None:
    ticks = magnitude_ticks([60.2, 69.9, 75.4], "万亿元", to_zero=True)
    assert ticks is not None and ticks["tickvals"][0] == 0
    assert ticks["ticktext"][0] == "0" and all(t.endswith("万亿元") for t in ticks["ticktext"][1:])
    assert magnitude_ticks([1750.0, 520.0], "亿元", to_zero=True)["ticktext"][-1].endswith("亿元")


@pytest.mark.parametrize(("values", "unit"), [([3.5, 24.2], "%"), ([520.0, 600.0], "元/吨")])
def test_rates_and_prices_keep_plain_ticks(values: list[float], unit: str) -> None:
    assert magnitude_ticks(values, unit, to_zero=False) is None
