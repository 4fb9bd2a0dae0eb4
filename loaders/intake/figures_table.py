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
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from loaders.intake.json_table import from_json
from loaders.intake.table_cells import (
    cell_text,
    issue_header,
    observation_from,
    refuse_formulas,
    table_error,
    table_text,
)
from loaders.intake.table_format import (
    FIGURE_FIELDS,
    HEADER_FIELDS,
    MAX_TABLE_BYTES,
    MAX_TABLE_ROWS,
    TABLE_ARTICLE,
    TABLE_SUFFIXES,
)
from loaders.intake.xlsx_table import xlsx_rows
from loaders.models import Article, Extraction, IssueHeader


def sniff_table_kind(data: bytes, filename: str) -> str:
    """'xlsx', 'json' or 'csv' from the bytes; the file name must agree with the content."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in TABLE_SUFFIXES:
        raise table_error(
            filename, f"不支持的数据表类型 {suffix or '(无扩展名)'}；请上传 .csv、.xlsx 或 .json"
        )
    if not data.strip():
        raise table_error(filename, "文件是空的 (empty file)")
    if len(data) > MAX_TABLE_BYTES:
        raise table_error(
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
        raise table_error(filename, f"文件内容不是 {expected.upper()}（看起来是 {kind.upper()}）")
    return expected


def _norm_column(name: Any) -> str:
    return str(name or "").strip().lstrip("\ufeff").lower()


# A row of a table as read: its number in the file (the first row under the header is 1,
# blank rows counted as the file has them) and its cells by column name.
Record = tuple[int, dict[str, Any]]


def _is_blank_row(cells: Sequence[Any]) -> bool:
    return not any(cell is not None and str(cell).strip() for cell in cells)


def _csv_rows(data: bytes, filename: str) -> list[Record]:
    text = table_text(data, filename)
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
        raise table_error(filename, f"CSV 文件第 {reader.line_num} 行无法解析：{reason}") from exc


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
                raise table_error(
                    filename,
                    f"表头缺少列：{', '.join(missing)}"
                    f"（应有 {', '.join(FIGURE_FIELDS + HEADER_FIELDS)}）",
                )
            continue
        if len(records) >= MAX_TABLE_ROWS:
            raise table_error(filename, f"行数超过上限 {MAX_TABLE_ROWS}")
        record = {
            name: (cells[i] if i < len(cells) else None) for i, name in enumerate(header) if name
        }
        records.append((number - header_at, record))
    if header is None:
        raise table_error(filename, "表格是空的，没有表头")
    return records


def _header_from_rows(records: list[Record], filename: str) -> IssueHeader:
    values: dict[str, str] = {}
    for position, record in records:
        refuse_formulas(record, ("title",), f"数据表第 {position} 行，字段", filename)
        for field in HEADER_FIELDS:
            text = cell_text(record.get(field))
            if not text:
                continue
            if field in values and values[field] != text:
                raise table_error(
                    filename,
                    f"数据表第 {position} 行，字段 {field}：{text!r} 与前面各行的 {values[field]!r} 不一致（一个文件只能是一期）",
                )
            values.setdefault(field, text)
    return issue_header(
        {k: v.replace("/", "-") if k == "published" else v for k, v in values.items()}, filename
    )


def _from_records(records: list[Record], data: bytes, filename: str) -> Extraction:
    header = _header_from_rows(records, filename)
    article = f"{TABLE_ARTICLE} {filename}"
    observations = [
        observation_from(record, position, article, 0, filename) for position, record in records
    ]
    return Extraction(
        source_name=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        issue=header,
        articles=[Article(index=0, title=article, text="", start=0, end=0)],
        observations=observations,
    )


def parse_figures_table(data: bytes, filename: str) -> Extraction:
    """A figures table's bytes -> Extraction; BriefReadError naming the file (and row/field)."""
    kind = sniff_table_kind(data, filename)
    if kind == "json":
        return from_json(data, filename)
    records = (
        _rows_with_header(xlsx_rows(data, filename), filename)
        if kind == "xlsx"
        else _csv_rows(data, filename)
    )
    return _from_records(records, data, filename)
