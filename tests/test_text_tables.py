"""Tables written as text (aligned columns, tabs, a PDF's flattened rows) reach the one table
model: every cell a statement of its row, dated by its column (loaders.text.text_tables)."""

from pathlib import Path

import pytest

from loaders.intake.pipeline import extract_file
from loaders.text.cleaning import TABLE_CELL_SEPARATOR, clean_text
from loaders.text.text_tables import rebuild_tables
from tests.support.builders import CATALOG

TABLES = Path(__file__).resolve().parent / "data" / "tables"


def _observed(name: str) -> set[tuple[str, str, float]]:
    extraction = extract_file(TABLES / name, CATALOG)
    return {(o.indicator, o.period, o.value) for o in extraction.observations}


def test_aligned_columns_are_cells_dated_by_their_column():
    assert _observed("aligned-spaces.txt") == {
        ("logistics_total", "2019", 298.0),
        ("logistics_total", "2020", 300.1),
        ("logistics_total", "2021", 335.2),
        ("logistics_total_yoy", "2019", 5.9),
        ("logistics_total_yoy", "2020", 3.5),
        ("logistics_total_yoy", "2021", 9.2),
        ("logistics_revenue", "2019", 10.3),
        ("logistics_revenue", "2020", 10.5),
        ("logistics_revenue", "2021", 11.9),
    }


def test_tab_separated_rows_take_the_unit_of_the_caption():
    assert _observed("tabs.txt") == {
        ("logistics_total", "2021-Q1", 75.1),
        ("logistics_total", "2021-H1", 150.9),
        ("logistics_total", "2021-01/2021-09", 232.0),
        ("logistics_revenue", "2021-Q1", 2.6),
        ("logistics_revenue", "2021-H1", 5.6),
        ("logistics_revenue", "2021-01/2021-09", 8.8),
    }


def test_a_pdf_table_with_wrapped_row_names_is_rebuilt():
    assert _observed("pdf-flattened.txt") == {
        ("logistics_total", "2021-Q1", 75.1),
        ("logistics_total", "2021-H1", 150.9),
        ("logistics_total", "2021-01/2021-09", 232.0),
        ("logistics_total_yoy", "2021-Q1", 24.2),
        ("logistics_total_yoy", "2021-H1", 15.7),
        ("logistics_total_yoy", "2021-01/2021-09", 11.6),
        ("logistics_revenue", "2021-Q1", 2.6),
        ("logistics_revenue", "2021-H1", 5.6),
        ("logistics_revenue", "2021-01/2021-09", 8.8),
    }


def test_prose_with_double_spaces_is_no_table():
    text = clean_text((TABLES / "not-a-table.txt").read_text(encoding="utf-8"))
    assert TABLE_CELL_SEPARATOR not in text
    assert ("logistics_total", "2021-01/2021-10", 263.3) in _observed("not-a-table.txt")


@pytest.mark.parametrize(
    "lines",
    [
        ["一是加强监管  二是完善制度  三是优化服务"],  # one line: no rows
        ["社会物流总额  75.1  万亿元", "同比增长  24.2  %"],  # units between: prose
        ["2021 年 1—10 月，社会物流总额 263.3 万亿元。", "75.1 150.9"],  # no header
    ],
)
def test_what_is_no_table_is_left_alone(lines):
    assert rebuild_tables(lines) == lines


def test_a_header_without_a_corner_cell_gets_a_dash():
    rebuilt = rebuild_tables(["一季度 上半年", "社会物流总额 75.1 150.9", "物流业总收入 2.6 5.6"])
    assert rebuilt == ["—\t一季度\t上半年", "社会物流总额\t75.1\t150.9", "物流业总收入\t2.6\t5.6"]


def test_a_pdf_table_read_one_cell_a_line_is_rebuilt():
    assert _observed("pdf-cell-per-line.txt") == {
        ("logistics_total", "2019-01/2019-02", 41.0),
        ("logistics_total_yoy", "2019-01/2019-02", 6.2),
        ("logistics_total", "2019-Q1", 69.5),
        ("logistics_total_yoy", "2019-Q1", 6.4),
    }


def test_rows_of_single_markets_are_parts_and_the_total_row_is_the_series():
    extraction = extract_file(TABLES / "parts-and-total.txt", CATALOG)
    assert {(o.indicator, o.period, o.value) for o in extraction.observations} == {
        ("carbon_pilot_cum_volume", "2020-08", 4.06),
        ("carbon_pilot_cum_turnover", "2020-08", 92.8),
    }
    parts = [u for u in extraction.unassigned if u.reason == "breakdown"]
    assert sorted(u.value for u in parts) == [0.78, 1.58, 17.3, 34.6]


def test_a_markdown_pipe_table_is_rows_of_cells():
    assert _observed("pipe-table.md") == {
        ("logistics_total", "2024-01/2024-10", 287.8),
        ("logistics_total", "2024-01/2024-11", 318.6),
        ("logistics_total_yoy", "2024-01/2024-10", 5.7),
        ("logistics_total_yoy", "2024-01/2024-11", 5.8),
    }


def test_a_table_a_word_processor_exported_to_pdf_is_read_by_its_values_not_its_gaps():
    # LibreOffice's PDF of a table typed with spaces: pypdf's gaps fall inside cells.
    lines = [
        "                        指标 2017       年 2018       年 2019 年一季度",
        "       社会物流总额（万亿元） 252.8        283.1        66.5",
        "社会物流总额同比增长（%     ） 6.7          6.4          6.4",
    ]
    assert rebuild_tables(lines) == [
        "指标\t2017 年\t2018 年\t2019 年一季度",
        "社会物流总额（万亿元）\t252.8\t283.1\t66.5",
        "社会物流总额同比增长（%）\t6.7\t6.4\t6.4",
    ]
