"""The parts of a derived value (loaders.series.derive): which statements may be its
inputs, the rounding each figure is written with, its inputs as JSON text (built a column
at a time in Arrow) and the frame of derived rows itself."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

BOUNDS = ("more_than", "less_than")
# Decimals a figure may be written with; beyond this a value is taken as exact.
MAX_DECIMALS = 8


def usable(rows: pd.DataFrame) -> pd.Series:
    """Which rows may be an input: stated (not derived), actual, with a value, no bound."""
    derived = rows["derived"].fillna(False).astype(bool) if "derived" in rows else False
    return (
        ~derived
        & ~rows["forecast"].astype(bool)
        & rows["value"].notna()
        & ~rows["qualifier"].isin(BOUNDS)
    )


def half_unit(values: np.ndarray) -> np.ndarray:
    """Half a unit of the last decimal each value is written with: 75.1 -> 0.05, 2000 -> 0.5,
    0.1765 -> 0.00005: how far the true figure may lie from a rounded one."""
    values = np.asarray(values, dtype=float)
    out = np.full(values.shape, 0.5 * 10.0**-MAX_DECIMALS)
    remaining = np.isfinite(values)
    for decimals in range(MAX_DECIMALS + 1):
        scaled = values * 10.0**decimals
        written = remaining & (
            np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))
        )
        out[written] = 0.5 * 10.0**-decimals
        remaining &= ~written
    return out


def decimals_of(values: np.ndarray) -> np.ndarray:
    """The decimals each value is written with (half_unit's count)."""
    return np.round(-np.log10(2 * half_unit(values))).astype(int)


def midpoint(rows: pd.DataFrame) -> pd.Series:
    return (rows["value"] + rows["value_high"].fillna(rows["value"])) / 2


def is_approximate(rows: pd.DataFrame) -> pd.Series:
    return rows["qualifier"].eq("approx") | rows["value_high"].notna()


# The fields of an input in `inputs`, from the series columns that hold them.
_INPUT_FIELDS = {
    "indicator": "indicator",
    "period": "period",
    "value": "value",
    "unit": "unit",
    "issue_key": "issue_key",
    "issue": "issue_label",
    "quote": "quote",
}


# What JSON must escape in a string: quotes, backslashes, control characters (and the two
# line separators JavaScript reads as line ends, for safety). RE2 syntax (pyarrow).
_NEEDS_ESCAPE = r'["\\\x00-\x1f\x{2028}\x{2029}]'


def _json_values(values: object, length: int) -> pa.Array:
    """Each value as JSON text, as an Arrow string array: numbers as numbers, text quoted
    and escaped, missing as null; a scalar for every row. Built a column at a time in
    Arrow (each distinct text encoded once): json.dumps per derived row was most of a read
    at 1e6 observations."""
    if not isinstance(values, np.ndarray | pd.Series | list):
        return pa.array([json.dumps(values, ensure_ascii=False)] * length, type=pa.string())
    column = pd.Series(values).reset_index(drop=True)
    if pd.api.types.is_float_dtype(column) or pd.api.types.is_integer_dtype(column):
        numbers = column.to_numpy(dtype=float)
        return pa.array(numbers.astype(str), mask=~np.isfinite(numbers)).fill_null("null")
    dictionary = pc.dictionary_encode(pa.Array.from_pandas(column.astype("string")))
    texts = dictionary.dictionary.cast(pa.string())
    # Text with nothing to escape is itself in quotes; the rest goes through json. Arrow's
    # regex runs in C (pandas ran Python's re on each distinct text: 70 ms at 1e6).
    needs = pc.match_substring_regex(texts, _NEEDS_ESCAPE).to_numpy(zero_copy_only=False)
    encoded = pc.binary_join_element_wise('"', texts, '"', "")
    if needs.any():
        escaped = encoded.to_pylist()
        for position in np.flatnonzero(needs):
            escaped[position] = json.dumps(texts[position].as_py(), ensure_ascii=False)
        encoded = pa.array(escaped, type=pa.string())
    return pc.take(encoded, dictionary.indices).fill_null("null")


def json_objects(fields: dict[str, object], length: int) -> pa.Array:
    """One JSON object per row from fields (name -> a column or a scalar), joined in
    Arrow."""
    parts: list[object] = []
    for position, (name, values) in enumerate(fields.items()):
        parts.append(("{" if position == 0 else ", ") + json.dumps(name) + ": ")
        parts.append(_json_values(values, length))
    return pc.binary_join_element_wise(*parts, "}", "")


def input_objects(frame: pd.DataFrame, **overrides: object) -> np.ndarray:
    """Each row of frame as an input object (_INPUT_FIELDS), overrides replacing fields."""
    fields = {
        field: overrides.get(field, frame[column] if column in frame.columns else None)
        for field, column in _INPUT_FIELDS.items()
    }
    return json_objects(fields, len(frame))


# The columns a derived row takes from its inputs.
INPUT_COLUMNS = (
    "indicator",
    "name_zh",
    "name_en",
    "category",
    "unit",
    "period",
    "period_kind",
    "period_start",
    "period_end",
    "value",
    "value_high",
    "qualifier",
    "forecast",
    "issue_key",
    "issue_label",
    "published",
    "article",
    "editor",
    "quote",
    "form",
)


def derived_frame(frame: pd.DataFrame, **columns: object) -> pd.DataFrame:
    """A frame of derived rows: `frame`'s columns (the provenance of the input published
    last) with the period, value, form and marks given; _low and _high bound the value as
    the rounding of its inputs allows."""
    out = frame.reset_index(drop=True).copy()
    out["period"] = columns["period"]
    out["period_kind"] = columns["kind"]
    out["period_start"] = columns["start"]
    out["period_end"] = columns["end"]
    out["value"] = columns["value"]
    out["value_high"] = np.nan
    out["qualifier"] = np.where(columns["approx"], "approx", "exact")
    out["forecast"] = False
    out["derived"] = True
    out["form"] = columns["form"]
    out["derivation"] = columns["derivation"]
    out["formula"] = columns["formula"]
    out["inputs"] = pd.Series(
        pd.arrays.ArrowStringArray(pa.chunked_array([columns["inputs"]]))
        if isinstance(columns["inputs"], pa.Array)
        else columns["inputs"],
        index=out.index,
        dtype="str",
    )
    out["quote"] = columns["quote"]
    for column, value in (
        ("period_text", ""),
        ("revision_count", 0),
        ("disagrees", False),
        ("revised_later", False),
    ):
        if column in out.columns:
            out[column] = value
    if "figure_text" in out.columns:
        out["figure_text"] = columns["formula"]
    for column in ("current_value", "current_value_high", "current_issue_key"):
        if column in out.columns:
            out[column] = None
    out["_low"] = columns["low"]
    out["_high"] = columns["high"]
    return out
