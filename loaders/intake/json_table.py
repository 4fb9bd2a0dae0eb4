"""A figures table in the extractor's JSON form (`python -m loaders extract --json`): the
issue, its observations and its unassigned figures, bounded in depth and size."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from loaders.intake.table_cells import (
    cell_bool,
    cell_number,
    cell_qualifier,
    cell_text,
    issue_header,
    observation_from,
    refuse_formulas,
    table_error,
    table_text,
)
from loaders.intake.table_format import MAX_TABLE_ROWS, TABLE_ARTICLE
from loaders.models import Article, Extraction, UnassignedFigure

UNASSIGNED_TEXT_FIELDS = (
    "subject",
    "figure",
    "quote",
    "article",
    "unit",
    "period",
    "suggested_indicator",
    "suggested_period",
)


# The extractor's JSON nests four deep (issue, observations, a figure, its fields); the
# parser recurses once per level and a few thousand levels end it (RecursionError).
MAX_JSON_DEPTH = 32
# Longer runs of digits are no count, year or number a table holds: read as a float (inf
# beyond its range, which the review names), since int() refuses 4,300 digits and more and
# float() refuses ints of over 308 digits.
MAX_JSON_INT_DIGITS = 20
_JSON_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _json_int(digits: str) -> int | float:
    return int(digits) if len(digits.lstrip("-")) <= MAX_JSON_INT_DIGITS else float(digits)


def _json_depth_problem(text: str) -> str | None:
    """Where the JSON nests deeper than MAX_JSON_DEPTH (line and column), or None."""
    depth = 0
    for found in _JSON_STRING_OR_BRACKET.finditer(text):
        mark = found.group()
        if mark in ("[", "{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                at = found.start()
                line = text.count("\n", 0, at) + 1
                column = at - text.rfind("\n", 0, at)
                return (
                    f"第 {line} 行第 {column} 列：嵌套超过 {MAX_JSON_DEPTH} 层"
                    "（数据表的 JSON 只有 issue、observations 与各行几层）"
                )
        elif mark in ("]", "}"):
            depth -= 1
    return None


def from_json(data: bytes, filename: str) -> Extraction:
    text = table_text(data, filename)
    problem = _json_depth_problem(text)
    if problem is not None:
        raise table_error(filename, f"JSON 无法解析：{problem}")
    try:
        payload = json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise table_error(
            filename, f"JSON 无法解析：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}"
        ) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("issue"), dict):
        raise table_error(filename, "JSON 应为对象，含 issue（期刊信息）与 observations 列表")
    refuse_formulas(payload["issue"], ("title",), "期刊信息，字段", filename)
    header = issue_header(
        {k: cell_text(v) if isinstance(v, str) else v for k, v in payload["issue"].items()},
        filename,
    )
    raw_observations = payload.get("observations") or []
    raw_unassigned = payload.get("unassigned") or []
    if not isinstance(raw_observations, list) or not isinstance(raw_unassigned, list):
        raise table_error(filename, "JSON 的 observations 与 unassigned 应为列表")
    if len(raw_observations) + len(raw_unassigned) > MAX_TABLE_ROWS:
        raise table_error(filename, f"行数超过上限 {MAX_TABLE_ROWS}")
    # Articles are named in each figure; number them in order of first appearance.
    article_names: dict[str, int] = {}

    def article_index(item: dict[str, Any]) -> tuple[str, int]:
        name = cell_text(item.get("article")) or f"{TABLE_ARTICLE} {filename}"
        return name, article_names.setdefault(name, len(article_names))

    observations = []
    for position, item in enumerate(raw_observations, start=1):
        if not isinstance(item, dict):
            raise table_error(filename, f"observations 第 {position} 项不是对象")
        name, index = article_index(item)
        observations.append(observation_from(item, position, name, index, filename))
    unassigned = []
    for position, item in enumerate(raw_unassigned, start=1):
        if not isinstance(item, dict):
            raise table_error(filename, f"unassigned 第 {position} 项不是对象")
        where = f"未归类数字表第 {position} 行，字段"
        refuse_formulas(item, UNASSIGNED_TEXT_FIELDS, where, filename)
        name, index = article_index(item)
        unassigned.append(
            UnassignedFigure(
                value=cell_number(item.get("value"), f"{where} value", filename),
                unit=cell_text(item.get("unit")),
                qualifier=cell_qualifier(item.get("qualifier"), f"{where} qualifier", filename),
                forecast=cell_bool(item.get("forecast"), f"{where} forecast", filename),
                period=cell_text(item.get("period")) or None,
                figure_text=cell_text(item.get("figure")),
                subject=cell_text(item.get("subject")),
                suggested_indicator=cell_text(item.get("suggested_indicator")) or None,
                suggested_period=cell_text(item.get("suggested_period")) or None,
                quote=cell_text(item.get("quote")),
                article=name,
                article_index=index,
                span_start=0,
                span_end=0,
                source_row=position,
            )
        )
    articles = [
        Article(index=i, title=name, text="", start=0, end=0) for name, i in article_names.items()
    ]
    return Extraction(
        source_name=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        issue=header,
        articles=articles,
        observations=observations,
        unassigned=unassigned,
    )
