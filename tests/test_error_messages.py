"""Every error a user can cause has a message: no traceback, no server path.

Each case is something a user can do from a browser (or a forged websocket message): a NUL
in an uploaded file's name, a forged edit state of the review table, a reader that fails in
a way nobody foresaw, a database that cannot be opened. The page must show a message of its
own and no exception element, and no message may name the server's directories.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from loaders.store import open_store, queries
from tests.test_upload_page import (
    APP,
    TIMEOUT,
    click,
    json_2021_15,
    open_upload,
    run,
    texts,
    upload,
)


def shown(at: AppTest) -> str:
    return "\n".join(texts(at, kind) for kind in ("error", "warning", "info", "caption"))


def test_a_nul_byte_in_the_file_name_is_dropped_not_a_traceback(empty_app_db):
    at = open_upload()
    upload(at, "report\x00.json", json_2021_15())  # run() asserts no exception element
    assert at.data_editor
    click(at, "commit_")
    with open_store(empty_app_db) as store:
        assert queries.issues(store)["source_name"].tolist() == ["report.json"]


def test_a_file_of_another_type_is_refused_with_a_message(empty_app_db):
    at = open_upload()
    upload(at, "tool.exe", b"MZ\x90\x00")
    assert "tool.exe" in texts(at, "error") and "不支持的文件类型 .exe" in texts(at, "error")


@pytest.mark.parametrize(
    "forged",
    [
        {999: {"value": 1.0}},  # a row that does not exist
        {0: {"no_such_column": 1}},  # a column that does not exist
        {"a": {"value": 1.0}},  # not a row number at all
    ],
)
def test_a_forged_edit_state_of_the_review_table_is_reset_with_a_message(empty_app_db, forged):
    at = open_upload()
    upload(at, "2021-15.json", json_2021_15())
    (editor,) = [e for e in at.data_editor if e.key.startswith("figures")]
    at.session_state[editor.key] = {"edited_rows": forged, "added_rows": [], "deleted_rows": []}
    run(at)  # asserts no exception element
    assert "表格的编辑状态无效，已重置" in texts(at, "warning")
    (fresh,) = [e for e in at.data_editor if e.key.startswith("figures")]
    assert fresh.key != editor.key and len(fresh.value) == len(editor.value)


def test_an_unforeseen_reader_failure_shows_no_details(empty_app_db, monkeypatch, tmp_path):
    secret = tmp_path / "srv" / "internal" / "reader.py"

    def broken(data, filename, catalog):
        raise RuntimeError(f"{secret}: boom")

    monkeypatch.setattr("loaders.services.review.read_upload", broken)
    at = open_upload()
    upload(at, "2021-15.json", json_2021_15())
    message = texts(at, "error")
    assert "2021-15.json" in message and "内部错误" in message
    assert str(tmp_path) not in shown(at) and "RuntimeError" not in message


def test_a_database_that_cannot_be_opened_is_named_without_its_directory(tmp_path, monkeypatch):
    broken = tmp_path / "srv" / "data" / "briefs.duckdb"
    broken.parent.mkdir(parents=True)
    broken.write_text("not a database", encoding="utf-8")
    monkeypatch.setenv("BRIEFS_DB", str(broken))
    monkeypatch.delenv("BRIEFS_EDITOR_PASSWORD", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    message = texts(at, "error")
    assert "无法打开数据库" in message and "briefs.duckdb" in message
    assert str(broken.parent) not in shown(at)


def test_server_paths_are_cut_to_their_file_names():
    from dashboard.markup import hide_server_paths

    text = (
        "could not store issue 2021-15 in /srv/app/data/briefs.duckdb; nothing was changed "
        "(IOException: /srv/app/data/briefs.duckdb.published/v3.duckdb: disk full)"
    )
    assert hide_server_paths(text) == (
        "could not store issue 2021-15 in briefs.duckdb; nothing was changed "
        "(IOException: v3.duckdb: disk full)"
    )
    # Not paths: links, periods, fractions, a file's own name.
    kept = "http://example.org/a/b 2021-01/2021-09 1/2 data/briefs.duckdb"
    assert hide_server_paths(kept) == kept
