"""Context a figure takes from around it: the sentence introducing a block of rows, the
row above a measure-only row, the figures a period-only 分别 gives again, the month before
named for one figure, a breakdown by size, a bracketed revision, a compound rate over a
number of years.

Hard cases of docs/eval.md, each in several phrasings of our own, with the near misses
that must stay out. Every sentence here is written for this file; none is taken from a
labelled brief.
"""

from datetime import date

import pytest

from tests.support.hard_cases import loose, mapped

APRIL_2024 = date(2024, 4, 22)
FEB_2022 = date(2022, 2, 10)
FEB_2020 = date(2020, 2, 10)
AUG_2023 = date(2023, 8, 10)

ROWS = "社会物流总额：79.3万亿元\n同比增长：5.9%\n物流业总收入：3.2万亿元\n同比增长：5.0%"
ROWS_READ = {
    ("logistics_total", "2024-Q1", 79.3, "exact", False),
    ("logistics_total_yoy", "2024-Q1", 5.9, "exact", False),
    ("logistics_revenue", "2024-Q1", 3.2, "exact", False),
    ("logistics_revenue_yoy", "2024-Q1", 5.0, "exact", False),
}


@pytest.mark.parametrize(
    "lead",
    [
        "据中物联消息，一季度物流需求恢复向好，物流运行总体平稳。2024年一季度物流运行主要数据如下：",
        "中国物流与采购联合会日前发布了最新统计，物流运行延续恢复态势。一季度主要指标如下：",
        "一季度，物流需求恢复向好，社会物流总额增速有所加快，物流运行开局良好。主要数据：",
    ],
)
def test_rows_take_the_period_of_the_sentence_that_introduces_them(lead):
    assert mapped(lead + "\n" + ROWS, published=APRIL_2024, title="物流运行") == ROWS_READ


def test_rows_after_prose_that_introduces_nothing_take_no_period_from_it():
    lead = (
        "据中物联消息，2024年一季度物流需求恢复向好，社会物流总额增速有所加快，"
        "物流运行总体平稳，企业经营预期继续改善，物流市场活跃度明显提升。"
    )
    assert mapped(lead + "\n" + ROWS, published=APRIL_2024, title="物流运行") == set()


def test_a_lead_in_naming_two_periods_dates_no_row():
    lead = "一季度，物流需求恢复向好，全年物流运行开局良好，社会物流总额增速有所加快。主要数据："
    assert mapped(lead + "\n" + ROWS, published=APRIL_2024, title="物流运行") == set()


def test_a_measure_row_first_in_its_block_is_about_nothing_named():
    text = "2024年一季度物流运行主要数据如下：\n同比增长：5.9%\n社会物流总额：79.3万亿元"
    assert mapped(text, published=APRIL_2024, title="物流运行") == {
        ("logistics_total", "2024-Q1", 79.3, "exact", False)
    }


def test_a_measure_row_after_a_total_row_is_about_no_row():
    text = "2024年一季度主要数据如下：\n合计：79.3万亿元\n同比增长：5.9%"
    assert mapped(text, published=APRIL_2024, title="物流运行") == set()


@pytest.mark.parametrize(
    "text",
    [
        "2023年中国电信行业共完成并购交易118笔，交易总金额约760亿元，2022年分别为126笔和902亿元。",
        "2023年中国电信行业完成并购交易118笔，交易金额760亿元，而2022年分别为126笔、902亿元。",
        "2023年，中国电信行业共完成并购交易118笔，交易总金额约760亿元；上年分别为126笔和902亿元。",
    ],
)
def test_a_period_only_list_gives_the_figures_before_it_again(text):
    assert {
        ("telecom_ma_deals", "2022", 126.0, "exact", False),
        ("telecom_ma_value", "2022", 902.0, "exact", False),
    } <= mapped(text, published=date(2024, 3, 1))


def test_a_period_only_list_whose_units_do_not_pair_gives_nothing_again():
    text = (
        "2023年中国电信行业共完成并购交易118笔，交易总金额约760亿元，2022年分别为902亿元和126笔。"
    )
    found = mapped(text, published=date(2024, 3, 1))
    assert not {o for o in found if o[1] == "2022"}


def test_a_period_only_list_of_two_rates_is_not_paired_by_position():
    text = "2023年社会物流总额同比增长5.2%，物流业总收入同比增长3.9%，2022年分别为3.4%和4.7%。"
    found = mapped(text, published=date(2024, 2, 1))
    assert not {o for o in found if o[1] == "2022"}


LPI = "中国物流业景气指数"


