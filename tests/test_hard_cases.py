"""The hard cases of docs/eval.md ("Conventions for hard cases"), each in several
phrasings of our own, with the near misses that must stay out.

Every sentence here is written for this file; none is taken from a labelled brief.
"""

from datetime import date

import pytest

from loaders.catalog import parse_catalog
from loaders.figures import extract_figures
from loaders.models import Article, IssueHeader
from tests.conftest import CATALOG

JULY_2022 = date(2022, 7, 25)


def run(text: str, published: date = JULY_2022, title: str = "动态", catalog=CATALOG):
    header = IssueHeader(title="产业创新动态", year=published.year, number=9, published=published)
    article = Article(index=0, title=title, editor="某某", text=text, start=0, end=len(text))
    return extract_figures(header, [article], catalog)[:2]


def mapped(text: str, **kwargs) -> set[tuple]:
    observations, _ = run(text, **kwargs)
    return {
        (o.indicator, o.period, round(o.value, 4), o.qualifier, o.forecast) for o in observations
    }


def loose(text: str, **kwargs) -> list:
    return run(text, **kwargs)[1]


# ------------------------------------------------------------ 1. periods listed before 分别


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # The subject between the list and 分别.
        (
            "一季度、二季度社会物流总额分别增长6.1%和0.8%。",
            JULY_2022,
            {("2022-Q1", 6.1), ("2022-Q2", 0.8)},
        ),
        # With 第, three items, and 同比 before 分别.
        (
            "第一季度、第二季度和第三季度社会物流总额同比分别增长5.2%、4.1%和3.6%。",
            date(2021, 11, 8),
            {("2021-Q1", 5.2), ("2021-Q2", 4.1), ("2021-Q3", 3.6)},
        ),
        # One suffix for the whole list.
        (
            "一、二、三季度社会物流总额分别增长5.2%、4.1%和3.6%。",
            date(2021, 11, 8),
            {("2021-Q1", 5.2), ("2021-Q2", 4.1), ("2021-Q3", 3.6)},
        ),
        # The subject before the list.
        (
            "社会物流总额一季度、二季度同比分别增长6.1%和0.8%。",
            JULY_2022,
            {("2022-Q1", 6.1), ("2022-Q2", 0.8)},
        ),
        # A span and a month, both declines.
        (
            "1—2月、3月社会物流总额同比分别下降9.6%和3.3%。",
            date(2020, 5, 25),
            {("2020-01/2020-02", -9.6), ("2020-03", -3.3)},
        ),
        # The list alone in the clause before the one with 分别.
        (
            "上半年和前三季度，社会物流总额同比分别增长3.1%和3.5%。",
            date(2022, 10, 31),
            {("2022-H1", 3.1), ("2022-01/2022-09", 3.5)},
        ),
    ],
)
def test_a_list_of_periods_gives_each_figure_its_own(text, published, expected):
    got = {(o[1], o[2]) for o in mapped(text, published=published)}
    assert got == expected


def test_a_year_named_by_the_first_item_holds_for_the_rest():
    text = "2021年一季度、二季度物流业总收入分别为2.6万亿元和2.9万亿元。"
    assert mapped(text) == {
        ("logistics_revenue", "2021-Q1", 2.6, "exact", False),
        ("logistics_revenue", "2021-Q2", 2.9, "exact", False),
    }


def test_listed_periods_do_not_date_what_follows():
    text = "上半年社会物流总额159.6万亿元，一季度、二季度分别增长6.1%和0.8%，同比增长3.1%。"
    assert ("logistics_total_yoy", "2022-H1", 3.1, "exact", False) in mapped(text)


def test_a_period_list_that_does_not_pair_with_its_figures_dates_none_of_them():
    # Two periods, one figure: which period it has is not said.
    text = "上半年社会物流总额159.6万亿元。一季度、二季度社会物流总额分别增长6.1%。"
    got = mapped(text)
    assert ("logistics_total", "2022-H1", 159.6, "exact", False) in got
    assert not any(o[0] == "logistics_total_yoy" for o in got)


# ------------------------------------------------------------ 2. a second 分别 clause


def test_a_second_respectively_clause_shares_the_periods_and_subject_of_the_first():
    text = "一季度、二季度社会物流总额分别增长6.1%和0.8%，规模分别为78.3万亿元和81.3万亿元。"
    assert mapped(text) == {
        ("logistics_total_yoy", "2022-Q1", 6.1, "exact", False),
        ("logistics_total_yoy", "2022-Q2", 0.8, "exact", False),
        ("logistics_total", "2022-Q1", 78.3, "exact", False),
        ("logistics_total", "2022-Q2", 81.3, "exact", False),
    }


def test_a_second_respectively_clause_shares_the_subjects_of_the_first():
    text = (
        "上半年，社会物流总额和物流业总收入分别达到159.6万亿元和5.9万亿元，同比分别增长3.1%和5.1%。"
    )
    assert mapped(text) == {
        ("logistics_total", "2022-H1", 159.6, "exact", False),
        ("logistics_revenue", "2022-H1", 5.9, "exact", False),
        ("logistics_total_yoy", "2022-H1", 3.1, "exact", False),
        ("logistics_revenue_yoy", "2022-H1", 5.1, "exact", False),
    }


def test_a_second_clause_that_names_its_own_series_keeps_it_but_shares_the_periods():
    text = (
        "一季度、二季度社会物流总额分别为78.3万亿元和81.3万亿元，"
        "物流业总收入分别为2.9万亿元和3.0万亿元。"
    )
    got = mapped(text)
    assert ("logistics_revenue", "2022-Q1", 2.9, "exact", False) in got
    assert ("logistics_revenue", "2022-Q2", 3.0, "exact", False) in got
    assert not any(o[0] == "logistics_total" and o[2] in (2.9, 3.0) for o in got)


def test_a_second_clause_with_another_number_of_figures_shares_nothing():
    text = (
        "一季度、二季度社会物流总额分别增长6.1%和0.8%，规模分别为78.3万亿元、81.3万亿元和1万亿元。"
    )
    assert not any(o[0] == "logistics_total" for o in mapped(text))


# ------------------------------------------------------------ 3. forecast scope


def test_reported_figures_before_a_trailing_forecast_keep_their_period():
    text = (
        "上半年物流业总收入5.9万亿元，同比增长5.1%，预计下半年需求将延续恢复态势，"
        "全年物流业总收入有望突破12.5万亿元。"
    )
    assert mapped(text) == {
        ("logistics_revenue", "2022-H1", 5.9, "exact", False),
        ("logistics_revenue_yoy", "2022-H1", 5.1, "exact", False),
        ("logistics_revenue", "2022", 12.5, "more_than", True),
    }


def test_a_forecast_clause_after_an_outcome_in_other_words():
    text = "一季度社会物流总额78.3万亿元，业内人士预计全年将超过330万亿元。"
    assert mapped(text) == {
        ("logistics_total", "2022-Q1", 78.3, "exact", False),
        ("logistics_total", "2022", 330.0, "more_than", True),
    }


def test_a_period_before_the_marker_in_its_own_clause_is_the_coming_one():
    assert mapped("全年社会物流总额预计超过330万亿元。") == {
        ("logistics_total", "2022", 330.0, "more_than", True)
    }


def test_the_sentence_after_a_forecast_talks_about_the_reported_period_again():
    text = (
        "上半年物流业总收入5.9万亿元，全年物流业总收入有望突破12.5万亿元。"
        "同期社会物流总额159.6万亿元。"
    )
    assert ("logistics_total", "2022-H1", 159.6, "exact", False) in mapped(text)


# ------------------------------------------------------------ 4. an undated stock after 截至


@pytest.mark.parametrize(
    "text",
    [
        "截至2022年7月15日，全国碳市场累计成交量1.94亿吨。全国碳市场共纳入重点排放单位2162家。",
        "截止到2022年6月底，全国碳市场累计成交量1.9亿吨。目前全国碳市场纳入发电企业2162家。",
    ],
)
def test_an_undated_stock_after_an_as_of_sentence_takes_the_issue_month(text):
    assert ("carbon_national_units", "2022-07", 2162.0, "exact", False) in mapped(
        text, title="全国碳市场"
    )


