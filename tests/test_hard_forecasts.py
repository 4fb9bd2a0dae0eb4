"""Forecast scope: only the clause that forecasts (预计, 有望, 将…) is a forecast; what is reported
before or after it keeps its own period.

Hard cases of docs/eval.md, each in several phrasings of our own, with the near misses
that must stay out. Every sentence here is written for this file; none is taken from a
labelled brief.
"""

from datetime import date

import pytest

from tests.support.builders import CATALOG
from tests.support.hard_cases import PLAIN, loose, mapped


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


def test_a_forecast_ends_at_a_semicolon():
    text = (
        "1—5月，社会物流总额131.9万亿元，预计上半年将超过160万亿元；"
        "物流业总收入累计完成4.9万亿元，同比增长4.2%。"
    )
    got = mapped(text, published=date(2023, 6, 26))
    assert ("logistics_total", "2023-H1", 160.0, "more_than", True) in got
    assert ("logistics_revenue", "2023-01/2023-05", 4.9, "exact", False) in got
    assert ("logistics_revenue_yoy", "2023-01/2023-05", 4.2, "exact", False) in got


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


def test_a_round_magnitude_forecast_after_its_source():
    text = "普华永道预计，随着投资加快，电信行业交易总金额将在2023年重回千亿元以上。"
    assert mapped(text, published=date(2023, 3, 1), title="电信并购") == {
        ("telecom_ma_value", "2023", 1000.0, "more_than", True)
    }


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