@pytest.mark.parametrize(
    ("text", "last_month"),
    [
        ("1月份，业务总量指数为51.1%，较上月（52.6%）回落1.5个百分点。", 52.6),
        ("1月份，业务总量指数为51.1%，比上月（52.6%）下降1.5个百分点。", 52.6),
        ("1月份，业务总量指数为51.1%，较上月的52.6%回落1.5个百分点。", 52.6),
        ("1月份，业务总量指数为51.1%，上个月为52.6%。", 52.6),
        ("1月份，业务总量指数为51.1%，回落1.5个百分点。上月业务总量指数为52.6%。", 52.6),
        ("1月份，业务总量指数为51.1%。上月该指数为52.6%。", 52.6),
    ],
)
def test_the_month_before_named_for_one_figure_dates_it(text, last_month):
    assert {
        ("logistics_business_index", "2022-01", 51.1, "exact", False),
        ("logistics_business_index", "2021-12", last_month, "exact", False),
    } == mapped(text, published=FEB_2022, title=LPI)


@pytest.mark.parametrize(
    "text",
    [
        "1月份，业务总量指数为51.1%，较上月回落1.5个百分点。",
        "1月份，业务总量指数为51.1%，比上月下降1.5个百分点，为近期低点。",
    ],
)
def test_a_comparison_with_the_month_before_names_no_figure_of_it(text):
    assert mapped(text, published=FEB_2022, title=LPI) == {
        ("logistics_business_index", "2022-01", 51.1, "exact", False)
    }


@pytest.mark.parametrize(
    "breakdown", ["从企业规模看", "分企业规模看", "按规模来看", "分行业看", "从所有制看"]
)
def test_figures_after_a_breakdown_by_size_or_trade_are_parts(breakdown):
    text = (
        f"7月份，业务总量指数为52.6%。{breakdown}，大型物流企业业务总量指数为54.1%，"
        "小微型企业为49.8%。"
    )
    assert mapped(text, published=date(2019, 8, 20), title=LPI) == {
        ("logistics_business_index", "2019-07", 52.6, "exact", False)
    }


@pytest.mark.parametrize(
    "aside",
    [
        "（2018年交易总金额由此前公布的548亿元修订为560亿元）",
        "（2018年交易金额由此前公布的548亿元修订为560亿元）",
        "（2018年交易总金额由初步统计的548亿元修订为560亿元）",
    ],
)
def test_a_revision_in_brackets_after_a_growth_keeps_its_generic_name(aside):
    text = f"2019年中国电信行业共完成并购交易145笔，交易总金额367亿元，同比下降34.5%{aside}。"
    assert ("telecom_ma_value", "2018", 560.0, "exact", False) in mapped(text, published=FEB_2020)


def test_a_segment_before_a_generic_name_still_keeps_the_name_off_the_series():
    text = "2019年数据中心相关交易34笔，同比增长20%，交易金额310亿元。"
    assert mapped(text, published=FEB_2020, title="电信行业并购") == set()


@pytest.mark.parametrize(
    "rate",
    ["五年复合增长率为29.4%", "未来五年年均复合增长率约29.4%", "5年复合增长率达29.4%"],
)
def test_a_compound_rate_over_years_is_not_dated_by_one_year(rate):
    text = f"IDC预计，2027年中国人工智能研发平台市场规模将达到38亿美元，{rate}。"
    assert mapped(text, published=AUG_2023) == {
        ("ai_rd_platform_market", "2027", 38.0, "exact", True)
    }
    (rate_figure,) = [u for u in loose(text, published=AUG_2023) if u.value == 29.4]
    assert rate_figure.suggested_indicator == "ai_rd_platform_cagr"
    assert rate_figure.suggested_period == "2022/2027"


def test_a_compound_rate_over_a_stated_span_keeps_it():
    text = "IDC预计，到2027年中国人工智能研发平台市场规模将达到38亿美元，2022—2027年复合增长率为29.4%。"
    assert ("ai_rd_platform_cagr", "2022/2027", 29.4, "exact", True) in mapped(
        text, published=AUG_2023
    )


@pytest.mark.parametrize(
    "text",
    [
        "2022年，中国TMT行业并购交易金额为2,150亿元。",
        "2022年，中国互联网行业并购交易金额为3,150亿元。",
        "2022年，我国半导体产业并购交易金额约800亿元。",
    ],
)
def test_another_industry_named_before_the_series_name_is_not_the_series(text):
    assert mapped(text, published=date(2023, 3, 1)) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2022年，中国电信行业并购交易金额为902亿元。",
            ("telecom_ma_value", "2022", 902.0, "exact", False),
        ),
        (
            "全国碳市场第一个履约周期共纳入发电行业重点排放单位2162家。",
            ("carbon_national_units", "2023-03", 2162.0, "exact", False),
        ),
        (
            "地方试点碳市场覆盖电力、钢铁、水泥等行业重点排放企业近3000家。",
            ("carbon_pilot_enterprises", "2023-03", 3000.0, "approx", False),
        ),
    ],
)
def test_the_series_own_industry_or_a_list_of_covered_ones_keeps_it(text, expected):
    assert expected in mapped(text, published=date(2023, 3, 1))


