"""Bounds and signs: milestones before the value, thresholds in relative clauses, declines and
their signs, shares of a whole.

Hard cases of docs/eval.md, each in several phrasings of our own, with the near misses
that must stay out. Every sentence here is written for this file; none is taken from a
labelled brief.
"""

from datetime import date

import pytest

from loaders.catalog.indicators import parse_catalog
from tests.support.builders import CATALOG
from tests.support.hard_cases import JULY_2022, PLAIN, loose, mapped

SHARES = parse_catalog(
    """
indicators:
  - {id: nev_share, name_zh: 新能源汽车市场占有率, name_en: NEV share, category: 汽车,
     unit: "%", kind: rate, measure: share, description: 占比,
     aliases: [新能源汽车市场占有率, 新能源汽车渗透率], context: [新能源汽车]}
  - {id: cost_gdp, name_zh: 社会物流总费用与GDP的比率, name_en: cost to GDP, category: 物流,
     unit: "%", kind: rate, measure: share, description: 比率,
     aliases: [社会物流总费用与GDP的比率, 物流费用占GDP比重]}
  - {id: share_5g, name_zh: 5G用户占比, name_en: 5G share, category: 通信,
     unit: "%", kind: rate, measure: share, description: 占比, aliases: [5G移动电话用户]}
"""
)


PLAIN_NEV_SHARE = """
indicators:
  - id: nev_share
    name_zh: 新能源汽车市场占有率
    name_en: NEV market share
    category: 汽车
    unit: "%"
    kind: rate
    measure: share
    description: 新能源汽车销量占汽车总销量的比例。
    aliases: [新能源汽车市场占有率]
"""


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "2021年中国人工智能研发平台市场规模首次突破5亿美元大关，达到5.3亿美元。",
            JULY_2022,
            ("ai_rd_platform_market", "2021", 5.3, "exact", False),
        ),
        (
            "2020年全国社会物流总额首次突破300万亿元关口，达到300.1万亿元。",
            date(2021, 2, 8),
            ("logistics_total", "2020", 300.1, "exact", False),
        ),
    ],
)
def test_the_value_after_a_milestone_is_the_statement(text, published, expected):
    assert mapped(text, published=published, title="研发平台") == {expected}


def test_a_milestone_alone_is_a_bound():
    assert mapped("2021年社会物流总额首次突破300万亿元大关。", published=date(2022, 2, 7)) == {
        ("logistics_total", "2021", 300.0, "more_than", False)
    }


@pytest.mark.parametrize(
    "text",
    [
        "上半年，交易金额超过10亿元的大额交易共9笔，合计251亿元。",
        "上半年，单笔交易金额在5亿元以上的交易有17笔，合计241亿元。",
        "上半年，交易金额不足1亿元的交易共30笔。",
    ],
)
def test_a_threshold_in_a_relative_clause_is_never_the_total(text):
    assert mapped(text, title="电信并购") == set()


def test_a_total_with_a_bound_but_no_relative_clause_is_the_total():
    assert mapped("上半年，中国电信行业并购交易总金额超过380亿元。", title="电信并购") == {
        ("telecom_ma_value", "2022-H1", 380.0, "more_than", False)
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("上半年快递业务量同比增长3.7%，其中同城业务量同比下降5.1%。", -5.1),
        ("上半年电信行业交易总金额387亿元，同比下降29.1%。", -29.1),
        ("4月份快递业务量74.8亿件，同比减少11.9%。", -11.9),
    ],
)
def test_a_decline_keeps_its_sign_when_unassigned(text, value):
    assert value in {u.value for u in loose(text, title="快递 电信")}


def test_a_fall_to_a_level_is_no_decline():
    assert mapped("4月份，社会物流总额增速降至3.4%。") == {
        ("logistics_total_yoy", "2022-04", 3.4, "exact", False)
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上半年，新能源汽车市场占有率达到21.6%。", ("nev_share", "2022-H1", 21.6)),
        ("上半年社会物流总费用与GDP的比率为14.8%。", ("cost_gdp", "2022-H1", 14.8)),
        (
            "截至6月末，5G移动电话用户达4.55亿户，占移动电话用户的27.3%。",
            ("share_5g", "2022-06", 27.3),
        ),
    ],
)
def test_market_share_ratio_and_part_of_a_whole_are_shares(text, expected):
    got = {(o[0], o[1], o[2]) for o in mapped(text, catalog=SHARES)}
    assert got == {expected}


def test_a_growth_rate_is_no_share():
    assert mapped("上半年，新能源汽车渗透率同比增长8.1%。", catalog=SHARES) == set()


