"""Which catalog series a figure lands in, written as small sentences in the brief's style."""

from datetime import date

import pytest

from loaders.catalog.indicators import parse_catalog
from loaders.figures.find import extract_figures
from loaders.models import Article, IssueHeader
from tests.support.builders import CATALOG


def run(text: str, published: date = date(2022, 6, 20), title: str = "动态"):
    header = IssueHeader(title="产业创新动态", year=published.year, number=9, published=published)
    article = Article(index=0, title=title, editor="某某", text=text, start=10, end=10 + len(text))
    return extract_figures(header, [article], CATALOG)[:2]


def mapped(text: str, **kwargs) -> set[tuple]:
    observations, _ = run(text, **kwargs)
    return {
        (o.indicator, o.period, round(o.value, 4), o.qualifier, o.forecast) for o in observations
    }


def test_logistics_year_to_date():
    text = "中物联数据显示,1-5月,全国社会物流总额126.1万亿元,按可比价格计算,同比增长4.6%,两年平均增长6.0%。"
    assert mapped(text) == {
        ("logistics_total", "2022-01/2022-05", 126.1, "exact", False),
        ("logistics_total_yoy", "2022-01/2022-05", 4.6, "exact", False),
        ("logistics_total_yoy_2y", "2022-01/2022-05", 6.0, "exact", False),
    }


def test_period_and_subject_carry_into_the_next_sentence():
    text = "2021年全年,社会物流总额335.2万亿元。按可比价格计算,同比增长9.2%。"
    assert mapped(text, published=date(2022, 2, 21)) == {
        ("logistics_total", "2021", 335.2, "exact", False),
        ("logistics_total_yoy", "2021", 9.2, "exact", False),
    }


def test_a_decline_makes_growth_negative():
    text = "一季度物流业总收入3.1万亿元,同比下降2.5%。"
    assert ("logistics_revenue_yoy", "2022-Q1", -2.5, "exact", False) in mapped(text)


@pytest.mark.parametrize(
    "text",
    [
        "上半年,工业品物流总额108.3万亿元,同比增长5.1%。",
        "上半年,社会物流总费用8.4万亿元,同比增长4.9%。",
        "1-5月,快递业务量完成428亿件,同比增长3.0%。",
        "1-5月,进口货物物流总额7.2万亿元,同比下降4.4%。",
        "5月份中国物流业景气指数为48.4%,较上月回升4.4个百分点。",
        "仓储、快递等行业业务量指数均在50%以上。",
        "社会物流总额增速较上月提高1.2个百分点。",
        "物流行业方面,相关企业收入同比增长8.1%。",
    ],
)
def test_other_subjects_never_land_in_logistics_series(text):
    assert mapped(text, title="物流运行情况") == set()


def test_respectively_pairs_subjects_and_figures():
    text = "6月份,物流业务总量指数和新订单指数分别为51.2%和49.6%,分别较上月回升2.8和1.9个百分点。"
    assert mapped(text, published=date(2022, 7, 11), title="物流景气回升") == {
        ("logistics_business_index", "2022-06", 51.2, "exact", False),
        ("logistics_new_orders_index", "2022-06", 49.6, "exact", False),
    }


def test_monthly_index_without_a_period_is_the_month_before_publication():
    text = "物流市场回暖。新订单指数为52.3%。"
    assert mapped(text, published=date(2022, 7, 11), title="物流景气") == {
        ("logistics_new_orders_index", "2022-06", 52.3, "exact", False),
    }


def test_national_carbon_market_at_year_end():
    text = (
        "截至2021年底,全国碳市场碳排放配额累计成交量1.79亿吨,累计成交额76.61亿元。"
        "12月31日收盘价为54.22元/吨,较首日开盘价上涨13%。"
    )
    assert mapped(text, published=date(2022, 1, 14)) == {
        ("carbon_national_cum_volume", "2021-12", 1.79, "exact", False),
        ("carbon_national_cum_turnover", "2021-12", 76.61, "exact", False),
        ("carbon_national_price", "2021-12-31", 54.22, "exact", False),
    }


def test_annual_coverage_is_not_a_traded_volume():
    assert mapped("全国碳市场年覆盖二氧化碳排放量约45亿吨。") == set()


def test_pilot_and_national_markets_are_told_apart_by_context():
    text = (
        "截至2022年4月,地方试点碳市场累计配额成交量5.2亿吨,累计成交额约128亿元。"
        "全国碳市场累计成交量1.9亿吨。"
    )
    # The second sentence names no date: its stock takes the issue month (eval README).
    assert mapped(text, title="碳市场进展") == {
        ("carbon_pilot_cum_volume", "2022-04", 5.2, "exact", False),
        ("carbon_pilot_cum_turnover", "2022-04", 128.0, "approx", False),
        ("carbon_national_cum_volume", "2022-06", 1.9, "exact", False),
    }


def test_a_stock_without_a_date_takes_the_issue_month():
    assert mapped("全国碳市场共纳入发电行业重点排放单位2162家。") == {
        ("carbon_national_units", "2022-06", 2162.0, "exact", False),
    }


