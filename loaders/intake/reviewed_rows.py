"""Validate reviewed figure rows before anything is written to the store.

A review row is one line of the upload page's review tables (or of an uploaded figures
table): indicator, period, value, unit, qualifier, forecast plus provenance. Every row is
checked with pydantic against the catalog; problems come back as RowError values naming the
table, the row number (1-based, as shown to the editor) and the field, never as exceptions,
so the page can list them all at once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from loaders.catalog.indicators import Catalog, unknown_indicator_message
from loaders.models import IssueHeader
from loaders.vocab import units
from loaders.vocab.missing import is_blank, is_missing, text_or_empty
from loaders.vocab.periods import PeriodError, parse_period
from loaders.vocab.qualifiers import Qualifier, parse_qualifier

TABLE_LABELS = {"figures": "数据表", "unassigned": "未归类数字表"}

# An issue's header within these bounds, or the review says what is wrong (never a silent
# clamp: a year 99999 made 2100 would be the "latest" issue for every figure it touches).
EARLIEST_YEAR = 1980
# Keys are f"{year}-{number:02d}" and sort as text: a number of three digits would sort
# before 2021-15. The brief comes out about 24 times a year.
MAX_ISSUE_NUMBER = 99
MAX_TOTAL_NUMBER = 99_999
# A brief dated tomorrow may be today where it was printed (Beijing is ahead of a UTC server).
DAYS_AHEAD_ALLOWED = 1
# An issue is published in its own year, or early in the next (第 24 期 in January).
YEARS_BETWEEN_ISSUE_AND_DATE = 1
# The figures-table template's example issue (loaders.intake.table_format.TEMPLATE_EXAMPLE): a
# number no real issue has (about 24 a year), so uploading the template to learn the format
# never offers to replace a stored issue, and it is refused until the editor changes it.
TEMPLATE_YEAR = 2021
TEMPLATE_NUMBER = 99
TEMPLATE_TOTAL_NUMBER = 9999


class UnitError(ValueError):
    """A unit that cannot be turned into the indicator's unit."""


def convert_unit(value: float, unit: str, target: str) -> float:
    """value in unit -> value in target (loaders.vocab.units.convert); UnitError when the bases
    differ, so the review can name the row."""
    converted = units.convert(value, unit, target)
    if converted is None:
        raise UnitError(f"单位 {unit!r} 与指标单位 {target!r} 不符，且无法换算")
    return converted


def header_problems(issue: IssueHeader, today: date | None = None) -> list[tuple[str, str]]:
    """(field, why) for each header field outside sane bounds: a year near today's, a number
    that fits the key, a publication date not in the future and near the issue's year."""
    today = today or date.today()
    latest_year = today.year + YEARS_BETWEEN_ISSUE_AND_DATE
    problems = []
    if (issue.year, issue.number) == (TEMPLATE_YEAR, TEMPLATE_NUMBER):
        problems.append(
            (
                "number",
                f"{issue.label_zh}是模板的示例期号，不是真实的一期：请把 year、number、"
                "total_number、published 改为要上传的那一期后再提交",
            )
        )
    if not EARLIEST_YEAR <= issue.year <= latest_year:
        problems.append(("year", f"{issue.year} 不在 {EARLIEST_YEAR}—{latest_year} 之间"))
    if not 1 <= issue.number <= MAX_ISSUE_NUMBER:
        problems.append(("number", f"{issue.number} 不在 1—{MAX_ISSUE_NUMBER} 之间"))
    total = issue.total_number
    if total is not None and not max(issue.number, 1) <= total <= MAX_TOTAL_NUMBER:
        problems.append(
            ("total_number", f"总期号 {total} 不在 {issue.number}—{MAX_TOTAL_NUMBER} 之间")
        )
    if issue.published > today + timedelta(days=DAYS_AHEAD_ALLOWED):
        problems.append(("published", f"出版日期 {issue.published} 晚于今天（{today}）"))
    elif abs(issue.published.year - issue.year) > YEARS_BETWEEN_ISSUE_AND_DATE:
        problems.append(
            (
                "published",
                f"出版日期 {issue.published} 与期号年份 {issue.year} 相差超过"
                f" {YEARS_BETWEEN_ISSUE_AND_DATE} 年",
            )
        )
    return problems


@dataclass(frozen=True)
class RowError:
    table: str  # "figures" or "unassigned"
    row: int  # 1-based, as the editor sees it
    field: str
    message: str

    def __str__(self) -> str:
        label = TABLE_LABELS.get(self.table, self.table)
        return f"{label}第 {self.row} 行，字段 {self.field}：{self.message}"


