"""Subjects: which series a figure is about, through sources, comments, generic names, short
names, topics, breakdowns and measures named back.

Hard cases of docs/eval.md, each in several phrasings of our own, with the near misses
that must stay out. Every sentence here is written for this file; none is taken from a
labelled brief.
"""

from datetime import date

import pytest

from loaders.catalog.indicators import parse_catalog
from tests.support.builders import CATALOG
from tests.support.hard_cases import PLAIN, mapped

EXPRESS = parse_catalog(
    """
indicators:
  - {id: parcels, name_zh: 快递业务量, name_en: Parcels, category: 快递, unit: 亿件, kind: flow,
     measure: level, description: 件数, aliases: [快递业务量], exclude: [同城, 异地]}
  - {id: parcels_yoy, name_zh: 快递业务量增速, name_en: Parcels yoy, category: 快递, unit: "%",
     kind: rate, measure: yoy, description: 增速, aliases: [快递业务量], exclude: [同城, 异地]}
  - {id: lpi, name_zh: 物流业景气指数, name_en: LPI, category: 物流, unit: "%", kind: index,
     measure: index, description: 指数, aliases: [物流业景气指数]}
"""
)


@pytest.mark.parametrize(
    "text",
    [
        "IDC预计，该市场规模将在2026年达到21.7亿美元。",
        "IDC预计市场规模将在2026年达到21.7亿美元。",
        "据IDC预测，2026年市场规模将达到21.7亿美元。",
    ],
)
def test_a_source_before_the_generic_name_keeps_it_usable(text):
    assert mapped(text, title="人工智能研发平台市场") == {
        ("ai_rd_platform_market", "2026", 21.7, "exact", True)
    }


def test_another_market_named_before_the_generic_name_is_not_the_series():
    text = "IDC预计，芯片市场规模将在2026年达到21.7亿美元。"
    assert mapped(text, title="人工智能研发平台市场") == set()


def test_a_projection_after_a_difference_measures_what_the_difference_is_of():
    text = "上半年L2级乘用车新车渗透率达到17%，较2020年提高约2个百分点，预计全年有望突破20%。"
    assert mapped(text, published=date(2021, 8, 9)) == {
        ("l2_penetration", "2021-H1", 17.0, "exact", False),
        ("l2_penetration", "2021", 20.0, "more_than", True),
    }


@pytest.mark.parametrize(
    "text",
    [
        "上半年L2级乘用车新车渗透率升至42.4%，而2022年同期这一比例为32.4%。",
        "上半年L2级乘用车新车渗透率升至42.4%，去年同期该比重为32.4%。",
    ],
)
def test_a_word_pointing_back_at_a_ratio_is_its_subject(text):
    assert ("l2_penetration", "2022-H1", 32.4, "exact", False) in mapped(
        text, published=date(2023, 7, 31)
    )


def test_an_industry_source_before_its_forecast_names_no_subject():
    text = "上半年L2级乘用车新车渗透率升至42.4%；业内预计全年渗透率将达到45%左右。"
    assert ("l2_penetration", "2023", 45.0, "approx", True) in mapped(
        text, published=date(2023, 7, 31)
    )


def test_a_period_inside_a_name_does_not_split_it():
    text = "IDC判断，这一市场2023年全年规模有望达到11.2亿美元。"
    assert mapped(text, published=date(2023, 6, 26), title="人工智能研发平台") == {
        ("ai_rd_platform_market", "2023", 11.2, "exact", True)
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "一季度快递业务量106.0亿件，其中2月份业务量同比下降10.1%。",
            ("parcels_yoy", "2020-02", -10.1),
        ),
        (
            "1—4月，快递业务量169.3亿件，预计上半年累计业务量将突破340亿件。",
            ("parcels", "2020-H1", 340.0),
        ),
        (
            "4月份物流业景气指数为51.9%，其中3月份指数由此前公布的48.2%修订为48.5%。",
            ("lpi", "2020-03", 48.5),
        ),
    ],
)
def test_a_short_name_after_the_full_one_is_the_same_series(text, expected):
    got = {(o[0], o[1], o[2]) for o in mapped(text, published=date(2020, 5, 25), catalog=EXPRESS)}
    assert expected in got


