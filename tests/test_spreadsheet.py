"""The one workbook writer (loaders.guards.spreadsheet): read back by openpyxl and by LibreOffice as
an analyst's spreadsheet would read it."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from loaders.guards.spreadsheet import Sheet, xlsx_bytes

SOFFICE = shutil.which("soffice")


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": pd.array(["logistics_total", "logistics_total", "l2"], dtype="string"),
            "name_zh": ["全国社会物流总额", "全国社会物流总额", "L2 级渗透率"],
            "value": [75.1, np.nan, -3.5],
            "count": pd.array([723, None, 3], dtype="Int64"),
            "period_end": pd.to_datetime(["2021-03-31", None, "2021-06-30"]),
            "published": [date(2021, 4, 26), None, date(2021, 10, 25)],
            "forecast": [False, True, False],
            "quote": [
                "一季度 75.1 万亿元，<同比> & 增长。",
                '=HYPERLINK("x")',
                "-2+3+cmd|' /C calc'!A0",
            ],
        }
    )


def _read(payload: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(payload))


def test_numbers_dates_and_flags_keep_their_type() -> None:
    book = _read(xlsx_bytes([Sheet("数据", _frame())]))
    sheet = book["数据"]
    header = [cell.value for cell in sheet[1]]
    assert header == list(_frame().columns)
    first = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert first["value"].value == 75.1 and first["value"].data_type == "n"
    assert first["count"].value == 723 and first["count"].data_type == "n"
    assert first["period_end"].value == datetime(2021, 3, 31)
    assert first["period_end"].is_date and first["period_end"].number_format == "yyyy-mm-dd"
    assert first["published"].value == datetime(2021, 4, 26) and first["published"].is_date
    assert first["forecast"].value is False and first["forecast"].data_type == "b"
    assert first["quote"].value == "一季度 75.1 万亿元，<同比> & 增长。"
    # A missing value is an empty cell, not "nan" or 0.
    second = {name: cell.value for name, cell in zip(header, sheet[3], strict=True)}
    assert second["value"] is None and second["count"] is None and second["period_end"] is None
    assert sheet.max_row == 4 and sheet.freeze_panes == "A2"


def test_no_cell_is_a_formula_and_formula_like_text_is_quote_prefixed() -> None:
    frame = _frame()
    book = _read(xlsx_bytes([Sheet("数据", frame), Sheet("=说明", frame.rename(columns=str))]))
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    quotes = [row[0].value for row in book["数据"].iter_rows(min_row=2, min_col=8, max_col=8)]
    assert quotes[1] == '=HYPERLINK("x")' and quotes[2].startswith("-2+3")
    cells = list(book["数据"].iter_rows(min_row=2, min_col=8, max_col=8))
    assert [row[0].quotePrefix for row in cells] == [False, True, True]


def test_sheet_names_are_what_excel_allows() -> None:
    book = _read(xlsx_bytes([Sheet("a/b:c", _frame()), Sheet("a/b:c", _frame().head(1))]))
    assert book.sheetnames == ["a_b_c", "a_b_c (2)"]


def test_an_empty_table_keeps_its_header() -> None:
    book = _read(xlsx_bytes([Sheet("数据", _frame().head(0))]))
    assert [cell.value for cell in book["数据"][1]] == list(_frame().columns)
    assert book["数据"].max_row == 1


def test_the_package_is_one_excel_opens() -> None:
    payload = xlsx_bytes([Sheet("数据", _frame())])
    with zipfile.ZipFile(io.BytesIO(payload)) as package:
        assert package.testzip() is None
        names = set(package.namelist())
        sheet = package.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml"} <= names
    assert '<dimension ref="A1:H4"/>' in sheet


def libreoffice_csv(workbook: Path, out: Path) -> str:
    """LibreOffice's CSV of the workbook's first sheet, as `soffice --headless --convert-to
    csv` writes it, in UTF-8 (its CSV filter's options 44,34,76: comma, double quote,
    UTF-8; without them it writes the system's 8-bit charset, ? for every Chinese character
    of any file). A profile of its own, so parallel runs do not share one."""
    profile = out / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(out),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (out / (workbook.stem + ".csv")).read_text(encoding="utf-8")


@pytest.mark.skipif(
    SOFFICE is None, reason="soffice not found; apt-get install libreoffice-calc-nogui"
)
def test_libreoffice_reads_chinese_numbers_and_dates(tmp_path: Path) -> None:
    workbook = tmp_path / "series.xlsx"
    workbook.write_bytes(xlsx_bytes([Sheet("数据", _frame())]))
    rows = list(csv.reader(io.StringIO(libreoffice_csv(workbook, tmp_path))))
    assert rows[0] == list(_frame().columns)
    assert rows[1][:5] == ["logistics_total", "全国社会物流总额", "75.1", "723", "2021-03-31"]
    assert rows[1][7] == "一季度 75.1 万亿元，<同比> & 增长。"
    assert rows[3][2] == "-3.5"