def test_telecom_deals_exclude_outbound_and_domestic_subsets():
    text = (
        "普华永道报告显示,2021年中国电信行业并购交易156笔,交易总金额约2,010亿元,"
        "其中境外并购交易12笔,境内并购交易金额1,600亿元。"
    )
    assert mapped(text, published=date(2022, 3, 7)) == {
        ("telecom_ma_deals", "2021", 156.0, "exact", False),
        ("telecom_ma_value", "2021", 2010.0, "approx", False),
    }


def test_market_growth_without_a_series_stays_unassigned():
    observations, unassigned = run("2021年中国人工智能研发平台市场规模达3.6亿美元,同比增长58.9%。")
    assert {(o.indicator, o.value) for o in observations} == {("ai_rd_platform_market", 3.6)}
    assert [u.value for u in unassigned] == [58.9]
    assert "人工智能研发平台市场规模" in unassigned[0].subject


def test_dollars_never_land_in_a_yuan_series_and_back():
    assert mapped("2021年人工智能研发平台市场规模达25亿元。") == set()
    assert mapped("2021年中国电信行业并购交易金额达18亿美元,电信并购活跃。") == set()


def test_forecasts_are_flagged():
    text = "IDC预计,到2026年中国人工智能研发平台市场规模将突破20亿美元。"
    assert mapped(text) == {("ai_rd_platform_market", "2026", 20.0, "more_than", True)}


def test_l2_penetration_but_not_other_car_figures():
    text = "2021年,我国L2级智能网联乘用车市场渗透率达23.5%,新能源汽车销量352万辆,L3级车型开展测试。"
    assert mapped(text) == {("l2_penetration", "2021", 23.5, "exact", False)}


def test_a_flow_without_any_period_is_not_guessed():
    observations, unassigned = run("社会物流总额同比增长3.2%。")
    assert observations == []
    assert unassigned and unassigned[0].period is None


def test_conflicting_values_go_to_review():
    text = "一季度社会物流总额75.1万亿元。\n一季度社会物流总额76.0万亿元。"
    observations, unassigned = run(text)
    assert observations == []
    assert sorted(u.value for u in unassigned) == [75.1, 76.0]


def test_parenthesis_keeps_its_period_to_itself():
    text = "二季度全国社会物流总额80.2万亿元,同比增长3.1%(上年二季度为增长12.0%),两年平均增长7.4%。"
    assert mapped(text, published=date(2022, 7, 18)) == {
        ("logistics_total", "2022-Q2", 80.2, "exact", False),
        ("logistics_total_yoy", "2022-Q2", 3.1, "exact", False),
        ("logistics_total_yoy", "2021-Q2", 12.0, "exact", False),
        ("logistics_total_yoy_2y", "2022-Q2", 7.4, "exact", False),
    }


def test_from_the_year_before_to_this_year():
    text = "电信行业并购方面,交易总金额从2020年的1,750亿元降至2021年的980亿元。"
    assert mapped(text, published=date(2022, 3, 7)) == {
        ("telecom_ma_value", "2020", 1750.0, "exact", False),
        ("telecom_ma_value", "2021", 980.0, "exact", False),
    }


def test_provenance_quotes_the_whole_sentence():
    text = "物流运行平稳。\n数据显示,前三季度社会物流总额232.0万亿元,同比增长11.6%。后续将发布详细数据。"
    observations, _ = run(text, published=date(2021, 10, 25))
    full = " " * 10 + text
    for obs in observations:
        assert full[obs.span_start : obs.span_end] == obs.quote
        assert obs.quote == "数据显示,前三季度社会物流总额232.0万亿元,同比增长11.6%。"
        assert obs.period_text == "前三季度"
        assert obs.editor == "某某"
    assert {o.figure_text for o in observations} == {"232.0万亿元", "11.6%"}


def test_respectively_with_enumeration_commas():
    text = "3月份,新订单指数、业务总量指数分别为50.8%、52.0%。"
    assert mapped(text, published=date(2022, 4, 11), title="物流景气") == {
        ("logistics_new_orders_index", "2022-03", 50.8, "exact", False),
        ("logistics_business_index", "2022-03", 52.0, "exact", False),
    }


def test_respectively_with_unpaired_subjects_maps_nothing():
    text = "3月份,物流业务总量指数分别为50.8%、52.0%和49.1%。"
    assert mapped(text, published=date(2022, 4, 11), title="物流景气") == set()


def test_cumulative_qualifies_every_noun_of_a_list():
    text = "截至2022年3月底,地方试点碳市场累计配额成交量约5.1亿吨、成交额约120亿元。"
    assert mapped(text, title="碳市场") == {
        ("carbon_pilot_cum_volume", "2022-03", 5.1, "approx", False),
        ("carbon_pilot_cum_turnover", "2022-03", 120.0, "approx", False),
    }


def test_market_penetration_refers_to_the_subject_before_it():
    text = "2021年,搭载L2级辅助驾驶功能的乘用车销量达480万辆,市场渗透率为23.6%。"
    assert mapped(text) == {("l2_penetration", "2021", 23.6, "exact", False)}


def test_penetration_of_another_product_is_not_l2():
    text = "2021年,新能源汽车销量350万辆,市场渗透率达到13.4%,L2级车型加快普及。"
    assert mapped(text) == set()