@pytest.mark.parametrize(
    "text",
    [
        "一季度快递业务量106.0亿件，其中同城业务量同比下降10.1%。",
        "一季度快递业务量106.0亿件，业务收入完成1,800亿元。",
        "一季度快递业务量106.0亿件，日均业务量1.2亿件。",
    ],
)
def test_a_short_name_with_words_of_its_own_is_another_thing(text):
    got = mapped(text, published=date(2020, 5, 25), catalog=EXPRESS)
    assert got == {("parcels", "2020-Q1", 106.0, "exact", False)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A verb of cause (带动, 拉动) names no subject: the total of the months before.
        (
            "4月、5月、6月社会物流总额分别增长3.1%、4.4%和5.0%，增速逐月加快，带动二季度同比增长4.2%。",
            ("logistics_total_yoy", "2021-Q2", 4.2),
        ),
        (
            "上半年社会物流总额同比增长7.3%，拉动二季度增长4.2%。",
            ("logistics_total_yoy", "2021-Q2", 4.2),
        ),
        # A comment on the rate, then a two-year average of the same total.
        (
            "1—6月社会物流总额同比增长15.7%，由于上年同期基数较低，增速处于高位，两年平均增长6.5%。",
            ("logistics_total_yoy_2y", "2021-01/2021-06", 6.5),
        ),
        # From where the text looks (从…看) and the quarter alone (当季).
        (
            "前三季度社会物流总额同比增长2.0%，累计增速由负转正。从季度走势看，三季度当季增长5.7%。",
            ("logistics_total_yoy", "2020-Q3", 5.7),
        ),
        # 相应: the growth rate revised with the level.
        (
            "上半年物流业总收入由此前公布的5.8万亿元上调至5.9万亿元，同比增速相应修正为3.2%。",
            ("logistics_revenue_yoy", "2021-H1", 3.2),
        ),
        # A circumstance opening the next sentence.
        (
            "上半年L2级乘用车渗透率达到30%。随着功能加快落地，全年渗透率有望接近35%。",
            ("l2_penetration", "2021", 35.0),
        ),
    ],
)
def test_words_between_two_figures_that_name_nothing_keep_the_subject(text, expected):
    assert expected in {o[:3] for o in mapped(text, published=date(2021, 8, 2))}


@pytest.mark.parametrize(
    "text",
    [
        # A frame or a cause followed by another subject: that subject is what it is about.
        "前三季度社会物流总额同比增长2.0%。从季度走势看，三季度工业品物流总额增长5.7%。",
        "上半年社会物流总额同比增长7.3%，带动工业品物流总额增长4.2%。",
        "上半年社会物流总额同比增长7.3%，增速较快，铁路货运量增长4.2%。",
    ],
)
def test_a_subject_named_after_a_comment_is_its_own(text):
    assert 4.2 not in {o[2] for o in mapped(text, published=date(2021, 8, 2))}
    assert 5.7 not in {o[2] for o in mapped(text, published=date(2021, 8, 2))}


def test_a_company_acting_on_a_generic_noun_is_still_no_series():
    assert mapped("某公司将交易金额由300亿元上调至320亿元。", title="电信并购") == set()


