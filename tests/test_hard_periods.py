"""Periods and dates: an undated stock, 截至 and bracketed dates, 上年 after a named year, 同期, this
year, 于, and year to date, which is not the since-launch cumulative series.

Hard cases of docs/eval.md, each in several phrasings of our own, with the near misses
that must stay out. Every sentence here is written for this file; none is taken from a
labelled brief.
"""

from datetime import date

import pytest

from tests.support.builders import CATALOG
from tests.support.hard_cases import PLAIN, loose, mapped, run


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


def test_a_cumulative_total_at_a_quarter_s_end_is_a_level_not_a_sum():
    assert mapped("一季度末，全国碳市场累计成交量1.9亿吨。", title="全国碳市场") == {
        ("carbon_national_cum_volume", "2022-03", 1.9, "exact", False)
    }


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


def test_the_rest_of_a_sentence_after_an_open_same_period_stays_open():
    text = (
        "1—6月，社会物流总额同比增长3.1%；7月份同比增长3.8%。"
        "同期，新能源汽车销量374.7万辆，同比增长44.1%。"
    )
    got = mapped(text, published=date(2023, 8, 10), catalog=CATALOG.with_overlay(PLAIN))
    assert not any(o[0].startswith("nev_") for o in got)


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "按照部署，钢铁、水泥行业将于2025年纳入全国碳市场，"
            "届时全国碳市场纳入的重点排放单位总数将达到3500家以上。",
            {("carbon_national_units", "2025-12", 3500.0, "more_than", True)},
        ),
        (
            "电解铝行业将于2026年纳入全国碳市场，到那时，全国碳市场纳入的重点排放单位将达到3700家。",
            {("carbon_national_units", "2026-12", 3700.0, "exact", True)},
        ),
        (
            "全国碳市场扩围方案提出，2027年底前完成扩容，届时纳入全国碳市场的重点排放单位预计约4000家。",
            {("carbon_national_units", "2027-12", 4000.0, "approx", True)},
        ),
    ],
)
def test_by_then_takes_the_time_named_before_it_in_the_sentence(text, expected):
    # Written for this test: 届时 / 到那时 is the time the sentence named, even a 于 that
    # dates an event, never the issue month.
    assert mapped(text, published=date(2025, 1, 15), title="全国碳市场") == expected


def test_a_level_without_by_then_keeps_the_issue_month():
    # Near miss: 届时 in a clause after the figure dates nothing before it.
    text = "全国碳市场纳入的重点排放单位2257家。2025年将纳入钢铁行业，届时将进一步扩容。"
    assert mapped(text, published=date(2025, 1, 15), title="全国碳市场") == {
        ("carbon_national_units", "2025-01", 2257.0, "exact", False)
    }


def test_a_change_since_the_end_of_last_month_is_no_level_of_that_month():
    # Near miss of 上月末: a comparison with it names no stock's date.
    text = "较上月末，全国碳市场累计成交量增加0.1亿吨。"
    assert mapped(text, published=date(2023, 8, 10), title="全国碳市场") == set()
