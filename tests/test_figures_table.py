"""Reading figures tables: CSV (UTF-8, UTF-8 BOM, GBK), xlsx and the extractor's JSON."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from loaders.errors import BriefReadError
from loaders.intake.figures_table import parse_figures_table
from loaders.intake.table_format import template_csv
from tests.support.builders import issue_2021_15

DATA = Path(__file__).parent / "data" / "upload"


def test_utf8_bom_and_gbk_csv_read_the_same():
    bom = parse_figures_table((DATA / "good_utf8_bom.csv").read_bytes(), "good_utf8_bom.csv")
    gbk = parse_figures_table((DATA / "good_gbk.csv").read_bytes(), "good_gbk.csv")
    assert bom.issue == gbk.issue
    assert bom.issue.key == "2021-30" and bom.issue.published == date(2021, 11, 1)
    assert bom.issue.total_number == 475
    assert [(o.indicator, o.period, o.value, o.quote) for o in bom.observations] == [
        (o.indicator, o.period, o.value, o.quote) for o in gbk.observations
    ]
    assert bom.observations[0].quote == "前十个月全国社会物流总额 260.5 万亿元"
    assert bom.sha256 != gbk.sha256  # different bytes, different files


def test_formula_note_is_refused_naming_row_and_field():
    with pytest.raises(BriefReadError) as caught:
        parse_figures_table((DATA / "formula_note.csv").read_bytes(), "formula_note.csv")
    assert str(caught.value) == (
        'formula_note.csv: 数据表第 3 行，字段 note：以 "=" 开头，可能是电子表格公式'
        "（如 =HYPERLINK(...)），请删除开头的符号后重新上传"
    )


TABLE_HEADER = "indicator,period,value,unit,note,quote,article,title,year,number,published\n"


def _table_row(**cells: str) -> bytes:
    row = {
        "indicator": "logistics_total_yoy",
        "period": "2021-Q3",
        "value": "11.6",
        "unit": "%",
        "note": "同比增长",
        "quote": "",
        "article": "物流",
        "title": "产业创新动态",
        "year": "2021",
        "number": "29",
        "published": "2021-10-25",
    } | cells
    line = ",".join(f'"{value}"' for value in row.values())
    return (TABLE_HEADER + line + "\n").encode("utf-8")


@pytest.mark.parametrize(
    ("field", "text", "shown"),
    [
        ("note", "=1+1", '"="'),
        ("note", "  =HYPERLINK(x)", '"="'),
        ("note", "+cmd", '"+"'),
        ("note", "@SUM(A1)", '"@"'),
        ("note", "-cmd|' /C calc'!A0", '"-"'),
        ("note", "\tx", "制表符"),
        ("quote", "\r=x", "回车符"),
        ("article", "=A1", '"="'),
        ("unit", "=A1", '"="'),
        ("title", "=A1", '"="'),
    ],
)
def test_formula_like_text_cells_are_refused(field, text, shown):
    with pytest.raises(BriefReadError) as caught:
        parse_figures_table(_table_row(**{field: text}), "figures.csv")
    message = str(caught.value)
    assert f"数据表第 1 行，字段 {field}：以" in message and shown in message, message
    assert "请删除开头的符号后重新上传" in message


def test_negative_numbers_are_not_formulas():
    extraction = parse_figures_table(
        _table_row(value="-3.5", note="-3.5% 同比下降", quote="-3"), "figures.csv"
    )
    assert extraction.observations[0].value == -3.5
    assert extraction.observations[0].quote == "-3.5% 同比下降"


def test_formula_in_json_unassigned_subject_or_issue_title_is_refused():
    payload = issue_2021_15().to_public_json()
    payload["unassigned"][0]["subject"] = "=HYPERLINK(1)"
    with pytest.raises(BriefReadError, match='未归类数字表第 1 行，字段 subject：以 "=" 开头'):
        parse_figures_table(json.dumps(payload).encode("utf-8"), "a.json")
    payload = issue_2021_15().to_public_json()
    payload["unassigned"][0]["period"] = "+2021"
    with pytest.raises(BriefReadError, match='未归类数字表第 1 行，字段 period：以 "\\+" 开头'):
        parse_figures_table(json.dumps(payload).encode("utf-8"), "a.json")
    payload = issue_2021_15().to_public_json()
    payload["issue"]["title"] = "@x"
    with pytest.raises(BriefReadError, match='期刊信息，字段 title：以 "@" 开头'):
        parse_figures_table(json.dumps(payload).encode("utf-8"), "a.json")


def test_template_is_bom_csv_that_parses():
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    extraction = parse_figures_table(data, "figures_template.csv")
    assert len(extraction.observations) == 1
    assert extraction.observations[0].indicator == "logistics_total"
    # An example issue no real one has (about 24 a year), so it never collides with a stored one.
    assert extraction.issue.key == "2021-99"


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_reads_numbers_dates_and_refuses_a_formula_cell():
    header = ["indicator", "period", "value", "note", "title", "year", "number", "published"]
    row = ["logistics_total", "2021-Q3", 232.0, "前三季度", "产业创新动态", 2021, 29]
    data = _xlsx([header, [*row, date(2021, 10, 25)]])
    extraction = parse_figures_table(data, "figures.xlsx")
    assert extraction.issue.key == "2021-29" and extraction.issue.published == date(2021, 10, 25)
    assert extraction.observations[0].value == 232.0
    assert extraction.observations[0].quote == "前三季度"

    row[3] = '=HYPERLINK("http://x","y")'  # a real formula cell: openpyxl gives its text
    with pytest.raises(BriefReadError, match='数据表第 1 行，字段 note：以 "=" 开头'):
        parse_figures_table(_xlsx([header, [*row, date(2021, 10, 25)]]), "figures.xlsx")


def test_json_of_the_extractor_round_trips():
    original = issue_2021_15()
    data = json.dumps(original.to_public_json(), ensure_ascii=False).encode("utf-8")
    extraction = parse_figures_table(data, "2021-15.json")
    assert extraction.issue == original.issue
    assert [
        (o.indicator, o.period, o.value, o.qualifier, o.forecast) for o in extraction.observations
    ] == [(o.indicator, o.period, o.value, o.qualifier, o.forecast) for o in original.observations]
    assert [u.subject for u in extraction.unassigned] == [u.subject for u in original.unassigned]
    assert {a.title for a in extraction.articles} >= {o.article for o in extraction.observations}


def _bomb_xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("empty.csv", b"", "空"),
        ("figures.xlsx", b"indicator,period,value\n", "不是 XLSX"),
        ("figures.json", b"indicator,period,value\n", "不是 JSON"),
        ("figures.csv", b"PK\x03\x04rest", "不是 CSV"),
        ("figures.json", b'{"issue": {"title": "x"', "JSON 无法解析"),
        ("figures.json", b'{"issue": {"title": "x", "year": 2021}}', "number"),
        ("figures.csv", b"period,value\n2021,1\n", "indicator"),
        (
            "figures.csv",
            b"indicator,period,value,title,year,number,published\nx,2021,abc,t,2021,1,2021-01-01\n",
            "第 1 行，字段 value",
        ),
        (
            "figures.csv",
            b"indicator,period,value,title,year,number,published\nx,2021,1,t,2021,1,2021-01-01\nx,2021,1,t,2021,2,2021-01-01\n",
            "第 2 行，字段 number",
        ),
        ("bomb.xlsx", None, "zip 炸弹"),
        ("figures.xlsx", b"PK\x03\x04broken", "zip 损坏"),
    ],
)
def test_bad_tables_are_refused_naming_the_problem(name, data, words):
    data = _bomb_xlsx() if data is None else data
    with pytest.raises(BriefReadError) as caught:
        parse_figures_table(data, name)
    assert name in str(caught.value)
    assert words in str(caught.value)


def test_oversized_table_is_refused():
    data = b"indicator,period,value\n" + b"x,2021,1\n" * (5 * 1024 * 1024 // 9 + 10)
    with pytest.raises(BriefReadError, match="文件太大"):
        parse_figures_table(data, "big.csv")


def test_the_cli_json_is_accepted_as_a_figures_table():
    """What `python -m loaders extract --json` prints is what the upload page takes."""
    import subprocess
    import sys

    brief = Path(__file__).parent / "data" / "eval" / "2021-29.txt"
    printed = subprocess.run(
        [sys.executable, "-m", "loaders", "extract", "--json", str(brief)],
        capture_output=True,
        check=True,
        timeout=300,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    extraction = parse_figures_table(printed, "2021-29.json")
    payload = json.loads(printed)
    assert extraction.issue.key == "2021-29"
    assert [(o.indicator, o.period, o.value) for o in extraction.observations] == [
        (o["indicator"], o["period"], o["value"]) for o in payload["observations"]
    ]
    assert len(extraction.unassigned) == len(payload["unassigned"])


# ------------------------------------------------------------------ runaway sheets, row numbers

XLSX_HEADER = ["indicator", "period", "value", "note", "title", "year", "number", "published"]
XLSX_ROW = ["logistics_total", "2021-Q3", 232.0, "前三季度", "产业创新动态", 2021, 29, "2021-10-25"]


def _with_dimension(data: bytes, ref: str | None) -> bytes:
    """The workbook with its first sheet's <dimension ref> replaced (None: removed)."""
    import re

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                new = b"" if ref is None else f'<dimension ref="{ref}"/>'.encode()
                part = re.sub(rb"<dimension ref=\"[^\"]*\"\s*/>", new, part)
            target.writestr(item, part)
    return out.getvalue()


