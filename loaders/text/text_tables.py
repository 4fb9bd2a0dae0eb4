"""Tables written as text, read back into rows of cells.

A statistical release prints a table: a header of columns (periods: 2017 年, 一季度, 1—9 月,
上半年; or measures), rows that name an indicator (with its unit: 社会物流总额（万亿元）) and a
value per column. A brief carries it in one of three layouts:
- DOCX: cells apart by tabs (loaders.text.reading), already rows;
- text with aligned columns: cells apart by runs of spaces or tabs;
- text taken from a PDF (pypdf): one space between cells, and a long row name wrapped over
  lines of its own, its values on the line after ("社会物流总额（万亿" / "元）" / "75.1 150.9
  232.0"); or one cell a line, the header's cells first, then each row's name and values.
`rebuild_tables(lines)` turns the last two into the first: each row one line, its cells
apart by a tab, so every layout reaches the one table model (loaders.figures.table_rows), where a
header row names the columns, a column or the caption dates its cells and a unit in a
name completes a bare number.

Only what looks like a table is touched: a block of two rows or more whose value cells are
numbers (or the dashes a release prints for no value), under a header row that has as
many columns. Prose never has that shape.
"""

from __future__ import annotations

import re

# A value cell: a number (2,162, -7.4, 24.2%), or what a release prints for no value.
VALUE_CELL_RE = re.compile(r"^(?:[-−]?\d[\d,]*(?:\.\d+)?%?|[—–\-/…]+)$")
# Cells of a line with aligned columns: apart by two spaces or more, a tab, an ideographic
# space.
ALIGNED_GAP_RE = re.compile(r"\t+|[ \u00a0]{2,}|\u3000+")
# A header or a row name is short and no sentence.
NAME_MAX_CHARS = 30
HEADER_MAX_CHARS = 80
SENTENCE_END_RE = re.compile(r"[。！？!?；;]")
# A row name wraps over this many lines at most in a PDF.
MAX_NAME_LINES = 3


def _is_value(cell: str) -> bool:
    return bool(VALUE_CELL_RE.match(cell.strip()))


def _value_tokens(line: str) -> list[str] | None:
    """The cells of a line made of values only ("75.1 150.9 232.0"), else None."""
    tokens = line.split()
    if len(tokens) >= 2 and all(_is_value(t) for t in tokens):
        return tokens
    return None


def _trailing_values(line: str, count: int) -> tuple[str, list[str]] | None:
    """ "社会物流总额（万亿元） 75.1 150.9 232.0": a row name and its count values on one line."""
    match = re.match(rf"^(?P<name>.*?\S)\s+(?P<values>(?:\S+\s+){{{count - 1}}}\S+)\s*$", line)
    if match is None:
        return None
    name, values = match["name"].strip(), match["values"].split()
    if not all(_is_value(v) for v in values) or _is_value(name.split()[-1]):
        return None
    if len(name) > NAME_MAX_CHARS or SENTENCE_END_RE.search(name):
        return None
    return name, values


def _is_name_line(line: str) -> bool:
    stripped = line.strip()
    return (
        0 < len(stripped) <= NAME_MAX_CHARS
        and not SENTENCE_END_RE.search(stripped)
        and _value_tokens(stripped) is None
        and not _is_value(stripped)
    )


def _aligned_cells(line: str) -> list[str]:
    return [cell.strip() for cell in ALIGNED_GAP_RE.split(line.strip()) if cell.strip()]


def _aligned_block(lines: list[str], start: int) -> tuple[int, list[list[str]]] | None:
    """A block of aligned rows starting at lines[start]: (end, rows of cells)."""
    first = _aligned_cells(lines[start])
    if len(first) < 3 or len(lines[start]) > HEADER_MAX_CHARS * 2:
        return None
    width = len(first)
    rows = [first]
    end = start + 1
    while end < len(lines):
        cells = _aligned_cells(lines[end])
        if len(cells) != width or not all(_is_value(c) for c in cells[1:]):
            break
        rows.append(cells)
        end += 1
    header_is_names = not any(_is_value(c) for c in first[1:])
    data_rows = rows[1:] if header_is_names else rows
    if len(data_rows) < (1 if header_is_names else 2):
        return None
    if any(_is_value(r[0].split()[-1]) for r in data_rows) or any(
        _TIME_WORD_START_RE.match(c) for c in first[1:]
    ):
        # The gaps fell inside cells: a value left in a row's name ("总额（万亿元） 252.8"),
        # a header cell opening with the word of time of the cell before ("2017" / "年 2018"),
        # as a PDF exported from a word processor spaces a table. Read it as a PDF table.
        return None
    if SENTENCE_END_RE.search(first[0]) or any(len(r[0]) > NAME_MAX_CHARS for r in data_rows):
        return None
    return end, rows


