"""Plainly written catalog entries: a catalog written as a newcomer would (loaders find their
figures, and no others).

Hard cases of docs/eval.md, each in several phrasings of our own, with the near misses
that must stay out. Every sentence here is written for this file; none is taken from a
labelled brief.
"""

from datetime import date

import pytest

from tests.support.builders import CATALOG
from tests.support.hard_cases import PLAIN, mapped, run


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The share's name carries its measure word; the text says it after the subject.
        (
            "上半年新能源汽车销量260万辆，市场占有率达到21.6%。",
            {("nev_sales", "2022-H1", 260.0), ("nev_share", "2022-H1", 21.6)},
        ),
        # Who does it is left out of the series name.
        (
            "上半年全国快递服务企业业务量累计完成512.2亿件，同比增长3.7%。",
            {("express_volume", "2022-H1", 512.2), ("express_volume_yoy", "2022-H1", 3.7)},
        ),
        # 累计 over the months named is the flow over them.
        (
            "1—6月，新能源汽车累计销量260万辆，同比增长120%。",
            {("nev_sales", "2022-01/2022-06", 260.0), ("nev_sales_yoy", "2022-01/2022-06", 120.0)},
        ),
        # The whole a ratio is taken to is no subject.
        (
            "上半年社会物流总费用8.4万亿元，与GDP的比率为14.8%。",
            {
                ("logistics_cost_total", "2022-H1", 8.4),
                ("logistics_cost_gdp_ratio", "2022-H1", 14.8),
            },
        ),
        # 产销 splits; 均 covers both; a growth of 1.2 倍 is +120%.
        (
            "上半年，新能源汽车产销分别完成266.1万辆和260万辆，同比均增长1.2倍。",
            {("nev_sales", "2022-H1", 260.0), ("nev_sales_yoy", "2022-H1", 120.0)},
        ),
    ],
)
def test_plainly_written_entries_find_their_figures(text, expected):
    assert {(o[0], o[1], o[2]) for o in mapped(text, catalog=CATALOG.with_overlay(PLAIN))} == (
        expected
    )


@pytest.mark.parametrize(
    "text",
    [
        "上半年新能源汽车出口销量12万辆。",  # 出口: not in the entry, but another noun
        "截至6月末，全国碳市场累计成交量1.94亿吨。",  # a since-launch stock is no flow
        "上半年，新能源汽车销量是上年同期的2.2倍。",  # a ratio, not a growth
    ],
)
def test_plain_entries_do_not_take_figures_of_other_things(text):
    got = {o[0] for o in mapped(text, catalog=CATALOG.with_overlay(PLAIN), title="动态")}
    assert not got & {"nev_sales", "nev_sales_yoy", "express_volume"}


def test_the_subject_before_a_list_written_with_one_suffix():
    text = "分季度看，社会物流总额一、二、三季度分别增长3.7%、5.4%和4.7%。"
    assert {(o[1], o[2]) for o in mapped(text, published=date(2023, 11, 20))} == {
        ("2023-Q1", 3.7),
        ("2023-Q2", 5.4),
        ("2023-Q3", 4.7),
    }


def test_a_period_named_before_a_marker_with_no_figure_between_is_the_coming_one():
    # 下半年 in December is this year's half when it heads a projection.
    text = "IDC认为，下半年市场需求将进一步释放，预计全年研发平台市场规模将超过5亿美元。"
    assert mapped(text, published=date(2021, 12, 6)) == {
        ("ai_rd_platform_market", "2021", 5.0, "more_than", True)
    }


def test_last_year_s_base_names_no_period():
    text = (
        "1—10月社会物流总额258.0万亿元，受上年基数抬高影响，增速逐季回落。"
        "中物联预计全年社会物流总额将超过330万亿元。"
    )
    assert ("logistics_total", "2021", 330.0, "more_than", True) in mapped(
        text, published=date(2021, 12, 6)
    )


def test_a_threshold_written_and_above_is_a_bound_too():
    text = "前三季度，交易金额在10亿元及以上的交易有18笔，合计402亿元。"
    assert mapped(text, published=date(2023, 11, 20), title="电信并购") == set()


def test_a_base_of_another_year_measures_the_growth_after_it_against_that_year():
    text = "上半年社会物流总额159.6万亿元，较去年同期增长3.1%，较2020年同期的123.9万亿元增长28.8%。"
    assert mapped(text) == {
        ("logistics_total", "2022-H1", 159.6, "exact", False),
        ("logistics_total_yoy", "2022-H1", 3.1, "exact", False),
        ("logistics_total", "2020-H1", 123.9, "exact", False),
    }


