"""The 上传 page end to end with AppTest: upload, review, edit, assign, commit, see it charted.

The app is started from its router (local mode: no login configured, so the page is routed)
and the upload page reached with switch_page. Files go through AppTest's file_uploader; cell
edits are seeded as the editor's edit state (edited_rows), which is how AppTest drives
st.data_editor.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from loaders.store import open_store, queries
from tests.support.builders import issue_2021_15

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "streamlit_app.py")
DATA = ROOT / "tests" / "data"
TIMEOUT = 90


def run(at: AppTest) -> AppTest:
    at.run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_upload() -> AppTest:
    at = run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.switch_page("app_pages/upload.py")
    return run(at)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="upload_file").set_value((name, data, "application/octet-stream"))
    return run(at)


def edit(at: AppTest, which: str, rows: dict[int, dict]) -> AppTest:
    (editor,) = [e for e in at.data_editor if e.key.startswith(which)]
    at.session_state[editor.key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return run(at)


def click(at: AppTest, prefix: str) -> AppTest:
    (button,) = [b for b in at.button if (b.key or "").startswith(prefix)]
    button.click()
    return run(at)


def texts(at: AppTest, kind: str) -> str:
    """The text as the reader sees it: user text reaches markdown backslash-escaped."""
    raw = "\n".join(str(element.value) for element in at.get(kind))
    return re.sub(r"\\(.)", r"\1", raw)


def trends_table(at: AppTest, indicator: str):
    at.switch_page("app_pages/trends.py")
    at.query_params.clear()
    at.query_params["indicators"] = indicator
    run(at)
    assert [t.value for t in at.title] == ["趋势"]
    (table,) = at.dataframe  # the trends page's 数据表
    return table.value


def json_2021_15() -> bytes:
    return json.dumps(issue_2021_15().to_public_json(), ensure_ascii=False).encode("utf-8")


def test_brief_upload_commit_and_trends(empty_app_db):
    at = open_upload()
    upload(at, "2021-29.txt", (DATA / "eval" / "2021-29.txt").read_bytes())
    assert (
        at.text_input(key=[t.key for t in at.text_input if t.key.startswith("hdr_title")][0]).value
        == "产业创新动态"
    )
    figures = next(e for e in at.data_editor if e.key.startswith("figures")).value
    assert "logistics_total" in set(figures["indicator"])
    assert "将写入 2021 年第 29 期" in texts(at, "markdown")

    click(at, "commit_")
    assert "已写入 2021-29" in texts(at, "success")
    with open_store(empty_app_db) as store:
        series = queries.series(store, ["logistics_total"])
        stored_sha = queries.issues(store)["sha256"].tolist()
    assert ("2021-01/2021-09", 232.0) in set(zip(series["period"], series["value"], strict=True))
    # Provenance survives the review tables (hidden columns): the unedited brief is stored
    # exactly as the loaders read it, under the file's own hash.
    point = series[series["period"] == "2021-01/2021-09"].iloc[0]
    assert "232.0万亿元" in point["quote"] and point["article"] == "前三季度物流运行稳中有进"
    assert point["editor"] == "王罗汉"
    assert stored_sha == [hashlib.sha256((DATA / "eval" / "2021-29.txt").read_bytes()).hexdigest()]

    table = trends_table(at, "logistics_total")
    assert table.astype(str).apply(lambda col: col.str.contains("232")).any().any()


def drawn_as_none(at: AppTest) -> list[str]:
    """Columns of the page's grids that hold a missing cell the grid would draw as None (it
    draws the placeholder instead when the page sets one, and ours is empty)."""
    return [
        column
        for grid in [*at.data_editor, *at.dataframe]
        if not (grid.proto.HasField("placeholder") and grid.proto.placeholder == "")
        for column in grid.value.columns
        if grid.value[column].isna().any()
    ]


def test_review_grids_show_no_none_and_the_commit_links_to_what_it_wrote(empty_app_db):
    at = open_upload()
    upload(at, "2021-29.txt", (DATA / "eval" / "2021-29.txt").read_bytes())
    unassigned = next(e for e in at.data_editor if e.key.startswith("unassigned")).value
    # The brief has figures with no indicator yet and no upper value: empty cells, not None.
    assert unassigned["indicator"].isna().any() and unassigned["value_high"].isna().any()
    assert drawn_as_none(at) == []

    click(at, "commit_")
    assert "已写入 2021-29" in texts(at, "success")
    links = {
        link.proto.label: (link.proto.page, link.proto.query_string) for link in at.get("page_link")
    }
    assert links["查看期刊 2021-29"] == ("issues", "issue=2021-29")
    page, query = links["在趋势页查看"]
    assert page == "trends" and "logistics_total" in query.split("=")[1].split("%2C")


def test_table_upload_edit_assign_commit(empty_app_db):
    at = open_upload()
    upload(at, "2021-15.json", json_2021_15())
    figures = next(e for e in at.data_editor if e.key.startswith("figures")).value
    row = list(figures["indicator"]).index("logistics_total")
    edit(at, "figures", {row: {"value": 75.4}})
    # Assigning an unassigned figure: choose the indicator and tick include; its name appears.
    edit(at, "unassigned", {0: {"indicator": "logistics_revenue_yoy", "include": True}})
    unassigned = next(e for e in at.data_editor if e.key.startswith("unassigned")).value
    assert unassigned.loc[1, "name_zh"] == "物流业总收入同比增速"
    assert "新增 10 个数据点" in texts(at, "markdown")

    click(at, "commit_")
    assert "已写入 2021-15：新增 10 个数据点" in texts(at, "success")
    with open_store(empty_app_db) as store:
        assert queries.series(store, ["logistics_total"])["value"].tolist() == [75.4]
        assert queries.series(store, ["logistics_revenue_yoy"])["value"].tolist() == [12.5]
        assert queries.unassigned_for_issue(store, "2021-15").empty
        assert queries.audit_log(store)["action"].tolist()[:2] == ["upload", "ingest"]

    table = trends_table(at, "logistics_revenue_yoy")
    assert table.astype(str).apply(lambda col: col.str.contains("12.5")).any().any()


def test_review_errors_block_the_commit(empty_app_db):
    at = open_upload()
    upload(at, "nan_value.csv", (DATA / "upload" / "nan_value.csv").read_bytes())
    assert "发现 1 个问题" in texts(at, "error")
    problems = next(f for f in at.dataframe if "问题 problem" in f.value.columns).value
    assert "数据表第 2 行，字段 value" in problems.iloc[0, 0]
    assert not [b for b in at.button if (b.key or "").startswith("commit_")]

    # Unticking the bad row clears the problem and offers the commit.
    edit(at, "figures", {1: {"include": False}})
    assert not at.error
    assert [b for b in at.button if (b.key or "").startswith("commit_")]


def test_unreadable_file_shows_the_reason(empty_app_db):
    at = open_upload()
    upload(at, "empty.txt", b"")
    assert "empty.txt" in texts(at, "error") and "空文件" in texts(at, "error")
    assert not at.data_editor


def test_same_file_again_says_already_stored(empty_app_db):
    at = open_upload()
    upload(at, "2021-15.json", json_2021_15())
    click(at, "commit_")
    fresh = open_upload()
    upload(fresh, "2021-15.json", json_2021_15())
    assert "已存储：" in texts(fresh, "info")
    assert not [b for b in fresh.button if (b.key or "").startswith(("commit_", "replace_"))]


def test_correction_replaces_only_after_confirmation(empty_app_db):
    at = open_upload()
    upload(at, "2021-15.json", json_2021_15())
    click(at, "commit_")

    corrected = issue_2021_15().to_public_json()
    corrected["observations"][0]["value"] = 4600.0  # telecom_ma_value 2016/2020
    at = open_upload()
    upload(at, "2021-15-corrected.json", json.dumps(corrected, ensure_ascii=False).encode("utf-8"))
    assert "已存储，但内容不同" in texts(at, "warning")
    diff = next(f for f in at.dataframe if "变化 change" in f.value.columns).value
    assert diff[["变化 change", "指标 indicator", "原值 old", "新值 new"]].values.tolist() == [
        ["修改", "telecom_ma_value", 4500.0, 4600.0]
    ]
    (replace,) = [b for b in at.button if (b.key or "").startswith("replace_")]
    assert replace.disabled
    with open_store(empty_app_db) as store:
        assert queries.series(store, ["telecom_ma_value"]).query("period == '2016/2020'")[
            "value"
        ].tolist() == [4500.0]

    (confirm,) = [c for c in at.checkbox if (c.key or "").startswith("confirm_replace_")]
    confirm.check()
    run(at)
    click(at, "replace_")
    assert "已替换 2021-15" in texts(at, "success")
    with open_store(empty_app_db) as store:
        assert queries.series(store, ["telecom_ma_value"]).query("period == '2016/2020'")[
            "value"
        ].tolist() == [4600.0]
        assert "replace" in queries.audit_log(store)["action"].tolist()


def test_markup_in_a_brief_is_shown_as_text(empty_app_db):
    at = open_upload()
    upload(at, "script_brief.txt", (DATA / "upload" / "script_brief.txt").read_bytes())
    # The article, its numbers marked, HTML-escaped: the brief's markup is characters.
    article_html = " ".join(element.value for element in at.get("html"))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in article_html
    assert "<script" not in article_html
    assert all(not markdown.proto.allow_html for markdown in at.markdown)
    assert all(not markdown.proto.allow_html for markdown in at.get("caption"))
    figures = next(e for e in at.data_editor if e.key.startswith("figures")).value
    assert figures["quote"].str.contains("<script>", regex=False).any()


def test_header_is_editable_and_decides_the_issue(empty_app_db):
    at = open_upload()
    upload(at, "good_utf8_bom.csv", (DATA / "upload" / "good_utf8_bom.csv").read_bytes())
    (number,) = [n for n in at.number_input if n.key.startswith("hdr_number_")]
    assert number.value == 30
    number.set_value(33)
    run(at)
    assert "将写入 2021 年第 33 期" in texts(at, "markdown")
    click(at, "commit_")
    with open_store(empty_app_db) as store:
        assert queries.issues(store)["issue_key"].tolist() == ["2021-33"]


def test_a_header_out_of_bounds_is_shown_as_it_is_and_blocks_the_commit(empty_app_db):
    """No widget clamps 99999 to 2100 (or 2100-12-31 to a date that wins every view)."""
    at = open_upload()
    upload(at, "year_99999.csv", (DATA / "upload" / "year_99999.csv").read_bytes())
    (year,) = [n for n in at.number_input if n.key.startswith("hdr_year_")]
    assert year.value == 99999
    assert any(
        "期刊信息，字段 year：99999" in problem
        for frame in at.dataframe
        if "问题 problem" in frame.value.columns
        for problem in frame.value["问题 problem"]
    )
    assert not [b for b in at.button if (b.key or "").startswith("commit_")]

    at = open_upload()
    upload(at, "published_future.csv", (DATA / "upload" / "published_future.csv").read_bytes())
    (published,) = [d for d in at.date_input if d.key.startswith("hdr_published_")]
    assert str(published.value) == "2100-12-31"
    assert not [b for b in at.button if (b.key or "").startswith("commit_")]
    with open_store(empty_app_db) as store:
        assert queries.issues(store).empty


def _other_editor_commits(db, payload: dict) -> None:
    """Another editor, in another session, commits between this page's preview and its click."""
    from loaders.services.review import read_upload
    from loaders.services.upload_commit import commit_upload
    from tests.support.builders import CATALOG

    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    with open_store(db) as store:
        commit_upload(
            store, read_upload(data, "other.json", CATALOG), CATALOG, role="editor", actor="other"
        )


