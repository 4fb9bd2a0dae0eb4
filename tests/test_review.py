"""Row validation of reviewed figures (loaders/intake/reviewed_rows.py)."""

from __future__ import annotations

import math

import pytest

from loaders.intake.reviewed_rows import RowError, UnitError, convert_unit, validate_rows
from tests.support.builders import CATALOG


def row(**fields):
    base = {"indicator": "logistics_total", "period": "2021-Q1", "value": 75.0, "unit": "万亿元"}
    return {**base, **fields}


def check(*rows, table="figures"):
    return validate_rows([(table, n, r) for n, r in enumerate(rows, start=1)], CATALOG)


def test_valid_row_passes_in_catalog_unit():
    valid, errors = check(row())
    assert errors == []
    assert valid[0].fields.value == 75.0 and valid[0].fields.unit == "万亿元"


def test_blank_unit_takes_the_catalog_unit():
    valid, errors = check(row(unit=""))
    assert errors == [] and valid[0].fields.unit == "万亿元"


def test_convertible_unit_is_converted():
    valid, errors = check(
        row(indicator="telecom_ma_value", unit="万亿元", value=1.2, period="2020")
    )
    assert errors == []
    assert valid[0].fields.value == 12000.0 and valid[0].fields.unit == "亿元"


def test_dollars_never_become_yuan():
    with pytest.raises(UnitError):
        convert_unit(1.0, "亿美元", "亿元")
    _, errors = check(row(indicator="telecom_ma_value", unit="亿美元", value=3, period="2020"))
    assert [(e.row, e.field) for e in errors] == [(1, "unit")]


def test_percent_cannot_fill_an_amount():
    _, errors = check(row(unit="%"))
    assert errors[0].field == "unit" and "万亿元" in errors[0].message


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"indicator": "no_such_thing"}, "indicator", "未知指标"),
        ({"indicator": None}, "indicator", "缺少指标"),
        ({"period": "2021-13"}, "period", "期间格式错误"),
        ({"period": "Q1 2021"}, "period", "期间格式错误"),
        ({"period": ""}, "period", "缺少期间"),
        ({"value": math.nan}, "value", "NaN"),
        ({"value": math.inf}, "value", "不是有限数值"),
        ({"value": "abc"}, "value", "不是数字"),
        ({"qualifier": "maybe"}, "qualifier", "exact"),
        ({"forecast": "perhaps"}, "forecast", "布尔"),
        ({"value": 60.0, "value_high": 55.0}, "value_high", "区间上限"),
    ],
)
def test_bad_field_names_row_and_field(fields, field, words):
    valid, errors = check(row(), row(**{"period": "2021-Q2", **fields}))
    assert len(valid) == 1
    assert len(errors) == 1
    error = errors[0]
    assert (error.table, error.row, error.field) == ("figures", 2, field)
    assert words in error.message
    assert str(error).startswith("数据表第 2 行，字段 " + field)


def test_duplicate_key_within_issue_is_refused_but_forecast_is_another_key():
    valid, errors = check(row(), row(value=76.0), row(forecast=True))
    assert len(valid) == 2
    assert errors == [RowError("figures", 2, "indicator+period", errors[0].message)]
    assert "数据表第 1 行" in errors[0].message


def test_duplicate_across_tables_names_the_other_table():
    rows = [("figures", 1, row()), ("unassigned", 3, row())]
    _, errors = validate_rows(rows, CATALOG)
    assert str(errors[0]).startswith("未归类数字表第 3 行")
    assert "数据表第 1 行" in errors[0].message


def test_range_is_converted_with_its_value():
    valid, errors = check(row(unit="亿元", value=750000, value_high=760000))
    assert errors == []
    assert (valid[0].fields.value, valid[0].fields.value_high) == (75.0, 76.0)


def test_a_value_that_overflows_in_the_catalog_unit_is_refused():
    """1e300 万亿元 is finite, 1e304 亿元 is not: the check runs after the conversion."""
    _, errors = check(row(indicator="telecom_ma_value", unit="万亿元", value=1e300, period="2020"))
    assert [(e.row, e.field) for e in errors] == [(1, "value")]
    assert "换算为 亿元 后超出" in errors[0].message
    _, errors = check(row(value=1.0, value_high=1e300, unit="万亿元"))
    assert errors == []  # 万亿元 is the catalog unit: nothing to convert, 1e300 is finite


@pytest.mark.parametrize(
    ("indicator", "unit", "period"),
    [
        ("logistics_total", "万亿元", "2021-Q1"),
        ("telecom_ma_deals", "笔", "2020"),
        ("l2_penetration", "%", "2021"),
        ("carbon_national_price", "元/吨", "2021-07-16"),
    ],
)
def test_a_negative_value_of_a_series_that_cannot_be_negative(indicator, unit, period):
    _, errors = check(row(indicator=indicator, unit=unit, value=-5.0, period=period))
    assert [(e.row, e.field) for e in errors] == [(1, "value")]
    assert "不能为负" in errors[0].message


def test_a_negative_growth_rate_is_a_figure_like_any_other():
    valid, errors = check(row(indicator="logistics_total_yoy", unit="%", value=-7.5))
    assert errors == [] and valid[0].fields.value == -7.5


def test_a_negative_upper_bound_is_caught_too():
    _, errors = check(row(value=-3.0, value_high=-1.0))
    assert {e.field for e in errors} == {"value"}


def test_an_unknown_id_is_answered_with_the_closest_ids_and_no_file_name():
    _, errors = check(row(indicator="carbon_national_close_price", unit="元/吨", period="2021"))
    assert [(e.row, e.field) for e in errors] == [(1, "indicator")]
    assert errors[0].message == (
        "未知指标 'carbon_national_close_price'（目录中没有这个 id；最接近的："
        "carbon_national_price、carbon_national_cum_turnover、carbon_national_cum_volume）"
    )
    _, errors = check(row(indicator="zzz"))
    assert errors[0].message == "未知指标 'zzz'（目录中没有这个 id；「指标」页列出全部 id）"