def test_a_revision_of_an_earlier_forecast_is_no_forecast():
    text = "上半年电信行业并购交易金额从此前预计的400亿元下调至387亿元。"
    assert mapped(text, title="电信并购") == {
        ("telecom_ma_value", "2022-H1", 387.0, "exact", False)
    }


def test_an_outcome_after_a_forecast_in_the_same_sentence():
    text = "预计全年物流业总收入将达12.5万亿元，实际上半年已实现5.9万亿元。"
    assert mapped(text) == {
        ("logistics_revenue", "2022", 12.5, "exact", True),
        ("logistics_revenue", "2022-H1", 5.9, "exact", False),
    }


def test_the_next_noun_of_a_list_shares_the_words_before_the_first():
    text = "上半年新能源汽车产量266.1万辆，销量260万辆。"
    assert mapped(text, catalog=CATALOG.with_overlay(PLAIN)) == {
        ("nev_sales", "2022-H1", 260.0, "exact", False)
    }


def test_a_table_row_naming_only_a_measure_is_about_the_row_above():
    text = (
        "指标 | 2021年 | 2022年上半年\n"
        "快递业务量（亿件） | 1083.0 | 512.2\n"
        "同比增长（%） | 29.9 | 3.7"
    )
    assert mapped(text, catalog=CATALOG.with_overlay(PLAIN), title="快递") == {
        ("express_volume", "2021", 1083.0, "exact", False),
        ("express_volume", "2022-H1", 512.2, "exact", False),
        ("express_volume_yoy", "2021", 29.9, "exact", False),
        ("express_volume_yoy", "2022-H1", 3.7, "exact", False),
    }


def test_a_share_of_a_whole_named_in_the_catalog_is_not_about_that_whole():
    text = "上半年新能源乘用车销量246万辆，占新能源汽车销量的94.6%。"
    assert mapped(text, catalog=CATALOG.with_overlay(PLAIN)) == set()


def test_a_flow_summed_since_january_without_a_date_is_suggested_not_placed():
    observations, unassigned = run(
        "今年以来，全国快递业务量累计完成512.2亿件。", catalog=CATALOG.with_overlay(PLAIN)
    )
    assert observations == []
    assert [(u.value, u.suggested_indicator) for u in unassigned] == [(512.2, "express_volume")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "一季度、二季度社会物流总额依次增长6.1%和0.8%。",
            {
                ("logistics_total_yoy", "2022-Q1", 6.1, "exact", False),
                ("logistics_total_yoy", "2022-Q2", 0.8, "exact", False),
            },
        ),
        (
            "上半年物流业总收入5.9万亿元，业内料将全年突破12.5万亿元。",
            {
                ("logistics_revenue", "2022-H1", 5.9, "exact", False),
                ("logistics_revenue", "2022", 12.5, "more_than", True),
            },
        ),
        # An index named 预期 is no forecast.
        (
            "6月份物流业务总量指数为52.1%，业务活动预期指数回升至55.8%。",
            {("logistics_business_index", "2022-06", 52.1, "exact", False)},
        ),
        # The old value named after the new one.
        (
            "上半年电信行业交易总金额为546亿元（原为520亿元）。",
            {("telecom_ma_value", "2022-H1", 546.0, "exact", False)},
        ),
        # A line passed is a bound that the value before it already says more precisely.
        (
            "6月份物流业务总量指数为52.1%，重回50%荣枯线以上。",
            {("logistics_business_index", "2022-06", 52.1, "exact", False)},
        ),
    ],
)
def test_other_words_for_the_same_kinds(text, expected):
    assert mapped(text, title="物流 电信并购") == expected


def test_a_base_in_parentheses_with_its_own_period():
    text = "上半年，中国电信行业完成并购交易52笔，较去年同期（66笔）减少14笔。"
    assert mapped(text, title="电信并购") == {
        ("telecom_ma_deals", "2022-H1", 52.0, "exact", False),
        ("telecom_ma_deals", "2021-H1", 66.0, "exact", False),
    }


def test_an_amount_bound_before_the_noun_it_selects_counts_a_subset():
    text = "上半年中国电信行业完成并购交易52笔，其中10亿元以上交易9笔，合计251亿元。"
    assert mapped(text, title="电信并购") == {("telecom_ma_deals", "2022-H1", 52.0, "exact", False)}


def test_a_count_before_its_noun_is_no_threshold():
    text = "截至2021年底，7个试点碳市场共覆盖20多个行业近3000家重点排放单位。"
    assert mapped(text, published=date(2022, 1, 17)) == {
        ("carbon_pilot_enterprises", "2021-12", 3000.0, "approx", False)
    }


def test_a_fall_written_as_its_size_is_negative():
    assert mapped("上半年社会物流总额同比降幅为3.4%。") == {
        ("logistics_total_yoy", "2022-H1", -3.4, "exact", False)
    }
