"""The rows of an XLSX figures table: the workbook checked before openpyxl reads it (its
caps, the first sheet's declared size, the shared strings), repacked from members read
through the bounded stream, and read row by row within a deadline."""

from __future__ import annotations

import io
import re
import time
from typing import Any

from loaders.errors import BriefReadError
from loaders.guards.archive import XLSX_LIMITS, Archive, ArchiveError, open_archive
from loaders.intake.table_cells import table_error
from loaders.intake.table_format import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS

# And reading stops at this deadline, checked row by row.
XLSX_PARSE_SECONDS = 20.0
_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"")
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([^\"]*)\"")
_CELL_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)$")
_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b[^>]*>")
_PART_NAME = re.compile(rb'\bPartName="([^"]+)"')
_SHARED_STRINGS_TYPE = b"spreadsheetml.sharedStrings+xml"
# An element of the shared-strings table (<si>) and a cell of a sheet (<c>), any prefix.
_STRING_ITEM = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")
_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
# Enough of a sheet's XML to hold its <dimension>, which comes before the data.
_SHEET_HEAD_BYTES = 64 * 1024
_SMALL_PART_BYTES = 1024 * 1024
# Every shared string is used by a cell. A table keeps its strings on its first sheet, but a
# workbook may have a notes sheet too: this many strings more than the first sheet's cells
# are allowed. openpyxl reads the whole table before the first row (400,000 strings in a 1 MB
# file held the upload page for 21 s); a table bounded by its sheet costs what the sheet does.
SHARED_STRINGS_SLACK = 1000


def _first_sheet_part(archive: Archive) -> str | None:
    """The zip member of the workbook's first sheet (the one openpyxl reads as worksheets[0])."""
    workbook = archive.head("xl/workbook.xml", _SMALL_PART_BYTES)
    first = _SHEET_ENTRY.search(workbook)
    if first is None or archive.member("xl/_rels/workbook.xml.rels") is None:
        return None
    rels = archive.head("xl/_rels/workbook.xml.rels", _SMALL_PART_BYTES)
    for relationship in _RELATIONSHIP.findall(rels):
        if re.search(rb'\bId="' + re.escape(first.group(1)) + rb'"', relationship):
            target = re.search(rb'\bTarget="([^"]+)"', relationship)
            if target:
                path = target.group(1).decode("utf-8", "replace").lstrip("/")
                path = path if path.startswith("xl/") else f"xl/{path}"
                return path if archive.member(path) is not None else None
    return None


def _dimension_ref(archive: Archive, part: str | None) -> str | None:
    """The first sheet's <dimension ref> ("A1:K12"), read from the start of its XML, or None."""
    if part is None:
        return None
    found = _DIMENSION.search(archive.head(part, _SHEET_HEAD_BYTES))
    return found.group(1).decode("ascii", "replace") if found else None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _ref_size(ref: str | None) -> tuple[int, int] | None:
    last = _CELL_REF.match((ref or "").rsplit(":", 1)[-1].upper())
    if last is None:
        return None
    return int(last.group(2)), _column_number(last.group(1))


def sheet_dimension(data: bytes) -> tuple[int, int] | None:
    """(rows, columns) the first sheet of an XLSX declares (its <dimension ref>'s last cell),
    or None when it declares none (or one that is not a cell range)."""
    try:
        with open_archive(data, XLSX_LIMITS) as archive:
            return _ref_size(_dimension_ref(archive, _first_sheet_part(archive)))
    except ArchiveError:
        return None


def _shared_strings_part(archive: Archive) -> str | None:
    """The shared-strings table's member, as [Content_Types].xml names it (openpyxl's way)."""
    if archive.member("[Content_Types].xml") is None:
        return None
    types = archive.head("[Content_Types].xml", _SMALL_PART_BYTES)
    for override in _OVERRIDE.findall(types):
        name = _PART_NAME.search(override)
        if _SHARED_STRINGS_TYPE in override and name:
            part = name.group(1).decode("utf-8", "replace").lstrip("/")
            return part if archive.member(part) is not None else None
    return None


def _check_shared_strings(archive: Archive, sheet: str | None, filename: str) -> None:
    part = _shared_strings_part(archive)
    if part is None:
        return
    strings = len(_STRING_ITEM.findall(archive.read(part)))
    cells = len(_CELL.findall(archive.read(sheet))) if sheet is not None else 0
    allowed = min(cells, (MAX_TABLE_ROWS + 2) * MAX_TABLE_COLUMNS) + SHARED_STRINGS_SLACK
    if strings > allowed:
        raise table_error(
            filename,
            f"{part} 含 {strings:,} 个共享字符串，而第一个工作表只有 {cells:,} 个单元格"
            f"（最多允许多 {SHARED_STRINGS_SLACK} 个）；请只保留数据表所在的工作表，"
            "另存为新的 .xlsx 后重新上传",
        )


def _opened_workbook(data: bytes, filename: str) -> bytes:
    """The workbook checked (its caps, the first sheet's declared size, the shared strings)
    and repacked from members read through the bounded stream: what openpyxl is given."""
    try:
        with open_archive(data, XLSX_LIMITS) as archive:
            sheet = _first_sheet_part(archive)
            ref = _dimension_ref(archive, sheet)
            declared = _ref_size(ref)
            if declared and (declared[0] > MAX_TABLE_ROWS + 1 or declared[1] > MAX_TABLE_COLUMNS):
                raise table_error(
                    filename,
                    f"工作表范围 {ref} 有 {declared[0]} 行、{declared[1]} 列，"
                    f"超出数据表上限（{MAX_TABLE_ROWS + 1} 行含表头、{MAX_TABLE_COLUMNS} 列）；"
                    "请只保留数据所在的单元格（删除远处的空白或格式）后重新上传",
                )
            _check_shared_strings(archive, sheet, filename)
            return archive.repacked()
    except ArchiveError as exc:
        raise table_error(filename, str(exc)) from exc


def xlsx_rows(data: bytes, filename: str) -> list[tuple[int, list[Any]]]:
    """The first sheet's rows, numbered as the file numbers them (the header included)."""
    import openpyxl

    workbook = _opened_workbook(data, filename)
    try:
        # data_only=False keeps a formula cell (=HYPERLINK(...)) as its text, never evaluated.
        book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        raise table_error(filename, f"无法读取 Excel 文件：{type(exc).__name__}: {exc}") from exc
    started = time.monotonic()
    rows: list[tuple[int, list[Any]]] = []
    try:
        sheet = book.worksheets[0]
        # Bounded whatever the sheet declares (a missing or false <dimension>): one row past
        # the cap tells a table that is too long.
        cells = sheet.iter_rows(
            max_row=MAX_TABLE_ROWS + 2, max_col=MAX_TABLE_COLUMNS, values_only=True
        )
        for number, values in enumerate(cells, start=1):
            if time.monotonic() - started > XLSX_PARSE_SECONDS:
                raise table_error(
                    filename,
                    f"读取 Excel 表格超过 {XLSX_PARSE_SECONDS:.0f} 秒（停在第 {number} 行），已放弃",
                )
            rows.append((number, list(values)))
    except BriefReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - a cell openpyxl cannot convert (5,000 digits)
        raise table_error(
            filename,
            f"无法读取 Excel 表格第 {len(rows) + 1} 行：{type(exc).__name__}: {str(exc)[:200]}",
        ) from exc
    finally:
        book.close()
    return rows