def test_an_as_of_date_in_the_stock_s_own_sentence_dates_it():
    text = "截至2022年6月底，全国碳市场共纳入重点排放单位2162家。"
    assert mapped(text, title="全国碳市场") == {
        ("carbon_national_units", "2022-06", 2162.0, "exact", False)
    }


def test_a_day_that_is_no_as_of_date_still_dates_the_next_sentence():
    # "首日" speaks of the day named before: the closing price is that day's.
    text = "7月16日，全国碳市场启动上线交易。首日收盘价51.23元/吨。"
    assert mapped(text, published=date(2021, 8, 9), title="全国碳市场") == {
        ("carbon_national_price", "2021-07-16", 51.23, "exact", False)
    }


# ------------------------------------------------------------ 6. revisions


@pytest.mark.parametrize(
    ("text", "published", "expected", "old"),
    [
        (
            "2021年上半年交易总金额由此前公布的520亿元修订为546亿元。",
            JULY_2022,
            ("telecom_ma_value", "2021-H1", 546.0, "exact", False),
            520.0,
        ),
        (
            "2018年中国电信行业并购交易总金额由612亿元下修至598亿元。",
            date(2020, 5, 25),
            ("telecom_ma_value", "2018", 598.0, "exact", False),
            612.0,
        ),
        (
            "2020年全国社会物流总额从初步核算的298.0万亿元调整为300.1万亿元。",
            date(2021, 5, 10),
            ("logistics_total", "2020", 300.1, "exact", False),
            298.0,
        ),
    ],
)
def test_only_the_new_value_of_a_revision_is_stated(text, published, expected, old):
    observations, unassigned = run(text, published=published, title="电信并购 物流")
    assert {(o.indicator, o.period, o.value, o.qualifier, o.forecast) for o in observations} == {
        expected
    }
    assert old in {u.value for u in unassigned}


def test_a_rise_from_one_year_to_the_next_is_no_revision():
    text = "2020年中国电信行业交易总金额从2019年的367亿元跃升至1,750亿元。"
    assert mapped(text, published=date(2021, 4, 26), title="电信并购") == {
        ("telecom_ma_value", "2019", 367.0, "exact", False),
        ("telecom_ma_value", "2020", 1750.0, "exact", False),
    }


# ------------------------------------------------------------ 7. year to date


def test_year_to_date_is_not_the_cumulative_total_since_launch():
    text = (
        "截至2022年7月15日，全国碳市场累计成交量1.94亿吨，累计成交额84.92亿元，"
        "其中今年以来累计成交量1,521万吨，累计成交额8.31亿元。"
    )
    observations, unassigned = run(text, title="全国碳市场")
    assert {(o.indicator, o.period, o.value) for o in observations} == {
        ("carbon_national_cum_volume", "2022-07-15", 1.94),
        ("carbon_national_cum_turnover", "2022-07-15", 84.92),
    }
    ytd = {u.value: u for u in unassigned}
    # Since January up to the day named, not up to the end of July.
    assert ytd[1521.0].suggested_period == ytd[8.31].suggested_period == "2022-01-01/2022-07-15"
    assert ytd[1521.0].suggested_indicator is None  # not the since-launch series


@pytest.mark.parametrize(
    "text",
    [
        "今年以来，全国碳市场累计成交量1,521万吨。",
        "受疫情影响，全国碳市场年内累计成交量1,286万吨，成交额2.9亿元。",
        "截至6月底，全国碳市场年初至今累计成交量1,286万吨。",
    ],
)
def test_other_year_to_date_phrasings_stay_out_of_the_cumulative_series(text):
    assert mapped(text, title="全国碳市场") == set()


# ------------------------------------------------------------ 8. comparison bases


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


# ------------------------------------------------------------ 9. a source before a generic name


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


# ------------------------------------------------------------ 10. a milestone before the value


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


# ------------------------------------------------------------ 11. thresholds in relative clauses


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


# ------------------------------------------------------------ 12. signs of unassigned figures


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


# ------------------------------------------------------------ 13. shares

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


# ------------------------------------------------------------ 5. table rows

LPI_TABLE = (
    "从景气指数看，物流需求继续恢复。\n"
    "6月物流业景气指数分项：\n"
    "业务总量指数：52.1%\n"
    "新订单指数：53.3%，较上月回升3.1个百分点\n"
    "设备利用率指数：50.4%\n"
    "快递方面，上半年快递业务量同比增长3.7%。"
)


def test_text_rows_are_statements_dated_by_their_caption():
    assert mapped(LPI_TABLE, title="物流运行") == {
        ("logistics_business_index", "2022-06", 52.1, "exact", False),
        ("logistics_new_orders_index", "2022-06", 53.3, "exact", False),
    }


def test_a_caption_of_another_index_frames_its_rows_out_of_the_lpi():
    text = LPI_TABLE.replace("6月物流业景气指数分项", "6月电商物流指数分项")
    assert mapped(text, title="物流运行") == set()


def test_rows_after_prose_with_figures_take_no_period_from_it():
    # The line before the rows states a figure: it is prose, not a caption.
    text = (
        "上半年社会物流总额159.6万亿元。\n"
        "物流业总收入：5.9万亿元\n"
        "社会物流总额：159.6万亿元，同比增长3.1%"
    )
    got = mapped(text)
    assert got == {("logistics_total", "2022-H1", 159.6, "exact", False)}


def test_every_measure_of_a_text_row_counts():
    text = "2022年上半年物流运行主要指标：\n社会物流总额：159.6万亿元，同比增长3.1%\n物流业总收入：5.9万亿元，同比增长5.1%"
    assert mapped(text) == {
        ("logistics_total", "2022-H1", 159.6, "exact", False),
        ("logistics_total_yoy", "2022-H1", 3.1, "exact", False),
        ("logistics_revenue", "2022-H1", 5.9, "exact", False),
        ("logistics_revenue_yoy", "2022-H1", 5.1, "exact", False),
    }


def test_a_stock_in_a_row_takes_the_caption_s_as_of_date():
    text = "截至2022年6月底全国碳市场运行情况：\n累计成交量：1.94亿吨\n累计成交额：84.92亿元"
    assert mapped(text, title="全国碳市场") == {
        ("carbon_national_cum_volume", "2022-06", 1.94, "exact", False),
        ("carbon_national_cum_turnover", "2022-06", 84.92, "exact", False),
    }


def test_docx_cells_take_their_column_and_the_unit_of_their_header():
    text = (
        "表1 物流运行主要指标\n"
        "指标（万亿元） | 2021年 | 2022年上半年\n"
        "社会物流总额 | 335.2 | 159.6\n"
        "物流业总收入 | 11.9 | 5.9"
    )
    assert mapped(text) == {
        ("logistics_total", "2021", 335.2, "exact", False),
        ("logistics_total", "2022-H1", 159.6, "exact", False),
        ("logistics_revenue", "2021", 11.9, "exact", False),
        ("logistics_revenue", "2022-H1", 5.9, "exact", False),
    }


def test_docx_cells_under_a_measure_column_are_that_measure_for_the_caption_period():
    text = (
        "2022年上半年物流运行情况\n"
        "指标 | 数值 | 同比增长\n"
        "社会物流总额 | 159.6万亿元 | 3.1%\n"
        "物流业总收入 | 5.9万亿元 | 5.1%"
    )
    assert mapped(text) == {
        ("logistics_total", "2022-H1", 159.6, "exact", False),
        ("logistics_total_yoy", "2022-H1", 3.1, "exact", False),
        ("logistics_revenue", "2022-H1", 5.9, "exact", False),
        ("logistics_revenue_yoy", "2022-H1", 5.1, "exact", False),
    }


def test_a_two_cell_docx_row_reads_like_a_text_row():
    text = "6月物流业景气指数分项\n业务总量指数 | 52.1%\n新订单指数 | 53.3%"
    assert mapped(text, title="物流") == {
        ("logistics_business_index", "2022-06", 52.1, "exact", False),
        ("logistics_new_orders_index", "2022-06", 53.3, "exact", False),
    }


def test_a_bare_number_without_a_unit_anywhere_is_not_read():
    text = "2022年上半年物流运行情况\n指标 | 数值\n社会物流总额 | 159.6"
    assert mapped(text) == set()


