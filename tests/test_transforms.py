"""Transforms between comparable periods only: change, year-on-year %, index = 100 at a base."""

from __future__ import annotations

import pandas as pd
import pytest

from loaders.series.transforms import (
    INDEX_UNIT,
    POINTS_UNIT,
    RULES_ZH,
    TRANSFORM_COLUMNS,
    TRANSFORMS,
    TransformError,
    base_choices,
    missing_comparisons,
    transform_series,
)
from loaders.store.queries import SERIES_COLUMNS
from loaders.vocab.periods import parse_period


def point(indicator: str, period: str, value: float, unit: str = "亿元", **extra) -> dict:
    parsed = parse_period(period)
    row = dict.fromkeys(SERIES_COLUMNS)
    row.update(
        indicator=indicator,
        name_zh=indicator,
        unit=unit,
        period=period,
        period_kind=parsed.kind,
        period_start=pd.Timestamp(parsed.start),
        period_end=pd.Timestamp(parsed.end),
        value=value,
        value_high=float("nan"),
        qualifier="exact",
        forecast=False,
        issue_key="2021-15",
        issue_label="2021 年第 15 期",
        quote=f"{indicator} {period} 为 {value}",
    )
    row.update(extra)
    return row


def values(frame: pd.DataFrame) -> dict[str, float]:
    return dict(zip(frame["period"], frame["value"], strict=True))


def test_level_is_the_rows_themselves() -> None:
    rows = pd.DataFrame([point("a", "2020", 1750)])
    assert transform_series(rows, "level") is rows


def test_year_to_date_growth_compares_the_same_months_a_year_before_never_a_quarter() -> None:
    rows = pd.DataFrame(
        [
            point("a", "2020-01/2020-09", 10.0),
            point("a", "2020-Q3", 4.0),  # ends the same day as 1—9月; must not be the base
            point("a", "2021-01/2021-09", 12.5),
            point("a", "2021-Q3", 5.0),
        ]
    )
    yoy = transform_series(rows, "yoy")
    assert values(yoy) == {"2021-01/2021-09": 25.0, "2021-Q3": 25.0}
    by_period = yoy.set_index("period")
    assert by_period.loc["2021-01/2021-09", "base_period"] == "2020-01/2020-09"
    assert by_period.loc["2021-Q3", "base_period"] == "2020-Q3"
    assert set(yoy["unit"]) == {"%"}


def test_growth_of_a_level_series_and_its_provenance() -> None:
    rows = pd.DataFrame(
        [
            point("telecom", "2019", 367.0, issue_key="2021-15", quote="2019 年的 367 亿元"),
            point("telecom", "2020", 1750.0, issue_key="2021-29", quote="跃升至 1,750 亿元"),
        ]
    )
    yoy = transform_series(rows, "yoy")
    assert len(yoy) == 1
    only = yoy.iloc[0]
    assert only["value"] == pytest.approx((1750 / 367 - 1) * 100, rel=1e-11)
    assert (only["stated_value"], only["base_value"]) == (1750.0, 367.0)
    assert (only["issue_key"], only["quote"]) == ("2021-29", "跃升至 1,750 亿元")
    assert (only["base_issue_key"], only["base_quote"]) == ("2021-15", "2019 年的 367 亿元")
    assert list(yoy.columns) == [*rows.columns, *TRANSFORM_COLUMNS]


def test_change_takes_the_period_just_before_and_nothing_across_a_gap() -> None:
    rows = pd.DataFrame(
        [
            point("a", "2020-Q2", 2.0),
            point("a", "2020-Q4", 2.5),
            point("a", "2021-Q1", 3.0),
            point("a", "2020-H2", 6.0),
            point("a", "2021-H1", 7.0),
            point("a", "2021-01", 0.9),
            point("a", "2021-02", 1.1),
        ]
    )
    # 2020-Q4 has no 2020-Q3 before it: the gap gives no value, not a change from Q2.
    assert values(transform_series(rows, "change")) == {
        "2021-Q1": 0.5,
        "2021-H1": 1.0,
        "2021-02": 0.2,
    }