@pytest.mark.parametrize(
    "text",
    [
        "全国碳市场累计成交量1.89亿吨，累计成交额82.39亿元（截至3月31日）。",
        "全国碳市场累计成交量1.89亿吨、累计成交额82.39亿元（截至2022年3月31日）。",
        "据统计，全国碳市场累计成交量1.89亿吨，累计成交额82.39亿元（截至3月31日）。",
    ],
)
def test_an_as_of_date_closing_a_list_of_stocks_dates_every_item(text):
    assert mapped(text, published=date(2022, 4, 20)) == {
        ("carbon_national_cum_volume", "2022-03-31", 1.89, "exact", False),
        ("carbon_national_cum_turnover", "2022-03-31", 82.39, "exact", False),
    }


def test_a_plain_date_in_brackets_dates_only_the_figure_before_it():
    text = "全国碳市场累计成交量1.89亿吨，收盘价为58.0元/吨（3月31日）。"
    assert mapped(text, published=date(2022, 4, 20)) == {
        ("carbon_national_cum_volume", "2022-04", 1.89, "exact", False),
        ("carbon_national_price", "2022-03-31", 58.0, "exact", False),
    }


def test_an_as_of_date_after_a_semicolon_leaves_the_clause_before_alone():
    text = "全国碳市场累计成交量1.89亿吨；累计成交额82.39亿元（截至3月31日）。"
    assert mapped(text, published=date(2022, 4, 20)) == {
        ("carbon_national_cum_volume", "2022-04", 1.89, "exact", False),
        ("carbon_national_cum_turnover", "2022-03-31", 82.39, "exact", False),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2019年全国社会物流总额298万亿元，增速较上年回落0.5个百分点，为5.9%。",
            ("logistics_total_yoy", "2019", 5.9, "exact", False),
        ),
        (
            "2019年全国社会物流总额298万亿元，增速比上年回落0.5个百分点，是5.9%。",
            ("logistics_total_yoy", "2019", 5.9, "exact", False),
        ),
        (
            "2019年L2级乘用车渗透率较上年提高1.5个百分点，为3.3%。",
            ("l2_penetration", "2019", 3.3, "exact", False),
        ),
    ],
)
def test_the_rate_a_change_ended_at_after_a_comma_measures_the_changed_rate(text, expected):
    assert expected in mapped(text, published=FEB_2020)


def test_a_change_of_a_level_ending_in_a_comment_states_no_rate():
    text = "2019年全国社会物流总额298万亿元，较上年增加15万亿元，为历史新高。"
    assert mapped(text, published=FEB_2020) == {("logistics_total", "2019", 298.0, "exact", False)}


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        (
            "L2级辅助驾驶加速普及",
            "上半年，渗透率达到42.4%，同比提高10个百分点。",
            ("l2_penetration", "2023-H1", 42.4, "exact", False),
        ),
        (
            "2022年电信行业并购交易回顾",
            "全年共完成126笔，交易总金额902亿元。",
            ("telecom_ma_deals", "2022", 126.0, "exact", False),
        ),
        (
            "社会物流总额平稳增长",
            "上半年总额达160.7万亿元，同比增长4.8%。",
            ("logistics_total", "2023-H1", 160.7, "exact", False),
        ),
    ],
)
def test_a_figure_whose_text_names_no_subject_is_about_its_title(title, text, expected):
    assert expected in mapped(text, published=AUG_2023, title=title)


@pytest.mark.parametrize(
    ("title", "text"),
    [
        # The text names a subject of its own: a segment, never the title's series.
        ("社会物流总额平稳增长", "上半年，工业品物流总额达150.1万亿元。"),
        ("L2级辅助驾驶加速普及", "上半年，新能源汽车渗透率达到28.3%。"),
        # Increments are no level of the title's series.
        ("试点碳市场累计成交量接近4亿吨", "较2019年底分别增加约0.35亿吨和10.8亿元。"),
        # A title naming no series lends nothing.
        ("行业动态", "上半年，渗透率达到42.4%。"),
    ],
)
def test_a_title_lends_no_subject_over_the_text_s_own_or_to_increments(title, text):
    assert mapped(text, published=AUG_2023, title=title) == set()