def test_a_sheet_whose_size_is_beyond_any_table_is_refused_before_it_is_parsed():
    """One cell at XFD1048576: openpyxl would fill 16,384 x 1,048,576 cells (minutes of CPU)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(XLSX_HEADER)
    sheet.append(XLSX_ROW)
    sheet["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(BriefReadError) as caught:
        parse_figures_table(buffer.getvalue(), "far.xlsx")
    message = str(caught.value)
    assert "far.xlsx" in message and "A1:XFD1048576" in message
    assert "1048576 行" in message and "16384 列" in message


def test_the_sheet_size_is_read_from_its_dimension_element():
    from loaders.intake.xlsx_table import sheet_dimension

    data = _xlsx([XLSX_HEADER, XLSX_ROW])
    assert sheet_dimension(data) == (2, 8)
    assert sheet_dimension(_with_dimension(data, "B2:D9")) == (9, 4)
    assert sheet_dimension(_with_dimension(data, None)) is None


def test_a_sheet_that_hides_its_size_is_parsed_within_bounds_and_a_time_limit(monkeypatch):
    """Without (or with a false) <dimension>, rows and columns beyond the caps are not filled
    in, and the parse stops at its deadline."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(XLSX_HEADER)
    sheet.append(XLSX_ROW)
    sheet["XFD3"] = "far right"
    buffer = io.BytesIO()
    book.save(buffer)
    hidden = _with_dimension(buffer.getvalue(), None)
    extraction = parse_figures_table(hidden, "hidden.xlsx")
    assert [o.value for o in extraction.observations] == [232.0]

    monkeypatch.setattr("loaders.intake.xlsx_table.XLSX_PARSE_SECONDS", -1.0)
    with pytest.raises(BriefReadError, match="读取 Excel 表格超过"):
        parse_figures_table(hidden, "hidden.xlsx")


