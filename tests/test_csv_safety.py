"""CSV injection: one escaping rule for the dashboard's downloads and Store.export_csv."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from loaders.guards.csv_safety import csv_bytes, csv_cell, escape_text, formula_problem
from loaders.services.export import export_tables
from loaders.store import open_store, writes
from loaders.store.changes import Cause
from tests.support.builders import CATALOG, issue_2021_15

FORMULA = '=HYPERLINK("http://example.com/x","点击")'


def test_the_writer_writes_each_cell_as_csv_cell_says():
    frame = pd.DataFrame(
        {
            "text": [FORMULA, "普通", None],
            "number": [-0.5, 1750.0, float("nan")],
            "count": [3, -2, 7],
            "flag": [True, False, True],
            "day": pd.to_datetime(["2021-04-26", "2021-04-26 08:30", None], format="ISO8601"),
            "mixed": [1.5, "=x", pd.NA],
        }
    )
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"))))
    assert rows[0] == list(frame.columns)
    expected = [[csv_cell(value) for value in row] for row in frame.itertuples(index=False)]
    assert rows[1:] == expected
    assert rows[1][:4] == ["'" + FORMULA, "-0.5", "3", "true"]
    assert rows[2][4] == "2021-04-26T08:30:00" and rows[3][:2] == ["", ""]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("全国社会物流总额", "全国社会物流总额"),
        # Whatever comes first: blanks, full-width and look-alike signs are read as formulas
        # by some spreadsheet (LibreOffice trims blanks; an IME types ＝ for =).
        (" =x", "' =x"),
        ("\u3000=x", "'\u3000=x"),
        ("\u200b=x", "'\u200b=x"),
        ("＝HYPERLINK()", "'＝HYPERLINK()"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠x", "'＠x"),
        ("\u2212x", "'\u2212x"),
        ("\nx=1", "\nx=1"),
    ],
)
def test_text_cells_that_start_like_a_formula_get_a_quote(text, written):
    assert escape_text(text) == written
    assert csv_cell(text) == written


def test_numbers_stay_numbers():
    assert csv_cell(-0.5) == "-0.5"
    assert csv_cell(-3) == "-3"


@pytest.mark.parametrize(
    "text",
    [
        "=1",
        "  =1",
        "+1",
        "@x",
        "-x",
        "- 3",
        "-",
        "\tabc",
        "\r1",
        "--1",
        # A negative number followed by an operator or a name is a formula (DDE).
        "-2+3+cmd|' /C calc'!A0",
        "-1e5",
        "-2 +3",
        "-1*2",
        "-3.5%+A1",
        # Full-width and look-alike starts, and invisible characters before them.
        "＝1+1",
        "＋1",
        "－cmd",
        "＠SUM(A1)",
        "\u2212cmd",
        "\u3000=1",
        "\u200b=1",
        "\ufeff=1",
        "\x00=1",
    ],
)
def test_uploaded_text_that_looks_like_a_formula_is_a_problem(text):
    assert formula_problem(text)


@pytest.mark.parametrize(
    "text",
    ["-3.5%", "-1", "-1,750", "同比下降 3%", "a=b", "", "电子 + 信息", "-0.5% 同比", "-3.5亿元"],
)
def test_ordinary_text_and_negative_numbers_are_no_problem(text):
    assert formula_problem(text) is None


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_store_export_escapes_text_but_not_numbers(tmp_path):
    issue = issue_2021_15()
    first = issue.observations[0].model_copy(
        update={"quote": FORMULA, "article": "+x", "value": -0.5}
    )
    issue = issue.model_copy(update={"observations": [first, *issue.observations[1:]]})
    with open_store(tmp_path / "s.duckdb") as store:
        # Past the ingest validation, which now refuses formula text: a store written before
        # that check may hold some, and its export must still be safe.
        with store.transaction("legacy rows") as cur:
            writes.replace_catalog(cur, CATALOG)
            writes.insert_issue(cur, issue, "batch")
            writes.insert_audit(cur, "ingest", "@editor", issue.issue.key, None, "legacy")
            writes.refresh_current(cur, cause=Cause("ingest", "test"))
            writes.bump_version(cur)
        export_tables(store, tmp_path / "out")
    observations = _rows(tmp_path / "out" / "observations.csv")
    row = observations[0]
    assert (row["quote"], row["article"], row["value"]) == ("'" + FORMULA, "'+x", "-0.5")
    assert observations[1]["quote"] == issue.observations[1].quote  # ordinary text untouched
    (audit,) = _rows(tmp_path / "out" / "audit_log.csv")
    assert audit["actor"] == "'@editor"
    indicators = _rows(tmp_path / "out" / "indicators.csv")
    assert indicators[0]["position"].isdigit()


def _by_csv_module(frame: pd.DataFrame) -> bytes:
    """The reference: header and rows through Python's csv module, cell by cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([escape_text(str(column)) for column in frame.columns])
    writer.writerows([[csv_cell(value) for value in row] for row in frame.itertuples(index=False)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


TRICKY_TEXT = [
    "普通文字",
    "含,逗号",
    '含"引号"',
    "两行\n文字",
    "回车\r在中间",
    "=1+2",
    "+SUM(A1)",
    "-cmd",
    "@x",
    "\tx",
    "\rx",
    " =x",
    "",
    None,
    "'已有引号",
    '=HYPERLINK("http://x","点击")',
]


@pytest.mark.parametrize("rows", [1, 2, len(TRICKY_TEXT), 1000])
def test_the_columnwise_writer_matches_the_csv_module_byte_for_byte(rows: int) -> None:
    picks = [TRICKY_TEXT[i % len(TRICKY_TEXT)] for i in range(rows)]
    numbers = [(-1) ** i * (i / 7 if i % 3 else i) for i in range(rows)]
    frame = pd.DataFrame(
        {
            "text": pd.Series(picks, dtype="str"),
            "repeated": pd.Series(
                ["物流", "=x"] * (rows // 2) + ["物流"] * (rows % 2), dtype="str"
            ),
            "number": [float("nan") if i % 5 == 4 else n for i, n in enumerate(numbers)],
            "big": [1e16 * (i + 1) + 0.5 if i % 2 else 0.1 + 0.2 for i in range(rows)],
            "count": [i - rows // 2 for i in range(rows)],
            "flag": [i % 2 == 0 for i in range(rows)],
            "day": pd.to_datetime(
                [None if i % 4 == 3 else f"2021-{i % 12 + 1:02d}-28" for i in range(rows)]
            ),
            "stamp": pd.to_datetime(
                ["2021-04-26 08:30"] + ["2021-04-26"] * (rows - 1), format="ISO8601"
            ),
            "mixed": [[1.5, "=x", None, "a,b", 3][i % 5] for i in range(rows)],
        }
    )
    assert csv_bytes(frame) == _by_csv_module(frame)
    # Frames put together (the Trends page concatenates one per indicator) hold their text
    # in several chunks.
    stacked = pd.concat([frame, frame.iloc[::-1]], ignore_index=True)
    assert csv_bytes(stacked) == _by_csv_module(stacked)


def test_a_single_column_or_no_rows_follow_the_csv_module_too() -> None:
    for frame in (
        pd.DataFrame({"only": pd.Series(["", "x", None], dtype="str")}),
        pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype="float")}),
        pd.DataFrame(),
    ):
        assert csv_bytes(frame) == _by_csv_module(frame)
