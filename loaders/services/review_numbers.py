"""Every number of an upload's text as its review would store it, and a number the loaders
ignored made a figure row to include (the editor clicks it in the text)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from loaders.catalog.indicators import Catalog
from loaders.figures.number_states import (
    FigureSpan,
    account_for_text,
    figure_spans,
    number_value,
    place_of,
)
from loaders.models import Article, Extraction, NumberState, Observation
from loaders.services.review_frames import name_for
from loaders.text.sentences import Sentence, sentences
from loaders.vocab import units
from loaders.vocab.frames import records
from loaders.vocab.missing import text_or_empty
from loaders.vocab.quantities import Quantity, find_quantities
from loaders.vocab.timeexpr import find_time_expressions


def _included_span(
    at: tuple[int, int], row: dict[str, Any], before: Observation | None
) -> FigureSpan:
    """A row the editor ticked: an observation of its indicator (as the loaders read it, or
    reviewed), or a figure still waiting for one."""
    indicator = text_or_empty(row.get("indicator")) or None
    period = text_or_empty(row.get("period")) or None
    if indicator is None:
        return FigureSpan(*at, "unassigned", "pending", None, period)
    untouched = before is not None and (before.indicator, before.period) == (indicator, period)
    return FigureSpan(*at, "observation", "mapped" if untouched else "reviewed", indicator, period)


# What review_numbers and add_number read of a review row: whether it is ticked, its series
# and period, and its place in the text.
_PLACE_COLUMNS = (
    "include",
    "indicator",
    "period",
    "figure_start",
    "figure_text",
    "span_start",
    "span_end",
)


def _placed(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return records(frame, _PLACE_COLUMNS)


def review_numbers(
    extraction: Extraction, figures: pd.DataFrame, unassigned: pd.DataFrame
) -> list[NumberState]:
    """Every number of the text as committing the review tables now would store it
    (loaders.figures.number_states, the rule the issue page uses for a stored issue): a ticked row
    is an observation of its indicator, a figure the editor unticked is left out, an
    unassigned figure left as it is keeps the loaders' reason and suggestion."""
    text = extraction.clean_text
    spans = figure_spans([], extraction.repeats, [])
    known = extraction.observations
    for position, row in enumerate(_placed(figures)):
        at = place_of(text, row)
        if at is None:
            continue
        before = known[position] if position < len(known) else None
        if row.get("include"):
            spans.append(_included_span(at, row, before))
        elif before is not None:
            spans.append(FigureSpan(*at, "ignored", "left_out"))
    for position, row in enumerate(_placed(unassigned)):
        at = place_of(text, row)
        if at is None:
            continue
        if row.get("include"):
            spans.append(_included_span(at, row, None))
        elif position < len(extraction.unassigned):
            spans += figure_spans([], [], [extraction.unassigned[position]])
    return account_for_text(text, extraction.issue.published, extraction.articles, spans)


@dataclass(frozen=True)
class AddedNumber:
    """The review tables after a number was made a figure to include, and where it went."""

    figures: pd.DataFrame
    unassigned: pd.DataFrame
    table: str  # "figures" or "unassigned"
    row: int  # as the table numbers it
    message: str


class NotANumber(ValueError):
    """No number of the text starts there, or it is already an observation."""


def add_number(
    extraction: Extraction,
    figures: pd.DataFrame,
    unassigned: pd.DataFrame,
    start: int,
    catalog: Catalog,
) -> AddedNumber:
    """The number of the text at start, as a figure the review will include (ticked), with
    its quote, place, suggested indicator and period filled in; the editor checks it in the
    tables and commits it through rebuild_extraction like any other row.

    An unassigned figure (or one the editor had unticked) is ticked where it stands; a
    number the loaders ignored becomes a new row of the figures table.
    """
    numbers = review_numbers(extraction, figures, unassigned)
    number = next((n for n in numbers if n.start == start), None)
    if number is None:
        raise NotANumber(f"原文第 {start} 个字符处没有数字")
    if number.state == "observation":
        raise NotANumber(f"{number.text} 已是数据（{number.indicator}）")
    text = extraction.clean_text
    for table, frame in (("unassigned", unassigned), ("figures", figures)):
        for position, row in enumerate(_placed(frame)):
            at = place_of(text, row)
            if at is None or not at[0] <= start < at[1]:
                continue
            updated = frame.copy()
            label = frame.index[position]
            updated.at[label, "include"] = True
            if table == "unassigned" and position < len(extraction.unassigned):
                figure = extraction.unassigned[position]
                indicator = text_or_empty(row.get("indicator")) or figure.suggested_indicator
                period = text_or_empty(row.get("period")) or figure.suggested_period or ""
                updated.at[label, "indicator"] = indicator
                updated.at[label, "name_zh"] = name_for(indicator, catalog)
                updated.at[label, "period"] = period
            added = (figures, updated) if table == "unassigned" else (updated, unassigned)
            return AddedNumber(*added, table, int(label), _added_message(table, int(label)))
    row = _number_row(extraction, number, numbers, catalog)
    label = int(figures.index.max()) + 1 if len(figures) else 1
    added_row = pd.DataFrame([row], columns=figures.columns, index=[label])
    grown = pd.concat([figures, added_row]) if len(figures) else added_row
    return AddedNumber(grown, unassigned, "figures", label, _added_message("figures", label))


