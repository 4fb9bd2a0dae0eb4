"""The period grammar shared by loaders, store and dashboard."""

from datetime import date

import pytest

from loaders.periods import PeriodError, parse_period, period_label_zh, quarters_of, quarters_span


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
