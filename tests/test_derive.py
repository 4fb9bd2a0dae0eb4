"""Derived values: months, quarters, halves and years from totals so far, growth from two
years' levels; inputs carried, bounds and forecasts never used, stated values checked."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from loaders.series.comparable import forms
from loaders.series.derive import sources, with_derived
from loaders.series.derived_rows import half_unit
from loaders.series.growth_from_levels import yoy_links
from loaders.store.queries import SERIES_COLUMNS
from loaders.vocab.periods import parse_period, ytd_period
from tests.support.builders import CATALOG

CATALOG_FRAME = pd.DataFrame(
    [
        {
            "id": i.id,
            "name_zh": i.name_zh,
            "name_en": i.name_en,
            "category": i.category,
            "unit": i.unit,
            "kind": i.kind,
            "measure": i.measure,
            "aliases": "、".join(i.aliases),
        }
        for i in CATALOG.indicators
    ]
)
KINDS = dict(zip(CATALOG_FRAME["id"], CATALOG_FRAME["kind"], strict=True))
LEVEL = "logistics_total"  # a flow in 万亿元
GROWTH = "logistics_total_yoy"  # its growth, a rate in %


def point(indicator: str, period: str, value: float, **extra) -> dict:
    parsed = parse_period(period)
    row = dict.fromkeys(SERIES_COLUMNS)
    row.update(
        indicator=indicator,
        name_zh=indicator,
        unit="%" if indicator == GROWTH else "万亿元",
        period=period,
        period_kind=parsed.kind,
        period_start=pd.Timestamp(parsed.start),
        period_end=pd.Timestamp(parsed.end),
        value=value,
        value_high=np.nan,
        qualifier="exact",
        forecast=False,
        derived=False,
        issue_key=f"{parsed.end.year}-{parsed.end.month:02d}",
        issue_label=f"{parsed.end.year} 年第 {parsed.end.month} 期",
        published=pd.Timestamp(parsed.end) + pd.Timedelta(days=15),
        quote=f"{period}：{value}",
        period_text="",
    )
    row.update(extra)
    return row


def derive(rows: list[dict], indicators: list[str] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    return with_derived(frame.assign(form=forms(frame, KINDS)), CATALOG_FRAME, indicators)


def derived_values(frame: pd.DataFrame) -> dict[str, float]:
    rows = frame[frame["derivation"].notna()]
    return dict(zip(rows["period"], rows["value"], strict=True))


def test_a_month_is_the_difference_of_two_consecutive_totals_so_far() -> None:
    frame = derive(
        [point(LEVEL, ytd_period(2021, 8), 84.2), point(LEVEL, ytd_period(2021, 9), 94.9)]
    )
    (month,) = frame[frame["derived"]].to_dict("records")
    assert (month["period"], month["value"], month["form"]) == ("2021-09", 10.7, "month")
    assert month["derivation"] == "month_from_ytd"
    assert month["formula"] == "(2021-01/2021-09) - (2021-01/2021-08)"
    # Its inputs: both statements, with their issues and sentences.
    assert [
        (i["period"], i["value"], i["issue_key"], i["quote"]) for i in json.loads(month["inputs"])
    ] == [
        ("2021-01/2021-09", 94.9, "2021-09", "2021-01/2021-09：94.9"),
        ("2021-01/2021-08", 84.2, "2021-08", "2021-01/2021-08：84.2"),
    ]
    # It takes the issue of the later input, and both sentences.
    assert month["issue_key"] == "2021-09"
    assert month["quote"] == "2021-01/2021-09：94.9 | 2021-01/2021-08：84.2"


def test_a_derived_value_with_no_stated_one_of_its_period_is_not_flagged() -> None:
    # No stated month, quarter or year anywhere: nothing to disagree with.
    frame = derive([point(LEVEL, ytd_period(2021, n), 10.0 * n) for n in (2, 3)])
    derived = frame[frame["derived"]]
    assert set(derived["period"]) == {"2021-03", "2021-Q1"}
    assert derived["check_disagrees"].dtype == bool and not derived["check_disagrees"].any()
    assert derived["check_value"].isna().all()


def test_quarters_halves_and_the_year_from_the_totals_so_far() -> None:
    totals = {3: 30.6, 6: 62.1, 9: 94.5, 12: 127.8}
    frame = derive([point(LEVEL, ytd_period(2020, n), v) for n, v in totals.items()])
    assert derived_values(frame) == {
        "2020-Q1": 30.6,  # the first quarter is 1—3 月
        "2020-Q2": 31.5,
        "2020-H1": 62.1,
        "2020-Q3": 32.4,
        "2020": 127.8,  # the year is 1—12 月
        "2020-H2": 65.7,
        "2020-Q4": 33.3,
    }
    rules = dict(zip(frame["period"], frame["derivation"], strict=True))
    assert rules["2020-Q2"] == "quarter_from_ytd"
    assert rules["2020-H2"] == "half_from_ytd"
    assert rules["2020"] == "year_from_ytd"


def test_a_stated_first_quarter_or_half_counts_as_the_total_so_far() -> None:
    # 中物联 states 一季度 and 上半年 in the run of 1—n 月 totals.
    frame = derive(
        [point(LEVEL, "2021-Q1", 75.1), point(LEVEL, ytd_period(2021, 4), 100.5)]
        + [point(LEVEL, "2021-H1", 150.9), point(LEVEL, ytd_period(2021, 7), 176.0)]
    )
    assert derived_values(frame) == {"2021-04": 25.4, "2021-Q2": 75.8, "2021-07": 25.1}
    # Nothing is derived for the period a figure is stated for itself (2021-Q1, 2021-H1).
    assert frame["period"].tolist().count("2021-Q1") == 1


def test_no_month_without_the_one_before_and_never_across_years() -> None:
    frame = derive(
        [
            point(LEVEL, ytd_period(2020, 11), 116.6),
            point(LEVEL, ytd_period(2021, 2), 20.3),  # 1—2 月: there is no 1 月 to take away
            point(LEVEL, ytd_period(2021, 4), 41.0),  # 1—3 月 is missing
        ]
    )
    assert derived_values(frame) == {}


def test_nothing_is_derived_from_a_bound_a_forecast_or_a_derived_value() -> None:
    frame = derive(
        [
            point(LEVEL, ytd_period(2021, 8), 84.2, qualifier="more_than"),
            point(LEVEL, ytd_period(2021, 9), 94.9),
            point(LEVEL, ytd_period(2022, 8), 90.0, forecast=True),
            point(LEVEL, ytd_period(2022, 9), 101.0, forecast=True),
            point(LEVEL, ytd_period(2023, 8), 90.0, derived=True),
            point(LEVEL, ytd_period(2023, 9), 101.0),
        ]
    )
    assert derived_values(frame) == {}


def test_an_approximation_makes_the_derived_value_approximate() -> None:
    frame = derive(
        [
            point(LEVEL, ytd_period(2021, 8), 84.2, qualifier="approx"),
            point(LEVEL, ytd_period(2021, 9), 94.9),
        ]
    )
    assert frame.loc[frame["derived"], "qualifier"].tolist() == ["approx"]


def test_only_flows_are_differenced() -> None:
    frame = derive(
        [point(GROWTH, ytd_period(2021, 8), 9.0), point(GROWTH, ytd_period(2021, 9), 8.5)]
    )
    assert not frame["derived"].any()


def test_growth_from_the_levels_of_both_years_lands_in_the_growth_series() -> None:
    rows = [
        point(LEVEL, ytd_period(2020, 9), 200.0),
        point(LEVEL, ytd_period(2021, 9), 218.0),
        point(GROWTH, ytd_period(2021, 9), 9.0),
    ]
    frame = derive(rows, [GROWTH])
    # Nothing is derived for the level: it was read only to derive its growth.
    assert set(frame.loc[frame["derived"], "indicator"]) == {GROWTH}
    stated, derived = frame[frame["indicator"] == GROWTH].to_dict("records")
    assert (derived["value"], derived["unit"], derived["form"]) == (9.0, "%", "ytd")
    assert derived["derivation"] == "yoy_from_levels"
    assert [(i["indicator"], i["period"], i["value"]) for i in json.loads(derived["inputs"])] == [
        (LEVEL, "2021-01/2021-09", 218.0),
        (LEVEL, "2020-01/2020-09", 200.0),
    ]
    # Stated and derived, side by side: they agree.
    assert (stated["check_value"], stated["check_disagrees"]) == (9.0, False)
    assert (derived["check_value"], derived["check_disagrees"]) == (9.0, False)


def test_stated_and_derived_disagree_only_beyond_rounding() -> None:
    def checked(stated_growth: float) -> bool:
        rows = [
            point(LEVEL, ytd_period(2020, 9), 200.2),
            point(LEVEL, ytd_period(2021, 9), 218.3),
            point(GROWTH, ytd_period(2021, 9), stated_growth),
        ]
        frame = derive(rows, [GROWTH])
        return bool(frame.loc[frame["derived"], "check_disagrees"].iloc[0])

    # 218.3 / 200.2, each rounded to a decimal: the true growth lies within 8.99 … 9.09 %.
    assert not checked(9.0)
    assert not checked(9.1)  # 9.05 … 9.15 overlaps
    assert checked(9.2)
    assert checked(5.0)
    # A month from two totals against the month as stated: 10.7 ± 0.1 against 10.6 ± 0.05.
    month = derive(
        [
            point(LEVEL, ytd_period(2021, 8), 84.2),
            point(LEVEL, ytd_period(2021, 9), 94.9),
            point(LEVEL, "2021-09", 10.6),
        ]
    )
    assert month.loc[month["derived"], "check_disagrees"].tolist() == [False]
    month = derive(
        [
            point(LEVEL, ytd_period(2021, 8), 84.2),
            point(LEVEL, ytd_period(2021, 9), 94.9),
            point(LEVEL, "2021-09", 10.4),
        ]
    )
    stated = month[~month["derived"] & (month["period"] == "2021-09")].iloc[0]
    assert (stated["check_value"], stated["check_disagrees"]) == (10.7, True)


def test_half_a_unit_of_the_last_written_decimal() -> None:
    assert half_unit(np.array([75.1, 2000.0, 0.1765, 7.25])).tolist() == pytest.approx(
        [0.05, 0.5, 0.00005, 0.005]
    )


def test_growth_series_are_linked_to_their_levels_by_category_and_alias() -> None:
    links = yoy_links(CATALOG_FRAME)
    assert links[GROWTH] == LEVEL
    assert links["logistics_revenue_yoy"] == "logistics_revenue"
    assert "logistics_total_yoy_2y" not in links  # a two-year average is not a growth of one
    assert sources(CATALOG_FRAME, [GROWTH]) == [LEVEL]
    assert sources(CATALOG_FRAME, [GROWTH, LEVEL]) == []
    assert sources(CATALOG_FRAME, [LEVEL]) == []