def test_a_generic_market_size_needs_its_own_market():
    text = "IDC预计,2026年市场规模将达到21亿美元,人工智能芯片市场规模将超过100亿美元。"
    assert mapped(text, title="人工智能研发平台市场快速增长") == {
        ("ai_rd_platform_market", "2026", 21.0, "exact", True),
    }
    assert mapped(text, title="人工智能芯片市场快速增长") == set()


def test_bare_full_year_takes_the_year_being_discussed():
    text = "2023年是关键之年,预计全年并购交易数量将达到160笔。"
    assert mapped(text, published=date(2023, 3, 6), title="电信并购展望") == {
        ("telecom_ma_deals", "2023", 160.0, "exact", True),
    }


def test_compared_with_the_previous_year_figure_keeps_its_own_year():
    text = "2021年,电信行业并购交易总金额为2,012亿元,较2020年的1,750亿元增长15%。"
    assert mapped(text, published=date(2022, 3, 7)) == {
        ("telecom_ma_value", "2021", 2012.0, "exact", False),
        ("telecom_ma_value", "2020", 1750.0, "exact", False),
    }


def test_deals_of_one_segment_are_not_the_industry_total():
    text = (
        "普华永道统计,2022年上半年中国电信行业共发生并购交易71宗,交易金额合计约650亿元。"
        "其中,数据中心领域交易金额超过200亿元,5G相关交易20宗。"
    )
    assert mapped(text, published=date(2022, 8, 25)) == {
        ("telecom_ma_deals", "2022-H1", 71.0, "exact", False),
        ("telecom_ma_value", "2022-H1", 650.0, "approx", False),
    }


def test_growth_against_a_named_base_year_is_not_year_on_year():
    text = "一季度,全国社会物流总额75.1万亿元,同比增长24.2%,比2019年同期增长15.2%。"
    assert mapped(text, published=date(2021, 4, 26)) == {
        ("logistics_total", "2021-Q1", 75.1, "exact", False),
        ("logistics_total_yoy", "2021-Q1", 24.2, "exact", False),
    }


def test_daily_trading_is_not_cumulative():
    text = "全国碳市场7月16日正式上线,首日收盘价51.23元/吨,成交量410.4万吨,成交额2.1亿元。"
    assert mapped(text, published=date(2021, 7, 26)) == {
        ("carbon_national_price", "2021-07-16", 51.23, "exact", False),
    }


def test_a_quarterly_average_of_a_monthly_index_is_not_a_month():
    assert mapped("一季度,物流业务总量指数平均为53.2%。", title="物流") == set()


def test_a_target_named_before_an_actual_figure_is_no_forecast():
    text = "为实现碳达峰目标,截至2022年5月底,全国碳市场累计成交量已达1.89亿吨。"
    assert mapped(text) == {("carbon_national_cum_volume", "2022-05", 1.89, "exact", False)}


def test_pilot_markets_count_their_covered_units_too():
    text = "截至2021年底,7个试点碳市场共覆盖电力、钢铁等20多个行业近3000家重点排放单位。"
    assert mapped(text, published=date(2022, 1, 17)) == {
        ("carbon_pilot_enterprises", "2021-12", 3000.0, "approx", False),
    }


def test_respectively_over_a_list_of_periods():
    text = (
        "2022年全国社会物流总额347.6万亿元,按可比价格计算,同比增长3.4%。"
        "分季度看,一季度、上半年、前三季度分别增长6.1%、3.1%和3.5%。"
    )
    assert mapped(text, published=date(2023, 2, 20)) == {
        ("logistics_total", "2022", 347.6, "exact", False),
        ("logistics_total_yoy", "2022", 3.4, "exact", False),
        ("logistics_total_yoy", "2022-Q1", 6.1, "exact", False),
        ("logistics_total_yoy", "2022-H1", 3.1, "exact", False),
        ("logistics_total_yoy", "2022-01/2022-09", 3.5, "exact", False),
    }


def test_a_round_milestone_gives_way_to_the_exact_figure():
    text = "2022年社会物流总额达347.6万亿元,首次突破340万亿元。"
    observations, unassigned = run(text, published=date(2023, 2, 20))
    assert [(o.indicator, o.value) for o in observations] == [("logistics_total", 347.6)]
    assert [u.value for u in unassigned] == [340.0]


def test_conflicting_exact_and_inconsistent_qualified_values_both_go():
    text = "2022年社会物流总额达347.6万亿元。全年社会物流总额超过350万亿元。"
    observations, _ = run(text, published=date(2023, 2, 20))
    assert observations == []


def test_covered_power_companies_but_not_participating_ones():
    assert mapped("2020年底,全国碳市场纳入了2225家发电企业。", published=date(2021, 1, 11)) == {
        ("carbon_national_units", "2020-12", 2225.0, "exact", False),
    }
    assert mapped("全国碳市场共有1000余家发电企业参与交易。") == set()


def test_manufacturing_pmi_orders_are_not_logistics_orders():
    text = "6月份,制造业PMI新订单指数为51.5%,非制造业新订单指数为49.6%。"
    assert mapped(text, title="物流与制造业景气") == set()


