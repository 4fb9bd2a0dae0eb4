"""Table-like rows: statements like prose, dated by their caption or their column.

Two layouts carry rows:
- text lines "名称：数值" ("业务总量指数：52.1%", "社会物流总额：159.6 万亿元，同比增长
  3.1%"), each its own paragraph (loaders.text.cleaning keeps them apart), read like
  prose with the colon joining the name to its figure; a bare number ("业务总量指数：50.8")
  takes the unit its caption names ("主要分项（%）："), and a row named only by a period
  ("6 月：51.4%") is about what the caption names ("2023 年 6—8 月物流业新订单指数");
- DOCX table rows, cells apart by " | " (loaders.text.cleaning): the first cell names
  the row, a header row names the columns. Each value cell is one statement about
  "row name + column name"; a column (or a row) named by a period ("2021 年", "6 月") dates it,
  a column named by a measure ("同比增长") says what it measures, and a unit in a
  name ("（亿元）", "单位：万亿元") completes a bare number.
Either way a row takes the period of the caption or heading line right before
the table ("6 月物流业景气指数分项："), never one from the prose around it, and
periods do not run out of a table into the text after it. The caption's words
frame every row (context and exclude words: "电商物流指数分项" rows are not LPI rows).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from loaders.figures.dating import figures_of_paragraph
from loaders.figures.mapping import has_subject
from loaders.figures.respectively import mark_respectively
from loaders.figures.subjects import without_periods
from loaders.text.cleaning import TABLE_CELL_SEPARATOR, TEXT_ROW_RE, is_text_row_line
from loaders.text.sentences import FoundFigure, Sentence
from loaders.vocab import units
from loaders.vocab.quantities import Quantity, ascii_shadow, find_quantities
from loaders.vocab.timeexpr import find_time_expressions

# A caption is a short line; a longer one is prose, whose periods are not the table's.
CAPTION_MAX_CHARS = 60
SENTENCE_END_RE = re.compile(r"(?<=[。！？!?])")
BARE_NUMBER_RE = re.compile(r"^\s*[-−]?\d[\d,]*(?:\.\d+)?\s*$")
# "（亿元）", "(%)", "单位：万亿元", "（单位：%）": the unit a name gives the numbers under it.
UNIT_IN_NAME_RE = re.compile(
    r"[(（]\s*(?:单位\s*[:：]\s*)?([^()（）]{1,6}?)\s*[)）]|单位\s*[:：]\s*([^\s,，;；)）]{1,6})"
)


# Column names that say nothing about what the numbers are: "数值", "数据".
GENERIC_LABEL_RE = re.compile(r"数值|数据|指标值|取值")


@dataclass
class Caption:
    """The line right before a table: its period and its words."""

    text: str
    period: str | None
    period_text: str


def is_text_row(paragraph: str) -> bool:
    """ "业务总量指数：52.1%": a name, a colon, and a figure right after it."""
    if not is_text_row_line(paragraph):
        return False
    value = TEXT_ROW_RE.match(paragraph)["value"]  # type: ignore[index]
    figures = find_quantities(value)
    return bool(figures) and not value[: figures[0].start].strip()


def is_table_row(paragraph: str) -> bool:
    return TABLE_CELL_SEPARATOR in paragraph or is_text_row(paragraph)


def bare_row_unit(paragraph: str, caption: str | None) -> str | None:
    """ "业务总量指数：50.8" under "4 月份物流业景气指数主要分项（%）：": the unit its caption
    gives a row whose value is a bare number, if so."""
    if not caption or not is_text_row_line(paragraph):
        return None
    value = TEXT_ROW_RE.match(paragraph)["value"]  # type: ignore[index]
    if not BARE_NUMBER_RE.match(ascii_shadow(value)):
        return None
    return _unit_in(caption)


def caption_of(paragraph: str | None, published: date) -> Caption:
    """The caption a table takes from the line before it, when that line is one.

    A caption is short and states no figure ("6 月物流业景气指数分项：", "表 1
    2022 年上半年物流运行主要指标"), or introduces the rows with a colon ("6 月份物流业
    景气指数为 52.1%，主要分项如下："); other prose before a table does not date its rows.
    """
    introduces = bool(paragraph) and paragraph.rstrip().endswith((":", "："))
    whole = paragraph or ""
    if introduces:
        # "据中物联消息，一季度物流运行总体平稳。2024 年一季度物流运行主要数据如下：": the
        # sentence that introduces the rows is their caption, not the prose before it.
        paragraph = SENTENCE_END_RE.split(paragraph.rstrip())[-1]
    if not paragraph or len(paragraph) > CAPTION_MAX_CHARS:
        return Caption("", None, "")
    if find_quantities(paragraph) and not introduces:
        return Caption("", None, "")
    exprs = _periods_of(paragraph, published)
    if not exprs and introduces and whole != paragraph:
        # "一季度，物流需求恢复向好…。主要数据：": the introducing sentence names no period,
        # the paragraph it ends did (one period only: which of several is not said).
        exprs = _periods_of(whole, published)
        if len({e.period for e in exprs}) != 1:
            exprs = []
    if not exprs:
        return Caption(paragraph, None, "")
    return Caption(paragraph, exprs[-1].period, exprs[-1].text)


def _periods_of(text: str, published: date) -> list:
    return [
        e
        for e in find_time_expressions(text, published)
        if e.period and e.role != "reference" and not e.year_to_date
    ]


# "单位：万亿元，%", "（单位：亿元、%）": one unit for the amounts, one for the rates.
UNITS_LINE_RE = re.compile(r"单位\s*[:：]\s*(?P<units>[^\s)）]{1,20}?)\s*(?:[)）]|$)")
# "单位：万亿元；增速为%", "单位：亿元，同比：%": a unit named with the rows it is for (the
# label; which rows take a rate's unit is decided by their names, see _row_unit_of_line).
UNIT_LABEL_RE = re.compile(r"^[\u4e00-\u9fff]{1,6}(?:为|[:：])\s*")
RATE_ROW_RE = re.compile(r"增长|增速|增幅|降幅|同比|环比|比率|比重|占比|渗透率|指数")


def _units_of_line(text: str) -> list[str]:
    """The units a 单位 line names, in order (several when it names one per kind of row)."""
    match = UNITS_LINE_RE.search(ascii_shadow(text))
    if match is None:
        return []
    words = [UNIT_LABEL_RE.sub("", w.strip()) for w in re.split(r"[,，、;；/和及]", match["units"])]
    return [w for w in words if units.split_unit(w) is not None]


def _row_unit_of_line(line_units: list[str], row_name: str) -> str | None:
    """Of a 单位 line's units, the one a row takes: % for a rate's row, else the amount's."""
    if len(line_units) < 2:
        return line_units[0] if line_units else None
    rates = [u for u in line_units if units.split_unit(u)[0] in units.RATIO_UNITS]
    amounts = [u for u in line_units if u not in rates]
    if RATE_ROW_RE.search(row_name) and rates:
        return rates[0]
    return amounts[0] if amounts else line_units[0]


def _unit_in(name: str) -> str | None:
    for match in UNIT_IN_NAME_RE.finditer(ascii_shadow(name)):
        unit = (match.group(1) or match.group(2)).strip()
        if units.split_unit(unit) is not None:
            return unit
    return None


def _cell_quantity(cell: str, unit: str | None) -> Quantity | None:
    """The one figure of a cell; a bare number takes the unit its row or column names."""
    found = find_quantities(cell)
    if len(found) == 1 and not cell[: found[0].start].strip():
        return found[0]
    if unit and BARE_NUMBER_RE.match(ascii_shadow(cell)):
        lead = len(cell) - len(cell.lstrip())
        number = cell.strip()
        found = find_quantities(number + unit)
        if len(found) == 1 and found[0].start == 0:
            return replace(found[0], start=lead, end=lead + len(number), text=number)
    return None


def _column_period(label: str, published: date) -> tuple[str | None, str]:
    exprs = [
        e
        for e in find_time_expressions(label, published)
        if e.period and e.role != "reference" and not e.year_to_date
    ]
    return (exprs[-1].period, exprs[-1].text) if exprs else (None, "")


# A row that sums the others: "合计 | 4.06 | 92.8" under rows of single markets.
TOTAL_ROW_RE = re.compile(r"^(?:合计|总计|小计|共计|全部|总体|整体|全国|总量|总额|汇总|所有)")


def _is_part_row(row_name: str, column_name: str, names_series: Callable[[str], bool]) -> bool:
    """Is the row one part of a whole the column measures ("广东 | 1.58" under "累计成交量")?

    The column names what is measured and the row only who or where: a row that names no
    series itself, is no period and no total is a breakdown, never the series."""
    if not has_subject(column_name) or not has_subject(row_name):
        return False
    plain = UNIT_IN_NAME_RE.sub("", row_name).strip()
    return not TOTAL_ROW_RE.match(plain) and not names_series(plain)


def _columns_named(header: list[str]) -> list[str]:
    """The header with each measure-only column label completed by the label before it."""
    out = header[:1]
    named = ""
    for label in header[1:]:
        plain = UNIT_IN_NAME_RE.sub("", label)
        if has_subject(plain) and not TOTAL_ROW_RE.match(plain.strip()):
            named = plain
            out.append(label)
        elif named and RATE_ROW_RE.search(plain):
            out.append(named + label)
        else:
            out.append(label)
    return out


def cell_figures(
    rows: list[tuple[int, str]],
    caption: Caption,
    published: date,
    names_series: Callable[[str], bool] = lambda _: True,
) -> list[FoundFigure]:
    """The figures of a DOCX table block (rows as (offset, "cell | cell") lines).

    The first row is a header when none of its cells after the first holds a figure. A
    row that only says who or where, under a column naming what is measured, is a part
    (role "part"): the series is its total row, if the table has one.
    """
    split = [(offset, line.split(TABLE_CELL_SEPARATOR)) for offset, line in rows]
    header: list[str] = []
    first_cells = split[0][1]
    if not any(
        find_quantities(c) or BARE_NUMBER_RE.match(ascii_shadow(c)) for c in first_cells[1:]
    ):
        header = first_cells
        split = split[1:]
    figures: list[FoundFigure] = []
    # A unit named once for the whole table: in the header's corner or in the caption.
    table_unit = _unit_in(header[0] if header else "") or _unit_in(caption.text)
    line_units = _units_of_line(header[0] if header else "") or _units_of_line(caption.text)
    named = ""
    # "社会物流总额（万亿元） | 同比增长（%） | 物流业总收入（万亿元） | 同比增长（%）": a column
    # naming only a measure is about the column named before it.
    if header:
        header = _columns_named(header)
    for offset, cells in split:
        line = TABLE_CELL_SEPARATOR.join(cells)
        sentence = Sentence(offset, offset + len(line), line)
        name = cells[0].strip()
        row_unit = _unit_in(name)
        if has_subject(name):
            named = UNIT_IN_NAME_RE.sub("", name)
        elif TOTAL_ROW_RE.match(name):
            named = ""  # "合计" sums the rows above: it continues none of them
        else:
            # "快递业务量（亿件） | …" then "同比增长（%） | …": a row naming only a
            # measure is about the row named above it (in its own unit).
            name = named + name
        # "5 月 | 49.3% | 48.7%" under "月份 | 业务总量指数 | 新订单指数": a row may be a period.
        row_period, row_period_text = _column_period(name, published)
        row_name = name.replace(row_period_text, "") if row_period_text else name
        position = len(cells[0]) + len(TABLE_CELL_SEPARATOR)
        for column, cell in enumerate(cells[1:], start=1):
            label = header[column].strip() if column < len(header) else ""
            unit = (
                _unit_in(label)
                or row_unit
                or (_row_unit_of_line(line_units, name) if line_units else table_unit)
            )
            quantity = _cell_quantity(cell, unit)
            if quantity is not None:
                period, period_text = _column_period(label, published)
                column_name = label.replace(period_text, "") if period_text else label
                column_name = UNIT_IN_NAME_RE.sub("", column_name)  # its unit is no name
                if period is None:
                    period, period_text = row_period, row_period_text
                if period is None:
                    period, period_text = caption.period, caption.period_text
                subject = row_name + column_name
                if not has_subject(GENERIC_LABEL_RE.sub("", subject.replace(period_text, ""))):
                    subject = caption.text + subject  # "5 月 | 49.3%" under a caption naming it
                quantity = replace(
                    quantity, start=quantity.start + position, end=quantity.end + position
                )
                figure = FoundFigure(quantity, sentence, period, period_text, subject + "：", "")
                figure.given_subject = subject + "："
                figure.context = caption.text
                if header and _is_part_row(row_name, column_name, names_series):
                    figure.role = "part"
                figures.append(figure)
            position += len(cell) + len(TABLE_CELL_SEPARATOR)
    return figures


def table_figures(
    rows: list[tuple[int, str]],
    caption: Caption,
    published: date,
    names_series: Callable[[str], bool],
) -> list[tuple[FoundFigure, str]]:
    """The figures of a run of table rows, each with its row: DOCX rows cell by cell,
    text rows ("名称：数值") like prose dated by the caption."""
    out: list[tuple[FoundFigure, str]] = []
    named = ""  # the name of the last text row that named a subject
    k = 0
    while k < len(rows):
        if TABLE_CELL_SEPARATOR in rows[k][1]:
            end = k
            while end < len(rows) and TABLE_CELL_SEPARATOR in rows[end][1]:
                end += 1
            for figure in cell_figures(rows[k:end], caption, published, names_series):
                out.append((figure, figure.sentence.text))
            k = end
            continue
        offset, row = rows[k]
        start = (caption.period, caption.period_text)
        unit = bare_row_unit(row, caption.text) or ""
        found, _ = figures_of_paragraph(offset, row + unit, published, start, caption_dates=True)
        if unit:
            found = _without_added_unit(found, row)
        mark_respectively(found, published, names_series)
        row_name = without_periods(TEXT_ROW_RE.match(row)["name"], published)
        named_by_period = not has_subject(row_name)
        # "社会物流总额：79.3 万亿元" then "同比增长：5.9%": a row naming only a measure is
        # about the row named above it, as in a DOCX table.
        of_row_above = named_by_period and bool(named) and bool(RATE_ROW_RE.search(row_name))
        if has_subject(row_name):
            named = "" if TOTAL_ROW_RE.match(row_name.strip()) else row_name.strip()
        for figure in found:
            figure.context = caption.text
            if of_row_above:
                figure.given_subject = named + figure.pre
            elif named_by_period and caption.text:
                # "6 月：51.4%" under "2023 年 6—8 月物流业新订单指数": rows that are periods
                # are about what the caption names.
                figure.given_subject = caption.text + figure.pre
            out.append((figure, row))
        k += 1
    return out


def _without_added_unit(found: list[FoundFigure], row: str) -> list[FoundFigure]:
    """Figures of a row read with its caption's unit after it, quoting the row as written."""
    if not found:
        return found
    sentence = Sentence(found[0].sentence.start, found[0].sentence.start + len(row), row)
    for figure in found:
        q = figure.quantity
        end = min(q.end, len(row))
        figure.quantity = replace(q, end=end, text=row[q.start : end])
        figure.sentence = sentence
    return found
