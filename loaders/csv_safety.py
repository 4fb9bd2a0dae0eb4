"""CSV for spreadsheets: the one writer (UTF-8 with BOM, formula-safe cells, numbers as
numbers) behind every download and export, and the formula rule for tables we read.

A cell that starts with = + - @ (or a tab or CR) is read by Excel and LibreOffice as a
formula (CSV injection: =HYPERLINK(...) can leak data or run commands). Written cells get a
leading single quote, which makes them plain text; uploaded text cells that look like a
formula are refused, so nothing formula-like is stored in the first place.
"""

from __future__ import annotations

import csv
import io
import numbers
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from loaders.missing import is_missing

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_CONTROL_NAMES = {"\t": "制表符 (tab)", "\r": "回车符 (CR)"}


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


def _float_cell(number: float) -> str:
    if number != number:
        return ""
    return str(int(number)) if number.is_integer() else repr(number)


def _column_cells(column: pd.Series) -> list[str]:
    """csv_cell of every value of a column; numpy and string columns take a fast path (same
    text)."""
    if isinstance(column.dtype, pd.StringDtype):
        text = column.fillna("")
        return text.where(~text.str.startswith(FORMULA_PREFIXES), "'" + text).tolist()
    values = column.to_numpy()
    kind = values.dtype.kind
    if kind == "f":
        return [_float_cell(number) for number in values.tolist()]
    if kind in "iu":
        return [str(number) for number in values.tolist()]
    if kind == "b":
        return ["true" if flag else "false" for flag in values.tolist()]
    if kind == "M":
        # numpy's day unit prints ISO dates in C; pandas' strftime formats cell by cell
        # (three date columns were most of a 25,000-row download).
        missing = np.isnat(values)
        days = values.astype("datetime64[D]")
        text = np.where(missing, "", days.astype(str)).astype(object)
        with_time = ~missing & (values != days)
        if with_time.any():
            text[with_time] = [_iso(value) for value in values[with_time]]
        return text.tolist()
    cells = []
    for value in values.tolist():
        if isinstance(value, str):
            cells.append(escape_text(value))
        elif isinstance(value, float):
            cells.append(_float_cell(value))
        else:
            cells.append(csv_cell(value))
    return cells


def _iso(value: Any) -> str:
    return pd.Timestamp(value).isoformat()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV for Excel: UTF-8 with a BOM (so Chinese shows), a header row, CRLF
    line ends, csv_cell for every cell; only text that needs it is quoted, so numbers stay
    numbers. Every CSV the project writes (page downloads, export, templates) comes from here.
    """
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([escape_text(str(column)) for column in frame.columns])
    columns = [_column_cells(frame.iloc[:, i]) for i in range(frame.shape[1])]
    writer.writerows(zip(*columns, strict=True) if columns else [])
    return buffer.getvalue().encode("utf-8")


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