def test_a_framing_clause_can_exclude_a_series():
    assert mapped("电商物流指数中,新订单指数为52.1%。", title="物流") == set()
    assert mapped(
        "从分项指数看,新订单指数为52.1%。", published=date(2022, 1, 17), title="物流"
    ) == {
        ("logistics_new_orders_index", "2021-12", 52.1, "exact", False),
    }


def test_one_pilot_or_a_foreign_market_is_not_the_series():
    text = (
        "截至2021年底,湖北试点碳市场累计成交量3.7亿吨。"
        "截至2021年底,欧盟碳市场累计成交量超过100亿吨,全国碳市场累计成交量1.79亿吨。"
    )
    assert mapped(text, published=date(2022, 1, 17), title="碳市场") == {
        ("carbon_national_cum_volume", "2021-12", 1.79, "exact", False),
    }


def test_global_deals_and_a_single_deal_are_not_the_china_total():
    text = "2021年,全球电信行业并购交易1,200笔,中国电信行业并购交易167笔。"
    assert mapped(text, published=date(2022, 2, 7)) == {
        ("telecom_ma_deals", "2021", 167.0, "exact", False)
    }
    single = "2021年该交易金额为120亿元,是电信行业年内最大的一笔并购。"
    assert mapped(single, published=date(2022, 2, 7)) == set()


def test_unassigned_figures_keep_the_unit_as_written():
    _, unassigned = run("上半年,工业品物流总额108.3万亿元,快递业务量回升1.5个百分点。")
    assert [(u.value, u.unit, u.figure_text) for u in unassigned] == [
        (108.3, "万亿元", "108.3万亿元"),
        (1.5, "个百分点", "1.5个百分点"),
    ]
    assert unassigned[0].subject == "工业品物流总额"


def test_a_monthly_index_under_a_whole_year_is_not_placed():
    assert mapped("2021年,物流业务总量指数为53.5%。", title="物流") == set()


def test_respectively_completes_bare_heads_with_the_first_stem():
    text = "2021年上半年,中国电信行业并购交易数量和金额分别为66笔和520亿元。"
    assert mapped(text, published=date(2021, 8, 2)) == {
        ("telecom_ma_deals", "2021-H1", 66.0, "exact", False),
        ("telecom_ma_value", "2021-H1", 520.0, "exact", False),
    }


def test_a_projection_names_the_coming_period():
    text = "中物联预计,下半年社会物流总额增速将回升至6%左右。"
    assert mapped(text, published=date(2022, 4, 25)) == {
        ("logistics_total_yoy", "2022-H2", 6.0, "approx", True),
    }
    past = "下半年社会物流总额同比增长6.1%。"
    assert mapped(past, published=date(2022, 4, 25)) == {
        ("logistics_total_yoy", "2021-H2", 6.1, "exact", False),
    }


def test_a_projection_later_in_the_sentence_also_names_the_coming_year():
    text = "全年社会物流总额预计超过330万亿元。"
    assert mapped(text, published=date(2021, 11, 22)) == {
        ("logistics_total", "2021", 330.0, "more_than", True),
    }


@pytest.mark.parametrize(
    "tail",
    [
        "新能源汽车渗透率为25.6%",
        "新能源汽车为25.6%",
        "其中自主品牌达到41.2%",
        "合资品牌渗透率仅为25.6%",
    ],
)
def test_a_clause_naming_anything_else_does_not_inherit_the_subject(tail):
    text = f"2022年L2级乘用车新车渗透率达到34.5%,{tail}。"
    assert mapped(text, published=date(2023, 1, 16)) == {
        ("l2_penetration", "2022", 34.5, "exact", False),
    }


def test_a_comparison_with_a_plan_period_does_not_break_the_subject_chain():
    text = "2021年全国社会物流总额335.2万亿元,是“十三五”初期的1.5倍。按可比价格计算,同比增长9.2%。"
    assert ("logistics_total_yoy", "2021", 9.2, "exact", False) in mapped(
        text, published=date(2022, 2, 21)
    )


def test_same_period_last_year_is_an_aside_for_one_figure():
    text = "一季度社会物流总额同比增长24.2%,去年同期为下降7.5%,两年平均增长7.2%。"
    assert mapped(text, published=date(2021, 4, 26)) == {
        ("logistics_total_yoy", "2021-Q1", 24.2, "exact", False),
        ("logistics_total_yoy", "2020-Q1", -7.5, "exact", False),
        ("logistics_total_yoy_2y", "2021-Q1", 7.2, "exact", False),
    }


def test_last_year_for_comparison_is_an_aside_too():
    text = "一季度社会物流总额同比增长24.2%,上年一季度为下降7.5%,两年平均增长7.2%。"
    assert mapped(text, published=date(2021, 4, 26)) == {
        ("logistics_total_yoy", "2021-Q1", 24.2, "exact", False),
        ("logistics_total_yoy", "2020-Q1", -7.5, "exact", False),
        ("logistics_total_yoy_2y", "2021-Q1", 7.2, "exact", False),
    }


def test_a_release_day_is_not_the_month_of_an_index_nor_a_flow_period():
    text = "中物联4月6日发布数据显示,物流业务总量指数为52.3%,社会物流总额同比增长5.2%。"
    assert mapped(text, published=date(2022, 4, 18), title="物流") == {
        ("logistics_business_index", "2022-03", 52.3, "exact", False),
    }


