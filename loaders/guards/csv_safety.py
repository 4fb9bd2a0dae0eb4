"""CSV for spreadsheets: the one writer (UTF-8 with BOM, formula-safe cells, numbers as
numbers) behind every download and export, and the one formula rule, for the cells we write
and the text we accept.

A cell whose first visible character is = + - @ (or a full-width or look-alike twin: ＝ ＋ －
＠ −), or that starts with a tab or CR, is read by Excel or LibreOffice as a formula (CSV
injection: =HYPERLINK(...) can leak data, -2+3+cmd|' /C calc'!A0 can run a command).
Blanks and invisible characters in front do not help: LibreOffice trims them. Written cells
get a leading single quote, which makes them plain text; text that looks like a formula is
refused on the way in (loaders.services.storable, the gate every write of text passes:
issues, figure tables, the catalog, editors' notes), so nothing formula-like is stored in
the first place. The one exception on the way in is a negative
number followed by ordinary text (-0.5% 同比): data, not a formula.
"""

from __future__ import annotations

import csv
import io
import numbers
import re
import unicodedata
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.vocab.missing import is_missing

# The first characters a spreadsheet starts a formula with, after NFKC (＝ -> =, ﹢ -> +).
FORMULA_SIGNS = frozenset("=+-@")
# Signs NFKC leaves alone that a spreadsheet still reads as a minus.
_MINUS_LOOKALIKES = {"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-"}
_CONTROL_NAMES = {"\t": "制表符 (tab)", "\r": "回车符 (CR)"}
# -3.5, -1,750, -0.5% : a negative number, possibly a percentage.
_NEGATIVE_NUMBER = re.compile(r"-\d[\d,]*(?:\.\d+)?%?")
# What after a negative number makes it a formula: an operator, a name or a cell reference.
_FORMULA_CONTINUATION = re.compile(r"[-+*/^&=<>|!:;,()\[\]{}\"'$#A-Za-z_]")


def _ignored_before_formula(ch: str) -> bool:
    """Characters a spreadsheet skips before deciding what a cell is: blanks, controls,
    zero-width and other format characters (BOM, bidi marks)."""
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")


def formula_sign(text: str) -> str | None:
    """The sign (= + - @, tab or CR) that makes a spreadsheet read text as a formula, or None.

    The sign is the first visible character, normalised (＝ -> =, − -> -).
    """
    if text[:1] in _CONTROL_NAMES:
        return text[0]
    for ch in text:
        if _ignored_before_formula(ch):
            continue
        sign = _MINUS_LOOKALIKES.get(ch) or unicodedata.normalize("NFKC", ch)
        return sign if sign in FORMULA_SIGNS else None
    return None


