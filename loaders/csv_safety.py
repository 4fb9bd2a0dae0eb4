"""Spreadsheet-formula safety for CSV text: one rule for every CSV we write and every table we read.

A cell that starts with = + - @ (or a tab or CR) is read by Excel and LibreOffice as a
formula (CSV injection: =HYPERLINK(...) can leak data or run commands). Written cells get a
leading single quote, which makes them plain text; uploaded text cells that look like a
formula are refused, so nothing formula-like is stored in the first place.
"""

from __future__ import annotations

import numbers
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_CONTROL_NAMES = {"\t": "制表符 (tab)", "\r": "回车符 (CR)"}


def is_missing(value: Any) -> bool:
    """None, NaN and pandas NA all mean "no value"."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array is not a missing scalar
        return False


def escape_text(text: str) -> str:
    """Text as a spreadsheet shows it literally: a leading ' before a formula-like start."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_cell(value: Any) -> str:
    """One cell as CSV text: numbers as plain numbers, dates ISO, text escaped for Excel."""
    if is_missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.date().isoformat() if _is_midnight(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return escape_text(str(value))


def _is_midnight(value: datetime) -> bool:
    return (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)


def escape_text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells are escaped; numeric, boolean and date columns are untouched,
    so pandas writes them exactly as before (numbers stay numbers)."""
    escaped = frame.copy()
    for column in escaped.columns:
        series = escaped[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            escaped[column] = series.map(
                lambda v: escape_text(v) if isinstance(v, str) else v, na_action="ignore"
            )
    return escaped


def formula_problem(text: str) -> str | None:
    """Why an uploaded text cell looks like a spreadsheet formula, or None when it does not.

    Refused: a leading tab or CR, or (after leading whitespace) = + @, or - followed by
    anything but a digit. A negative number such as -3.5% is ordinary text and passes.
    """
    if text[:1] in _CONTROL_NAMES:
        return f"以{_CONTROL_NAMES[text[0]]}开头"
    stripped = text.lstrip()
    first = stripped[:1]
    if first in ("=", "+", "@") or (first == "-" and not stripped[1:2].isdigit()):
        return f'以 "{first}" 开头，可能是电子表格公式（如 =HYPERLINK(...)）'
    return None