@pytest.mark.parametrize(
    "text", ["比2020年全年的833.6亿件多出近250亿件。", "比上年高出249.4亿件。"]
)
def test_a_difference_written_with_chu_is_no_level(text):
    got = mapped("2021年快递业务量1083.0亿件，" + text, catalog=CATALOG.with_overlay(PLAIN))
    assert {o[2] for o in got} <= {1083.0, 833.6}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "单月来看，102.6亿件——这是6月份全国快递业务量，同比增长5.4%。",
            {("express_volume", "2022-06", 102.6), ("express_volume_yoy", "2022-06", 5.4)},
        ),
        (
            "159.6万亿元，这是上半年全国社会物流总额的规模。",
            {("logistics_total", "2022-H1", 159.6)},
        ),
        ("123.3万亿元，是1—5月全国社会物流总额。", {("logistics_total", "2022-01/2022-05", 123.3)}),
        (
            "335.2万亿元——2021年全国社会物流总额再创历史新高，比上年增长9.2%。",
            {("logistics_total", "2021", 335.2), ("logistics_total_yoy", "2021", 9.2)},
        ),
    ],
)
def test_a_figure_opening_its_clause_is_named_by_the_clause_after_it(text, expected):
    got = mapped(text, catalog=CATALOG.with_overlay(PLAIN), title="物流 快递")
    assert {o[:3] for o in got} == expected


@pytest.mark.parametrize(
    "text",
    [
        # A subject before the figure: the words after the dash are a comment.
        "上半年社会物流总额159.6万亿元——这是工业品物流总额的两倍。",
        # What the dash points at is another thing.
        "102.6亿件——这是6月份全国铁路货运量。",
    ],
)
def test_words_after_a_dash_name_no_figure_that_has_a_subject(text):
    got = mapped(text, catalog=CATALOG.with_overlay(PLAIN), title="物流 快递")
    assert {o[:3] for o in got} <= {("logistics_total", "2022-H1", 159.6)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # What the counted units do after the figure says they are a part.
        (
            "全国碳市场纳入重点排放单位2162家，其中1,833家重点排放单位按时足额完成配额清缴。",
            {("carbon_national_units", "2022-07", 2162.0)},
        ),
        (
            "全国碳市场纳入重点排放单位2162家，共有1,500家重点排放单位参与了交易。",
            {("carbon_national_units", "2022-07", 2162.0)},
        ),
        # A noun at the end of its clause is what is counted.
        (
            "全国碳市场共纳入2,162家重点排放单位，年覆盖二氧化碳排放量约45亿吨。",
            {("carbon_national_units", "2022-07", 2162.0)},
        ),
    ],
)
def test_words_after_a_counted_noun_can_exclude_it(text, expected):
    assert {o[:3] for o in mapped(text, title="全国碳市场")} == expected


@pytest.mark.parametrize(
    "text",
    [
        "6月份，中国物流业景气指数（即业务总量指数）为52.1%。",
        "6月份物流业景气指数(也即业务总量指数)为52.1%。",
    ],
)
def test_one_thing_named_twice_is_a_figure_of_each_series_a_name_fits(text):
    assert mapped(text, catalog=CATALOG.with_overlay(PLAIN), title="物流") == {
        ("logistics_lpi", "2022-06", 52.1, "exact", False),
        ("logistics_business_index", "2022-06", 52.1, "exact", False),
    }
    assert mapped(text, title="物流") == {
        ("logistics_business_index", "2022-06", 52.1, "exact", False)
    }


def test_a_bracket_that_names_something_else_adds_no_series():
    text = "6月份物流业景气指数（LPI）为52.1%，其中电商物流指数（即网购物流景气）为110.2%。"
    assert mapped(text, catalog=CATALOG.with_overlay(PLAIN), title="物流") == {
        ("logistics_lpi", "2022-06", 52.1, "exact", False)
    }


@pytest.mark.parametrize(
    "text",
    [
        "7月15日，全国碳市场碳排放配额收盘报58.24元/吨。",
        "7月15日，全国碳市场碳排放配额以58.24元/吨收盘。",
    ],
)
def test_other_ways_of_writing_a_close(text):
    assert mapped(text, title="全国碳市场") == {
        ("carbon_national_price", "2022-07-15", 58.24, "exact", False)
    }


def test_words_of_sequence_between_figures_name_nothing():
    text = "一季度物流业总收入同比下降0.6%，此后逐季回升，带动上半年同比增长2.1%。"
    assert ("logistics_revenue_yoy", "2023-H1", 2.1) in {
        o[:3] for o in mapped(text, published=date(2023, 7, 31))
    }


