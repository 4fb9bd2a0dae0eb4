"""XLSX for spreadsheets: the one workbook writer behind every Excel download and the API.

Numbers are numbers, dates are dates (a date format, not text), true/false are booleans,
text is text. Formula-safe by the one formula rule (loaders.guards.csv_safety.formula_sign): a
text cell is never a formula here (openpyxl would store "=1+2" as one; these cells are
written as strings), and a cell whose text a spreadsheet would read as a formula when it is
edited or saved as CSV gets Excel's quote prefix (quotePrefix, the ' an analyst would type),
so the text stays as it was stored and stays text.

openpyxl builds the workbook: sheets, header row, styles, widths, frozen header, filters.
The data rows are then written into its sheet XML a column at a time in Arrow, as the CSV
writer does (loaders.guards.csv_safety.csv_bytes): openpyxl writes each cell in Python, about 40 µs
a cell, and a 25,000-row series has 700,000 of them. Each kind of cell takes the style
openpyxl gave it in a probe row, so the styles are openpyxl's own.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from loaders.guards.csv_safety import formula_sign
from loaders.vocab.missing import is_missing

DATE_FORMAT = "yyyy-mm-dd"
# Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
# Excel keeps at most this many characters in a cell.
MAX_CELL_CHARS = 32767
# Characters XML 1.0 does not allow (tab, LF and CR are allowed).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Column widths (characters) from the header and the first rows, within these bounds.
MIN_WIDTH, MAX_WIDTH = 8, 60
_WIDTH_SAMPLE = 200
# Sheet names: at most 31 characters, none of []:*?/\ .
_SHEET_NAME_ILLEGAL = re.compile(r"[\[\]:*?/\\]")
# A first character the formula rule never objects to: letters, digits, opening brackets.
_SAFE_START = r"^[\p{L}\p{N}《“‘（【「『〈(\[]"
_KINDS = ("text", "quoted", "number", "date", "bool")


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name and its table (a header row, then a row per frame row)."""

    name: str
    frame: pd.DataFrame
    # Column widths in characters by column name, where the default guess is not wanted.
    widths: dict[str, float] | None = None


def _kind(column: pd.Series) -> str:
    """How a column's cells are written: number, date, bool or text."""
    kind = column.dtype.kind
    if kind == "M":
        return "date"
    if kind == "b" or str(column.dtype) == "boolean":
        return "bool"
    if kind in "iuf":
        return "number"
    inferred = pd.api.types.infer_dtype(column, skipna=True)
    if inferred == "boolean":
        return "bool"
    if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
        return "number"
    if inferred in ("date", "datetime", "datetime64"):
        return "date"
    return "text"


def _as_text(column: pd.Series) -> pa.Array:
    try:
        text = pa.array(column, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        text = pa.array([None if is_missing(v) else str(v) for v in column.tolist()], pa.string())
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


def _text_cells(column: pd.Series, ref: pa.Array, styles: dict[str, str]) -> pa.Array:
    """Text cells, XML-escaped, quote-prefixed where the formula rule says so."""
    text = _as_text(column)
    # The formula rule looks at the first visible character: text starting with a letter
    # (Chinese included), a digit or an opening bracket cannot be a formula, so only the rest
    # is asked.
    safe = pc.match_substring_regex(text, _SAFE_START)
    maybe = pc.invert(pc.fill_null(safe, True))
    quoted = np.zeros(len(text), dtype=bool)
    for position in np.flatnonzero(maybe.to_numpy(zero_copy_only=False)):
        quoted[position] = bool(formula_sign(text[int(position)].as_py()))
    if pc.any(pc.match_substring_regex(text, _XML_ILLEGAL.pattern)).as_py():
        text = pc.replace_substring_regex(text, _XML_ILLEGAL.pattern, "")
    text = pc.utf8_slice_codeunits(text, 0, MAX_CELL_CHARS)
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = pc.replace_substring(text, raw, entity)
    plain = f'" t="inlineStr"{styles["text"]}><is><t xml:space="preserve">'
    prefixed = f'" t="inlineStr"{styles["quoted"]}><is><t xml:space="preserve">'
    head = pc.if_else(pa.array(quoted), prefixed, plain)
    return pc.binary_join_element_wise(ref, head, text, "</t></is></c>", "")


def _value_cells(values: pa.Array, ref: pa.Array, attributes: str) -> pa.Array:
    head = pa.scalar(f'"{attributes}><v>')
    return pc.binary_join_element_wise(ref, head, values, "</v></c>", "", null_handling="emit_null")


def _cells(column: pd.Series, ref: pa.Array, styles: dict[str, str]) -> pa.Array:
    """The XML of one column's cells, "" where a value is missing."""
    kind = _kind(column)
    if kind == "text":
        cells = _text_cells(column, ref, styles)
    elif kind == "number":
        numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        mask = ~np.isfinite(numbers)
        cells = _value_cells(pa.array(numbers, mask=mask).cast(pa.string()), ref, styles["number"])
    elif kind == "bool":
        text = pa.array(
            [None if is_missing(v) else ("1" if v else "0") for v in column.tolist()], pa.string()
        )
        cells = _value_cells(text, ref, ' t="b"' + styles["bool"])
    else:
        stamps = pd.to_datetime(column, errors="coerce").to_numpy(dtype="datetime64[ns]")
        missing = np.isnat(stamps)
        days = (stamps.astype("datetime64[D]") - _EXCEL_EPOCH).astype("int64")
        fraction = (stamps - stamps.astype("datetime64[D]")).astype("int64") / 86_400e9
        serial = np.where(fraction == 0, days, days + fraction)
        cells = _value_cells(pa.array(serial, mask=missing).cast(pa.string()), ref, styles["date"])
    return pc.fill_null(cells, "")


def _rows_xml(frame: pd.DataFrame, first_row: int, styles: dict[str, str]) -> bytes:
    """<row> elements of every frame row, numbered from first_row, built column-wise."""
    if frame.empty:
        return b""
    numbers = pa.array(np.arange(first_row, first_row + len(frame)), pa.int64()).cast(pa.string())
    cells = []
    for position in range(frame.shape[1]):
        letter = get_column_letter(position + 1)
        ref = pc.binary_join_element_wise(f'<c r="{letter}', numbers, "")
        cells.append(_cells(frame.iloc[:, position], ref, styles))
    rows = pc.binary_join_element_wise('<row r="', numbers, '">', *cells, "</row>", "")
    one_list = pa.ListArray.from_arrays(pa.array([0, len(rows)], pa.int32()), rows)
    return pc.binary_join(one_list, "")[0].as_buffer().to_pybytes()


def _set_text(cell, text: str) -> None:
    """A header or description cell: always a string (openpyxl would make "=…" a formula),
    quote-prefixed where the formula rule says so."""
    cell.value = _XML_ILLEGAL.sub("", text)[:MAX_CELL_CHARS]
    cell.data_type = "s"
    if formula_sign(text):
        cell.quotePrefix = True


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_NAME_ILLEGAL.sub("_", name).strip("'")[:31] or "Sheet"
    chosen, number = base, 2
    while chosen in taken:
        suffix = f" ({number})"
        chosen, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(chosen)
    return chosen


def _width(column: pd.Series, header: str) -> float:
    sample = [str(v) for v in column.head(_WIDTH_SAMPLE).dropna().tolist()]
    longest = max([len(header), *(len(v) for v in sample)], default=len(header))
    # A Chinese character is about two Latin ones wide.
    wide = max([header, *sample], key=len, default=header)
    factor = 1.8 if any("\u4e00" <= ch <= "\u9fff" for ch in wide) else 1.1
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest * factor + 2)))


