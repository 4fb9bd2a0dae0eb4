"""The period grammar shared by loaders, store and dashboard."""

from datetime import date

import pandas as pd
import pytest

from loaders.series.comparable import forms
from loaders.vocab.periods import (
    PeriodError,
    parse_period,
    period_form,
    period_label_zh,
    position,
    quarters_of,
    quarters_span,
    span_text,
    ytd_months,
    ytd_period,
)


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2020", "year", date(2020, 1, 1), date(2020, 12, 31)),
        ("2020-H1", "half", date(2020, 1, 1), date(2020, 6, 30)),
        ("2020-H2", "half", date(2020, 7, 1), date(2020, 12, 31)),
        ("2021-Q1", "quarter", date(2021, 1, 1), date(2021, 3, 31)),
        ("2021-Q4", "quarter", date(2021, 10, 1), date(2021, 12, 31)),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),
        ("2021-09-30", "day", date(2021, 9, 30), date(2021, 9, 30)),
        ("2016/2020", "multi_year", date(2016, 1, 1), date(2020, 12, 31)),
        ("2021-01/2021-09", "ytd", date(2021, 1, 1), date(2021, 9, 30)),
        ("2021-03/2021-05", "span", date(2021, 3, 1), date(2021, 5, 31)),
    ],
)
def test_periods_parse_to_kind_and_bounds(text, kind, start, end):
    period = parse_period(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)


@pytest.mark.parametrize(
    "text", ["", "21", "2021-13", "2021-Q5", "2021-02-30", "2021/2019", "二〇二一"]
)
def test_malformed_periods_are_refused_with_the_text_quoted(text):
    with pytest.raises(PeriodError):
        parse_period(text)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("2021-Q1", "2021年一季度"),
        ("2020-H1", "2020年上半年"),
        ("2021-01/2021-09", "2021年1—9月"),
        ("2016/2020", "2016年至2020年"),
        ("2021-09-30", "2021年9月30日"),
    ],
)
def test_chinese_labels(text, label):
    assert period_label_zh(text) == label


@pytest.mark.parametrize(
    ("period", "quarters"),
    [
        ("2021", ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]),
        ("2021-H2", ["2021-Q3", "2021-Q4"]),
        ("2021-04/2021-09", ["2021-Q2", "2021-Q3"]),
        ("2021-01/2021-08", []),
        ("2021-03", []),
        ("2020/2021", []),
    ],
)
def test_the_quarters_a_period_is_made_of(period, quarters):
    assert quarters_of(period) == quarters
    if quarters:
        first, last = int(quarters[0][-1]), int(quarters[-1][-1])
        assert quarters_span(int(period[:4]), first, last) == period


# ---------------------------------------------------------------- forms


@pytest.mark.parametrize(
    ("period", "indicator_kind", "written", "form"),
    [
        ("2021-01/2021-09", "flow", "1—9 月", "ytd"),
        ("2021-01/2021-09", "rate", "前三季度", "ytd"),
        ("2021-H1", "flow", "上半年", "half"),
        ("2021-H1", "flow", "上半年累计", "ytd"),  # the text means the total so far
        ("2021-H1", "flow", "前两季度", "ytd"),
        ("2021-Q1", "flow", "一季度以来", "ytd"),
        ("2021-Q2", "flow", "二季度累计", "quarter"),  # not from January: a single quarter
        ("2021-Q1", "rate", "一季度", "quarter"),
        ("2021-03", "index", "3 月", "month"),
        ("2021", "flow", "2021 年", "year"),
        ("2021-09-30", "flow", "9 月 30 日", "day"),
        ("2016/2020", "flow", "十三五", "multi_year"),
        ("2021-09-30", "stock", "截至 9 月 30 日", "point"),
        ("2021-03", "stock", "", "point"),
        ("2021-01/2021-06", "stock", "今年以来", "ytd"),  # this year's total, not a level
    ],
)
def test_the_form_of_a_statement(period: str, indicator_kind: str, written: str, form: str):
    assert period_form(period, indicator_kind, period_text=written) == form
    rows = pd.DataFrame(
        [
            {
                "indicator": "x",
                "period_kind": parse_period(period).kind,
                "period_start": pd.Timestamp(parse_period(period).start),
                "period_text": written,
                "name_zh": "某指标",
            }
        ]
    )
    assert forms(rows, {"x": indicator_kind}).tolist() == [form]


def test_a_cumulative_stock_is_since_launch() -> None:
    assert period_form("2021-09-30", "stock", name_zh="全国碳市场累计成交量") == "since_launch"
    assert period_form("2021-09-30", "stock", name_zh="全国碳市场收盘价") == "point"
    assert period_form("2021-09-30", "flow", name_zh="累计") == "day"


def test_every_point_sits_at_the_end_of_its_period() -> None:
    assert position("2021") == date(2021, 12, 31)
    assert position("2021-01/2021-09") == date(2021, 9, 30)
    assert position("2021-Q1") == date(2021, 3, 31)
    assert position("2021-09-30") == date(2021, 9, 30)


def test_year_to_date_lengths_and_periods() -> None:
    assert [
        ytd_months(p) for p in ("2021-01/2021-09", "2021-01", "2021-Q1", "2021-H1", "2021")
    ] == [
        9,
        1,
        3,
        6,
        12,
    ]
    assert ytd_months("2021-Q2") is None and ytd_months("2022-01-01/2022-07-15") is None
    assert ytd_period(2021, 9) == "2021-01/2021-09" and ytd_period(2021, 1) == "2021-01"
    with pytest.raises(PeriodError):
        ytd_period(2021, 13)


def test_a_span_of_days_as_the_grammar_writes_it() -> None:
    assert span_text(date(2020, 1, 1), date(2020, 12, 31)) == "2020"
    assert span_text(date(2020, 7, 1), date(2020, 12, 31)) == "2020-H2"
    assert span_text(date(2020, 4, 1), date(2020, 6, 30)) == "2020-Q2"
    assert span_text(date(2020, 2, 1), date(2020, 2, 29)) == "2020-02"
    assert span_text(date(2020, 1, 1), date(2020, 9, 30)) == "2020-01/2020-09"
    assert span_text(date(2016, 1, 1), date(2020, 12, 31)) == "2016/2020"
    assert span_text(date(2020, 9, 30), date(2020, 9, 30)) == "2020-09-30"
    assert span_text(date(2020, 1, 1), date(2020, 7, 15)) == "2020-01-01/2020-07-15"