def test_an_as_of_date_between_a_milestone_and_its_value_names_no_subject():
    text = "全国碳市场累计成交额首次跨越100亿元关口，截至12月22日达到101.21亿元。"
    assert mapped(text, published=date(2023, 1, 9), title="全国碳市场") == {
        ("carbon_national_cum_turnover", "2022-12-22", 101.21, "exact", False)
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "8月份，中国物流业景气指数较上月回升2.8个百分点至53.5%。",
            {("logistics_lpi", "2023-08", 53.5)},
        ),
        (
            "8月份，业务总量指数比上月下降1.5个百分点，降至49.0%。",
            {("logistics_business_index", "2023-08", 49.0)},
        ),
        (
            "2022年，新能源汽车市场占有率比上年提高12.2个百分点至25.6%。",
            {("nev_share", "2022", 25.6)},
        ),
    ],
)
def test_the_level_a_change_reached_is_measured_by_its_noun(text, expected):
    got = mapped(
        text, published=date(2023, 9, 25), catalog=CATALOG.with_overlay(PLAIN), title="物流"
    )
    assert {o[:3] for o in got} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A verb of doing inside a name.
        (
            "前三季度，物流业实现总收入9.6万亿元，同比增长3.9%。",
            {
                ("logistics_revenue", "2023-01/2023-09"),
                ("logistics_revenue_yoy", "2023-01/2023-09"),
            },
        ),
        (
            "1—8月，全国快递服务企业共完成业务量812.1亿件，同比增长17.0%。",
            {("express_volume", "2023-01/2023-08"), ("express_volume_yoy", "2023-01/2023-08")},
        ),
        # A compound written apart, and two nouns sharing what comes before the first.
        ("8月份，新能源汽车产、销分别完成87.2万辆和84.6万辆。", {("nev_sales", "2023-08")}),
        (
            "8月份，新能源汽车产量和销量分别为87.2万辆和84.6万辆，同比分别增长19.1%和27.0%。",
            {("nev_sales", "2023-08"), ("nev_sales_yoy", "2023-08")},
        ),
    ],
)
def test_names_broken_by_a_verb_or_a_list(text, expected):
    got = mapped(text, published=date(2023, 10, 30), catalog=CATALOG.with_overlay(PLAIN))
    assert {o[:2] for o in got} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "1—9月，L2级乘用车渗透率为20.0%。业内预计，2021年全年这一渗透率将超过20%。",
            ("l2_penetration", "2021", 20.0, "more_than", True),
        ),
        (
            "1—9月，L2级乘用车渗透率为20.0%。预计到2022年，该渗透率有望达到30%左右。",
            ("l2_penetration", "2022", 30.0, "approx", True),
        ),
        (
            "1—9月，新能源汽车销量216万辆，市场占有率为11.6%。预计全年这一占有率将超过12%。",
            ("nev_share", "2021", 12.0, "more_than", True),
        ),
    ],
)
def test_a_measure_named_back_is_the_series_before(text, expected):
    assert expected in mapped(
        text, published=date(2021, 10, 25), catalog=CATALOG.with_overlay(PLAIN)
    )


def test_a_measure_named_back_after_a_figure_of_no_series_stays_out():
    text = "1—9月，L3级乘用车渗透率不足1%。业内预计，这一渗透率2022年将达到3%。"
    assert mapped(text, published=date(2021, 10, 25)) == set()


@pytest.mark.parametrize(
    "text",
    [
        "2020年中国电信行业完成并购交易148笔，交易总金额首次突破千亿元大关，达到1,750亿元。",
        "2020年中国电信行业完成并购交易148笔。交易总金额首次迈过千亿元关口，达到1,750亿元。",
        "2020年中国电信行业完成并购交易148笔，交易总金额首次突破1000亿元大关，达到1,750亿元。",
    ],
)
def test_a_generic_name_goes_on_past_a_milestone_to_its_value(text):
    got = {o[:3] for o in mapped(text, published=date(2021, 5, 10))}
    assert got == {("telecom_ma_deals", "2020", 148.0), ("telecom_ma_value", "2020", 1750.0)}