def _added_message(table: str, row: int) -> str:
    where = "识别的数据" if table == "figures" else "未归类的数字"
    return f"已加入「{where}」第 {row} 行并勾选写入：请核对指标、期间、数值和单位，然后提交。"


def _article_of(articles: Sequence[Article], at: int) -> Article | None:
    """The article a number belongs to: the one it stands in, or the one whose title it is
    in (the next one); the last for a number after every article."""
    for article in articles:
        if at < article.end:
            return article
    return articles[-1] if articles else None


def _sentence_at(text: str, at: int) -> Sentence:
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    for sentence in sentences(line_start, line):
        if sentence.start <= at < sentence.end:
            return sentence
    return Sentence(line_start, line_start + len(line), line)


def _quantity_at(sentence: Sentence, at: int) -> Quantity | None:
    offset = at - sentence.start
    return next(
        (q for q in find_quantities(sentence.text) if q.start <= offset < q.end),
        None,
    )


def _period_near(
    number: NumberState, numbers: Sequence[NumberState], sentence: Sentence, extraction: Extraction
) -> str | None:
    """A guess at the period of a number the loaders ignored: that of the nearest figure of
    its sentence, else the nearest period its sentence names (before it, then after)."""
    inside = [n for n in numbers if sentence.start <= n.start < sentence.end and n.period]
    before = [n for n in inside if n.start < number.start]
    after = [n for n in inside if n.start > number.start]
    if before or after:
        return (before[-1] if before else after[0]).period
    offset = number.start - sentence.start
    named = [
        expr
        for expr in find_time_expressions(sentence.text, extraction.issue.published)
        if expr.period and expr.role != "reference" and not expr.start <= offset < expr.end
    ]
    earlier = [expr for expr in named if expr.end <= offset]
    later = [expr for expr in named if expr.start > offset]
    found = earlier[-1] if earlier else (later[0] if later else None)
    return found.period if found else None


def _number_row(
    extraction: Extraction, number: NumberState, numbers: Sequence[NumberState], catalog: Catalog
) -> dict[str, Any]:
    """A figures-table row for a number the loaders ignored, read from its sentence: the
    quantity there (value, unit, qualifier as written), the quote, its place, a period."""
    sentence = _sentence_at(extraction.clean_text, number.start)
    quantity = _quantity_at(sentence, number.start)
    article = _article_of(extraction.articles, number.start)
    if quantity is not None:
        value, unit = units.readable(quantity.value, quantity.unit)
        high = (
            None
            if quantity.value_high is None
            else units.convert(quantity.value_high, quantity.unit, unit)
        )
        figure_text, figure_start = quantity.text, sentence.start + quantity.start
        qualifier = quantity.qualifier
    else:
        value, unit, high = number_value(number.text), "", None
        figure_text, figure_start, qualifier = number.text, number.start, "exact"
    indicator = number.indicator or number.suggested_indicator
    return {
        "include": True,
        "indicator": indicator,
        "name_zh": name_for(indicator, catalog),
        "figure_text": figure_text,
        "period": number.period or _period_near(number, numbers, sentence, extraction) or "",
        "value": value,
        "value_high": high,
        "unit": unit,
        "qualifier": qualifier,
        "forecast": False,
        "quote": sentence.text,
        "derived": False,
        "period_text": "",
        "article": article.title if article else "",
        "article_index": article.index if article else 0,
        "editor": article.editor if article else None,
        "span_start": sentence.start,
        "span_end": sentence.end,
        "figure_start": figure_start,
        "source_row": None,
    }