# ------------------------------------------------------------ more phrasings of the kinds above


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


def test_a_forecast_ends_at_a_semicolon():
    text = (
        "1—5月，社会物流总额131.9万亿元，预计上半年将超过160万亿元；"
        "物流业总收入累计完成4.9万亿元，同比增长4.2%。"
    )
    got = mapped(text, published=date(2023, 6, 26))
    assert ("logistics_total", "2023-H1", 160.0, "more_than", True) in got
    assert ("logistics_revenue", "2023-01/2023-05", 4.9, "exact", False) in got
    assert ("logistics_revenue_yoy", "2023-01/2023-05", 4.2, "exact", False) in got


def test_periods_opening_the_clause_before_respectively_are_its_list():
    text = "分季度看，去年一季度和四季度电信行业并购较为活跃，分别完成交易36笔和34笔。"
    assert mapped(text, published=date(2022, 3, 7), title="电信并购") == {
        ("telecom_ma_deals", "2021-Q1", 36.0, "exact", False),
        ("telecom_ma_deals", "2021-Q4", 34.0, "exact", False),
    }


def test_a_second_clause_naming_a_noun_of_its_own_keeps_it_and_shares_the_periods():
    text = (
        "2020年上半年和下半年，电信行业并购交易数量分别为61笔和87笔，"
        "交易金额分别为420亿元和1,330亿元。"
    )
    assert mapped(text, published=date(2021, 2, 22), title="电信并购") == {
        ("telecom_ma_deals", "2020-H1", 61.0, "exact", False),
        ("telecom_ma_deals", "2020-H2", 87.0, "exact", False),
        ("telecom_ma_value", "2020-H1", 420.0, "exact", False),
        ("telecom_ma_value", "2020-H2", 1330.0, "exact", False),
    }


def test_a_cumulative_sum_over_a_whole_year_is_no_level():
    text = (
        "截至2020年12月底，试点碳市场累计配额成交量4.33亿吨。"
        "2020年全年，各试点碳市场累计成交4,227万吨。"
    )
    observations, unassigned = run(text, published=date(2021, 1, 25), title="试点碳市场")
    assert {(o.indicator, o.period, o.value) for o in observations} == {
        ("carbon_pilot_cum_volume", "2020-12", 4.33)
    }
    assert {(u.value, u.suggested_period) for u in unassigned} == {(4227.0, "2020")}


def test_a_quarter_of_a_deal_count_written_with_di():
    text = "前三季度电信行业完成并购交易103笔，其中第三季度完成交易42笔。"
    assert ("telecom_ma_deals", "2020-Q3", 42.0, "exact", False) in mapped(
        text, published=date(2020, 11, 9), title="电信并购"
    )


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


# ------------------------------------------------------------ plainly written catalog entries

PLAIN = parse_catalog(
    (__import__("pathlib").Path(__file__).parent / "data" / "new_indicators.yaml").read_text(
        encoding="utf-8"
    )
)


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


# ------------------------------------------------------------ suggestions for the reviewer

TWINS = parse_catalog(
    """
indicators:
  - {id: parcels_a, name_zh: 快递业务量A, name_en: A, category: 快递, unit: 亿件, kind: flow,
     measure: level, description: A, aliases: [快递业务量]}
  - {id: parcels_b, name_zh: 快递业务量B, name_en: B, category: 快递, unit: 亿件, kind: flow,
     measure: level, description: B, aliases: [快递业务量]}
"""
)


def test_two_series_that_tie_leave_the_figure_unassigned_with_a_guess():
    observations, unassigned = run("上半年快递业务量512.2亿件。", catalog=TWINS)
    assert observations == []
    (figure,) = unassigned
    assert (figure.suggested_indicator, figure.suggested_period) == ("parcels_a", "2022-H1")


def test_a_conflicting_repeat_is_suggested_under_its_series_and_period():
    text = "上半年社会物流总额159.6万亿元。上半年社会物流总额为160.2万亿元。"
    observations, unassigned = run(text)
    assert observations == []
    assert {(u.value, u.suggested_indicator, u.suggested_period) for u in unassigned} == {
        (159.6, "logistics_total", "2022-H1"),
        (160.2, "logistics_total", "2022-H1"),
    }


def test_a_flow_whose_period_is_left_open_is_suggested_without_a_period():
    observations, unassigned = run("社会物流总额159.6万亿元。")
    assert observations == []
    assert [(u.suggested_indicator, u.suggested_period) for u in unassigned] == [
        ("logistics_total", None)
    ]


def test_figures_that_fit_nothing_carry_no_suggestion():
    _, unassigned = run("上半年全国铁路货运量24.6亿吨。")
    assert [(u.suggested_indicator, u.suggested_period) for u in unassigned] == [(None, None)]


def test_a_table_whose_rows_are_months_and_columns_are_series():
    text = "月份 | 业务总量指数 | 新订单指数\n5月 | 49.3% | 48.7%\n6月 | 52.1% | 53.3%"
    assert mapped(text, title="物流景气") == {
        ("logistics_business_index", "2022-05", 49.3, "exact", False),
        ("logistics_new_orders_index", "2022-05", 48.7, "exact", False),
        ("logistics_business_index", "2022-06", 52.1, "exact", False),
        ("logistics_new_orders_index", "2022-06", 53.3, "exact", False),
    }


def test_a_line_introducing_rows_with_a_colon_dates_them_even_with_a_figure():
    text = (
        "从景气指数看，5月份物流业景气指数为48.7%，主要分项如下：\n"
        "业务总量指数：48.7%\n"
        "新订单指数：47.2%"
    )
    assert mapped(text, title="物流") == {
        ("logistics_business_index", "2022-05", 48.7, "exact", False),
        ("logistics_new_orders_index", "2022-05", 47.2, "exact", False),
    }


def test_a_cumulative_total_at_a_quarter_s_end_is_a_level_not_a_sum():
    assert mapped("一季度末，全国碳市场累计成交量1.9亿吨。", title="全国碳市场") == {
        ("carbon_national_cum_volume", "2022-03", 1.9, "exact", False)
    }


# ------------------------------------------------------------ subjects carried past comments


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


@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        # Who revises (IDC 据此将, 报告同时将) names no subject; the generic noun is bare.
        (
            "IDC据此将2021年全年市场规模的预测值由此前的4.2亿美元下修为3.9亿美元。",
            "人工智能研发平台",
            {("ai_rd_platform_market", "2021", 3.9, "exact", True)},
        ),
        (
            "报告同时将2021年上半年的交易笔数由50笔上调至54笔，下半年则完成交易61笔。",
            "电信并购",
            {
                ("telecom_ma_deals", "2021-H1", 54.0, "exact", False),
                ("telecom_ma_deals", "2021-H2", 61.0, "exact", False),
            },
        ),
    ],
)
def test_a_source_revising_its_figure_names_no_subject(text, title, expected):
    assert mapped(text, published=date(2022, 3, 1), title=title) == expected


def test_a_company_acting_on_a_generic_noun_is_still_no_series():
    assert mapped("某公司将交易金额由300亿元上调至320亿元。", title="电信并购") == set()


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
    "text", ["比2020年全年的833.6亿件多出近250亿件。", "比上年高出249.4亿件。"]
)
def test_a_difference_written_with_chu_is_no_level(text):
    got = mapped("2021年快递业务量1083.0亿件，" + text, catalog=CATALOG.with_overlay(PLAIN))
    assert {o[2] for o in got} <= {1083.0, 833.6}


# ------------------------------------------------------------ more comparison bases


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


