"""Comparable periods and the overview's latest point per indicator."""

from __future__ import annotations

from datetime import date

import pandas as pd

from loaders.periods import parse_period
from loaders.series import comparable_group, group_label, latest_cards


def _row(
    indicator: str, period: str, value: float, *, forecast: bool = False, published="2021-04-26"
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
        "qualifier": "exact",
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