def test_decimal_noise_is_dropped() -> None:
    rows = pd.DataFrame([point("a", "2020-Q4", 75.0), point("a", "2021-Q1", 75.1)])
    assert transform_series(rows, "change")["value"].tolist() == [0.1]


def test_a_month_a_year_before_ends_on_its_own_last_day() -> None:
    rows = pd.DataFrame([point("a", "2020-02", 2.0), point("a", "2021-02", 3.0)])
    assert values(transform_series(rows, "yoy")) == {"2021-02": 50.0}


def test_multi_year_totals_change_against_the_span_before_and_have_no_growth() -> None:
    rows = pd.DataFrame([point("a", "2011/2015", 1000.0), point("a", "2016/2020", 4500.0)])
    assert values(transform_series(rows, "change")) == {"2016/2020": 3500.0}
    assert transform_series(rows, "yoy").empty


def test_stocks_on_days_change_against_the_previous_stated_day() -> None:
    rows = pd.DataFrame(
        [
            point("stock", "2020-06-30", 100.0),
            point("stock", "2021-03-31", 104.0),
            point("stock", "2021-06-30", 110.0),
        ]
    )
    assert values(transform_series(rows, "change")) == {"2021-03-31": 4.0, "2021-06-30": 6.0}
    assert values(transform_series(rows, "yoy")) == {"2021-06-30": 10.0}


def test_rates_change_in_points_and_have_no_growth_or_index() -> None:
    rows = pd.DataFrame([point("r", "2020", 5.5, unit="%"), point("r", "2021", 7.5, unit="%")])
    change = transform_series(rows, "change")
    assert values(change) == {"2021": 2.0}
    assert change["unit"].tolist() == [POINTS_UNIT]
    assert transform_series(rows, "yoy").empty
    assert transform_series(rows, "index", "2020").empty


def test_index_is_100_at_the_base_and_only_within_its_comparable_group() -> None:
    rows = pd.DataFrame(
        [
            point("a", "2020", 200.0),
            point("a", "2021", 250.0),
            point("a", "2021-Q1", 60.0),
            point("b", "2020", 40.0, unit="万亿元"),
            point("b", "2019", 30.0, unit="万亿元"),
        ]
    )
    index = transform_series(rows, "index", "2020")
    assert list(zip(index["indicator"], index["period"], index["value"], strict=True)) == [
        ("a", "2020", 100.0),
        ("a", "2021", 125.0),
        ("b", "2020", 100.0),
        ("b", "2019", 75.0),
    ]
    assert set(index["unit"]) == {INDEX_UNIT}
    quarterly = transform_series(rows, "index", "2021-Q1")
    assert values(quarterly) == {"2021-Q1": 100.0}


def test_a_base_that_is_not_positive_gives_no_growth_or_index() -> None:
    rows = pd.DataFrame([point("a", "2020", 0.0), point("a", "2021", 5.0)])
    assert transform_series(rows, "yoy").empty
    assert transform_series(rows, "index", "2020").empty
    assert values(transform_series(rows, "change")) == {"2021": 5.0}


@pytest.mark.parametrize(
    ("point_qualifier", "base_qualifier", "expected", "indexed"),
    [
        ("exact", "exact", ["exact"], ["exact", "exact"]),
        # Nothing is computed from a bound: ≥120 − 100 says nothing of the change.
        ("more_than", "exact", [], ["exact"]),
        ("exact", "more_than", [], []),
        ("less_than", "exact", [], ["exact"]),
        ("more_than", "less_than", [], []),
        # An approximation carries ≈ into what is computed from it.
        ("approx", "exact", ["approx"], ["exact", "approx"]),
        ("exact", "approx", ["approx"], ["approx", "approx"]),
    ],
)
def test_no_change_or_growth_is_computed_from_a_bound(
    point_qualifier: str, base_qualifier: str, expected: list[str], indexed: list[str]
) -> None:
    rows = pd.DataFrame(
        [
            point("a", "2020", 100.0, qualifier=base_qualifier),
            point("a", "2021", 120.0, qualifier=point_qualifier),
        ]
    )
    for transform in ("change", "yoy"):
        assert transform_series(rows, transform)["qualifier"].tolist() == expected
    # The index of 2020 on itself, then of 2021.
    assert transform_series(rows, "index", "2020")["qualifier"].tolist() == indexed