def _probe(sheet, row: int) -> None:
    """A row with one cell of each kind, so openpyxl assigns each kind its style."""
    text = sheet.cell(row, 1)
    _set_text(text, "text")
    quoted = sheet.cell(row, 2)
    _set_text(quoted, "=quoted")
    sheet.cell(row, 3, 1.5)
    day = sheet.cell(row, 4, datetime(2021, 4, 26))
    day.number_format = DATE_FORMAT
    sheet.cell(row, 5, True)


_PROBE_CELL = re.compile(rb'<c r="([A-E])(\d+)"((?: [a-z]+="[^"]*")*)>')


def _probe_styles(xml: bytes, row: int) -> tuple[dict[str, str], tuple[int, int]]:
    """The style attribute openpyxl gave each kind in the probe row, and where the probe row
    is in the XML (to be replaced by the data rows)."""
    start = xml.index(f'<row r="{row}"'.encode())
    end = xml.index(b"</row>", start) + len(b"</row>")
    styles = {}
    for match in _PROBE_CELL.finditer(xml, start, end):
        style = re.search(rb' s="(\d+)"', match.group(3))
        styles[_KINDS["ABCDE".index(match.group(1).decode())]] = (
            f' s="{style.group(1).decode()}"' if style else ""
        )
    return styles, (start, end)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as one XLSX workbook, in order (see the module docstring)."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    wrap = Alignment(vertical="top", wrap_text=False)
    for sheet in sheets:
        page = book.create_sheet(_sheet_name(sheet.name, taken))
        for position, name in enumerate(sheet.frame.columns, start=1):
            cell = page.cell(1, position)
            _set_text(cell, str(name))
            cell.font = bold
            cell.alignment = wrap
            width = (sheet.widths or {}).get(str(name)) or _width(
                sheet.frame.iloc[:, position - 1], str(name)
            )
            page.column_dimensions[get_column_letter(position)].width = width
        page.freeze_panes = "A2"
        if sheet.frame.shape[1]:
            last = get_column_letter(sheet.frame.shape[1])
            page.auto_filter.ref = f"A1:{last}{len(sheet.frame) + 1}"
        _probe(page, 2)
    written = io.BytesIO()
    book.save(written)
    return _with_rows(written.getvalue(), sheets)


def _with_rows(package: bytes, sheets: Sequence[Sheet]) -> bytes:
    """openpyxl's package with each sheet's probe row replaced by the sheet's rows."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            matched = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            if matched:
                sheet = sheets[int(matched.group(1)) - 1]
                styles, (start, end) = _probe_styles(data, 2)
                rows = _rows_xml(sheet.frame, 2, styles)
                data = data[:start] + rows + data[end:]
                last = get_column_letter(max(sheet.frame.shape[1], 1))
                data = re.sub(
                    rb'<dimension ref="[^"]*"/>',
                    f'<dimension ref="A1:{last}{len(sheet.frame) + 1}"/>'.encode(),
                    data,
                    count=1,
                )
            target.writestr(info.filename, data)
    return out.getvalue()
