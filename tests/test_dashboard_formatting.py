"""Numbers with units and qualifiers, changes, period labels, hover text."""

from __future__ import annotations

import pytest

from dashboard.formatting import (
    format_change,
    format_number,
    format_value,
    indicator_label,
    issue_label_from_key,
    period_label,
    wrap_for_hover,
)


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "high", "expected"),
    [
        (1750.0, "亿元", "exact", None, "1,750 亿元"),
        (4500.0, "亿元", "more_than", None, "≥4,500 亿元"),
        (2.7, "万亿元", "approx", None, "≈2.7 万亿元"),
        (5.0, "%", "less_than", None, "≤5%"),
        (55.0, "%", "exact", 60.0, "55–60%"),
        (-3.25, "%", "exact", None, "-3.25%"),
        (148.0, "笔", "exact", None, "148 笔"),
        (None, "亿元", "exact", None, "—"),
        (float("nan"), "亿元", "exact", None, "—"),
        # Never rounder than stated: 1,765 万吨 stored in 亿吨, 12,345.6 万元 in 亿元.
        (1765 / 10000, "亿吨", "exact", None, "0.1765 亿吨"),
        (12345.6 / 10000, "亿元", "exact", None, "1.23456 亿元"),
        (0.0835, "%", "exact", 0.0915, "0.0835–0.0915%"),
        # A computed value has no short exact form: two decimals.
        (100 / 19, "%", "exact", None, "5.26%"),
        (302.4 - 284.6, "万亿元", "exact", None, "17.8 万亿元"),
    ],
)
def test_format_value(value, unit, qualifier, high, expected) -> None:
    assert format_value(value, unit, qualifier, high) == expected


def test_format_number_drops_trailing_zeros() -> None:
    assert format_number(75.0) == "75"
    assert format_number(75.10) == "75.1"
    assert format_number(-0.001) == "0"


def test_change_of_an_amount_is_absolute_and_relative() -> None:
    assert format_change(1750, 367, "亿元") == "+1,383 亿元（+376.8%）"
    assert format_change(70, 75, "万亿元") == "-5 万亿元（-6.7%）"


def test_change_of_a_rate_is_in_percentage_points() -> None:
    assert format_change(15.7, 24.2, "%") == "-8.5 个百分点"
    assert format_change(3.5, 3.5, "%") == "0 个百分点"


def test_change_without_a_previous_value_is_none() -> None:
    assert format_change(1.0, None, "%") is None


def test_labels() -> None:
    assert period_label("2021-01/2021-09") == "2021年1—9月"
    assert period_label("not a period") == "not a period"
    assert indicator_label("全国社会物流总额", "Total") == "全国社会物流总额 (Total)"
    assert issue_label_from_key("2021-05") == "2021 年第 5 期"


def test_hover_text_is_escaped_and_wrapped() -> None:
    wrapped = wrap_for_hover("<b>" + "字" * 40, width=20)
    assert wrapped.startswith("&lt;b&gt;")
    assert wrapped.count("<br>") == 2


def test_hover_wrapping_never_cuts_a_figure() -> None:
    quote = "同比增长24.2%（上年一季度为下降7.5%），两年平均增长7.2%。"
    # A plain cut every 32 characters would leave "7." on one line and "2%" on the next.
    wrapped = wrap_for_hover(quote, width=32)
    lines = wrapped.split("<br>")
    assert "".join(lines) == quote
    assert lines[-1] == "7.2%。"
    assert all(len(line) <= 32 for line in lines)