def test_as_of_dates_a_stock_but_not_a_flow():
    text = "截至2022年9月底,中国电信行业并购交易金额约800亿元,全国碳市场累计成交量1.96亿吨。"
    assert mapped(text, published=date(2022, 10, 17), title="动态") == {
        ("carbon_national_cum_volume", "2022-09", 1.96, "exact", False),
    }


@pytest.mark.parametrize(
    "text",
    [
        # A noun completing the unit of the first figure sits between the two.
        "截至2021年6月,试点碳市场累计配额成交量4.8亿吨二氧化碳当量,成交额约114亿元。",
        "截至2021年6月,地方试点碳市场配额累计成交量4.8亿吨,成交额约114亿元。",
    ],
)
def test_cumulative_is_shared_across_a_comma_list(text):
    assert mapped(text, published=date(2021, 7, 12)) == {
        ("carbon_pilot_cum_volume", "2021-06", 4.8, "exact", False),
        ("carbon_pilot_cum_turnover", "2021-06", 114.0, "approx", False),
    }


@pytest.mark.parametrize("noun", ["当月成交额", "其中广东碳市场成交额", "日均成交额"])
def test_cumulative_is_not_shared_with_a_noun_of_its_own(noun):
    text = f"截至2022年5月底,地方试点碳市场累计成交量5.6亿吨,{noun}1.5亿元。"
    assert mapped(text) == {("carbon_pilot_cum_volume", "2022-05", 5.6, "exact", False)}


def test_a_paragraph_break_keeps_the_period_and_subject_of_a_flow():
    # A PDF line ending on 。 at the margin reads as a paragraph end.
    text = (
        "2020年全国社会物流总额300.1万亿元,按可比价格计算,全年增长3.5%。\n"
        "分季度看,一季度、上半年分别为-7.4%、-0.5%,四季度增长5.8%。"
    )
    assert mapped(text, published=date(2021, 2, 8)) == {
        ("logistics_total", "2020", 300.1, "exact", False),
        ("logistics_total_yoy", "2020", 3.5, "exact", False),
        ("logistics_total_yoy", "2020-Q1", -7.4, "exact", False),
        ("logistics_total_yoy", "2020-H1", -0.5, "exact", False),
        ("logistics_total_yoy", "2020-Q4", 5.8, "exact", False),
    }
    text = (
        "2021年,我国新能源汽车销量352.1万辆,市场渗透率达到13.4%。\n"
        "具备L2级组合驾驶辅助功能的乘用车销量476万辆,市场渗透率23.5%。"
    )
    assert mapped(text, published=date(2022, 2, 21)) == {
        ("l2_penetration", "2021", 23.5, "exact", False)
    }


def test_a_paragraph_break_keeps_an_index_month_but_not_a_stock_date():
    text = (
        "截至2020年12月底,试点碳市场累计成交量4.45亿吨。12月份,中国物流业景气指数为55.3%。\n"
        "业务总量指数为55.3%。全国碳市场首批纳入2225家发电企业。"
    )
    assert mapped(text, published=date(2021, 2, 8)) == {
        ("carbon_pilot_cum_volume", "2020-12", 4.45, "exact", False),
        ("logistics_business_index", "2020-12", 55.3, "exact", False),
        ("carbon_national_units", "2021-02", 2225.0, "exact", False),
    }
    # A year is no month of an index: the month before the issue, as without a period.
    text = "2020年全国社会物流总额300.1万亿元。\n新订单指数为53.9%。"
    assert ("logistics_new_orders_index", "2021-01", 53.9, "exact", False) in mapped(
        text, published=date(2021, 2, 8)
    )


def test_a_trading_mode_is_part_of_the_cumulative_total_not_the_total():
    text = (
        "截至2022年3月31日,全国碳市场碳排放配额累计成交量1.89亿吨,累计成交额81.6亿元。"
        "其中,挂牌协议交易累计成交量3,285万吨,大宗协议交易累计成交量1.56亿吨,"
        "大宗协议交易累计成交额62.3亿元。"
    )
    assert mapped(text, published=date(2022, 4, 11)) == {
        ("carbon_national_cum_volume", "2022-03-31", 1.89, "exact", False),
        ("carbon_national_cum_turnover", "2022-03-31", 81.6, "exact", False),
    }


def test_closing_price_written_as_closed_at():
    text = (
        "截至8月6日,全国碳市场碳排放配额累计成交量6514万吨,当日收于55.74元/吨,成交均价52.8元/吨。"
    )
    assert mapped(text, published=date(2021, 8, 9)) == {
        ("carbon_national_cum_volume", "2021-08-06", 0.6514, "exact", False),
        ("carbon_national_price", "2021-08-06", 55.74, "exact", False),
    }


@pytest.mark.parametrize(
    "text",
    [
        "7月份,铁路运输业、航空运输业业务总量指数均在55%以上。",
        "7月份,港口业务总量指数为51.2%。",
        "7月份,公路运输新订单指数为50.3%。",
    ],
)
def test_an_index_of_one_branch_is_not_the_logistics_index(text):
    assert mapped(text, published=date(2021, 8, 9), title="物流景气") == set()