# "1—9 月" set with a space: a word of time after a number belongs to the cell before it;
# so does one running on into the period it dates ("2019" / "年一季度").
_TIME_WORD_RE = re.compile(r"^(?:月份?|年度?|季度|日|号|期)$")
_TIME_WORD_START_RE = re.compile(r"^(?:月份?|年度?|季度|日|号)(?:\s|[一二三四上下前全第]|$)")
_NUMBER_END_RE = re.compile(r"\d$")


def _header_cells(line: str) -> list[str]:
    """The cells of a header a PDF set with single spaces, "1—9 月" kept one cell."""
    cells: list[str] = []
    for token in line.split():
        if cells and (
            _TIME_WORD_RE.match(token)
            or (_NUMBER_END_RE.search(cells[-1]) and _TIME_WORD_START_RE.match(token))
        ):
            cells[-1] += " " + token
        else:
            cells.append(token)
    return cells


# Spaces a PDF set inside a row's name ("同比增长（%     ）") are no part of it.
_INNER_GAP_RE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def _pdf_block(lines: list[str], start: int) -> tuple[int, list[list[str]]] | None:
    """A header line at lines[start] ("指标 一季度 上半年 前三季度") and the rows under it, each
    a row name (maybe wrapped over lines) and its values, as pypdf lays a table out."""
    header = _header_cells(lines[start])
    if (
        len(header) < 2
        or len(lines[start]) > HEADER_MAX_CHARS
        or SENTENCE_END_RE.search(lines[start])
        or any(_is_value(t) for t in header)
    ):
        return None
    rows: list[list[str]] = []
    i = start + 1
    width: int | None = None

    def one_line_row(line: str) -> tuple[str, list[str]] | None:
        counts = [width] if width is not None else range(len(header), 1, -1)
        for count in counts:
            if found := _trailing_values(line, count):
                return found
        return None

    while i < len(lines):
        if (one := one_line_row(lines[i])) is not None:
            width = len(one[1])
            rows.append([_INNER_GAP_RE.sub("", one[0]), *one[1]])
            i += 1
            continue
        name_parts: list[str] = []
        j = i
        while j < len(lines) and len(name_parts) < MAX_NAME_LINES and _is_name_line(lines[j]):
            if one_line_row(lines[j]) is not None:
                break
            name_parts.append(lines[j].strip())
            j += 1
        values = _value_tokens(lines[j]) if j < len(lines) and name_parts else None
        if values is None or (width is not None and len(values) != width):
            break
        width = len(values)
        rows.append(["".join(name_parts), *values])
        i = j + 1
    if width is None or len(rows) < 2 or len(header) not in (width, width + 1):
        return None
    corner = [] if len(header) == width + 1 else [""]
    return i, [corner + header, *rows]


def _cell_per_line_block(lines: list[str], start: int) -> tuple[int, list[list[str]]] | None:
    """A table pypdf read one cell a line: k header cells, then rows of a name and k - 1
    values ("期间" / "总额（万亿元）" / "同比增长（%）" / "1—2 月" / "41.0" / "6.2" …)."""
    run = start
    while run < len(lines) and run - start <= 8 and _is_name_line(lines[run]):
        run += 1
    width = run - start - 1  # the names are the header and the first row's name
    if width < 2:
        return None
    header = [line.strip() for line in lines[start : start + width]]
    rows: list[list[str]] = []
    i = start + width
    while i + width <= len(lines):
        name, values = lines[i].strip(), [line.strip() for line in lines[i + 1 : i + width]]
        if not _is_name_line(name) or not all(_is_value(v) for v in values):
            break
        rows.append([name, *values])
        i += width
    if len(rows) < 2:
        return None
    return i, [header, *rows]


def rebuild_tables(lines: list[str]) -> list[str]:
    """The lines, with every table written as text turned into rows of tab-separated cells."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or "\t" in line and len(_aligned_cells(line)) >= 2:
            out.append(line)
            i += 1
            continue
        block = _aligned_block(lines, i) or _pdf_block(lines, i) or _cell_per_line_block(lines, i)
        if block is None:
            out.append(line)
            i += 1
            continue
        end, rows = block
        # A header without a corner cell gets "—", as a release prints an empty cell.
        out += ["\t".join(cell or "—" for cell in row) for row in rows]
        i = end
    return out