def _line(**cells: str) -> str:
    return _table_row(**cells).decode("utf-8").split("\n", 1)[1]


def test_row_numbers_count_blank_rows_as_the_file_does():
    """Errors name the row as the file has it (first row under the header = 1), blank rows
    included; the review table shows the same numbers."""
    from loaders.services.review_frames import figures_frame
    from tests.support.builders import CATALOG

    good = TABLE_HEADER + "\n" + _line() + ",,,\n" + _line(period="2021-Q2")
    extraction = parse_figures_table(good.encode(), "blanks.csv")
    assert [o.source_row for o in extraction.observations] == [2, 4]
    assert list(figures_frame(extraction, CATALOG).index) == [2, 4]
    with pytest.raises(BriefReadError, match="数据表第 5 行，字段 value"):
        parse_figures_table((good + _line(value="abc")).encode(), "blanks.csv")

    bad = [*XLSX_ROW[:2], "abc", *XLSX_ROW[3:]]
    xlsx = _xlsx([XLSX_HEADER, [], XLSX_ROW, [None] * 8, bad])
    with pytest.raises(BriefReadError, match="数据表第 4 行，字段 value"):
        parse_figures_table(xlsx, "blanks.xlsx")


def test_suggestions_of_unassigned_figures_round_trip_through_the_json():
    original = issue_2021_15()
    payload = original.to_public_json()
    payload["unassigned"][0]["suggested_indicator"] = "logistics_total"
    payload["unassigned"][0]["suggested_period"] = "2021-Q1"
    extraction = parse_figures_table(json.dumps(payload).encode("utf-8"), "2021-15.json")
    first = extraction.unassigned[0]
    assert (first.suggested_indicator, first.suggested_period) == ("logistics_total", "2021-Q1")
    # A figures table written without the columns reads as no suggestion.
    bare = original.to_public_json()
    for item in bare["unassigned"]:
        del item["suggested_indicator"], item["suggested_period"]
    plain = parse_figures_table(json.dumps(bare).encode("utf-8"), "2021-15.json")
    assert {(u.suggested_indicator, u.suggested_period) for u in plain.unassigned} == {(None, None)}
    payload["unassigned"][0]["suggested_period"] = "=HYPERLINK(1)"
    with pytest.raises(BriefReadError, match="suggested_period"):
        parse_figures_table(json.dumps(payload).encode("utf-8"), "2021-15.json")