def test_last_month_named_for_one_figure_is_the_month_before():
    text = "1月份,物流业务总量指数升至47.4%,上月为46.0%;新订单指数升至46.6%。"
    assert mapped(text, published=date(2023, 2, 27), title="物流景气回升") == {
        ("logistics_business_index", "2023-01", 47.4, "exact", False),
        ("logistics_business_index", "2022-12", 46.0, "exact", False),
        ("logistics_new_orders_index", "2023-01", 46.6, "exact", False),
    }


def test_last_month_without_a_month_before_it_is_not_guessed():
    text = "一季度,物流业务总量指数为52.1%,上月为51.0%。"
    observations, unassigned = run(text, published=date(2023, 4, 27), title="物流")
    assert [(o.indicator, o.period, o.value) for o in observations] == [
        ("logistics_business_index", "2023-03", 52.1)
    ]
    assert [(u.value, u.period) for u in unassigned] == [(51.0, None)]


def test_a_generic_noun_after_a_segment_is_about_the_segment():
    text = (
        "2022年中国电信行业并购交易121笔,交易总金额约860亿元。"
        "其中,数据中心相关交易34笔,交易金额310亿元;境内并购交易104笔,交易金额520亿元。"
    )
    assert mapped(text, published=date(2023, 2, 27)) == {
        ("telecom_ma_deals", "2022", 121.0, "exact", False),
        ("telecom_ma_value", "2022", 860.0, "approx", False),
    }


def test_a_share_in_tenths_is_no_subject_of_its_own():
    text = "2022年L2级辅助驾驶乘用车新车渗透率为34.9%,首次超过三成;12月当月渗透率为38.2%。"
    assert mapped(text, published=date(2023, 2, 27)) == {
        ("l2_penetration", "2022", 34.9, "exact", False),
        ("l2_penetration", "2022-12", 38.2, "exact", False),
    }


def test_table_cells_are_statements_dated_by_their_column_and_keep_periods_to_themselves():
    # A DOCX table row as the cleaner writes it: cells apart by " | ".
    text = (
        "2021年全国社会物流总额335.2万亿元。\n"
        "指标 | 2021年 | 同比增速\n"
        "物流业总收入 | 11.9万亿元 | 15.1%\n"
        "全国碳市场累计成交量 | 1.79亿吨 | —\n"
        "物流业总收入同比增长15.1%。"
    )
    observations, unassigned = run(text, published=date(2022, 2, 21))
    # The 2021 column dates its cells; the prose before the table does not.
    assert {(o.indicator, o.period, o.value) for o in observations} == {
        ("logistics_total", "2021", 335.2),
        ("logistics_revenue", "2021", 11.9),
        ("carbon_national_cum_volume", "2021-12", 1.79),
    }
    # The 同比增速 column names no period, and the period of the table does not run
    # into the sentence after it: both 15.1% go to review, the row's with a suggestion.
    growth = [u for u in unassigned if u.value == 15.1]
    assert len(growth) == 2 and all(u.period is None for u in growth)
    assert {u.suggested_indicator for u in growth} == {"logistics_revenue_yoy"}


def test_cumulative_trading_written_as_a_verb():
    text = (
        "截至2021年12月31日,全国碳市场累计成交碳排放配额1.79亿吨,累计成交额76.61亿元。"
        "试点碳市场累计成交4.8亿吨,累计成交114亿元。"
    )
    # The second sentence has no date of its own: its stocks take the issue month.
    assert mapped(text, published=date(2022, 1, 17), title="碳市场") == {
        ("carbon_national_cum_volume", "2021-12-31", 1.79, "exact", False),
        ("carbon_national_cum_turnover", "2021-12-31", 76.61, "exact", False),
        ("carbon_pilot_cum_volume", "2022-01", 4.8, "exact", False),
        ("carbon_pilot_cum_turnover", "2022-01", 114.0, "exact", False),
    }


def test_deal_value_written_as_transaction_value():
    text = "2021年中国电信业并购交易总价值为2,012亿元。"
    assert mapped(text, published=date(2022, 3, 14)) == {
        ("telecom_ma_value", "2021", 2012.0, "exact", False)
    }


def test_an_index_after_a_pmi_in_its_sentence_is_a_pmi_component():
    text = "9月份,中国制造业采购经理指数(PMI)为49.6%,新订单指数为49.3%。"
    assert mapped(text, published=date(2021, 10, 25), title="物流与制造业") == set()


def test_fitting_rate_of_l2_in_new_cars_is_its_penetration():
    text = "2022年L2级辅助驾驶功能乘用车新车搭载率达34.9%,新能源汽车装配率为20%。"
    assert mapped(text, published=date(2023, 2, 27)) == {
        ("l2_penetration", "2022", 34.9, "exact", False)
    }


def test_deals_narrowed_by_a_figure_before_them_are_not_the_total():
    # The 268 亿元 after them is theirs too (a generic noun continuing a segment).
    text = "2022年上半年中国电信业并购交易数量为55宗,其中超过10亿元的交易仅6宗,交易金额268亿元。"
    assert mapped(text, published=date(2022, 10, 31)) == {
        ("telecom_ma_deals", "2022-H1", 55.0, "exact", False),
    }