# ------------------------------------------------------------ more 分别 / 依次 lists


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # A run of quarters before as many figures lists them.
        (
            "分季度看，一至四季度社会物流总额同比增速依次为6.2%、5.1%、4.3%和3.9%。",
            date(2023, 2, 27),
            {("2022-Q1", 6.2), ("2022-Q2", 5.1), ("2022-Q3", 4.3), ("2022-Q4", 3.9)},
        ),
        (
            "去年一季度至三季度社会物流总额同比分别增长6.2%、5.1%和4.3%。",
            date(2023, 2, 27),
            {("2022-Q1", 6.2), ("2022-Q2", 5.1), ("2022-Q3", 4.3)},
        ),
        # Periods described before their names ("…的 1—2 月").
        (
            "疫情最为严重的1—2月与逐步复工复产的3月，社会物流总额同比分别下降9.6%和3.3%。",
            date(2020, 5, 25),
            {("2020-01/2020-02", -9.6), ("2020-03", -3.3)},
        ),
    ],
)
def test_runs_of_quarters_and_described_periods_are_lists(text, published, expected):
    assert {(o[1], o[2]) for o in mapped(text, published=published)} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A run of quarters over fewer figures is one span.
        (
            "一至三季度，社会物流总额235.0万亿元，同比增长5.2%。",
            {("logistics_total", "2021-01/2021-09"), ("logistics_total_yoy", "2021-01/2021-09")},
        ),
        (
            "一至三季度，新能源汽车产销分别完成216.6万辆和215.7万辆。",
            {("nev_sales", "2021-01/2021-09")},
        ),
        # … and a first half when it is two quarters.
        ("一至二季度社会物流总额150.0万亿元。", {("logistics_total", "2021-H1")}),
    ],
)
def test_a_run_of_quarters_is_one_span_otherwise(text, expected):
    got = mapped(text, published=date(2021, 11, 25), catalog=CATALOG.with_overlay(PLAIN))
    assert {o[:2] for o in got} == expected


@pytest.mark.parametrize(
    "text",
    [
        "截至2022年底，全国碳市场与7个试点碳市场的累计成交量分别为2.30亿吨和5.62亿吨，"
        "累计成交额分别为104.75亿元和150.8亿元。",
        "截至2022年底，全国碳市场和7个试点碳市场的累计成交量依次为2.30亿吨和5.62亿吨；"
        "累计成交额依次为104.75亿元和150.8亿元。",
    ],
)
def test_owners_of_one_noun_after_de_own_the_next_noun_too(text):
    assert {o[:3] for o in mapped(text, published=date(2023, 3, 27), title="碳市场")} == {
        ("carbon_national_cum_volume", "2022-12", 2.3),
        ("carbon_pilot_cum_volume", "2022-12", 5.62),
        ("carbon_national_cum_turnover", "2022-12", 104.75),
        ("carbon_pilot_cum_turnover", "2022-12", 150.8),
    }


# ------------------------------------------------------------ a figure named after it


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


# ------------------------------------------------------------ more table rows


def test_bare_numbers_under_a_caption_naming_their_unit():
    text = (
        "6月份物流业景气指数主要分项（%）：\n"
        "业务总量指数：52.1\n"
        "新订单指数：53.3\n"
        "从业人员指数：49.2"
    )
    assert mapped(text, title="物流") == {
        ("logistics_business_index", "2022-06", 52.1, "exact", False),
        ("logistics_new_orders_index", "2022-06", 53.3, "exact", False),
    }


def test_bare_numbers_without_a_unit_are_no_figures():
    text = "6月份物流业景气指数主要分项：\n业务总量指数：52.1\n新订单指数：53.3"
    assert mapped(text, title="物流") == set()


@pytest.mark.parametrize(
    "caption",
    ["2022年4—6月物流业新订单指数", "近三个月物流业新订单指数：", "物流业新订单指数（%）"],
)
def test_rows_named_by_periods_are_about_what_the_caption_names(caption):
    text = f"{caption}\n4月：47.2%\n5月：48.9%\n6月：53.3%"
    assert mapped(text, title="物流") == {
        ("logistics_new_orders_index", "2022-04", 47.2, "exact", False),
        ("logistics_new_orders_index", "2022-05", 48.9, "exact", False),
        ("logistics_new_orders_index", "2022-06", 53.3, "exact", False),
    }


def test_rows_named_by_periods_under_a_caption_of_another_index_stay_out():
    text = "2022年4—6月中国仓储指数\n4月：47.2%\n5月：48.9%\n6月：53.3%"
    assert mapped(text, title="物流") == set()


# ------------------------------------------------------------ bracketed dates


@pytest.mark.parametrize(
    "text",
    [
        "2022年最后一个交易日（12月30日），全国碳市场收盘价为55.00元/吨。",
        "上半年最后一个交易日(6月30日)全国碳市场收盘价为55.00元/吨。",
    ],
)
def test_a_date_in_brackets_names_the_day_the_words_before_it_mean(text):
    got = mapped(text, published=date(2023, 3, 27), title="全国碳市场")
    assert {o[:3] for o in got} <= {
        ("carbon_national_price", "2022-12-30", 55.0),
        ("carbon_national_price", "2022-06-30", 55.0),
    }
    assert len(got) == 1


def test_a_date_in_brackets_after_a_figure_stays_with_that_figure():
    text = "2022年全国碳市场累计成交量2.30亿吨（截至12月31日），收盘价55.00元/吨。"
    got = mapped(text, published=date(2023, 3, 27), title="全国碳市场")
    assert ("carbon_national_price", "2022-12", 55.0, "exact", False) in got


def test_a_forecast_naming_its_year_goes_on_past_a_semicolon_only_while_it_projects():
    catalog = CATALOG.with_overlay(PLAIN)
    projected = "中物联预计，2023年社会物流总额将超过360万亿元；物流业总收入将达到13.5万亿元。"
    assert mapped(projected, published=date(2023, 2, 27), catalog=catalog) == {
        ("logistics_total", "2023", 360.0, "more_than", True),
        ("logistics_revenue", "2023", 13.5, "exact", True),
    }
    reported = "中物联预计，2023年社会物流总额将超过360万亿元；物流业总收入累计完成12.7万亿元。"
    assert mapped(reported, published=date(2023, 2, 27), catalog=catalog) == {
        ("logistics_total", "2023", 360.0, "more_than", True)
    }


def test_a_flow_summed_since_january_up_to_a_day_is_suggested_not_placed():
    catalog = CATALOG.with_overlay(PLAIN)
    text = "截至11月16日，今年以来快递业务量已突破700亿件。"
    observations, unassigned = run(text, published=date(2020, 11, 23), catalog=catalog)
    assert observations == []
    assert [(u.suggested_indicator, u.suggested_period) for u in unassigned] == [
        ("express_volume", "2020-01-01/2020-11-16")
    ]
    # Up to a month's last day it is the months since January.
    text = "截至10月31日，今年以来快递业务量累计完成643.6亿件。"
    assert mapped(text, published=date(2020, 11, 23), catalog=catalog) == {
        ("express_volume", "2020-01/2020-10", 643.6, "exact", False)
    }


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


def test_a_round_magnitude_forecast_after_its_source():
    text = "普华永道预计，随着投资加快，电信行业交易总金额将在2023年重回千亿元以上。"
    assert mapped(text, published=date(2023, 3, 1), title="电信并购") == {
        ("telecom_ma_value", "2023", 1000.0, "more_than", True)
    }


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
        "2021年电信行业交易总金额修正为1,036亿元（此前为1,020亿元）。",
        "2021年电信行业交易总金额为1,036亿元（初值为1,020亿元）。",
    ],
)
def test_the_old_value_named_after_the_new_one_in_other_words(text):
    assert mapped(text, title="电信并购") == {("telecom_ma_value", "2021", 1036.0, "exact", False)}


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


def test_a_base_followed_by_a_change_keeps_its_series():
    text = "截至6月末，5G移动电话用户达到4.55亿户，较上年末的3.55亿户净增1亿户。"
    assert mapped(text, catalog=CATALOG.with_overlay(PLAIN), title="通信") == {
        ("connections_5g", "2022-06", 4.55, "exact", False),
        ("connections_5g", "2021-12", 3.55, "exact", False),
    }


