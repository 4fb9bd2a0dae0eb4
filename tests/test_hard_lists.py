"""Lists: periods spread by 分别 or 依次, runs of months and quarters, the owners and nouns a list
shares, and near misses that are no list.

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
            "上半年，物流业总收入6.2万亿元，社会物流总额160.1万亿元，两者同比分别增长4.1%和4.8%。",
            {
                ("logistics_revenue", "2023-H1", 6.2),
                ("logistics_total", "2023-H1", 160.1),
                ("logistics_revenue_yoy", "2023-H1", 4.1),
                ("logistics_total_yoy", "2023-H1", 4.8),
            },
        ),
        (
            "上半年，社会物流总额160.1万亿元，物流业总收入6.2万亿元，二者同比分别增长4.8%和4.1%。",
            {
                ("logistics_revenue", "2023-H1", 6.2),
                ("logistics_total", "2023-H1", 160.1),
                ("logistics_revenue_yoy", "2023-H1", 4.1),
                ("logistics_total_yoy", "2023-H1", 4.8),
            },
        ),
        (
            # Near miss: the first of the two names no series, so which growth is whose
            # series is not said.
            "上半年，快递业务量600亿件，社会物流总额160.1万亿元，两者同比分别增长15%和4.8%。",
            {("logistics_total", "2023-H1", 160.1)},
        ),
    ],
)
def test_both_of_two_figures_before_take_their_own_growth(text, expected):
    # Written for this test: 两者 / 二者 … 分别 pairs the figures after with the series the
    # two figures before named, in order.
    got = {(i, p, v) for i, p, v, _, _ in mapped(text, published=date(2023, 8, 10), title="物流")}
    assert got == expected
