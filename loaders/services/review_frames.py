"""An upload's review tables: the figures and the unassigned figures of an Extraction as the
frames an editor checks, their rows numbered as the error messages number them, and the
names of their indicators kept in step with the catalog."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from loaders.catalog.indicators import Catalog
from loaders.figures.number_states import REASONS
from loaders.models import Extraction, UnassignedFigure
from loaders.vocab import units
from loaders.vocab.missing import is_blank, text_or_empty

# Columns the editor sees, in order; the rest of each frame carries provenance untouched.
# The number as the text writes it comes right after 写入: on a phone's 390 px the grid
# shows three columns before it scrolls, and the number is what the editor checks first.
FIGURE_COLUMNS = [
    "include",
    "figure_text",
    "indicator",
    "name_zh",
    "period",
    "value",
    "value_high",
    "unit",
    "qualifier",
    "forecast",
    "quote",
]
UNASSIGNED_COLUMNS = [
    "include",
    "figure_text",
    "indicator",
    "name_zh",
    "subject",
    "reason",
    "period",
    "value",
    "unit",
    "qualifier",
    "forecast",
    "quote",
]
PROVENANCE_COLUMNS = [
    "value_high",
    "derived",
    "figure_text",
    "period_text",
    "article",
    "article_index",
    "editor",
    "span_start",
    "span_end",
    "figure_start",
    "source_row",
    "source_org",
]
UNKNOWN_NAME = "（未知指标）"


def name_for(indicator: Any, catalog: Catalog) -> str:
    """The Chinese name of an indicator id; "" for none, UNKNOWN_NAME for an unknown id."""
    if is_blank(indicator):
        return ""
    found = catalog.get(str(indicator))
    return found.name_zh if found else UNKNOWN_NAME


def unit_of(indicator: Any, catalog: Catalog) -> str:
    found = None if is_blank(indicator) else catalog.get(str(indicator))
    return found.unit if found else ""


def _numbered(rows: list[dict], columns: list[str], items: Sequence[Any]) -> pd.DataFrame:
    """The review table, its rows numbered as the error messages number them: the row of the
    figures table each came from (blank rows counted), or 1, 2, … for a brief's figures."""
    frame = pd.DataFrame(rows, columns=columns)
    sources = [item.source_row for item in items]
    numbers = sources if all(sources) and len(set(sources)) == len(sources) else None
    frame.index = pd.Index(numbers) if numbers else pd.RangeIndex(1, len(frame) + 1)
    return frame


def figures_frame(extraction: Extraction, catalog: Catalog) -> pd.DataFrame:
    """One row per figure mapped onto an indicator, all included by default."""
    rows = []
    first_value: dict[tuple[str, str, bool], float] = {}
    for o in extraction.observations:
        key = (o.indicator, o.period, o.forecast)
        # The same figure quoted twice in one issue is one statement: pre-untick the repeat.
        # A repeat with another value stays ticked, so the review makes the editor choose.
        repeat = key in first_value and first_value[key] == o.value
        first_value.setdefault(key, o.value)
        rows.append(
            {
                "include": not repeat,
                "indicator": o.indicator,
                "name_zh": name_for(o.indicator, catalog),
                "period": o.period,
                "value": o.value,
                "unit": o.unit or unit_of(o.indicator, catalog),
                "qualifier": o.qualifier,
                "forecast": o.forecast,
                "quote": o.quote,
                **{name: getattr(o, name) for name in PROVENANCE_COLUMNS},
            }
        )
    return _numbered(
        rows,
        FIGURE_COLUMNS + [c for c in PROVENANCE_COLUMNS if c not in FIGURE_COLUMNS],
        extraction.observations,
    )


def unassigned_reason(figure: UnassignedFigure, catalog: Catalog | None = None) -> str:
    """Why the loaders left a figure to review, in words, with the series they would guess."""
    reason = REASONS.get(figure.reason, figure.reason) if figure.reason else ""
    if figure.suggested_indicator:
        found = catalog.get(figure.suggested_indicator) if catalog else None
        suggested = found.name_zh if found else figure.suggested_indicator
        reason = f"{reason}（建议：{suggested}）" if reason else f"建议：{suggested}"
    return reason


def unassigned_frame(extraction: Extraction, catalog: Catalog | None = None) -> pd.DataFrame:
    """One row per figure the loaders could not map; none included until the editor assigns it.
    With the catalog, the reason names the suggested series by its name."""
    rows = []
    for u in extraction.unassigned:
        value, unit = units.readable(u.value, u.unit)
        rows.append(
            {
                "include": False,
                "indicator": None,
                "name_zh": "",
                # Prefilled when the loaders resolved the period; the editor may correct it.
                "period": u.period or "",
                "value": value,
                "unit": unit,
                "qualifier": u.qualifier,
                "forecast": u.forecast,
                "subject": u.subject,
                "reason": unassigned_reason(u, catalog),
                "figure_text": u.figure_text,
                "quote": u.quote,
                **{
                    name: getattr(u, name)
                    for name in PROVENANCE_COLUMNS
                    if name not in ("derived", "figure_text")
                },
                "derived": False,
            }
        )
    columns = UNASSIGNED_COLUMNS + [c for c in PROVENANCE_COLUMNS if c != "figure_text"]
    return _numbered(rows, columns, extraction.unassigned)


def refresh_names(frame: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """A copy with name_zh matching each row's indicator (after the editor changed one)."""
    fresh = frame.copy()
    fresh["name_zh"] = [name_for(indicator, catalog) for indicator in fresh["indicator"]]
    return fresh


def names_stale(frame: pd.DataFrame, catalog: Catalog) -> bool:
    return any(
        text_or_empty(name) != name_for(indicator, catalog)
        for indicator, name in zip(frame["indicator"], frame["name_zh"], strict=True)
    )
