"""Revisions (由此前公布的 A 修订为 B): only the new value is stated, in its many wordings.

Hard cases of docs/eval.md, each in several phrasings of our own, with the near misses
that must stay out. Every sentence here is written for this file; none is taken from a
labelled brief.
"""

from datetime import date

import pytest

from tests.support.hard_cases import JULY_2022, loose, mapped, run


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
    "preliminary",
    [
        "据交易所初步统计，首个履约周期内，全国碳市场累计成交量约2.05亿吨。",
        "初步核算，全国碳市场碳排放配额累计成交量约2.05亿吨。",
        "据初步统计数据，全国碳市场累计成交量为2.05亿吨左右。",
    ],
)
def test_a_preliminary_level_gives_way_to_the_published_one_of_another_date(preliminary):
    # Written for this test: the first count has no date of its own (the issue month), the
    # published one its 截至 date; only the published one is the series' value.
    text = preliminary + "\n生态环境部通报，截至2022年12月31日，全国碳市场累计成交量2.07亿吨。"
    got = mapped(text, published=date(2023, 1, 20), title="全国碳市场")
    assert got == {("carbon_national_cum_volume", "2022-12-31", 2.07, "exact", False)}
    set_aside = loose(text, published=date(2023, 1, 20), title="全国碳市场")
    assert [u.reason for u in set_aside if u.value == 2.05] == ["preliminary"]


@pytest.mark.parametrize(
    "text",
    [
        # Near misses: no published value beside it; a published value far from it (another
        # figure, not a revision); a value not called preliminary.
        "据交易所初步统计，全国碳市场累计成交量约2.05亿吨。",
        "据交易所初步统计，全国碳市场累计成交量约2.05亿吨。\n"
        "截至2021年12月31日，全国碳市场累计成交量1.79亿吨。",
        "据交易所统计，全国碳市场累计成交量约2.05亿吨。\n"
        "截至2022年12月31日，全国碳市场累计成交量2.07亿吨。",
    ],
)
def test_a_preliminary_level_without_its_published_value_stays(text):
    got = mapped(text, published=date(2023, 1, 20), title="全国碳市场")
    assert ("carbon_national_cum_volume", "2023-01", 2.05, "approx", False) in got