# ------------------------------------------------------------ 上年 after a named year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # In an issue of 2024 about 2023, 上年 is 2022: the year before the one named.
        (
            "2023年L2级乘用车新车渗透率达到47.3%，比上年的34.5%提高12.8个百分点。",
            {("l2_penetration", "2023", 47.3), ("l2_penetration", "2022", 34.5)},
        ),
        (
            "2023年上半年电信行业并购交易金额305亿元，较上年同期的387亿元下降21.2%。",
            {("telecom_ma_value", "2023-H1", 305.0), ("telecom_ma_value", "2022-H1", 387.0)},
        ),
        (
            "2023年上半年电信行业并购交易金额305亿元，较去年同期的387亿元下降21.2%。",
            {("telecom_ma_value", "2023-H1", 305.0), ("telecom_ma_value", "2022-H1", 387.0)},
        ),
        # Without a year named, 上年 is the issue's year before.
        (
            "上半年L2级乘用车新车渗透率达到47.3%，比上年全年的34.5%提高12.8个百分点。",
            {("l2_penetration", "2024-H1", 47.3), ("l2_penetration", "2023", 34.5)},
        ),
    ],
)
def test_shang_nian_is_the_year_before_the_one_the_sentence_named(text, expected):
    got = mapped(text, published=date(2024, 8, 26), title="电信并购 智能网联")
    assert {o[:3] for o in got} == expected


def test_words_of_sequence_between_figures_name_nothing():
    text = "一季度物流业总收入同比下降0.6%，此后逐季回升，带动上半年同比增长2.1%。"
    assert ("logistics_revenue_yoy", "2023-H1", 2.1) in {
        o[:3] for o in mapped(text, published=date(2023, 7, 31))
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2022年，全国碳市场碳排放配额收盘价为55.00元/吨（12月30日）。",
            {("carbon_national_price", "2022-12-30", 55.0)},
        ),
        (
            "2022年全国碳市场配额累计成交量2.30亿吨（截至12月31日）。",
            {("carbon_national_cum_volume", "2022-12-31", 2.3)},
        ),
    ],
)
def test_a_date_in_brackets_right_after_a_figure_dates_that_figure(text, expected):
    assert {o[:3] for o in mapped(text, published=date(2023, 3, 27), title="全国碳市场")} == (
        expected
    )


@pytest.mark.parametrize(
    "text",
    [
        # Parallel owners: the words after the word both owners end with complete the first.
        "截至2022年底，全国碳市场和地方试点碳市场累计成交量分别为2.30亿吨和5.62亿吨。",
        # A run of quarters opening the clause before 依次.
        "1至4季度，社会物流总额同比增速依次为24.2%、10.7%、5.3%和4.4%。",
    ],
)
def test_lists_written_without_de_or_with_a_run_before_the_clause(text):
    got = {o[:2] for o in mapped(text, published=date(2023, 3, 27), title="碳市场 物流")}
    assert got in (
        {("carbon_national_cum_volume", "2022-12"), ("carbon_pilot_cum_volume", "2022-12")},
        {("logistics_total_yoy", f"2022-Q{q}") for q in range(1, 5)},
    )


def test_a_single_place_before_a_market_in_a_list_stays_a_single_place():
    text = (
        "截至4月底，7个试点碳市场累计成交量4.06亿吨。"
        "其中，湖北、广东碳市场累计成交量分别为1.6亿吨和1.4亿吨。"
    )
    assert mapped(text, published=date(2022, 5, 23), title="试点碳市场") == {
        ("carbon_pilot_cum_volume", "2022-04", 4.06, "exact", False)
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2022年上半年电信行业交易总金额此前公布为520亿元，现修正为546亿元。",
            {("telecom_ma_value", "2022-H1", 546.0)},
        ),
        (
            "2021年物流业总收入初步核算为11.9万亿元，最终核实为12.0万亿元。",
            {("logistics_revenue", "2021", 12.0)},
        ),
        # A first estimate with nothing replacing it is the statement.
        (
            "2021年物流业总收入初步核算为11.9万亿元，同比增长15.1%。",
            {("logistics_revenue", "2021", 11.9), ("logistics_revenue_yoy", "2021", 15.1)},
        ),
    ],
)
def test_an_old_value_then_the_new_one_in_the_next_clause(text, expected):
    assert {o[:3] for o in mapped(text, published=date(2023, 3, 27), title="电信并购")} == (
        expected
    )


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
    ("text", "expected"),
    [
        # The year on the first bare item holds for the list (the issue is of 2022).
        (
            "社会物流总额2021年一、二、三季度分别增长24.2%、10.7%和5.3%。",
            {("2021-Q1", 24.2), ("2021-Q2", 10.7), ("2021-Q3", 5.3)},
        ),
        (
            "2021年一、二、三季度，社会物流总额同比分别增长24.2%、10.7%和5.3%。",
            {("2021-Q1", 24.2), ("2021-Q2", 10.7), ("2021-Q3", 5.3)},
        ),
        ("社会物流总额2021年1、2月分别增长24.2%和10.7%。", {("2021-01", 24.2), ("2021-02", 10.7)}),
    ],
)
def test_a_bare_list_of_periods_keeps_the_year_its_first_item_names(text, expected):
    got = mapped(text, published=date(2022, 4, 25))
    assert {(o[1], o[2]) for o in got if o[0] == "logistics_total_yoy"} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "L2级乘用车渗透率2021年上、下半年分别为17%和28.9%，今年一季度进一步升至30.1%。",
            {
                ("l2_penetration", "2021-H1", 17.0),
                ("l2_penetration", "2021-H2", 28.9),
                ("l2_penetration", "2022-Q1", 30.1),
            },
        ),
        (
            "去年上、下半年，电信行业并购交易金额分别为281亿元和311亿元。",
            {("telecom_ma_value", "2021-H1", 281.0), ("telecom_ma_value", "2021-H2", 311.0)},
        ),
        (
            "2021年电信行业并购交易金额为592亿元。分半年看，上、下半年分别完成并购交易47笔和49笔。",
            {
                ("telecom_ma_value", "2021", 592.0),
                ("telecom_ma_deals", "2021-H1", 47.0),
                ("telecom_ma_deals", "2021-H2", 49.0),
            },
        ),
    ],
)
def test_halves_listed_as_shang_xia_ban_nian(text, expected):
    assert {o[:3] for o in mapped(text, published=date(2022, 4, 25))} == expected


@pytest.mark.parametrize(
    "text",
    [
        "上、下游企业分别完成并购交易47笔和49笔。",
        "一、二线城市L2级乘用车渗透率分别为17%和28.9%。",
    ],
)
def test_a_list_of_other_things_with_shang_xia_or_numbers_names_no_periods(text):
    got = mapped(text, published=date(2022, 4, 25))
    assert not any(o[1].endswith(("H1", "H2", "Q1", "Q2")) for o in got)


@pytest.mark.parametrize(
    "text",
    [
        "上半年全国社会物流总额171.3万亿元，同比增长5.6%；第一季度、第二季度分别增长5.9%和5.3%。",
        "上半年全国社会物流总额171.3万亿元，同比增长5.6%；一、二季度分别增长5.9%和5.3%。",
        "上半年全国社会物流总额171.3万亿元，同比增长5.6%；第一、第二季度分别增长5.9%和5.3%。",
        "上半年全国社会物流总额171.3万亿元，同比增长5.6%，一季度、二季度分别增长5.9%和5.3%。",
    ],
)
def test_a_list_of_periods_without_a_noun_speaks_of_the_series_before(text):
    got = mapped(text, published=date(2025, 7, 25))
    assert {(o[1], o[2]) for o in got if o[0] == "logistics_total_yoy"} == {
        ("2025-H1", 5.6),
        ("2025-Q1", 5.9),
        ("2025-Q2", 5.3),
    }