def test_emitters_taking_part_in_trading_are_no_coverage_count_of_either_market():
    text = (
        "全国碳市场运行一年多来,累计参与交易的重点排放单位超过1,300家。\n"
        "地方试点碳市场累计成交量约5.8亿吨。"
    )
    assert mapped(text, published=date(2022, 10, 31), title="碳市场") == {
        ("carbon_pilot_cum_volume", "2022-10", 5.8, "approx", False)
    }


def test_a_projection_does_not_take_the_period_of_the_paragraph_before():
    text = "2021年全国社会物流总额335.2万亿元。\n中物联预计,社会物流总额将增长6%左右。"
    assert mapped(text, published=date(2022, 2, 21)) == {
        ("logistics_total", "2021", 335.2, "exact", False)
    }


def test_one_market_named_once_covers_the_figures_listed_after_it():
    text = "湖北碳市场累计成交量3.7亿吨,累计成交额89亿元,均居试点首位。"
    assert mapped(text, published=date(2022, 2, 21), title="碳市场试点") == set()
    # A sibling measure before (开盘价) names no market: the closing price stays.
    text = "7月16日,全国碳市场开盘价48元/吨,收盘价51.23元/吨。"
    assert mapped(text, published=date(2021, 8, 9)) == {
        ("carbon_national_price", "2021-07-16", 51.23, "exact", False)
    }


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "1~11月,社会物流总额315.9万亿元,同比增长3.6%。",
            date(2023, 1, 16),
            {
                ("logistics_total", "2022-01/2022-11", 315.9, "exact", False),
                ("logistics_total_yoy", "2022-01/2022-11", 3.6, "exact", False),
            },
        ),
        (
            "2022年全年社会物流总额347.6万亿元,比上年增长3.4%。",
            date(2023, 2, 27),
            {
                ("logistics_total", "2022", 347.6, "exact", False),
                ("logistics_total_yoy", "2022", 3.4, "exact", False),
            },
        ),
        (
            "4月份,全国社会物流总额同比下降7.1%。",
            date(2022, 5, 30),
            {("logistics_total_yoy", "2022-04", -7.1, "exact", False)},
        ),
        (
            "11月物流业景气指数回落至46.4%,业务总量指数回落至46.4%,新订单指数下降至45.3%。",
            date(2022, 12, 12),
            {
                ("logistics_business_index", "2022-11", 46.4, "exact", False),
                ("logistics_new_orders_index", "2022-11", 45.3, "exact", False),
            },
        ),
        (
            "全国碳排放权交易市场碳排放配额(CEA)当日收盘价为58.60元/吨,较前一日上涨0.5%。",
            date(2022, 5, 16),
            {("carbon_national_price", "2022-05", 58.6, "exact", False)},
        ),
        (
            "全国碳市场覆盖两千多家发电企业。",
            date(2021, 10, 25),
            {("carbon_national_units", "2021-10", 2000.0, "more_than", False)},
        ),
        (
            "2021年,中国电信业并购交易数量为170宗,交易规模约1,520亿元人民币。",
            date(2022, 3, 14),
            {
                ("telecom_ma_deals", "2021", 170.0, "exact", False),
                ("telecom_ma_value", "2021", 1520.0, "approx", False),
            },
        ),
        (
            "IDC预计,中国人工智能研发平台市场规模有望在2026年突破20亿美元。",
            date(2022, 3, 14),
            {("ai_rd_platform_market", "2026", 20.0, "more_than", True)},
        ),
        (
            "到2025年,L2级智能网联乘用车市场渗透率目标为50%。",
            date(2022, 3, 14),
            {("l2_penetration", "2025", 50.0, "exact", True)},
        ),
        # Not the series: RMB, a daily volume, a year's (not cumulative) trading,
        # another car level, a chip market, the world.
        ("2020年我国人工智能研发平台市场规模为36.4亿元人民币。", date(2021, 4, 26), set()),
        ("7月16日,全国碳市场首日成交量410万吨,成交额2.1亿元。", date(2021, 8, 9), set()),
        ("2022年全年,全国碳市场成交量5088.95万吨,成交额28.14亿元。", date(2023, 1, 16), set()),
        ("2021年L3级自动驾驶车型渗透率不足1%。", date(2022, 2, 21), set()),
        ("2021年中国人工智能芯片市场规模为30亿美元。", date(2022, 2, 21), set()),
        ("2020年,全球电信业并购交易金额为6,000亿美元。", date(2021, 2, 8), set()),
    ],
)
def test_other_phrasings_of_the_catalog_series(text, published, expected):
    title = "物流 碳市场 电信并购 人工智能研发平台 智能网联汽车"
    assert mapped(text, published=published, title=title) == expected


def test_periods_listed_before_respectively_do_not_become_the_running_period():
    text = (
        "前三季度全国社会物流总额247.4万亿元。"
        "分季度看,一季度、二季度、三季度分别增长6.1%、0.9%和3.7%。"
        "物流业总收入9.2万亿元,同比增长4.6%。"
    )
    assert mapped(text, published=date(2022, 10, 31)) == {
        ("logistics_total", "2022-01/2022-09", 247.4, "exact", False),
        ("logistics_total_yoy", "2022-Q1", 6.1, "exact", False),
        ("logistics_total_yoy", "2022-Q2", 0.9, "exact", False),
        ("logistics_total_yoy", "2022-Q3", 3.7, "exact", False),
        ("logistics_revenue", "2022-01/2022-09", 9.2, "exact", False),
        ("logistics_revenue_yoy", "2022-01/2022-09", 4.6, "exact", False),
    }


