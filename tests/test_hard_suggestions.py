"""Suggestions for the reviewer: an unassigned figure carries a guessed series and period where
there is one.

Hard cases of docs/eval.md, each in several phrasings of our own, with the near misses
that must stay out. Every sentence here is written for this file; none is taken from a
labelled brief.
"""

from loaders.catalog.indicators import parse_catalog
from tests.support.hard_cases import run

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