def test_a_missing_comparison_names_the_period_it_needs_or_the_bound() -> None:
    rows = pd.DataFrame(
        [
            point("a", "2021-Q1", 10.0),
            point("a", "2021-01/2021-09", 30.0),
            point("a", "2020-Q2", 5.0, qualifier="more_than"),
            point("a", "2021-Q2", 6.0),
        ]
    )
    missing = missing_comparisons(rows, "yoy")
    assert missing[["period", "needs", "reason"]].values.tolist() == [
        ["2020-Q2", "2019-Q2", "bound"],  # a bound itself: never compared
        ["2021-Q1", "2020-Q1", "no_base"],
        ["2021-Q2", "2020-Q2", "bound"],
        ["2021-01/2021-09", "2020-01/2020-09", "no_base"],
    ]
    assert missing_comparisons(rows, "level").empty


def test_a_stated_value_is_compared_rather_than_a_derived_one_of_its_period() -> None:
    rows = pd.DataFrame(
        [
            point("a", "2020", 100.0, derived=False),
            point("a", "2021", 120.0, derived=False),
            point("a", "2021", 121.0, derived=True),
            point("a", "2022", 132.0, derived=True),
        ]
    )
    yoy = transform_series(rows, "yoy")
    assert list(zip(yoy["period"], yoy["value"], yoy["derived"], strict=True)) == [
        ("2021", 20.0, False),
        ("2022", 10.0, True),  # from a derived point: derived too
    ]


def test_a_range_is_compared_at_its_midpoint_and_the_result_is_approximate() -> None:
    rows = pd.DataFrame([point("a", "2020", 100.0), point("a", "2021", 110.0, value_high=130.0)])
    change = transform_series(rows, "change")
    assert change["value"].tolist() == [20.0]
    assert change["qualifier"].tolist() == ["approx"]
    assert change["value_high"].isna().all()


def test_a_forecast_is_compared_with_the_actual_figure_and_stays_a_forecast() -> None:
    rows = pd.DataFrame(
        [
            point("a", "2021", 90.0, forecast=True),
            point("a", "2021", 100.0),
            point("a", "2022", 120.0, forecast=True),
        ]
    )
    yoy = transform_series(rows, "yoy")
    assert list(zip(yoy["period"], yoy["value"], yoy["forecast"], strict=True)) == [
        ("2022", 20.0, True)
    ]


@pytest.mark.parametrize(
    ("transform", "base", "message"),
    [
        ("growth", None, "unknown transform 'growth'"),
        ("index", None, "needs a base period"),
        ("index", "2021-Q5", "base: not a period"),
    ],
)
def test_a_transform_that_cannot_be_computed_says_why(
    transform: str, base: str | None, message: str
) -> None:
    with pytest.raises(TransformError, match=message):
        transform_series(pd.DataFrame([point("a", "2020", 1.0)]), transform, base)


def test_every_transform_has_its_rule_written_out() -> None:
    assert set(RULES_ZH) == set(TRANSFORMS)
    assert all("可比" in RULES_ZH[t] or "同类" in RULES_ZH[t] for t in TRANSFORMS if t != "level")


def test_an_index_is_offered_on_the_periods_stated_first_on_the_earliest_year() -> None:
    rows = pd.DataFrame(
        [point("a", "2021-Q1", 3.0), point("a", "2020", 9.0), point("a", "2019-Q4", 2.0)]
    )
    assert base_choices(rows) == (["2019-Q4", "2020", "2021-Q1"], "2020")
    quarterly = rows[rows["period_kind"] == "quarter"]
    assert base_choices(quarterly) == (["2019-Q4", "2021-Q1"], "2019-Q4")
    assert base_choices(rows.iloc[0:0]) == ([], None)