def test_voluntary_credits_and_a_local_market_are_not_the_allowance_totals():
    text = (
        "截至2021年底,CCER累计成交量超过4亿吨,其中上海碳市场累计成交CCER约1.7亿吨。"
        "截至2021年底,全国碳市场累计成交量1.79亿吨。"
    )
    assert mapped(text, published=date(2022, 1, 24), title="碳市场 试点") == {
        ("carbon_national_cum_volume", "2021-12", 1.79, "exact", False)
    }


def test_amount_involved_is_the_deal_value_unless_it_follows_a_segment():
    text = "2021年,中国电信业完成66笔并购交易,涉及金额520亿元。其中境外并购15宗,涉及金额320亿元。"
    assert mapped(text, published=date(2022, 2, 21), title="电信并购") == {
        ("telecom_ma_deals", "2021", 66.0, "exact", False),
        ("telecom_ma_value", "2021", 520.0, "exact", False),
    }
    text = (
        "2022年上半年中国电信行业共披露并购交易55宗,总金额268亿元;其中境外并购9宗,总金额100亿元。"
    )
    assert mapped(text, published=date(2022, 10, 31), title="电信并购") == {
        ("telecom_ma_deals", "2022-H1", 55.0, "exact", False),
        ("telecom_ma_value", "2022-H1", 268.0, "exact", False),
    }


PARCELS = parse_catalog(
    """
indicators:
  - {id: parcels, name_zh: 快递业务量, name_en: Parcels, category: 快递, unit: 亿件, kind: flow,
     measure: level, description: 快递业务量, aliases: [快递业务量], exclude: [国际及港澳台]}
"""
)


@pytest.mark.parametrize(
    "text",
    [
        "上半年国际/港澳台快递业务量10.3亿件。",
        "上半年国际和港澳台快递业务量10.3亿件。",
    ],
)
def test_an_exclude_word_matches_whichever_word_joins_its_parts(text):
    header = IssueHeader(title="产业创新动态", year=2022, number=9, published=date(2022, 7, 25))
    article = Article(index=0, title="快递", editor="x", text=text, start=0, end=len(text))
    observations, _, _ = extract_figures(header, [article], PARCELS)
    assert observations == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "截至6月底，全国碳市场碳排放配额成交量累计达1.94亿吨，成交额累计84.92亿元。",
            {
                ("carbon_national_cum_volume", "2022-06", 1.94),
                ("carbon_national_cum_turnover", "2022-06", 84.92),
            },
        ),
        (
            "截至6月底，全国碳市场配额成交额累计突破85亿元。",
            {("carbon_national_cum_turnover", "2022-06", 85.0)},
        ),
        ("截至6月底，试点碳市场成交量累计4.8亿吨。", {("carbon_pilot_cum_volume", "2022-06", 4.8)}),
        # A sum over a span stays no level of the since-launch series.
        ("上半年，全国碳市场成交量累计0.2亿吨。", set()),
    ],
)
def test_cumulative_written_after_its_noun(text, expected):
    assert {o[:3] for o in mapped(text, published=date(2022, 7, 25))} == expected


@pytest.mark.parametrize(
    "text",
    ["今年，全国碳市场累计成交量0.5亿吨。", "2022年，全国碳市场纳入重点排放单位2162家。"],
)
def test_a_level_at_the_end_of_a_period_still_running_is_suggested_not_placed(text):
    assert mapped(text, published=date(2022, 7, 25)) == set()
    (figure,) = run(text, published=date(2022, 7, 25))[1]
    assert figure.suggested_period == "2022"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("预计到今年年底，全国碳市场累计成交量将达到2.5亿吨。", ("2022-12", True)),
        ("7月份，全国碳市场累计成交量1.9亿吨。", ("2022-07", False)),
        ("截至7月20日，全国碳市场累计成交量1.9亿吨。", ("2022-07-20", False)),
        ("2021年全国碳市场累计成交量1.79亿吨。", ("2021-12", False)),
    ],
)
def test_a_level_projected_or_of_a_period_already_begun_is_placed(text, expected):
    ((_, period, _, _, forecast),) = mapped(text, published=date(2022, 7, 25))
    assert (period, forecast) == expected


@pytest.mark.parametrize(
    "text",
    [
        "截至6月底，全国碳市场新增重点排放单位50家。",
        "上半年，全国碳市场净增重点排放单位50家。",
    ],
)
def test_what_was_newly_added_is_no_level(text):
    assert mapped(text, published=date(2022, 8, 10)) == set()


def test_a_level_reached_after_an_increase_is_still_a_level():
    text = "截至6月底，全国碳市场重点排放单位增加至2257家。"
    assert {o[:3] for o in mapped(text, published=date(2022, 8, 10))} == {
        ("carbon_national_units", "2022-06", 2257.0)
    }