def test_a_generic_name_after_a_segment_stays_out_past_a_milestone():
    text = (
        "2020年中国电信行业并购交易活跃。"
        "数据中心相关交易148笔，交易总金额首次突破千亿元大关，达到1,750亿元。"
    )
    assert mapped(text, published=date(2021, 5, 10)) == set()


def test_a_generic_name_after_a_place_stays_out():
    text = "2023年上半年，中国电信行业完成并购交易47笔。在境外完成交易12笔。"
    assert {o[2] for o in mapped(text, published=date(2023, 10, 10))} == {47.0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "1—2月，新能源汽车销量6.1万辆。其中，2月份新能源汽车仅销售1.3万辆，同比减少75.2%。",
            {("nev_sales", "2020-02", 1.3), ("nev_sales_yoy", "2020-02", -75.2)},
        ),
        (
            "1—2月，新能源汽车共销售6.1万辆，同比下降60.2%。",
            {("nev_sales", "2020-01/2020-02", 6.1), ("nev_sales_yoy", "2020-01/2020-02", -60.2)},
        ),
        ("2月份，全国新能源汽车实现销售1.3万辆。", {("nev_sales", "2020-02", 1.3)}),
    ],
)
def test_the_verb_before_a_count_names_the_count(text, expected):
    got = mapped(text, published=date(2020, 3, 23), catalog=CATALOG.with_overlay(PLAIN))
    assert expected <= {o[:3] for o in got}


@pytest.mark.parametrize(
    "text",
    [
        "1—2月，新能源汽车生产6.5万辆。",
        "1—2月，新能源汽车销售收入650亿元。",
        "1—2月，新能源汽车销售网点达到3000个。",
    ],
)
def test_other_verbs_and_nouns_after_sales_are_not_sales(text):
    got = mapped(text, published=date(2020, 3, 23), catalog=CATALOG.with_overlay(PLAIN))
    assert not any(o[0] == "nev_sales" for o in got)


@pytest.mark.parametrize(
    "text",
    [
        "新能源汽车方面，上半年销量39.3万辆，同比下降37.4%。",
        "从新能源汽车来看，上半年销量39.3万辆，同比下降37.4%。",
        "就新能源汽车而言，上半年销量39.3万辆，同比下降37.4%。",
    ],
)
def test_a_topic_named_before_owns_a_bare_noun(text):
    got = mapped(text, published=date(2020, 8, 10), catalog=CATALOG.with_overlay(PLAIN))
    assert {o[:3] for o in got} == {
        ("nev_sales", "2020-H1", 39.3),
        ("nev_sales_yoy", "2020-H1", -37.4),
    }


@pytest.mark.parametrize(
    "text",
    [
        "新能源汽车方面，上半年出口销量3.3万辆。",
        "物流方面，上半年总收入4.9万亿元。",
        "乘用车方面，上半年销量800万辆。",
    ],
)
def test_a_topic_completes_no_other_noun(text):
    assert mapped(text, published=date(2020, 8, 10), catalog=CATALOG.with_overlay(PLAIN)) == set()


@pytest.mark.parametrize(
    "text",
    [
        "1—9月，全国快递业务量805.3亿件。从企业看，中通快递前三季度完成业务量175.8亿件。",
        "1—9月，全国快递业务量805.3亿件。分地区看，东部地区快递业务量完成636.8亿件。",
        "1—9月，全国快递业务量805.3亿件。按品牌来看，某品牌快递业务量达到120.5亿件。",
    ],
)
def test_figures_after_a_breakdown_by_who_or_where_are_parts(text):
    got = mapped(text, published=date(2022, 10, 31), catalog=CATALOG.with_overlay(PLAIN))
    assert {o[:3] for o in got} == {("express_volume", "2022-01/2022-09", 805.3)}


