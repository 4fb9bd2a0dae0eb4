"""Every table a page shows downloads through the one CSV writer (loaders.guards.csv_safety).

The grids' own toolbar download and copy are switched off (client.disableDataExport, see
tests/test_config.py) because they write cells raw; each page offers our CSV instead. The
store here holds formula text the way a store written before the formula check could: put
in with the store's writes directly, past the ingest validation.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from loaders.guards.csv_safety import formula_sign
from loaders.store import open_store, writes
from loaders.store.changes import Cause
from tests.support.builders import CATALOG, issue_2021_15
from tests.test_upload_page import APP, TIMEOUT, run

FORMULA = '=HYPERLINK("http://evil.example","点击")'


@pytest.fixture
def legacy_formula_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    issue = issue_2021_15()
    first = issue.observations[0].model_copy(update={"quote": FORMULA, "article": "-2+3+cmd"})
    unassigned = issue.unassigned[0].model_copy(update={"subject": "＠SUM(A1)"})
    issue = issue.model_copy(
        update={
            "issue": issue.issue.model_copy(update={"title": "+" + issue.issue.title}),
            "observations": [first, *issue.observations[1:]],
            "unassigned": [unassigned],
        }
    )
    path = tmp_path / "legacy.duckdb"
    with open_store(path) as store, store.transaction("legacy rows") as cur:
        writes.replace_catalog(cur, CATALOG)
        writes.insert_issue(cur, issue, "batch")
        writes.refresh_current(cur, cause=Cause("ingest", "test"))
        writes.bump_version(cur)
    monkeypatch.setenv("BRIEFS_DB", str(path))
    monkeypatch.delenv("BRIEFS_EDITOR_PASSWORD", raising=False)
    return path


def _payload(button, media: list[MemoryMediaFileStorage]) -> bytes:
    url = button.proto.url or media[-1].manager.execute_deferred(button.proto.deferred_file_id)
    name = url.rsplit("/", 1)[-1]
    file_id = name.split(".", 1)[0]
    return next(m.get_file(name).content for m in media if file_id in m._files_by_id)


def downloads(at: AppTest, media: list[MemoryMediaFileStorage]) -> dict[str, list[list[str]]]:
    """Each CSV download button's file as rows, by the button's key; a file built on the
    click is built as the server builds it when the button is clicked."""
    found = {}
    for button in at.get("download_button"):
        if button.proto.label != "下载 CSV":
            continue
        payload = _payload(button, media)
        assert payload.startswith(b"\xef\xbb\xbf")
        found[button.proto.id] = list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))
    return found


def workbooks(at: AppTest, media: list[MemoryMediaFileStorage]) -> list[openpyxl.Workbook]:
    """Each Excel download button's workbook."""
    return [
        openpyxl.load_workbook(io.BytesIO(_payload(button, media)))
        for button in at.get("download_button")
        if button.proto.label == "下载 Excel"
    ]


@pytest.mark.parametrize(
    ("page", "query", "tables"),
    [
        # The list, the figures, the unassigned, every number and (editors: local mode) the
        # audit log.
        ("issues", {"issue": "2021-15"}, 5),
        ("catalog", {}, 1),
        ("trends", {"indicators": "telecom_ma_value"}, 1),
    ],
)
def test_each_table_downloads_with_formula_cells_escaped(
    legacy_formula_db, media_files, page, query, tables
):
    at = run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.switch_page(f"app_pages/{page}.py")
    at.query_params.update(query)
    run(at)
    assert len(at.dataframe) == tables
    files = downloads(at, media_files)
    assert len(files) == tables
    cells = [cell for rows in files.values() for row in rows for cell in row]
    assert [cell for cell in cells if formula_sign(cell)] == []
    if page != "catalog":
        assert "'" + FORMULA in cells
    # Each table as Excel too: no cell a formula, formula-like text kept as written and
    # quote-prefixed (the one formula rule, loaders.guards.csv_safety.formula_sign).
    books = workbooks(at, media_files)
    assert len(books) == tables
    texts = []
    for book in books:
        assert book.sheetnames == ["数据", "说明"]
        for sheet in book:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and formula_sign(cell.value):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                        texts.append(cell.value)
    if page != "catalog":
        assert FORMULA in texts