def test_a_commit_that_lost_a_race_to_the_same_version_says_nothing_was_written(empty_app_db):
    at = open_upload()
    upload(at, "2021-15.json", json_2021_15())
    assert "将写入 2021 年第 15 期" in texts(at, "markdown")
    _other_editor_commits(empty_app_db, issue_2021_15().to_public_json())

    click(at, "commit_")
    assert "已写入" not in texts(at, "success")
    reported = texts(at, "warning") + texts(at, "info")
    assert "未写入" in reported and "另一位编辑" in reported and "相同" in reported
    with open_store(empty_app_db) as store:
        log = queries.audit_log(store)
    assert log[log["action"] == "upload"]["actor"].tolist() == ["other"]


def test_a_commit_that_lost_a_race_to_another_version_is_named_a_race(empty_app_db):
    at = open_upload()
    upload(at, "2021-15.json", json_2021_15())
    theirs = issue_2021_15().to_public_json()
    theirs["observations"][0]["value"] = 4600.0
    _other_editor_commits(empty_app_db, theirs)

    click(at, "commit_")
    assert not at.success
    assert "另一位编辑在你预览之后提交了 2021-15 的另一版本" in texts(at, "warning")
    assert "未写入" in texts(at, "warning")
    with open_store(empty_app_db) as store:
        stored = queries.series(store, ["telecom_ma_value"]).query("period == '2016/2020'")
    assert stored["value"].tolist() == [4600.0]  # theirs, untouched
