"""Frequency conversion, one rule per kind: a flow sums its parts only when all are there, a
stock is its end-of-period level, a rate or index is used only as stated; every period that
cannot be given is refused with the reason."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from loaders.series.frequency import (
    FrequencyError,
    _containing,
    check_frequency,
    convert,
    months_label_zh,
)
from loaders.vocab.periods import parts_of, period_containing, periods_of_year, ytd_period
from tests.test_derive import CATALOG_FRAME, GROWTH, KINDS, LEVEL, derive, point

MEASURES = dict(zip(CATALOG_FRAME["id"], CATALOG_FRAME["measure"], strict=True))
STOCK = "carbon_national_cum_volume"
INDEX = "logistics_business_index"


def converted(rows: list[dict], frequency: str, indicators: list[str] | None = None):
    frame, refused = convert(derive(rows, indicators), frequency, KINDS, MEASURES)
    values = dict(zip(frame["period"], frame["value"], strict=True))
    return frame, values, {r.period: r.reason_zh for r in refused}


def months(year: int, values: dict[int, float], indicator: str = LEVEL) -> list[dict]:
    return [point(indicator, f"{year}-{m:02d}", v) for m, v in values.items()]


def test_a_flow_quarter_is_the_sum_of_its_months_only_when_all_are_there() -> None:
    frame, values, refused = converted(
        months(2021, {1: 1.0, 2: 2.0, 3: 3.5, 4: 4.0, 6: 6.0}), "quarter"
    )
    assert values == {"2021-Q1": 6.5}
    q1 = frame.iloc[0]
    assert (q1["derived"], q1["derivation"], q1["form"]) == (True, "sum_of_parts", "quarter")
    assert q1["formula"] == "(2021-01) + (2021-02) + (2021-03)"
    assert [i["period"] for i in json.loads(q1["inputs"])] == ["2021-01", "2021-02", "2021-03"]
    assert refused == {"2021-Q2": "2021年二季度：缺少2021年5月的数据（流量须各月俱全才能加总）"}


def test_a_flow_year_takes_what_is_stated_then_derived_then_sums() -> None:
    rows = [
        point(LEVEL, "2019", 100.0),  # stated: kept as it is
        *[point(LEVEL, ytd_period(2020, n), 10.0 * n) for n in (6, 12)],  # 1—12 月 is the year
        point(LEVEL, "2021-H1", 60.0),
        point(LEVEL, "2021-Q3", 31.0),
        point(LEVEL, "2021-Q4", 32.5),  # the second half from its quarters
    ]
    frame, values, refused = converted(rows, "year")
    assert values == {"2019": 100.0, "2020": 120.0, "2021": 123.5}
    rules = dict(zip(frame["period"], frame["derivation"].fillna("stated"), strict=True))
    assert rules == {"2019": "stated", "2020": "year_from_ytd", "2021": "sum_of_parts"}
    assert refused == {}
    _, halves, refused = converted(rows, "half")
    assert halves == {"2020-H1": 60.0, "2020-H2": 60.0, "2021-H1": 60.0, "2021-H2": 63.5}
    # A year says nothing of its halves.
    assert refused == {"2019-H2": "2019年下半年：缺少2019年7—12月的数据（流量须各月俱全才能加总）"}


def test_a_flow_with_a_bound_among_its_parts_is_refused() -> None:
    rows = months(2021, {1: 1.0, 2: 2.0}) + [point(LEVEL, "2021-03", 3.0, qualifier="more_than")]
    _, values, refused = converted(rows, "quarter")
    assert values == {}
    assert refused == {"2021-Q1": "2021年一季度：2021年3月为界值（≥、≤），不能加总"}


def test_a_stock_is_its_level_at_the_end_of_the_period() -> None:
    rows = [
        point(STOCK, "2021-07-16", 0.04),
        point(STOCK, "2021-09-10", 0.12),
        point(STOCK, "2021-09-30", 0.17),  # the latest point in the quarter's last month
        point(STOCK, "2021-11-20", 0.2),
    ]
    frame, values, refused = converted(rows, "quarter")
    assert values == {"2021-Q3": 0.17}
    assert frame.iloc[0]["derivation"] == "end_of_period"
    assert refused == {"2021-Q4": "2021年四季度：期末（2021年12月）无时点值；最近的是2021-11-20"}


def test_a_rate_or_index_is_used_only_as_stated_never_averaged() -> None:
    rows = months(2021, {1: 50.1, 2: 51.3, 3: 52.0}, INDEX) + [point(INDEX, "2021-Q2", 53.0)]
    _, values, refused = converted(rows, "quarter")
    assert values == {"2021-Q2": 53.0}
    assert refused == {"2021-Q1": "2021年一季度：指数只用公布的季度值，不由其他期间换算或平均"}


def test_a_growth_of_the_year_so_far_is_the_growth_of_the_same_months() -> None:
    rows = [point(GROWTH, ytd_period(2021, 6), 15.7), point(GROWTH, ytd_period(2021, 9), 12.5)]
    frame, values, refused = converted(rows, "half", [GROWTH])
    assert values == {"2021-H1": 15.7}
    assert frame.iloc[0]["derivation"] == "same_period"
    assert refused == {"2021-H2": "2021年下半年：比率只用公布的半年值，不由其他期间换算或平均"}


def test_forecasts_are_kept_only_where_stated_for_the_period() -> None:
    rows = [
        point(LEVEL, "2025", 500.0, forecast=True),
        point(LEVEL, "2025-H1", 240.0, forecast=True),
    ]
    frame, values, refused = converted(rows, "year")
    assert values == {"2025": 500.0} and frame["forecast"].tolist() == [True]
    assert refused == {}


def test_an_unknown_frequency_names_the_choices() -> None:
    assert check_frequency(None) is None and check_frequency("half") == "half"
    with pytest.raises(FrequencyError, match="quarter, half, year"):
        check_frequency("week")


def test_the_period_grammar_of_frequencies() -> None:
    assert periods_of_year(2021, "half") == ["2021-H1", "2021-H2"]
    assert parts_of("2021") == ["2021-H1", "2021-H2"]
    assert parts_of("2021-H2") == ["2021-Q3", "2021-Q4"]
    assert parts_of("2021-Q2") == ["2021-04", "2021-05", "2021-06"]
    assert parts_of("2021-05") == [] and parts_of("2021-01/2021-09") == []
    assert period_containing(date(2021, 5, 3), "quarter") == "2021-Q2"
    days = pd.Series(pd.date_range("2020-01-01", "2021-12-31", freq="13D"))
    for frequency in ("quarter", "half", "year"):
        assert list(_containing(days, frequency)) == [
            period_containing(day.date(), frequency) for day in days
        ]
    assert period_containing(date(2021, 7, 1), "half") == "2021-H2"
    assert months_label_zh(["2021-04", "2021-05", "2021-06", "2021-09", "2022-01"]) == (
        "2021年4—6月、2021年9月、2022年1月"
    )