def escape_text(text: str) -> str:
    """Text as a spreadsheet shows it literally: a leading ' before a formula-like start."""
    return "'" + text if formula_sign(text) else text


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
        return [escape_text(text) for text in column.fillna("").tolist()]
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
    line ends, csv_cell for every cell; only text that needs it is quoted (as the csv
    module's QUOTE_MINIMAL does), so numbers stay numbers. Every CSV the project writes (page
    downloads, the API, export, templates) comes from here.

    Cells are escaped, quoted and joined into lines column by column in Arrow (C), not row
    by row in Python: a 25,000-row series is written faster than pandas' own to_csv.
    """
    header = io.StringIO()
    csv.writer(header, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerow(
        [escape_text(str(column)) for column in frame.columns]
    )
    head = ("\ufeff" + header.getvalue()).encode("utf-8")
    if frame.shape[1] < 2 or frame.empty:
        # The csv module's rules for a lone column (an empty field is written "") and for
        # no rows at all; such frames are small.
        return head + _rows_by_csv_module(frame)
    cells = [_quoted_cells(frame.iloc[:, i]) for i in range(frame.shape[1])]
    lines = pc.binary_join_element_wise(*cells, ",")
    one_list = pa.ListArray.from_arrays(pa.array([0, len(lines)], pa.int32()), lines)
    body = pc.binary_join(one_list, "\r\n")[0].as_buffer().to_pybytes()
    return head + body + b"\r\n"


# A field the csv module quotes: one holding the delimiter, a quote or a line break.
_NEEDS_QUOTES = '[,"\r\n]'


def _quoted_cells(column: pd.Series) -> pa.Array:
    """csv_cell of every value of a column, quoted where CSV needs it, as Arrow strings."""
    if isinstance(column.dtype, pd.StringDtype):
        # Text columns mostly repeat a few values (names, units, issues, articles): each
        # distinct value is escaped and quoted once, then spread back.
        text = pa.array(column, type=pa.string())
        if isinstance(text, pa.ChunkedArray):  # a column of concatenated frames
            text = text.combine_chunks()
        encoded = text.dictionary_encode()
        values = _escaped_and_quoted(encoded.dictionary)
        indices = pc.fill_null(encoded.indices, len(values))  # a missing value: ""
        return pc.take(pa.concat_arrays([values, pa.array([""])]), indices)
    values = column.to_numpy()
    if values.dtype.kind == "M":
        days = values.astype("datetime64[D]")
        missing = np.isnat(values)
        if (missing | (values == days)).all():
            # Dates (the usual case) print as ISO days in C; a time of day goes cell by cell.
            return pc.fill_null(pa.array(days, mask=missing).cast(pa.string()), "")
    if values.dtype.kind in "fiubM":
        return pa.array(_column_cells(column), type=pa.string())  # never needs quotes
    return _escaped_and_quoted(pa.array(_column_cells(column), type=pa.string()), escaped=True)


def _escaped_and_quoted(text: pa.Array, escaped: bool = False) -> pa.Array:
    """escape_text (unless already escaped) then the csv module's QUOTE_MINIMAL, in Arrow."""
    text = pc.fill_null(text, "")
    if not escaped:
        # The formula rule (formula_sign) in Python, once per distinct value: the callers
        # pass a column's dictionary, a few names and units, not every row.
        text = pa.array([escape_text(value) for value in text.to_pylist()], type=pa.string())
    doubled = pc.replace_substring(text, '"', '""')
    quoted = pc.binary_join_element_wise('"', doubled, '"', "")
    return pc.if_else(pc.match_substring_regex(text, _NEEDS_QUOTES), quoted, text)


def _rows_by_csv_module(frame: pd.DataFrame) -> bytes:
    """The rows (no header) as the csv module writes them, for frames of one column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    columns = [_column_cells(frame.iloc[:, i]) for i in range(frame.shape[1])]
    writer.writerows(zip(*columns, strict=True) if columns else [])
    return buffer.getvalue().encode("utf-8")


def formula_problem(text: str) -> str | None:
    """Why a text cell on its way in looks like a spreadsheet formula, or None when it does not.

    Refused: a leading tab or CR, or a first visible character = + @ (any width), or a minus
    sign not followed by a plain negative number (-cmd, --1, - 3), or a negative number
    followed by an operator, a name or a cell reference (-2+3+cmd|..., -1e5, -3.5%+A1).
    A negative number before ordinary text (-3.5%, -0.5% 同比, -3.5亿元) passes.
    """
    sign = formula_sign(text)
    if sign is None:
        return None
    if sign in _CONTROL_NAMES:
        return f"以{_CONTROL_NAMES[sign]}开头"
    start = next(i for i, ch in enumerate(text) if not _ignored_before_formula(ch))
    if sign == "-" and text[start] == "-":
        number = _NEGATIVE_NUMBER.match(text, start)
        if number is not None:
            rest = text[number.end() :].lstrip()
            if not _FORMULA_CONTINUATION.match(rest):
                return None
    return f'以 "{text[start]}" 开头，可能是电子表格公式（如 =HYPERLINK(...)）'
