"""The Trends page's CSV: UTF-8 BOM, fixed columns, numbers as numbers, formulas defused."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest

from loaders.guards.csv_safety import csv_bytes as to_csv_bytes
from loaders.guards.csv_safety import csv_cell
from loaders.services.series_export import EXPORT_COLUMNS as CSV_COLUMNS
from loaders.services.series_export import export_rows
from loaders.store import open_store, queries


def _series_row(**overrides: object) -> dict:
    row = {
        "indicator": "logistics_total",
        "name_zh": "全国社会物流总额",
        "name_en": "Total value of social logistics",
        "category": "物流",
        "unit": "万亿元",
        "period": "2021-Q1",
        "period_kind": "quarter",
        "form": "quarter",
        "period_start": pd.Timestamp("2021-01-01"),
        "period_end": pd.Timestamp("2021-03-31"),
        "value": 75.1,
        "value_high": float("nan"),
        "qualifier": "exact",
        "forecast": False,
        "derived": False,
        "issue_key": "2021-29",
        "issue_label": "2021 年第 29 期",
        "published": pd.Timestamp("2021-08-30"),
        "article": "物流运行",
        "editor": "王芳",
        "quote": "一季度社会物流总额 75.1 万亿元。",
    }
    row.update(overrides)
    return row


def _parse(payload: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))


def test_csv_starts_with_bom_and_has_the_agreed_columns() -> None:
    payload = to_csv_bytes(export_rows(pd.DataFrame([_series_row()])))
    assert payload.startswith(b"\xef\xbb\xbf")
    header, row = _parse(payload)
    assert header == list(CSV_COLUMNS)
    assert dict(zip(header, row, strict=True)) == {
        "indicator": "logistics_total",
        "name_zh": "全国社会物流总额",
        "name_en": "Total value of social logistics",
        "period": "2021-Q1",
        "period_kind": "quarter",
        "form": "quarter",
        "period_start": "2021-01-01",
        "period_end": "2021-03-31",
        "value": "75.1",
        "value_high": "",
        "unit": "万亿元",
        "qualifier": "exact",
        "forecast": "false",
        "derived": "false",
        "issue": "2021 年第 29 期",
        "issue_key": "2021-29",
        "published": "2021-08-30",
        "article": "物流运行",
        "editor": "王芳",
        "quote": "一季度社会物流总额 75.1 万亿元。",
        "source_org": "",
        "citation": "《产业创新动态》2021 年第 29 期，《物流运行》，产业所 王芳 整理，"
        "原文：“一季度社会物流总额 75.1 万亿元。”",
    }


@pytest.mark.parametrize("dangerous", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_text_that_excel_would_run_as_a_formula_is_escaped(dangerous: str) -> None:
    assert csv_cell(dangerous) == "'" + dangerous
    payload = to_csv_bytes(export_rows(pd.DataFrame([_series_row(quote=dangerous)])))
    header, row = _parse(payload)
    assert row[header.index("quote")] == "'" + dangerous


def test_numbers_stay_unquoted_numbers_including_negatives() -> None:
    frame = pd.DataFrame([_series_row(value=-3.5), _series_row(value=1750.0, period="2020")])
    text = to_csv_bytes(export_rows(frame)).decode("utf-8-sig")
    lines = text.splitlines()
    assert ",-3.5,,万亿元," in lines[1]  # value, then an empty value_high
    assert ",1750,,万亿元," in lines[2]
    assert "'-3.5" not in text and '"-3.5"' not in text


def test_cells_of_each_type() -> None:
    assert csv_cell(None) == ""
    assert csv_cell(float("nan")) == ""
    assert csv_cell(pd.NA) == ""
    assert csv_cell(True) == "true"
    assert csv_cell(7) == "7"
    assert csv_cell(0.1 + 0.2) == repr(0.1 + 0.2)  # round-trips exactly
    assert csv_cell(date(2021, 4, 26)) == "2021-04-26"
    assert csv_cell("含,逗号") == "含,逗号"  # quoting is the writer's job


def test_commas_quotes_and_newlines_in_text_survive_a_round_trip() -> None:
    quote = '他说："一季度 75.1 万亿元，\n同比增长"'
    payload = to_csv_bytes(export_rows(pd.DataFrame([_series_row(quote=quote)])))
    header, row = _parse(payload)
    assert row[header.index("quote")] == quote
    assert row[header.index("citation")].endswith(f"原文：“{quote}”")


def test_export_of_store_rows_keeps_every_row(dashboard_db) -> None:
    with open_store(dashboard_db) as store:
        series = queries.series(store, ["logistics_total", "telecom_ma_value"])
    rows = list(csv.DictReader(io.StringIO(to_csv_bytes(export_rows(series)).decode("utf-8-sig"))))
    assert [(r["indicator"], r["period"], float(r["value"])) for r in rows] == list(
        zip(series["indicator"], series["period"], series["value"], strict=True)
    )
    bound = next(r for r in rows if r["period"] == "2016/2020")
    assert bound["qualifier"] == "more_than"
