"""Comparable periods and the overview's latest point per indicator."""

from __future__ import annotations

from datetime import date

import pandas as pd

from loaders.series.comparable import comparable_group, group_label, latest_cards
from loaders.vocab.periods import parse_period


def _row(
    indicator: str,
    period: str,
    value: float,
    *,
    forecast: bool = False,
    published="2021-04-26",
    qualifier: str = "exact",
):
    parsed = parse_period(period)
    return {
        "indicator": indicator,
        "unit": "亿元",
        "period": period,
        "period_kind": parsed.kind,
        "period_start": pd.Timestamp(parsed.start),
        "period_end": pd.Timestamp(parsed.end),
        "value": value,
        "value_high": float("nan"),
        "qualifier": qualifier,
        "forecast": forecast,
        "published": pd.Timestamp(published),
    }


def test_groups() -> None:
    assert comparable_group("year", date(2020, 1, 1), date(2020, 12, 31)) == "year"
    assert comparable_group("ytd", date(2021, 1, 1), date(2021, 9, 30)) == "ytd-09"
    assert comparable_group("multi_year", date(2016, 1, 1), date(2020, 12, 31)) == "multi_year-5"
    assert group_label("ytd-09") == "年初至今累计（1—9月）"
    assert group_label("multi_year-5") == "多年合计（5年）"
    assert group_label("quarter") == "季度"


def test_latest_prefers_the_annual_figure_and_compares_within_its_kind() -> None:
    rows = pd.DataFrame(
        [
            _row("a", "2016/2020", 4500),
            _row("a", "2019", 367),
            _row("a", "2020", 1750),
            _row("a", "2020-Q3", 10),
            _row("a", "2025", 9999, forecast=True),
        ]
    )
    (card,) = latest_cards(rows).to_dict("records")
    assert (card["period"], card["value"]) == ("2020", 1750)
    assert (card["prev_period"], card["prev_value"]) == ("2019", 367)
    assert card["spark"] == [367.0, 1750.0]


def test_ytd_spans_of_different_length_are_not_compared() -> None:
    rows = pd.DataFrame([_row("a", "2021-01/2021-03", 70), _row("a", "2021-01/2021-06", 150)])
    (card,) = latest_cards(rows).to_dict("records")
    assert card["period"] == "2021-01/2021-06"
    assert card["prev_value"] is None
    assert card["spark"] == [150.0]


def test_forecast_only_indicator_has_no_card() -> None:
    assert latest_cards(pd.DataFrame([_row("a", "2025", 1, forecast=True)])).empty
    assert latest_cards(pd.DataFrame(columns=list(_row("a", "2025", 1)))).empty


def _card(rows: list[dict], kinds: dict[str, str] | None = None) -> dict:
    (card,) = latest_cards(pd.DataFrame(rows), kinds).to_dict("records")
    return card


def test_a_month_is_compared_with_the_month_before_never_with_any_stored_month() -> None:
    # An index stated for March and September: 9 月 against 3 月 would read as month on month.
    card = _card([_row("a", "2021-03", 51.0), _row("a", "2021-09", 54.9)])
    assert card["prev_value"] is None and card["prev_relation"] is None
    card = _card([_row("a", "2021-08", 53.0), _row("a", "2021-09", 54.9)])
    assert (card["prev_period"], card["prev_relation"]) == ("2021-08", "previous")
    assert card["prev_label"] == "较上一期（2021年8月）"


def test_the_same_period_a_year_earlier_comes_first_and_is_named() -> None:
    card = _card(
        [_row("a", "2020-09", 50.0), _row("a", "2021-08", 53.0), _row("a", "2021-09", 54.9)]
    )
    assert (card["prev_period"], card["prev_relation"]) == ("2020-09", "year_ago")
    assert card["prev_label"] == "较上年同期（2020年9月）"
    card = _card([_row("a", "2020-01/2020-09", 80.0), _row("a", "2021-01/2021-09", 94.9)])
    assert card["prev_label"] == "较上年同期（2020年1—9月）"


def test_a_stock_is_compared_with_the_moment_stated_before() -> None:
    rows = [_row("a", "2021-07-16", 0.04), _row("a", "2021-09-30", 0.17)]
    card = _card(rows, {"a": "stock"})
    assert (card["prev_period"], card["prev_relation"]) == ("2021-07-16", "previous_moment")
    assert card["form"] == "point"
    # Not a stock: a day is compared only with the day before, which nobody stated.
    assert _card(rows)["prev_value"] is None


def test_no_change_is_computed_from_a_bound_on_either_side() -> None:
    card = _card(
        [_row("a", "2020-12", 2000, qualifier="more_than"), _row("a", "2021-12", 2162)],
        {"a": "stock"},
    )
    assert card["prev_value"] == 2000  # named, not subtracted
    assert card["change_note"] == "对比期为界值（不少于），不计算变化"
    card = _card([_row("a", "2020", 100), _row("a", "2021", 120, qualifier="less_than")])
    assert card["change_note"] == "本期为界值（不超过），不计算变化"
    assert _card([_row("a", "2020", 100), _row("a", "2021", 120)])["change_note"] == ""


def test_a_change_from_an_approximation_is_approximate() -> None:
    card = _card([_row("a", "2020", 100, qualifier="approx"), _row("a", "2021", 120)])
    assert card["approximate"] is True
    assert _card([_row("a", "2020", 100), _row("a", "2021", 120)])["approximate"] is False