def test_a_list_of_other_things_after_a_series_is_not_that_series():
    text = "上半年全国社会物流总额171.3万亿元，同比增长5.6%；上、下游企业分别增长5.9%和5.3%。"
    got = mapped(text, published=date(2025, 7, 25))
    assert {(o[1], o[2]) for o in got if o[0] == "logistics_total_yoy"} == {("2025-H1", 5.6)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2024年人工智能研发平台市场规模为15.2亿美元。IDC预计，该市场规模将于2029年达到68.4亿美元。",
            ("ai_rd_platform_market", "2029", 68.4, "exact", True),
        ),
        (
            "2024年人工智能研发平台市场规模为15.2亿美元，其中下半年8.6亿美元。"
            "IDC预计，这一市场规模有望于2027年突破40亿美元。",
            ("ai_rd_platform_market", "2027", 40.0, "more_than", True),
        ),
        (
            "2024年人工智能研发平台市场规模为15.2亿美元，已于2023年超过10亿美元。",
            ("ai_rd_platform_market", "2023", 10.0, "more_than", False),
        ),
    ],
)
def test_a_bare_yu_before_a_period_says_when(text, expected):
    got = mapped(text, published=date(2025, 7, 25))
    assert expected in got
    assert not any(o[2] == expected[2] and o[1] != expected[1] for o in got)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A period after a word of degree + 于 is a comparison, no figure's period.
        ("2024年人工智能研发平台市场规模为15.2亿美元，高于2023年水平。", {"2024"}),
        # With no figure in its clause, 于 dates an event: a stock after it is undated.
        (
            "全国碳排放权交易市场将于7月择机启动上线交易，首批纳入的全国重点排放单位2,225家。",
            {"2025-07"},
        ),
        ("全国碳市场于2021年7月16日启动上线交易，累计成交量4.3亿吨。", {"2025-07"}),
    ],
)
def test_yu_after_a_word_of_degree_or_before_an_event_dates_no_figure(text, expected):
    assert {o[1] for o in mapped(text, published=date(2025, 7, 25))} == expected


@pytest.mark.parametrize(
    "text",
    [
        "2024年电信行业并购交易总金额初值为580亿元，经补充统计修正为592亿元。",
        "2024年电信行业并购交易总金额此前公布为580亿元，经核实后修正为592亿元。",
        "2024年电信行业并购交易总金额初步统计为580亿元，后经普华永道补充统计上调至592亿元。",
        "2024年电信行业并购交易总金额初步核算为580亿元，随后经重新核定调整为592亿元。",
    ],
)
def test_the_new_value_after_who_revised_it(text):
    got = mapped(text, published=date(2025, 7, 25))
    assert {o[:3] for o in got} == {("telecom_ma_value", "2024", 592.0)}


def test_a_move_of_another_noun_after_a_first_estimate_is_no_revision():
    text = "2024年电信行业并购交易总金额初步统计为580亿元，物流业总收入上调至5.92万亿元。"
    got = mapped(text, published=date(2025, 7, 25))
    assert {o[:3] for o in got} == {
        ("telecom_ma_value", "2024", 580.0),
        ("logistics_revenue", "2024", 5.92),
    }


@pytest.mark.parametrize(
    "text",
    [
        "截至4月26日，全国碳市场累计成交量4.57亿吨，其中今年以来累计成交量约1,500万吨；"
        "而截至2023年底，累计成交量为4.42亿吨，累计成交额249.19亿元。",
        "今年以来，全国碳市场累计成交量1,500万吨；截至2023年底，全国碳市场累计成交量为4.42亿吨，"
        "累计成交额249.19亿元。",
    ],
)
def test_an_as_of_date_of_an_earlier_year_ends_the_year_to_date(text):
    got = {o[:3] for o in mapped(text, published=date(2024, 5, 6))}
    assert ("carbon_national_cum_volume", "2023-12", 4.42) in got
    assert ("carbon_national_cum_turnover", "2023-12", 249.19) in got
    assert not any(o[2] == 1500 or o[2] == 0.15 for o in got)


def test_an_as_of_date_of_this_year_after_year_to_date_stays_a_sum():
    text = "今年以来，截至4月26日，全国碳市场累计成交量1,500万吨，累计成交额8.1亿元。"
    assert mapped(text, published=date(2024, 5, 6)) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2024年中国电信行业共完成并购交易89笔，上、下半年交易金额分别为281亿元和311亿元。",
            {("telecom_ma_value", "2024-H1", 281.0), ("telecom_ma_value", "2024-H2", 311.0)},
        ),
        (
            "2024年，社会物流总额同比增长5.8%，一季度、二季度分别增长5.9%和5.3%。",
            {("logistics_total_yoy", "2024-Q1", 5.9), ("logistics_total_yoy", "2024-Q2", 5.3)},
        ),
        (
            "2024年社会物流总额同比增长5.8%；1—2月、3月分别增长5.9%和5.3%。",
            {
                ("logistics_total_yoy", "2024-01/2024-02", 5.9),
                ("logistics_total_yoy", "2024-03", 5.3),
            },
        ),
    ],
)
def test_a_listed_period_without_a_year_is_in_the_year_its_sentence_named(text, expected):
    assert expected <= {o[:3] for o in mapped(text, published=date(2025, 7, 25))}


def test_a_listed_period_without_a_year_in_a_sentence_without_one_is_the_latest():
    text = "社会物流总额同比增长5.8%，一季度、二季度分别增长5.9%和5.3%。"
    assert {o[:3] for o in mapped(text, published=date(2025, 7, 25))} == {
        ("logistics_total_yoy", "2025-Q1", 5.9),
        ("logistics_total_yoy", "2025-Q2", 5.3),
    }


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


@pytest.mark.parametrize(
    "text",
    [
        "中国电信行业并购持续活跃。在2023年上半年完成交易47笔、交易总金额305亿元的基础上，"
        "预计全年交易总金额约650亿元。",
        "中国电信行业并购持续活跃。继2023年上半年完成交易47笔、交易总金额305亿元之后，"
        "预计全年交易总金额约650亿元。",
    ],
)
def test_the_ground_a_projection_builds_on_is_reported(text):
    got = mapped(text, published=date(2023, 10, 10))
    assert {o[:3] + (o[4],) for o in got} == {
        ("telecom_ma_deals", "2023-H1", 47.0, False),
        ("telecom_ma_value", "2023-H1", 305.0, False),
        ("telecom_ma_value", "2023", 650.0, True),
    }


def test_a_generic_name_after_a_place_stays_out():
    text = "2023年上半年，中国电信行业完成并购交易47笔。在境外完成交易12笔。"
    assert {o[2] for o in mapped(text, published=date(2023, 10, 10))} == {47.0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2月份物流业景气指数主要分项（单位：%）\n业务总量指数：26.2\n新订单指数：24.9",
            {
                ("logistics_business_index", "2020-02", 26.2),
                ("logistics_new_orders_index", "2020-02", 24.9),
            },
        ),
        (
            "表1  2020年一季度物流运行主要指标（单位：万亿元）\n社会物流总额：59.1",
            {("logistics_total", "2020-Q1", 59.1)},
        ),
        (
            "表 2 2020 年一季度物流运行主要指标（万亿元）\n社会物流总额：59.1",
            {("logistics_total", "2020-Q1", 59.1)},
        ),
    ],
)
def test_a_caption_naming_its_unit_as_a_label(text, expected):
    assert {o[:3] for o in mapped(text, published=date(2020, 5, 23), title="物流")} == expected


def test_bare_rows_under_prose_that_names_a_unit_are_no_table():
    # Prose is no caption: its unit gives the rows none (and reading them must end).
    text = (
        "2月份，中国物流业景气指数降至26.2%，较1月份的50.1%骤降23.9个百分点，"
        "为该指数发布以来的最低水平，各分项指数全面回落，具体如下（单位：%）。\n"
        "业务总量指数：26.2\n新订单指数：24.9"
    )
    got = mapped(text, published=date(2020, 3, 23), title="物流")
    assert not any(o[0] in ("logistics_business_index", "logistics_new_orders_index") for o in got)


@pytest.mark.parametrize("text", ["社会物流总额首次突破万亿元（按现价计算）。", "全年突破千亿元，"])
def test_a_round_magnitude_before_other_brackets_is_still_a_figure(text):
    from loaders.quantities import find_quantities

    assert len(find_quantities(text)) == 1


@pytest.mark.parametrize("text", ["（单位：万亿元）", "主要指标（万亿元）", "单位：千亿元"])
def test_a_round_magnitude_named_as_a_unit_label_is_no_figure(text):
    from loaders.quantities import find_quantities

    assert find_quantities(text) == []


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
            "上半年，新能源汽车销量374.7万辆，同比增长44.1%；6月份销量80.6万辆。"
            "同期，L2级乘用车渗透率为42.4%。",
            "2023-H1",
        ),
        (
            "1—6月，新能源汽车销量374.7万辆；其中6月份销量80.6万辆。同期内，L2级乘用车渗透率为42.4%。",
            "2023-01/2023-06",
        ),
        ("1—6月，新能源汽车销量374.7万辆。同期，L2级乘用车渗透率为42.4%。", "2023-01/2023-06"),
    ],
)
def test_same_period_opening_a_sentence_is_the_period_the_one_before_was_about(text, expected):
    got = mapped(text, published=date(2023, 8, 10))
    assert {o[1] for o in got if o[0] == "l2_penetration"} == {expected}


