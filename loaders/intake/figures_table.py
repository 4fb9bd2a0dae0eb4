"""Read a figures table (CSV, Excel or the extractor's JSON) into an Extraction.

The table path lets an editor upload figures that were typed or corrected by hand. Columns:
indicator, period, value, qualifier, forecast, note (optional: unit, quote, article) and the
issue's header fields title, year, number, total_number, published repeated on every row
(the JSON form carries them in its `issue` object, as `python -m loaders extract --json`
prints). The kind of file is decided by its content, never by its name alone.

Parsing is lenient where the review can explain better: an unknown indicator, a bad period,
NaN or a duplicate still parse, and loaders.intake.reviewed_rows names the row and field. What cannot even
be represented (no header, a value that is not a number at all) fails here, with the row and
field named. So does a text cell that looks like a spreadsheet formula (=HYPERLINK(...)): it
is refused rather than stored, since every CSV opened in Excel later would be a trap.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
from pydantic import ValidationError

from loaders.errors import BriefReadError
from loaders.guards.archive import XLSX_LIMITS, Archive, ArchiveError, open_archive
from loaders.guards.csv_safety import csv_bytes, formula_problem
from loaders.guards.text_safety import strip_unsafe
from loaders.intake.reviewed_rows import (
    TEMPLATE_NUMBER,
    TEMPLATE_TOTAL_NUMBER,
    TEMPLATE_YEAR,
    parse_bool,
)
from loaders.models import Article, Extraction, IssueHeader, Observation, UnassignedFigure
from loaders.text.decoding import decode_text
from loaders.vocab.missing import is_missing
from loaders.vocab.qualifiers import QualifierError, parse_qualifier

# Tables are small (one issue's figures); 5 MB is thousands of rows, far beyond any issue.
MAX_TABLE_BYTES = 5 * 1024 * 1024
MAX_TABLE_ROWS = 5000
# A figures table has a dozen columns. A sheet that declares more rows or columns than a table
# can have is refused from its <dimension ref> before openpyxl reads it (one cell at
# XFD1048576 had openpyxl fill in 17 billion empty cells: minutes of CPU per upload), and
# reading never fills in more than these rows and columns, whatever the sheet declares.
MAX_TABLE_COLUMNS = 64
# And reading stops at this deadline, checked row by row.
XLSX_PARSE_SECONDS = 20.0
TABLE_SUFFIXES = (".csv", ".xlsx", ".json")
HEADER_FIELDS = ("title", "year", "number", "total_number", "published")
FIGURE_FIELDS = ("indicator", "period", "value", "qualifier", "forecast", "note")
OPTIONAL_FIELDS = ("unit", "quote", "article")
TEMPLATE_EXAMPLE = {
    "indicator": "logistics_total",
    "period": "2021-01/2021-06",
    "value": "150.9",
    "qualifier": "exact",
    "forecast": "false",
    "note": "上半年全国社会物流总额 150.9 万亿元",
    "title": "产业创新动态",
    # An issue that cannot collide with a stored one; refused on commit until changed.
    "year": str(TEMPLATE_YEAR),
    "number": str(TEMPLATE_NUMBER),
    "total_number": str(TEMPLATE_TOTAL_NUMBER),
    "published": f"{TEMPLATE_YEAR}-12-31",
}
TABLE_ARTICLE = "数据表"
# Free-text cells, checked for formula-like starts; numeric cells (value: -3.5) are not.
OBSERVATION_TEXT_FIELDS = ("note", "quote", "article", "unit")
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


def template_csv() -> bytes:
    """The download template: UTF-8 with BOM (Excel shows the Chinese), one example row."""
    return csv_bytes(pd.DataFrame([TEMPLATE_EXAMPLE]))


def _fail(filename: str, message: str) -> BriefReadError:
    return BriefReadError(message, source=filename)


def sniff_table_kind(data: bytes, filename: str) -> str:
    """'xlsx', 'json' or 'csv' from the bytes; the file name must agree with the content."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in TABLE_SUFFIXES:
        raise _fail(
            filename, f"不支持的数据表类型 {suffix or '(无扩展名)'}；请上传 .csv、.xlsx 或 .json"
        )
    if not data.strip():
        raise _fail(filename, "文件是空的 (empty file)")
    if len(data) > MAX_TABLE_BYTES:
        raise _fail(
            filename,
            f"文件太大：{len(data) / 1e6:.1f} MB，数据表上限 {MAX_TABLE_BYTES // 2**20} MB",
        )
    if data[:4] == b"PK\x03\x04":
        kind = "xlsx"
    elif data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        kind = "json"
    else:
        kind = "csv"
    expected = suffix.lstrip(".")
    if kind != expected and not (expected == "csv" and kind == "json"):
        raise _fail(filename, f"文件内容不是 {expected.upper()}（看起来是 {kind.upper()}）")
    return expected