def parse_bool(value: Any) -> bool:
    """Checkbox cells, CSV text (true/false/1/0/是/否/yes/no) and blanks -> bool."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "y", "是", "预测", "t"}:
        return True
    if text in {"false", "0", "no", "n", "否", "f"}:
        return False
    raise ValueError(f"不是布尔值（true/false）：{value!r}")


class ReviewRow(BaseModel):
    """One figure as it will be stored; value already in the indicator's unit."""

    model_config = ConfigDict(extra="ignore")

    indicator: str
    period: str
    value: float
    unit: str = ""
    qualifier: Qualifier = "exact"
    forecast: bool = False
    value_high: float | None = None

    @field_validator("indicator", mode="before")
    @classmethod
    def _known_indicator(cls, value: Any, info: ValidationInfo) -> str:
        text = text_or_empty(value)
        if not text:
            raise ValueError("缺少指标：请选择一个目录中的指标")
        catalog: Catalog = (info.context or {})["catalog"]
        if catalog.get(text) is None:
            raise ValueError(unknown_indicator_message(text, catalog.ids()))
        return text

    @field_validator("period", mode="before")
    @classmethod
    def _grammar_period(cls, value: Any) -> str:
        text = text_or_empty(value)
        if not text:
            raise ValueError("缺少期间（例如 2021、2021-Q1、2021-01/2021-09）")
        try:
            return parse_period(text).text
        except PeriodError as exc:
            raise ValueError(f"期间格式错误：{exc}") from exc

    @field_validator("value", mode="before")
    @classmethod
    def _finite_value(cls, value: Any) -> float:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError("缺少数值")
        try:
            number = (
                float(str(value).replace(",", "").strip())
                if isinstance(value, str)
                else float(value)
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"不是数字：{value!r}") from exc
        if is_missing(number):
            raise ValueError("不是有限数值：NaN（空白或非数字）")
        if not math.isfinite(number):
            raise ValueError(f"不是有限数值：{value!r}")
        return number

    @field_validator("value_high", mode="before")
    @classmethod
    def _finite_high(cls, value: Any) -> float | None:
        if is_blank(value):
            return None
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"不是有限数值：{value!r}")
        return number

    @field_validator("value_high")
    @classmethod
    def _ordered_range(cls, high: float | None, info: ValidationInfo) -> float | None:
        low = info.data.get("value")
        if high is not None and low is not None and high < low:
            raise ValueError(f"区间上限 {high:g} 小于数值（下限）{low:g}")
        return high

    @field_validator("unit", mode="before")
    @classmethod
    def _unit_text(cls, value: Any) -> str:
        return text_or_empty(value)

    @field_validator("qualifier", mode="before")
    @classmethod
    def _qualifier(cls, value: Any) -> str:
        return parse_qualifier(text_or_empty(value))

    @field_validator("forecast", mode="before")
    @classmethod
    def _forecast(cls, value: Any) -> bool:
        return parse_bool(value)


@dataclass(frozen=True)
class ValidRow:
    table: str
    row: int
    fields: ReviewRow
    # The input row as given (provenance fields ride along untouched).
    source: Mapping[str, Any]


def _unit_error(row: ReviewRow, catalog: Catalog) -> str | None:
    target = catalog.by_id()[row.indicator].unit
    if not row.unit or row.unit == target:
        return None
    try:
        convert_unit(1.0, row.unit, target)
    except UnitError as exc:
        return str(exc)
    return None


def _value_problem(row: ReviewRow, converted: ReviewRow, catalog: Catalog) -> tuple[str, str]:
    """(field, why) when a converted value cannot be stored in its series, else ("", "").
    Checked after the conversion: 1e300 万亿元 is finite, the same in 亿元 is not."""
    indicator = catalog.by_id()[row.indicator]
    for name in ("value", "value_high"):
        given, value = getattr(row, name), getattr(converted, name)
        if value is not None and not math.isfinite(value):
            return name, f"{given:g} {row.unit} 换算为 {indicator.unit} 后超出可表示的范围"
        problem = indicator.value_problem(value)
        if problem:
            return name, problem
    return "", ""


def _to_catalog_unit(row: ReviewRow, catalog: Catalog) -> ReviewRow:
    target = catalog.by_id()[row.indicator].unit
    unit = row.unit or target
    high = None if row.value_high is None else convert_unit(row.value_high, unit, target)
    return row.model_copy(
        update={"value": convert_unit(row.value, unit, target), "unit": target, "value_high": high}
    )


def validate_rows(
    rows: Iterable[tuple[str, int, Mapping[str, Any]]], catalog: Catalog
) -> tuple[list[ValidRow], list[RowError]]:
    """Check (table, row number, fields) rows; valid rows come back converted to the catalog unit.

    Also refuses a second row with the same indicator + period + forecast in the issue: the
    store keeps one value per key and issue, so a silent pick would lose one of them.
    """
    valid: list[ValidRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, bool], tuple[str, int]] = {}
    for table, number, fields in rows:
        try:
            row = ReviewRow.model_validate(dict(fields), context={"catalog": catalog})
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(part) for part in error["loc"]) or "(row)"
                message = error["msg"].removeprefix("Value error, ")
                errors.append(RowError(table, number, field, message))
            continue
        unit_problem = _unit_error(row, catalog)
        if unit_problem:
            errors.append(RowError(table, number, "unit", unit_problem))
            continue
        key = (row.indicator, row.period, row.forecast)
        if key in seen:
            first_table, first_row = seen[key]
            where = f"{TABLE_LABELS.get(first_table, first_table)}第 {first_row} 行"
            errors.append(
                RowError(
                    table,
                    number,
                    "indicator+period",
                    f"重复：{row.indicator} {row.period}"
                    f"{'（预测）' if row.forecast else ''} 已在{where}出现",
                )
            )
            continue
        converted = _to_catalog_unit(row, catalog)
        field, problem = _value_problem(row, converted, catalog)
        if problem:
            errors.append(RowError(table, number, field, problem))
            continue
        seen[key] = (table, number)
        valid.append(ValidRow(table, number, converted, fields))
    return valid, errors