def test_same_period_after_periods_side_by_side_is_left_to_the_reviewer():
    text = "1—6月，新能源汽车销量374.7万辆；7月份销量80.6万辆。同期，L2级乘用车渗透率为42.4%。"
    assert not any(o[0] == "l2_penetration" for o in mapped(text, published=date(2023, 8, 10)))
    (figure,) = [u for u in loose(text, published=date(2023, 8, 10)) if u.value == 42.4]
    assert figure.suggested_indicator == "l2_penetration"


def test_last_years_same_period_opening_a_sentence_keeps_its_year():
    text = "1—6月，L2级乘用车渗透率为42.4%；6月份为45.1%。去年同期，L2级乘用车渗透率为32.4%。"
    got = {o[:3] for o in mapped(text, published=date(2023, 8, 10))}
    assert ("l2_penetration", "2022-01/2022-06", 32.4) in got


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


def test_this_year_after_an_as_of_month_end_is_the_months_so_far():
    text = "截至11月底，今年全国快递业务量累计完成983.9亿件。"
    got = mapped(text, published=date(2021, 12, 27), catalog=CATALOG.with_overlay(PLAIN))
    assert {o[:3] for o in got} == {("express_volume", "2021-01/2021-11", 983.9)}


@pytest.mark.parametrize(
    "text",
    [
        "截至12月8日，今年我国快递业务量已突破1,000亿件，连续8年稳居世界第一。",
        "截至12月8日，本年全国快递业务量累计超过1,000亿件。",
    ],
)
def test_this_year_up_to_a_day_is_no_series_period(text):
    catalog = CATALOG.with_overlay(PLAIN)
    assert mapped(text, published=date(2021, 12, 27), catalog=catalog) == set()
    (figure,) = loose(text, published=date(2021, 12, 27), catalog=catalog)
    assert figure.suggested_period == "2021-01-01/2021-12-08"


def test_this_year_in_another_sentence_than_the_as_of_date_is_the_year():
    text = "截至11月底，全国碳市场累计成交量1.4亿吨。今年全国快递业务量将突破1,080亿件。"
    got = mapped(text, published=date(2021, 12, 27), catalog=CATALOG.with_overlay(PLAIN))
    assert ("express_volume", "2021", 1080.0, "more_than", True) in got
    assert ("carbon_national_cum_volume", "2021-11", 1.4, "exact", False) in got


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "今年以来，全国碳市场累计成交量约0.17亿吨；自上线以来累计成交量1.96亿吨。",
            ("carbon_national_cum_volume", "2022-10", 1.96),
        ),
        (
            "今年以来，全国碳市场累计成交量约0.17亿吨，上线交易以来累计成交额85.8亿元。",
            ("carbon_national_cum_turnover", "2022-10", 85.8),
        ),
        (
            "年初至今，全国碳市场累计成交量约0.17亿吨，开市以来累计成交量1.96亿吨。",
            ("carbon_national_cum_volume", "2022-10", 1.96),
        ),
    ],
)
def test_since_the_market_opened_ends_a_year_to_date(text, expected):
    got = {o[:3] for o in mapped(text, published=date(2022, 10, 31))}
    assert got == {expected}


def test_year_to_date_goes_on_without_words_of_the_start():
    text = "今年以来，全国碳市场累计成交量约0.17亿吨，累计成交额8.5亿元。"
    assert mapped(text, published=date(2022, 10, 31)) == set()


@pytest.mark.parametrize(
    "text",
    [
        "2022年以来，全国碳市场累计成交量约0.17亿吨。",
        "年内全国碳市场累计成交量约0.17亿吨。",
        "今年全国碳市场已累计成交0.17亿吨。",
        "本年全国碳市场累计成交量约0.17亿吨。",
    ],
)
def test_other_words_for_the_year_so_far_are_no_since_launch_total(text):
    assert mapped(text, published=date(2022, 10, 31)) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An earlier year: since before this year, the total since the market opened.
        (
            "2021年以来，全国碳市场累计成交量1.96亿吨。",
            ("carbon_national_cum_volume", "2022-10", 1.96),
        ),
        (
            "今年1—9月，全国快递业务量累计完成805.3亿件。",
            ("express_volume", "2022-01/2022-09", 805.3),
        ),
        ("预计今年全年快递业务量累计将超过1,100亿件。", ("express_volume", "2022", 1100.0)),
    ],
)
def test_this_year_with_a_period_of_its_own_or_another_year_keeps_it(text, expected):
    got = mapped(text, published=date(2022, 10, 31), catalog=CATALOG.with_overlay(PLAIN))
    assert {o[:3] for o in got} == {expected}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 同期 opening the next paragraph.
        (
            "上半年，新能源汽车销量374.7万辆；6月份销量80.6万辆。\n同期，L2级乘用车渗透率为42.4%。",
            {"2023-H1"},
        ),
        # A projection in the sentence before is no period it reported about.
        (
            "上半年L2级乘用车渗透率为42.4%，预计全年将超过45%。\n同期，L2级乘用车渗透率为42.4%。",
            {"2023-H1", "2023"},
        ),
        (
            "1—6月，新能源汽车销量374.7万辆；7月份销量80.6万辆。\n同期，L2级乘用车渗透率为42.4%。",
            set(),
        ),
    ],
)
def test_same_period_opening_a_paragraph(text, expected):
    got = mapped(text, published=date(2023, 8, 10))
    assert {o[1] for o in got if o[0] == "l2_penetration"} == expected


@pytest.mark.parametrize(
    "text",
    [
        "一季度、二季度、三季度和四季度，社会物流总额同比分别增长24.2%、10.7%、5.3%和4.4%。",
        "社会物流总额一、二、三、四季度同比分别增长24.2%、10.7%、5.3%和4.4%。",
    ],
)
def test_a_list_of_periods_naming_no_year_is_one_years(text):
    got = mapped(text, published=date(2022, 4, 25))
    assert {(o[1], o[2]) for o in got} == {
        ("2021-Q1", 24.2),
        ("2021-Q2", 10.7),
        ("2021-Q3", 5.3),
        ("2021-Q4", 4.4),
    }


@pytest.mark.parametrize(
    "text",
    [
        "去年四季度和今年一季度，社会物流总额同比分别增长4.4%和6.1%。",
        "四季度和一季度，社会物流总额同比分别增长4.4%和6.1%。",
    ],
)
def test_a_list_of_periods_across_a_new_year_keeps_its_years(text):
    got = mapped(text, published=date(2022, 4, 25))
    assert {(o[1], o[2]) for o in got} == {("2021-Q4", 4.4), ("2022-Q1", 6.1)}


@pytest.mark.parametrize(
    "text",
    [
        "2021年，全国碳市场和地方试点碳市场累计成交量分别为1.79亿吨和4.83亿吨，"
        "累计成交额分别为76.61亿元和118.6亿元。",
        "截至2021年底，全国碳市场、试点碳市场累计成交量分别为1.79亿吨和4.83亿吨，"
        "累计成交额分别为76.61亿元和118.6亿元。",
    ],
)
def test_a_second_list_naming_another_noun_keeps_the_owners_of_the_first(text):
    got = mapped(text, published=date(2022, 4, 25))
    assert {o[:3] for o in got} == {
        ("carbon_national_cum_volume", "2021-12", 1.79),
        ("carbon_pilot_cum_volume", "2021-12", 4.83),
        ("carbon_national_cum_turnover", "2021-12", 76.61),
        ("carbon_pilot_cum_turnover", "2021-12", 118.6),
    }


def test_a_second_list_after_single_places_lends_no_owner():
    text = (
        "截至2021年底，湖北和广东试点碳市场累计成交量分别为1.2亿吨和1.9亿吨，"
        "累计成交额分别为28亿元和40亿元。"
    )
    assert mapped(text, published=date(2022, 4, 25)) == set()