def _decode_text(data: bytes, filename: str) -> str:
    # The reader's strict decoder: UTF-8 (with or without BOM), GB18030/GBK, UTF-16; it
    # refuses bytes that decode only into mojibake.
    try:
        return decode_text(data)
    except ValueError as exc:
        raise _fail(filename, f"无法解码文本：{exc}") from exc


def _norm_column(name: Any) -> str:
    return str(name or "").strip().lstrip("\ufeff").lower()


# A row of a table as read: its number in the file (the first row under the header is 1,
# blank rows counted as the file has them) and its cells by column name.
Record = tuple[int, dict[str, Any]]


def _is_blank_row(cells: Sequence[Any]) -> bool:
    return not any(cell is not None and str(cell).strip() for cell in cells)


def _csv_rows(data: bytes, filename: str) -> list[Record]:
    text = _decode_text(data, filename)
    first_line = text.split("\n", 1)[0]
    # Excel in some locales saves ";"-separated "CSV"; tab-separated text is common too.
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return _rows_with_header(_csv_lines(reader, filename), filename)


def _csv_lines(reader, filename: str) -> Iterator[tuple[int, list[str]]]:
    """The reader's rows numbered; a row the csv module cannot parse (a cell over its field
    limit, a stray quote at the end) is refused naming the line, never an internal error."""
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        reason = str(exc)
        if "field limit" in reason:
            reason = f"单元格超过 {csv.field_size_limit():,} 个字符，数据表的单元格不会这么长"
        raise _fail(filename, f"CSV 文件第 {reader.line_num} 行无法解析：{reason}") from exc


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
        raise _fail(
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
                raise _fail(
                    filename,
                    f"工作表范围 {ref} 有 {declared[0]} 行、{declared[1]} 列，"
                    f"超出数据表上限（{MAX_TABLE_ROWS + 1} 行含表头、{MAX_TABLE_COLUMNS} 列）；"
                    "请只保留数据所在的单元格（删除远处的空白或格式）后重新上传",
                )
            _check_shared_strings(archive, sheet, filename)
            return archive.repacked()
    except ArchiveError as exc:
        raise _fail(filename, str(exc)) from exc


def _xlsx_rows(data: bytes, filename: str) -> list[Record]:
    import openpyxl

    workbook = _opened_workbook(data, filename)
    try:
        # data_only=False keeps a formula cell (=HYPERLINK(...)) as its text, never evaluated.
        book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        raise _fail(filename, f"无法读取 Excel 文件：{type(exc).__name__}: {exc}") from exc
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
                raise _fail(
                    filename,
                    f"读取 Excel 表格超过 {XLSX_PARSE_SECONDS:.0f} 秒（停在第 {number} 行），已放弃",
                )
            rows.append((number, list(values)))
    except BriefReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - a cell openpyxl cannot convert (5,000 digits)
        raise _fail(
            filename,
            f"无法读取 Excel 表格第 {len(rows) + 1} 行：{type(exc).__name__}: {str(exc)[:200]}",
        ) from exc
    finally:
        book.close()
    return _rows_with_header(rows, filename)


def _rows_with_header(rows: Iterable[tuple[int, Sequence[Any]]], filename: str) -> list[Record]:
    """(file row number, cells) -> records numbered from the first row under the header, the
    first non-blank row; blank rows are skipped but counted."""
    header: list[str] | None = None
    header_at = 0
    records: list[Record] = []
    for number, cells in rows:
        if _is_blank_row(cells):
            continue
        if header is None:
            header, header_at = [_norm_column(cell) for cell in cells], number
            missing = [name for name in ("indicator", "period", "value") if name not in header]
            if missing:
                raise _fail(
                    filename,
                    f"表头缺少列：{', '.join(missing)}"
                    f"（应有 {', '.join(FIGURE_FIELDS + HEADER_FIELDS)}）",
                )
            continue
        if len(records) >= MAX_TABLE_ROWS:
            raise _fail(filename, f"行数超过上限 {MAX_TABLE_ROWS}")
        record = {
            name: (cells[i] if i < len(cells) else None) for i, name in enumerate(header) if name
        }
        records.append((number - header_at, record))
    if header is None:
        raise _fail(filename, "表格是空的，没有表头")
    return records


def _cell_text(value: Any) -> str:
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


def _refuse_formulas(
    record: dict[str, Any], fields: tuple[str, ...], where: str, filename: str
) -> None:
    """BriefReadError when a free-text cell starts like a spreadsheet formula."""
    for name in fields:
        value = record.get(name)
        problem = formula_problem(value) if isinstance(value, str) else None
        if problem:
            raise _fail(filename, f"{where} {name}：{problem}，请删除开头的符号后重新上传")


def _number(value: Any, where: str, filename: str) -> float:
    if isinstance(value, bool):
        raise _fail(filename, f"{where}：不是数字 {value!r}")
    if isinstance(value, int | float):
        return float(value)
    text = _cell_text(value).replace(",", "")
    if not text:
        raise _fail(filename, f"{where}：缺少数值")
    try:
        # NaN and inf parse here on purpose: the review names them as not finite.
        return float(text)
    except ValueError as exc:
        raise _fail(filename, f"{where}：不是数字 {text!r}") from exc


def _header_from_rows(records: list[Record], filename: str) -> IssueHeader:
    values: dict[str, str] = {}
    for position, record in records:
        _refuse_formulas(record, ("title",), f"数据表第 {position} 行，字段", filename)
        for field in HEADER_FIELDS:
            text = _cell_text(record.get(field))
            if not text:
                continue
            if field in values and values[field] != text:
                raise _fail(
                    filename,
                    f"数据表第 {position} 行，字段 {field}：{text!r} 与前面各行的 {values[field]!r} 不一致（一个文件只能是一期）",
                )
            values.setdefault(field, text)
    return _issue_header(
        {k: v.replace("/", "-") if k == "published" else v for k, v in values.items()}, filename
    )


def _issue_header(raw: dict[str, Any], filename: str) -> IssueHeader:
    missing = [
        field for field in HEADER_FIELDS if field != "total_number" and raw.get(field) in (None, "")
    ]
    if missing:
        raise _fail(filename, f"缺少期刊信息字段：{', '.join(missing)}")
    cleaned = {k: v for k, v in raw.items() if k in HEADER_FIELDS and v not in (None, "")}
    try:
        return IssueHeader.model_validate(cleaned)
    except ValidationError as exc:
        problems = "; ".join(
            f"字段 {'.'.join(str(p) for p in e['loc'])}：{e['msg']}（{e.get('input')!r}）"
            for e in exc.errors()
        )
        raise _fail(filename, f"期刊信息有误：{problems}") from exc


def _qualifier(value: Any, where: str, filename: str) -> str:
    try:
        return parse_qualifier(_cell_text(value))
    except QualifierError as exc:
        raise _fail(filename, f"{where}：{exc}") from exc


def _bool(value: Any, where: str, filename: str) -> bool:
    try:
        return parse_bool(value)
    except ValueError as exc:
        raise _fail(filename, f"{where}：{exc}") from exc


def _observation(
    record: dict[str, Any], position: int, article: str, article_index: int, filename: str
) -> Observation:
    where = f"数据表第 {position} 行，字段"
    _refuse_formulas(record, OBSERVATION_TEXT_FIELDS, where, filename)
    note = _cell_text(record.get("note")) or _cell_text(record.get("quote"))
    value_text = _cell_text(record.get("value"))
    period_text = _cell_text(record.get("period"))
    return Observation(
        indicator=_cell_text(record.get("indicator")),
        period=period_text,
        value=_number(record.get("value"), f"{where} value", filename),
        unit=_cell_text(record.get("unit")),
        qualifier=_qualifier(record.get("qualifier"), f"{where} qualifier", filename),
        forecast=_bool(record.get("forecast"), f"{where} forecast", filename),
        derived=_bool(record.get("derived"), f"{where} derived", filename),
        quote=note,
        article=_cell_text(record.get("article")) or article,
        article_index=article_index,
        span_start=0,
        span_end=0,
        figure_text=value_text,
        period_text=period_text,
        origin="typed",
        source_row=position,
    )


def _from_records(records: list[Record], data: bytes, filename: str) -> Extraction:
    header = _header_from_rows(records, filename)
    article = f"{TABLE_ARTICLE} {filename}"
    observations = [
        _observation(record, position, article, 0, filename) for position, record in records
    ]
    return Extraction(
        source_name=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        issue=header,
        articles=[Article(index=0, title=article, text="", start=0, end=0)],
        observations=observations,
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


def _from_json(data: bytes, filename: str) -> Extraction:
    text = _decode_text(data, filename)
    problem = _json_depth_problem(text)
    if problem is not None:
        raise _fail(filename, f"JSON 无法解析：{problem}")
    try:
        payload = json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise _fail(
            filename, f"JSON 无法解析：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}"
        ) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("issue"), dict):
        raise _fail(filename, "JSON 应为对象，含 issue（期刊信息）与 observations 列表")
    _refuse_formulas(payload["issue"], ("title",), "期刊信息，字段", filename)
    header = _issue_header(
        {k: _cell_text(v) if isinstance(v, str) else v for k, v in payload["issue"].items()},
        filename,
    )
    raw_observations = payload.get("observations") or []
    raw_unassigned = payload.get("unassigned") or []
    if not isinstance(raw_observations, list) or not isinstance(raw_unassigned, list):
        raise _fail(filename, "JSON 的 observations 与 unassigned 应为列表")
    if len(raw_observations) + len(raw_unassigned) > MAX_TABLE_ROWS:
        raise _fail(filename, f"行数超过上限 {MAX_TABLE_ROWS}")
    # Articles are named in each figure; number them in order of first appearance.
    article_names: dict[str, int] = {}

    def article_index(item: dict[str, Any]) -> tuple[str, int]:
        name = _cell_text(item.get("article")) or f"{TABLE_ARTICLE} {filename}"
        return name, article_names.setdefault(name, len(article_names))

    observations = []
    for position, item in enumerate(raw_observations, start=1):
        if not isinstance(item, dict):
            raise _fail(filename, f"observations 第 {position} 项不是对象")
        name, index = article_index(item)
        observations.append(_observation(item, position, name, index, filename))
    unassigned = []
    for position, item in enumerate(raw_unassigned, start=1):
        if not isinstance(item, dict):
            raise _fail(filename, f"unassigned 第 {position} 项不是对象")
        where = f"未归类数字表第 {position} 行，字段"
        _refuse_formulas(item, UNASSIGNED_TEXT_FIELDS, where, filename)
        name, index = article_index(item)
        unassigned.append(
            UnassignedFigure(
                value=_number(item.get("value"), f"{where} value", filename),
                unit=_cell_text(item.get("unit")),
                qualifier=_qualifier(item.get("qualifier"), f"{where} qualifier", filename),
                forecast=_bool(item.get("forecast"), f"{where} forecast", filename),
                period=_cell_text(item.get("period")) or None,
                figure_text=_cell_text(item.get("figure")),
                subject=_cell_text(item.get("subject")),
                suggested_indicator=_cell_text(item.get("suggested_indicator")) or None,
                suggested_period=_cell_text(item.get("suggested_period")) or None,
                quote=_cell_text(item.get("quote")),
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


def parse_figures_table(data: bytes, filename: str) -> Extraction:
    """A figures table's bytes -> Extraction; BriefReadError naming the file (and row/field)."""
    kind = sniff_table_kind(data, filename)
    if kind == "json":
        return _from_json(data, filename)
    records = _xlsx_rows(data, filename) if kind == "xlsx" else _csv_rows(data, filename)
    return _from_records(records, data, filename)


# What each column of a figures table holds (the format page and the upload page show this).
COLUMN_HELP = {
    "indicator": "指标编号（见下表；「指标」页也列出编号），必填",
    "period": "期间，按期间写法（见下），必填",
    "value": "数值，按 unit 列的单位（留空则为指标单位），必填",
    "qualifier": "限定：留空或 exact 为确数；approx/约、more_than/超过、less_than/不足",
    "forecast": "预测：true/是 表示预测值，留空或 false/否 为实际值",
    "derived": "推算（可选）：true 表示由别的数字算出，而非原文所述",
    "note": "备注或原文句子，写入出处",
    "unit": "单位（可选），如 万亿元、亿吨；同一基本单位可自动换算",
    "title": "刊名（每行相同），如 产业创新动态",
    "year": "本期年份（每行相同）",
    "number": "本期期号（每行相同）",
    "total_number": "总期号（可选，每行相同）",
    "published": "出版日期 YYYY-MM-DD（每行相同）",
}
PERIOD_EXAMPLES = (
    ("2020", "2020 年全年"),
    ("2020-H1", "2020 年上半年（H2 下半年）"),
    ("2021-Q1", "2021 年一季度"),
    ("2021-03", "2021 年 3 月"),
    ("2021-09-30", "截至 2021 年 9 月 30 日（某一天）"),
    ("2021-01/2021-09", "2021 年 1—9 月（年初至今累计）"),
    ("2016/2020", "2016—2020 年（多年合计或年均）"),
)


def format_guide(indicators: Sequence[tuple[str, str, str]]) -> str:
    """The figures-table format as Markdown: columns, qualifier words, the period grammar with
    examples, forecast and derived flags, the example issue to change, and every indicator
    id as (id, name_zh, unit)."""
    columns = "\n".join(f"| `{name}` | {text} |" for name, text in COLUMN_HELP.items())
    periods = "\n".join(f"| `{text}` | {meaning} |" for text, meaning in PERIOD_EXAMPLES)
    ids = "\n".join(f"| `{id_}` | {name} | {unit or '—'} |" for id_, name, unit in indicators)
    example = TEMPLATE_EXAMPLE
    return f"""数据表（.csv UTF-8 或 GBK、.xlsx、.json）每行一个数字，本期信息在每行重复。
JSON 与 `python -m loaders extract --json` 的输出格式相同；数据表上限 {MAX_TABLE_BYTES // 2**20} MB。

| 列 | 内容 |
|---|---|
{columns}

**期间写法**

| 写法 | 含义 |
|---|---|
{periods}

**模板的示例行**属于虚构的 {example["year"]} 年第 {example["number"]} 期：上传前请把
year、number、total_number、published 改为要上传的那一期，否则提交时会被拒绝。

**指标编号**（indicator 列）

| 编号 | 名称 | 单位 |
|---|---|---|
{ids}
"""
