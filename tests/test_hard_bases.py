"""Comparison bases: a base with its own period is an observation of the same series for that
period; a comparison without a stated base adds nothing.

Hard cases of docs/eval.md, each in several phrasings of our own, with the near misses
that must stay out. Every sentence here is written for this file; none is taken from a
labelled brief.
"""

from datetime import date

import pytest

from tests.support.builders import CATALOG
from tests.support.hard_cases import JULY_2022, PLAIN, mapped


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "上半年，中国电信行业共完成并购交易52笔，较去年同期的66笔减少14笔。",
            JULY_2022,
            {("telecom_ma_deals", "2022-H1", 52.0), ("telecom_ma_deals", "2021-H1", 66.0)},
        ),
        (
            "上半年L2级乘用车新车渗透率达到32.4%，较2021年全年的23.5%提高8.9个百分点。",
            JULY_2022,
            {("l2_penetration", "2022-H1", 32.4), ("l2_penetration", "2021", 23.5)},
        ),
        (
            "2019年人工智能研发平台市场规模1.9亿美元，其中下半年为1.08亿美元，"
            "高于上半年的8,200万美元。",
            date(2020, 5, 25),
            {
                ("ai_rd_platform_market", "2019", 1.9),
                ("ai_rd_platform_market", "2019-H2", 1.08),
                ("ai_rd_platform_market", "2019-H1", 0.82),
            },
        ),
    ],
)
def test_a_comparison_base_with_its_own_period_is_an_observation(text, published, expected):
    got = {(o[0], o[1], o[2]) for o in mapped(text, published=published, title="电信 研发平台")}
    assert got == expected


def test_a_comparison_without_a_stated_base_value_adds_nothing():
    text = "上半年L2级乘用车新车渗透率达到32.4%，较2021年提高8.9个百分点。"
    assert mapped(text) == {("l2_penetration", "2022-H1", 32.4, "exact", False)}


def test_a_base_value_far_exceeded_is_an_observation_too():
    text = (
        "前三季度，中国电信行业交易总金额1,210亿元，已远超2019年全年的367亿元，"
        "预计全年将超过1,500亿元。"
    )
    assert mapped(text, published=date(2020, 11, 9), title="电信并购") == {
        ("telecom_ma_value", "2020-01/2020-09", 1210.0, "exact", False),
        ("telecom_ma_value", "2019", 367.0, "exact", False),
        ("telecom_ma_value", "2020", 1500.0, "more_than", True),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A list of bases under one period: each is an observation of its own series.
        (
            "截至6月末，7个试点碳市场累计成交量5.1亿吨，累计成交额约120亿元，"
            "较上年末的4.8亿吨和114亿元分别增加3,000万吨和6亿元。",
            {
                ("carbon_pilot_cum_volume", "2022-06", 5.1, "exact", False),
                ("carbon_pilot_cum_turnover", "2022-06", 120.0, "approx", False),
                ("carbon_pilot_cum_volume", "2021-12", 4.8, "exact", False),
                ("carbon_pilot_cum_turnover", "2021-12", 114.0, "exact", False),
            },
        ),
        # A base named by its period and its noun, without 的.
        (
            "6月30日全国碳市场收盘价58.24元/吨，较2021年7月16日首日收盘价51.23元/吨上涨13.7%。",
            {
                ("carbon_national_price", "2022-06-30", 58.24, "exact", False),
                ("carbon_national_price", "2021-07-16", 51.23, "exact", False),
            },
        ),
        # … whose noun is another series: an opening price is no close.
        (
            "6月30日全国碳市场收盘价58.24元/吨，比2021年7月16日首日开盘价48元/吨上涨21.3%。",
            {("carbon_national_price", "2022-06-30", 58.24, "exact", False)},
        ),
        # The base of a decline's size is a decline.
        (
            "上半年物流业总收入5.9万亿元，同比下降1.1%，降幅较一季度的5.9%收窄4.8个百分点。",
            {
                ("logistics_revenue", "2022-H1", 5.9, "exact", False),
                ("logistics_revenue_yoy", "2022-H1", -1.1, "exact", False),
                ("logistics_revenue_yoy", "2022-Q1", -5.9, "exact", False),
            },
        ),
        # A past base after a forecast is reported, not projected.
        (
            "全年物流业总收入有望突破12.5万亿元，超过2021年全年的11.9万亿元。",
            {
                ("logistics_revenue", "2022", 12.5, "more_than", True),
                ("logistics_revenue", "2021", 11.9, "exact", False),
            },
        ),
    ],
)
def test_bases_in_lists_named_by_their_noun_of_declines_and_after_forecasts(text, expected):
    assert mapped(text, title="碳市场 物流") == expected


