"""The cells of a figures table as the fields of a figure: text cells cleaned and refused
when they start like a formula, numbers, qualifiers and flags read, the issue's header
validated; every refusal a BriefReadError naming the file, the row and the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from loaders.errors import BriefReadError
from loaders.guards.csv_safety import formula_problem
from loaders.guards.text_safety import strip_unsafe
from loaders.intake.reviewed_rows import parse_bool
from loaders.intake.table_format import HEADER_FIELDS
from loaders.models import IssueHeader, Observation
from loaders.text.decoding import decode_text
from loaders.vocab.missing import is_missing
from loaders.vocab.qualifiers import QualifierError, parse_qualifier

# Free-text cells, checked for formula-like starts; numeric cells (value: -3.5) are not.
OBSERVATION_TEXT_FIELDS = ("note", "quote", "article", "unit")


def table_error(filename: str, message: str) -> BriefReadError:
    return BriefReadError(message, source=filename)


def table_text(data: bytes, filename: str) -> str:
    # The reader's strict decoder: UTF-8 (with or without BOM), GB18030/GBK, UTF-16; it
    # refuses bytes that decode only into mojibake.
    try:
        return decode_text(data)
    except ValueError as exc:
        raise table_error(filename, f"无法解码文本：{exc}") from exc


def cell_text(value: Any) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # Controls and bidi overrides never reach the store (loaders.guards.text_safety).
    return strip_unsafe(str(value)).strip()


def refuse_formulas(
    record: dict[str, Any], fields: tuple[str, ...], where: str, filename: str
) -> None:
    """BriefReadError when a free-text cell starts like a spreadsheet formula."""
    for name in fields:
        value = record.get(name)
        problem = formula_problem(value) if isinstance(value, str) else None
        if problem:
            raise table_error(filename, f"{where} {name}：{problem}，请删除开头的符号后重新上传")


def cell_number(value: Any, where: str, filename: str) -> float:
    if isinstance(value, bool):
        raise table_error(filename, f"{where}：不是数字 {value!r}")
    if isinstance(value, int | float):
        return float(value)
    text = cell_text(value).replace(",", "")
    if not text:
        raise table_error(filename, f"{where}：缺少数值")
    try:
        # NaN and inf parse here on purpose: the review names them as not finite.
        return float(text)
    except ValueError as exc:
        raise table_error(filename, f"{where}：不是数字 {text!r}") from exc


def issue_header(raw: dict[str, Any], filename: str) -> IssueHeader:
    missing = [
        field for field in HEADER_FIELDS if field != "total_number" and raw.get(field) in (None, "")
    ]
    if missing:
        raise table_error(filename, f"缺少期刊信息字段：{', '.join(missing)}")
    cleaned = {k: v for k, v in raw.items() if k in HEADER_FIELDS and v not in (None, "")}
    try:
        return IssueHeader.model_validate(cleaned)
    except ValidationError as exc:
        problems = "; ".join(
            f"字段 {'.'.join(str(p) for p in e['loc'])}：{e['msg']}（{e.get('input')!r}）"
            for e in exc.errors()
        )
        raise table_error(filename, f"期刊信息有误：{problems}") from exc


def cell_qualifier(value: Any, where: str, filename: str) -> str:
    try:
        return parse_qualifier(cell_text(value))
    except QualifierError as exc:
        raise table_error(filename, f"{where}：{exc}") from exc


def cell_bool(value: Any, where: str, filename: str) -> bool:
    try:
        return parse_bool(value)
    except ValueError as exc:
        raise table_error(filename, f"{where}：{exc}") from exc


def observation_from(
    record: dict[str, Any], position: int, article: str, article_index: int, filename: str
) -> Observation:
    where = f"数据表第 {position} 行，字段"
    refuse_formulas(record, OBSERVATION_TEXT_FIELDS, where, filename)
    note = cell_text(record.get("note")) or cell_text(record.get("quote"))
    value_text = cell_text(record.get("value"))
    period_text = cell_text(record.get("period"))
    return Observation(
        indicator=cell_text(record.get("indicator")),
        period=period_text,
        value=cell_number(record.get("value"), f"{where} value", filename),
        unit=cell_text(record.get("unit")),
        qualifier=cell_qualifier(record.get("qualifier"), f"{where} qualifier", filename),
        forecast=cell_bool(record.get("forecast"), f"{where} forecast", filename),
        derived=cell_bool(record.get("derived"), f"{where} derived", filename),
        quote=note,
        article=cell_text(record.get("article")) or article,
        article_index=article_index,
        span_start=0,
        span_end=0,
        figure_text=value_text,
        period_text=period_text,
        origin="typed",
        source_row=position,
    )