def test_a_breakdown_by_time_still_states_the_series():
    text = "1—9月，全国快递业务量805.3亿件。分季度看，三季度快递业务量完成280.1亿件。"
    got = mapped(text, published=date(2022, 10, 31), catalog=CATALOG.with_overlay(PLAIN))
    assert ("express_volume", "2022-Q3", 280.1) in {o[:3] for o in got}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "上半年电信行业并购交易66笔，同比增加6笔（去年同期60笔）。",
            {("telecom_ma_deals", "2022-H1", 66.0), ("telecom_ma_deals", "2021-H1", 60.0)},
        ),
        (
            "上半年电信行业并购交易66笔，比上年同期增加6笔，交易金额520亿元。",
            {("telecom_ma_deals", "2022-H1", 66.0), ("telecom_ma_value", "2022-H1", 520.0)},
        ),
    ],
)
def test_a_change_names_no_subject_and_is_no_segment(text, expected):
    assert {o[:3] for o in mapped(text, published=date(2022, 8, 10))} == expected


@pytest.mark.parametrize(
    "text",
    [
        "一季度社会物流总额由增转降；二季度以来逐月回升，其中6月份同比增长5.1%。",
        "一季度社会物流总额同比下降；年初以来稳步回升，其中6月份同比增长5.1%。",
        "社会物流总额自二季度以来持续回升，其中6月份同比增长5.1%。",
    ],
)
def test_a_trend_since_a_period_names_no_subject(text):
    # Written for this test: "…以来逐月回升" says since when and how, so the month's growth is
    # about the series the sentence named before it.
    got = mapped(text, published=date(2023, 7, 20), title="物流运行")
    assert ("logistics_total_yoy", "2023-06", 5.1, "exact", False) in got


def test_a_trend_of_another_noun_since_a_period_keeps_its_subject():
    # Near miss: the clause names what rose (新能源汽车销量), so the growth is of that.
    text = "一季度社会物流总额由增转降；二季度以来新能源汽车销量逐月回升，其中6月份同比增长5.1%。"
    got = mapped(text, published=date(2023, 7, 20), title="物流运行")
    assert all(value != 5.1 for _, _, value, _, _ in got)


@pytest.mark.parametrize(
    "text",
    [
        "上半年，社会物流总额实现平稳增长。6月份当月同比增长5.1%。",
        "社会物流总额运行平稳。\n6月份当月同比增长5.1%。",
        "今年以来，全国社会物流总额稳中有升。其中6月份同比增长5.1%。",
    ],
)
def test_an_article_s_first_figure_without_a_subject_takes_the_one_named_before(text):
    # Written for this test: the sentence before names the series, the figure's names none.
    got = mapped(text, published=date(2023, 7, 20), title="物流运行")
    assert got == {("logistics_total_yoy", "2023-06", 5.1, "exact", False)}


@pytest.mark.parametrize(
    "text",
    [
        # Near misses: the sentence before names another subject, or none at all.
        "上半年，新能源汽车产销两旺。6月份当月同比增长5.1%。",
        "物流需求恢复向好。6月份当月同比增长5.1%。",
    ],
)
def test_a_first_figure_after_another_subject_is_no_series(text):
    assert mapped(text, published=date(2023, 7, 20), title="物流运行") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "L2级智能网联乘用车渗透率持续提升，上半年达到42.4%，上年同期为32.4%。",
            {("l2_penetration", "2023-H1", 42.4), ("l2_penetration", "2022-H1", 32.4)},
        ),
        (
            "L2级智能网联乘用车新车渗透率稳步走高，上半年升至42.4%。",
            {("l2_penetration", "2023-H1", 42.4)},
        ),
    ],
)
def test_a_rate_naming_no_measure_measures_what_its_inherited_subject_names(text, expected):
    # Written for this test: the measure (渗透率) is in the clause the figure continues.
    got = {(i, p, v) for i, p, v, _, _ in mapped(text, published=date(2023, 8, 10))}
    assert got == expected


def test_a_rate_of_a_part_named_in_its_own_clause_is_not_the_series():
    # Near miss: 其中自主品牌 names what the 45% is of.
    text = "L2级智能网联乘用车渗透率持续提升，其中自主品牌达到45%。"
    assert mapped(text, published=date(2023, 8, 10)) == set()