@pytest.mark.parametrize(
    "text",
    [
        "受疫情影响，5月份和6月份社会物流总额同比降幅分别为3.1%和1.2%。",
        "5月份和6月份社会物流总额同比分别下降3.1%和1.2%。",
    ],
)
def test_a_list_under_one_decline_is_all_declines(text):
    assert {o[:3] for o in mapped(text)} == {
        ("logistics_total_yoy", "2022-05", -3.1),
        ("logistics_total_yoy", "2022-06", -1.2),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "一季度，社会物流总额同比降幅为6.8%，其中3月份降幅收窄至2.9%。",
            {("2020-Q1", -6.8), ("2020-03", -2.9)},
        ),
        (
            "1—4月，社会物流总额同比下降5.7%；4月份降幅进一步收窄到1.6%。",
            {("2020-01/2020-04", -5.7), ("2020-04", -1.6)},
        ),
        (
            "1—4月，社会物流总额同比下降5.7%，其中4月份跌幅扩大至9.3%。",
            {("2020-01/2020-04", -5.7), ("2020-04", -9.3)},
        ),
        # A growth that moved stays a growth.
        (
            "1—4月，社会物流总额同比增长5.7%，其中4月份增幅扩大至6.3%。",
            {("2020-01/2020-04", 5.7), ("2020-04", 6.3)},
        ),
        # How the decline moved names no other subject: the next figure keeps the series.
        (
            "1—4月，社会物流总额同比下降5.7%，降幅较一季度收窄1.1个百分点，其中4月份下降1.6%。",
            {("2020-01/2020-04", -5.7), ("2020-04", -1.6)},
        ),
    ],
)
def test_where_a_decline_narrowed_or_widened_to_is_a_decline(text, expected):
    got = mapped(text, published=date(2020, 5, 25))
    assert {(o[1], o[2]) for o in got if o[0] == "logistics_total_yoy"} == expected


def test_a_narrowed_decline_of_no_series_keeps_its_sign_unassigned():
    text = "1—4月，工业品物流总额同比下降6.1%，其中4月份降幅收窄至2.2%。"
    assert mapped(text, published=date(2020, 5, 25)) == set()
    assert sorted(u.value for u in loose(text, published=date(2020, 5, 25))) == [-6.1, -2.2]


@pytest.mark.parametrize(
    "text",
    [
        "1—2月，新能源汽车销量6.1万辆，同比下降60.2%，占汽车总销量的比重为2.7%。",
        "1—2月，新能源汽车销量6.1万辆，占全部汽车销量的比例达到2.7%。",
        "1—2月，新能源汽车销量6.1万辆，占汽车总销量的2.7%。",
        "1—2月，新能源汽车销量6.1万辆，占同期汽车销量的份额约为2.7%。",
    ],
)
def test_a_share_of_a_whole_named_with_its_measure_word_is_of_the_subject_before(text):
    got = mapped(text, published=date(2020, 3, 23), catalog=CATALOG.with_overlay(PLAIN))
    assert ("nev_share", "2020-01/2020-02", 2.7) in {o[:3] for o in got}


def test_the_whole_of_a_share_still_excludes():
    catalog = CATALOG.with_overlay(PLAIN)
    catalog = catalog.with_overlay(
        parse_catalog(
            PLAIN_NEV_SHARE.replace(
                "aliases: [新能源汽车市场占有率]",
                "aliases: [新能源汽车市场占有率]\n    exclude: [全球]",
            )
        )
    )
    text = "1—2月，中国新能源汽车销量6.1万辆，占全球新能源汽车销量的比重为45%。"
    got = mapped(text, published=date(2020, 3, 23), catalog=catalog)
    assert not any(o[0] == "nev_share" for o in got)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2021年，全国社会物流总额迈上300万亿元新台阶，达到335.2万亿元。",
            ("logistics_total", "2021", 335.2),
        ),
        (
            "2021年，全国社会物流总额跨过300万亿元的新关口，达到335.2万亿元。",
            ("logistics_total", "2021", 335.2),
        ),
        (
            "2021年，人工智能研发平台市场规模突破3亿美元的历史性关口，达到3.2亿美元。",
            ("ai_rd_platform_market", "2021", 3.2),
        ),
    ],
)
def test_other_words_for_a_milestone_before_the_value(text, expected):
    assert {o[:3] for o in mapped(text, published=date(2022, 1, 17))} == {expected}


def test_a_threshold_with_de_is_still_a_threshold():
    text = "2021年，电信行业交易金额超过10亿元的大额并购交易9笔。"
    assert mapped(text, published=date(2022, 1, 17)) == set()


@pytest.mark.parametrize(
    "text",
    [
        "业内预计，全国碳市场收盘价有望在年内突破100元/吨。",
        "业内预计，全国碳市场收盘价有望年内突破100元/吨。",
        "市场人士预计，全国碳市场收盘价可望在年内突破100元/吨。",
    ],
)
def test_a_bound_a_projection_reaches_within_the_year_is_of_the_issue_year(text):
    assert mapped(text, published=date(2024, 4, 22)) == {
        ("carbon_national_price", "2024-12", 100.0, "more_than", True)
    }


def test_within_the_year_in_a_record_is_no_period_of_the_figure():
    text = "3月15日，全国碳市场收盘价为97.76元/吨，创年内新高。"
    assert mapped(text, published=date(2024, 4, 22)) == {
        ("carbon_national_price", "2024-03-15", 97.76, "exact", False)
    }