@pytest.mark.parametrize(
    "text",
    [
        # A change between the period and the figure: the period is a reference.
        "上半年物流业总收入5.9万亿元，较上年同期增长4.2万亿元。",
        "上半年物流业总收入5.9万亿元，比上年高0.3万亿元。",
        # The size of a rise compared with a base stays positive.
        "上半年物流业总收入同比增长1.1%，增幅较一季度的5.9%回落。",
    ],
)
def test_changes_after_a_compared_period_are_no_bases(text):
    got = mapped(text)
    assert all(o[2] > 0 for o in got)
    assert {o[1] for o in got} <= {"2022-H1", "2022-Q1"}
    assert not {o for o in got if o[1] == "2022-Q1" and o[0] == "logistics_revenue"}


def test_a_base_followed_by_a_change_keeps_its_series():
    text = "截至6月末，5G移动电话用户达到4.55亿户，较上年末的3.55亿户净增1亿户。"
    assert mapped(text, catalog=CATALOG.with_overlay(PLAIN), title="通信") == {
        ("connections_5g", "2022-06", 4.55, "exact", False),
        ("connections_5g", "2021-12", 3.55, "exact", False),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "1—9月，L2级乘用车渗透率为20.0%，而上年同期仅为14.6%。",
            {
                ("l2_penetration", "2021-01/2021-09", 20.0),
                ("l2_penetration", "2020-01/2020-09", 14.6),
            },
        ),
        (
            "1—9月，L2级乘用车渗透率达到20.0%，去年同期只有14.6%。",
            {
                ("l2_penetration", "2021-01/2021-09", 20.0),
                ("l2_penetration", "2020-01/2020-09", 14.6),
            },
        ),
        (
            "前三季度，电信行业并购交易金额为520亿元，而去年同期仅有310亿元。",
            {
                ("telecom_ma_value", "2021-01/2021-09", 520.0),
                ("telecom_ma_value", "2020-01/2020-09", 310.0),
            },
        ),
        (
            "上半年，全国社会物流总额为150.9万亿元，上年同期才123.9万亿元。",
            {("logistics_total", "2021-H1", 150.9), ("logistics_total", "2020-H1", 123.9)},
        ),
        # Near miss: a noun of its own after 同期 is another thing.
        (
            "前三季度，电信行业并购交易金额为520亿元，而去年同期境外并购仅有310亿元。",
            {("telecom_ma_value", "2021-01/2021-09", 520.0)},
        ),
    ],
)
def test_how_little_the_year_before_was_names_no_subject(text, expected):
    assert {o[:3] for o in mapped(text, published=date(2021, 10, 25))} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "截至2023年7月14日，全国碳市场累计成交量2.37亿吨，累计成交额109.1亿元，"
            "较上线一周年时（2022年7月15日）的1.94亿吨和84.92亿元分别增加0.43亿吨和24.2亿元。",
            {
                ("carbon_national_cum_volume", "2022-07-15", 1.94),
                ("carbon_national_cum_turnover", "2022-07-15", 84.92),
            },
        ),
        (
            "截至2023年7月14日，全国碳市场累计成交量2.37亿吨，比上线首日（2021年7月16日）的410万吨大幅增加。",
            {("carbon_national_cum_volume", "2021-07-16", 0.041)},
        ),
    ],
)
def test_a_base_named_by_an_event_with_its_date_in_brackets(text, expected):
    got = {o[:3] for o in mapped(text, published=date(2023, 8, 10))}
    assert expected <= got
    assert not any(o[2] in (0.43, 24.2) for o in got)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2023年上半年，电信行业并购交易总金额1,050亿元，已超过上年全年水平（980亿元）。",
            {("telecom_ma_value", "2023-H1", 1050.0), ("telecom_ma_value", "2022", 980.0)},
        ),
        (
            "2023年上半年，电信行业并购交易总金额1,050亿元，已超过2022年全年规模（980亿元）。",
            {("telecom_ma_value", "2023-H1", 1050.0), ("telecom_ma_value", "2022", 980.0)},
        ),
        (
            "2023年上半年，电信行业并购交易总金额1,050亿元，高于上年同期水平（620亿元）。",
            {("telecom_ma_value", "2023-H1", 1050.0), ("telecom_ma_value", "2022-H1", 620.0)},
        ),
    ],
)
def test_a_level_of_another_period_with_its_figure_in_brackets_is_that_period_s(text, expected):
    got = {(i, p, v) for i, p, v, _, _ in mapped(text, published=date(2023, 8, 10))}
    assert got == expected


@pytest.mark.parametrize(
    "text",
    [
        # Near misses: the level of another period named with no figure of its own.
        "2023年上半年，电信行业并购交易总金额1,050亿元，接近2021年全年水平。",
        "2023年上半年，电信行业并购交易总金额1,050亿元，为2019年以来同期最高水平。",
    ],
)
def test_a_level_of_another_period_without_a_figure_dates_nothing(text):
    got = {(i, p, v) for i, p, v, _, _ in mapped(text, published=date(2023, 8, 10))}
    assert got == {("telecom_ma_value", "2023-H1", 1050.0)}
