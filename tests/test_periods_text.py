"""Period expressions in brief text, resolved against the issue date."""

from datetime import date

import pytest

from loaders.vocab.periods import index_month, shift_year
from loaders.vocab.timeexpr import find_time_expressions

JUNE_2022 = date(2022, 6, 20)
JAN_2022 = date(2022, 1, 14)


def periods(text: str, published: date = JUNE_2022) -> list[tuple[str | None, str]]:
    return [(e.period, e.role) for e in find_time_expressions(text, published)]


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2021 年,全国", "2021"),
        ("2021年全年", "2021"),
        ("2021 年上半年", "2021-H1"),
        ("2021年下半年", "2021-H2"),
        ("2022年一季度", "2022-Q1"),
        ("2021年第四季度", "2021-Q4"),
        ("2022 年 5 月份", "2022-05"),
        ("2022年4月", "2022-04"),
        ("2022 年 5 月 31 日", "2022-05-31"),
        ("2017 年至 2021 年", "2017/2021"),
        ("2018-2021年", "2018/2021"),
        ("2022年1-5月", "2022-01/2022-05"),
        ("2021年前三季度", "2021-01/2021-09"),
        ("2021年底", "2021-12"),
        ("2021 年末", "2021-12"),
    ],
)
def test_explicit_periods(text, period):
    assert periods(text)[0] == (period, "set")


@pytest.mark.parametrize(
    ("text", "published", "period"),
    [
        ("一季度", JUNE_2022, "2022-Q1"),
        ("四季度", JUNE_2022, "2021-Q4"),
        ("二季度", date(2022, 7, 18), "2022-Q2"),
        ("上半年", date(2022, 7, 18), "2022-H1"),
        ("上半年", JUNE_2022, "2021-H1"),
        ("12 月份", JAN_2022, "2021-12"),
        ("5月份", JUNE_2022, "2022-05"),
        ("1—5 月", JUNE_2022, "2022-01/2022-05"),
        ("1至5月", JUNE_2022, "2022-01/2022-05"),
        ("1-11月", JAN_2022, "2021-01/2021-11"),
        ("前两个月", date(2022, 3, 21), "2022-01/2022-02"),
        ("前三季度", date(2021, 11, 8), "2021-01/2021-09"),
        ("截至 5 月 31 日", JUNE_2022, "2022-05-31"),
        ("12月31日", JAN_2022, "2021-12-31"),
        ("今年一季度", JUNE_2022, "2022-Q1"),
        ("去年同期", JUNE_2022, None),
        ("上年四季度", JUNE_2022, "2021-Q4"),
        ("去年全年", JUNE_2022, "2021"),
        ("全年", JAN_2022, "2021"),
    ],
)
def test_periods_without_a_year_take_the_latest_not_after_the_issue(text, published, period):
    assert periods(text, published)[0][0] == period


def test_as_of_is_marked():
    (expr,) = find_time_expressions("截至 2022 年 3 月底,", JUNE_2022)
    assert expr.as_of and expr.period == "2022-03"


@pytest.mark.parametrize(
    "text",
    [
        "增速高于 2019 年水平",
        "较上年同期",
        "2015 年以来",
        "在 2022 年 9 月底前完成",
        "超过2020年一季度水平",
    ],
)
def test_comparison_bases_and_starting_points_name_no_period(text):
    assert all(role == "reference" for _, role in periods(text))


def test_from_year_of_is_local_to_its_figure():
    assert periods("收入从 2020 年的 80 亿元增至 95 亿元") == [("2020", "local")]


def test_titles_in_book_marks_are_ignored():
    assert periods("发布《2021 年度报告》") == []


def test_bare_year_end_is_not_guessed():
    assert periods("年底前") == []


def test_index_month_and_year_shift():
    assert index_month("2022-Q1") == "2022-03"
    assert index_month("2022-01/2022-05") == "2022-05"
    assert index_month("2022-04") == "2022-04"
    assert shift_year("2022-Q1", 2020) == "2020-Q1"
    assert shift_year("2022-01/2022-05", 2021) == "2021-01/2021-05"


def test_months_in_chinese_numerals():
    assert periods("十月份,", date(2021, 11, 22)) == [("2021-10", "set")]
    assert periods("十二月", date(2022, 1, 14))[0][0] == "2021-12"


def test_last_month_is_an_aside_only_before_its_figure():
    found = find_time_expressions("业务总量指数升至47.4%,上月为46.0%", JUNE_2022)
    assert [(e.text, e.role, e.months_back, e.period) for e in found] == [
        ("上月", "local", 1, None)
    ]
    # A comparison base or a bare mention names no figure's period.
    assert find_time_expressions("较上月回落1.2个百分点", JUNE_2022) == []
    assert find_time_expressions("比上个月的数据", JUNE_2022) == []
    assert find_time_expressions("上月物流需求回暖", JUNE_2022) == []


def test_two_consecutive_months_listed_are_a_span():
    assert periods("今年1、2月份,全国社会物流总额", date(2022, 3, 21)) == [
        ("2022-01/2022-02", "set")
    ]
    # Months apart are two months, not a span: no period rather than a wrong one.
    assert periods("1、3月", date(2022, 3, 21)) == []


@pytest.mark.parametrize("text", ["今年以来累计成交量", "年初至今,", "年内累计成交量", "本年累计"])
def test_year_to_date_is_marked_and_names_no_period_of_its_own(text):
    (expr,) = find_time_expressions(text, JUNE_2022)
    assert expr.year_to_date and expr.period is None and expr.role == "set"


def test_since_a_named_year_is_still_a_starting_point_only():
    assert periods("2011年以来") == [("2011", "reference")]


def test_explicit_years_are_told_from_bare_periods():
    found = find_time_expressions("2021年下半年,上年一季度,下半年,今年一季度", JUNE_2022)
    assert [(e.text, e.explicit_year) for e in found] == [
        ("2021年下半年", True),
        ("上年一季度", True),
        ("下半年", False),
        ("今年一季度", True),
    ]


def test_year_to_date_and_end_month_arithmetic():
    from loaders.vocab.periods import end_month, year_to_date

    assert year_to_date("2022-07-15") == "2022-01-01/2022-07-15"
    assert year_to_date("2022-06-30") == "2022-01/2022-06"
    assert year_to_date("2022-Q2") == "2022-01/2022-06"
    assert year_to_date("2022-01") == "2022-01"
    assert end_month("2021") == "2021-12"
    assert end_month("2021-H1") == "2021-06"
    assert end_month("2021-09-30") == "2021-09"


def test_a_base_of_last_year_is_a_reference():
    assert periods("受上年基数抬高影响") == [("2021", "reference")]


@pytest.mark.parametrize(
    ("text", "period"),
    [("一季度末", "2022-03"), ("三季末", "2021-09"), ("2021年四季度末", "2021-12")],
)
def test_the_end_of_a_quarter_is_its_last_month(text, period):
    assert periods(text)[0] == (period, "set")


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("一至三季度", "2021-01/2021-09"),
        ("一季度至四季度", "2021"),
        ("第一至第二季度", "2021-H1"),
        ("2020年三至四季度", "2020-H2"),
        ("二至三季度", "2021-04/2021-09"),
    ],
)
def test_a_run_of_quarters_is_one_span(text, period):
    (expr,) = find_time_expressions(text, date(2022, 2, 28))
    assert expr.period == period