def test_a_column_named_by_the_tail_of_what_the_caption_names():
    text = (
        "表2 2022年上半年社会物流总额\n"
        "时期 | 总额（万亿元） | 同比增长（%）\n"
        "一季度 | 75.4 | 4.9\n"
        "上半年 | 156.5 | 3.1"
    )
    assert {o[:3] for o in mapped(text, published=date(2022, 8, 10))} == {
        ("logistics_total", "2022-Q1", 75.4),
        ("logistics_total_yoy", "2022-Q1", 4.9),
        ("logistics_total", "2022-H1", 156.5),
        ("logistics_total_yoy", "2022-H1", 3.1),
    }


def test_a_column_tail_under_a_caption_naming_another_total_stays_out():
    text = "2022年上半年工业品物流总额\n时期 | 总额（万亿元） | 同比增长（%）\n一季度 | 75.4 | 4.9"
    assert mapped(text, published=date(2022, 8, 10)) == set()


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
    ("text", "expected"),
    [
        (
            "7—9月各月，中国物流业景气指数分别为48.6%、49.2%和48.7%。",
            {
                ("logistics_lpi", "2022-07", 48.6),
                ("logistics_lpi", "2022-08", 49.2),
                ("logistics_lpi", "2022-09", 48.7),
            },
        ),
        (
            "今年前三个季度，社会物流总额同比分别增长4.9%、1.7%和3.9%。",
            {
                ("logistics_total_yoy", "2022-Q1", 4.9),
                ("logistics_total_yoy", "2022-Q2", 1.7),
                ("logistics_total_yoy", "2022-Q3", 3.9),
            },
        ),
        (
            "今年前三个季度，社会物流总额同比增长3.5%。",
            {("logistics_total_yoy", "2022-01/2022-09", 3.5)},
        ),
    ],
)
def test_a_run_of_months_or_quarters_gives_one_figure_each(text, expected):
    got = mapped(text, published=date(2022, 10, 31), catalog=CATALOG.with_overlay(PLAIN))
    assert {o[:3] for o in got} == expected


@pytest.mark.parametrize(
    "text",
    [
        # Fewer figures than months: which is whose is not said.
        "7—9月，社会物流总额同比分别增长3.5%和4.1%。",
        # A list of subjects pairs with the figures, the run is their common period.
        "7—9月，社会物流总额、物流业总收入同比分别增长3.5%、4.6%和5.1%。",
    ],
)
def test_a_run_that_does_not_pair_with_its_figures_gives_none_a_month(text):
    got = mapped(text, published=date(2022, 10, 31))
    assert not any(o[1] in ("2022-07", "2022-08", "2022-09") for o in got)


@pytest.mark.parametrize(
    "text",
    [
        "2023年，全国社会物流总额352.4万亿元，同比增长5.2%。分季度看，各季度增速分别为3.9%、5.4%、4.7%和5.4%。",
        "2023年四个季度，社会物流总额同比分别增长3.9%、5.4%、4.7%和5.4%。",
    ],
)
def test_the_quarters_of_the_year_talked_about(text):
    got = mapped(text, published=date(2024, 2, 26))
    assert {(o[1], o[2]) for o in got if o[0] == "logistics_total_yoy"} >= {
        ("2023-Q1", 3.9),
        ("2023-Q2", 5.4),
        ("2023-Q3", 4.7),
        ("2023-Q4", 5.4),
    }


@pytest.mark.parametrize(
    "text",
    [
        # Three figures for four quarters, or a half-year being talked about.
        "2023年，全国社会物流总额352.4万亿元。各季度增速分别为3.9%、5.4%和4.7%。",
        "上半年，全国社会物流总额160.6万亿元。各季度增速分别为3.9%、5.4%、4.7%和5.4%。",
    ],
)
def test_each_quarter_without_a_year_and_four_figures_names_no_quarter(text):
    got = mapped(text, published=date(2024, 2, 26))
    assert not any("-Q" in o[1] for o in got)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "中物联预计全年社会物流总额将增长5%左右，而一季度已实现增长4.3%。",
            {
                ("logistics_total_yoy", "2022-Q1", 4.3, False),
                ("logistics_total_yoy", "2022", 5.0, True),
            },
        ),
        (
            "预计全年社会物流总额增长5%左右，一季度实际增长4.3%。",
            {
                ("logistics_total_yoy", "2022-Q1", 4.3, False),
                ("logistics_total_yoy", "2022", 5.0, True),
            },
        ),
        (
            "预计今年L2级乘用车渗透率将超过30%，一季度已达到28.1%。",
            {("l2_penetration", "2022-Q1", 28.1, False), ("l2_penetration", "2022", 30.0, True)},
        ),
    ],
)
def test_a_clause_saying_what_already_happened_after_a_forecast_reports(text, expected):
    got = mapped(text, published=date(2022, 5, 10))
    assert {(o[0], o[1], o[2], o[4]) for o in got} == expected


def test_a_clause_after_a_forecast_that_projects_too_stays_projected():
    text = "预计二季度社会物流总额增速将回落，下半年社会物流总额有望增长6%左右。"
    got = mapped(text, published=date(2022, 5, 10))
    assert {(o[1], o[4]) for o in got} == {("2022-H2", True)}


@pytest.mark.parametrize(
    "text",
    [
        "预计全年社会物流总额增长5%左右，一季度社会物流总额为75.4万亿元。",
        "中物联预计全年社会物流总额增长5%左右，一季度社会物流总额为75.4万亿元，同比增长4.3%。",
    ],
)
def test_a_new_statement_after_a_forecast_with_a_period_read_either_way_is_left_open(text):
    got = mapped(text, published=date(2022, 5, 10))
    assert {o[:3] for o in got} == {("logistics_total_yoy", "2022", 5.0)}
    assert {u.value for u in loose(text, published=date(2022, 5, 10))} >= {75.4}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # No figure before the clause: the forecast reaches it.
        ("预计下半年物流需求将进一步释放，全年社会物流总额增长5%左右。", {("2022", 5.0, True)}),
        # A period named with its year reads one way only.
        (
            "中物联预计，2022年社会物流总额将增长5%左右，2022年下半年社会物流总额增长6%左右。",
            {("2022", 5.0, True), ("2022-H2", 6.0, True)},
        ),
    ],
)
def test_a_forecast_still_reaches_the_clauses_it_governs(text, expected):
    got = mapped(text, published=date(2022, 5, 10))
    assert {(o[1], o[2], o[4]) for o in got} == expected


def test_the_rest_of_a_sentence_after_an_open_same_period_stays_open():
    text = (
        "1—6月，社会物流总额同比增长3.1%；7月份同比增长3.8%。"
        "同期，新能源汽车销量374.7万辆，同比增长44.1%。"
    )
    got = mapped(text, published=date(2023, 8, 10), catalog=CATALOG.with_overlay(PLAIN))
    assert not any(o[0].startswith("nev_") for o in got)


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
        "2021年上半年电信行业并购交易总金额由520亿元调增至546亿元。",
        "2021年上半年电信行业并购交易总金额最初公布为520亿元，后修正为546亿元。",
        "2021年上半年电信行业并购交易总金额为546亿元，较此前公布的520亿元有所上调。",
        "2021年上半年电信行业并购交易总金额首次公布为520亿元，现调高至546亿元。",
    ],
)
def test_more_words_for_a_revision(text):
    got = mapped(text, published=date(2022, 7, 25))
    assert {o[:3] for o in got} == {("telecom_ma_value", "2021-H1", 546.0)}


@pytest.mark.parametrize(
    "text",
    [
        "自今年1月以来，全国碳市场累计成交量约0.15亿吨。",
        "今年1月至今，全国碳市场累计成交量约0.15亿吨。",
        "1月份以来，全国碳市场累计成交量约0.15亿吨。",
    ],
)
def test_since_january_of_the_issue_year_is_the_year_so_far(text):
    assert mapped(text, published=date(2022, 7, 25)) == set()


def test_january_alone_and_since_a_launch_keep_their_meaning():
    text = "自2021年7月16日上线以来，全国碳市场累计成交量1.94亿吨。1月份，全国碳市场收盘价为58.2元/吨。"
    got = {o[:3] for o in mapped(text, published=date(2022, 7, 25))}
    assert ("carbon_national_cum_volume", "2022-07", 1.94) in got
