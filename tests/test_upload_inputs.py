"""Every bad upload, one fixture each, through the path the 上传 page uses.

read_upload -> review frames -> rebuild_extraction -> commit_upload, as the page calls them.
Each must stop with a message naming the problem (row and field where there is one) and
leave the store byte for byte as it was.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from loaders.errors import BriefError
from loaders.services.ingest import IngestResult
from loaders.services.review import read_upload, rebuild_extraction
from loaders.services.review_frames import figures_frame, unassigned_frame
from loaders.services.upload_commit import commit_upload
from loaders.store import Store, StoreError, open_store, queries
from tests.support.builders import CATALOG
from tests.support.hostile_files import lying_docx, lying_xlsx, shared_strings_xlsx
from tests.support.store import snapshot

DATA = Path(__file__).parent / "data" / "upload"


class Refused(Exception):
    """The upload path stopped before writing; str() is what the page shows, stage is where
    ("read": the file itself, named in the message; "review": rows and fields)."""

    def __init__(self, message: str, stage: str):
        super().__init__(message)
        self.stage = stage


def upload_path(store: Store, data: bytes, filename: str) -> IngestResult:
    """What the page does with an unedited upload and a click on 提交."""
    try:
        extraction = read_upload(data, filename, CATALOG)
    except BriefError as exc:
        raise Refused(str(exc), "read") from exc
    review = rebuild_extraction(
        extraction,
        extraction.issue.model_dump(),
        figures_frame(extraction, CATALOG),
        unassigned_frame(extraction),
        CATALOG,
    )
    if not review.ok:
        raise Refused("\n".join(review.errors), "review")
    return commit_upload(store, review.extraction, CATALOG, role="editor", actor="test")


@pytest.fixture(scope="session")
def docx_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 60 KB DOCX whose document.xml inflates to 60 MB (too big to commit as a fixture)."""
    path = tmp_path_factory.mktemp("upload") / "bomb.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml", b"<w:document>" + b" " * (60 * 2**20) + b"</w:document>"
        )
    path.write_bytes(buffer.getvalue())
    return path


BAD_INPUTS = [
    ("empty.txt", ["空文件"]),
    ("binary_renamed.pdf", ["内容却不是 PDF"]),
    ("corrupt.pdf", ["PDF 已损坏"]),
    ("bomb.docx", ["zip 炸弹"]),
    ("undecodable.txt", ["无法按 UTF-8、GB18030/GBK 或 UTF-16 解码"]),
    ("undecodable.csv", ["无法解码"]),
    ("unknown_indicator.csv", ["第 2 行", "字段 indicator", "未知指标", "logistics_grand_total"]),
    ("bad_period.csv", ["第 2 行", "字段 period", "2021-13"]),
    ("nan_value.csv", ["第 2 行", "字段 value", "NaN"]),
    ("inf_value.csv", ["第 2 行", "字段 value", "不是有限数值"]),
    ("duplicate_key.csv", ["第 2 行", "字段 indicator+period", "重复", "第 1 行"]),
    ("unit_dollars.json", ["第 1 行", "字段 unit", "亿美元"]),
    ("formula_note.csv", ["第 3 行", "字段 note", '以 "=" 开头', "电子表格公式"]),
    ("formula_dde_note.json", ["第 1 行", "字段 note", '以 "-" 开头', "电子表格公式"]),
    ("formula_fullwidth_title.csv", ["第 1 行", "字段 title", '以 "＝" 开头']),
    ("formula_title_brief.txt", ["文章 1 的标题", '以 "=" 开头', "电子表格公式"]),
    ("overflow_value.csv", ["第 1 行", "字段 value", "换算为 亿元 后超出"]),
    ("negative_total.csv", ["第 1 行", "字段 value", "不能为负", "-260.5"]),
    ("negative_count.json", ["第 1 行", "字段 value", "不能为负", "-3"]),
    ("year_99999.csv", ["期刊信息，字段 year", "99999"]),
    ("published_future.csv", ["期刊信息，字段 published", "2100-12-31", "晚于今天"]),
    ("published_far_from_year.csv", ["期刊信息，字段 published", "2021-11-01", "2015"]),
    ("text_named.pdf", ["文件名是 .pdf，内容却不是 PDF：是文本文件"]),
    ("shift_jis.csv", ["无法解码", "用错了编码"]),
    ("far_cell.xlsx", ["A1:XFD1048576", "1048576 行", "16384 列"]),
    ("long_brief.txt", ["文本简报最多 2 MB"]),
    ("lying.docx", ["word/document.xml 解压出的数据与 zip 目录所记不符", "zip 炸弹"]),
    ("lying.xlsx", ["xl/styles.xml 解压出的数据与 zip 目录所记不符", "zip 炸弹"]),
    ("many_strings.xlsx", ["xl/sharedStrings.xml", "400,011 个共享字符串", "只有 14 个单元格"]),
    ("deep.json", ["JSON 无法解析", "第 8 行第 42 列", "嵌套超过 32 层"]),
    ("digits_value.json", ["第 1 行", "字段 value", "不是有限数值"]),
    ("digits_year.json", ["期刊信息", "字段 year"]),
    ("digits_value.csv", ["第 1 行", "字段 value", "不是有限数值"]),
    ("digits_value.xlsx", ["无法读取 Excel 表格第 2 行", "digits"]),
    ("big_cell.csv", ["CSV 文件第 2 行无法解析", "单元格超过 131,072 个字符"]),
    # Header fields read as a whole: the issue line's own number, year and total, never
    # another line's (第 -3 期 was read as the 460 of 总第 460 期; 0 年 as the date's year).
    ("issue_minus_3.txt", ["期号行", "2021年第-3期", "期号 '-3' 不是期号"]),
    ("issue_year_0.txt", ["期号行", "0年第31期", "年份 '0' 不是年份"]),
    ("issue_total_markup.txt", ["期号行", "总期号无法读取", "总第<b>476</b>期"]),
    ("issue_total_below_number.txt", ["期刊信息，字段 total_number", "总期号 3 不在 31—"]),
    # The date agrees with the issue line's year (the next January for a year's last issue).
    (
        "issue_year_2019_dated_2021.txt",
        ["期刊信息，字段 published", "与期号年份 2019 相差超过 1 年"],
    ),
]


def _far_cell_xlsx() -> bytes:
    """5 KB: a table and one cell at XFD1048576 (openpyxl once filled in every cell between)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["indicator", "period", "value", "title", "year", "number", "published"])
    sheet.append(["logistics_total", "2021-Q3", 232.0, "产业创新动态", 2021, 29, "2021-10-25"])
    sheet["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _long_text_brief() -> bytes:
    """A brief padded past the 2 MB a text brief may take."""
    brief = (DATA / "script_brief.txt").read_bytes()
    return brief + "物流运行稳中有进。\n".encode() * (2 * 1024 * 1024 // 27 + 1)


def _good_json_with(change, raw: bool = False, **numbers: str) -> bytes:
    """good_table.json changed: `change(payload)`, then numbers written as raw JSON text
    (value= the first figure's, year= the issue's); raw: the notes field holds raw JSON."""
    payload = change(json.loads((DATA / "good_table.json").read_text(encoding="utf-8")))
    if "value" in numbers:
        payload["observations"][0]["value"] = "@value@"
    if "year" in numbers:
        payload["issue"]["year"] = "@year@"
    text = json.dumps(payload, ensure_ascii=False, indent=1)
    for name, digits in numbers.items():
        text = text.replace(f'"@{name}@"', digits)
    if raw:
        notes = payload["issue"]["notes"]
        text = text.replace(json.dumps(notes), notes)
    return text.encode("utf-8")


def _brief_with_issue_line(line: str) -> bytes:
    text = (DATA / "script_brief.txt").read_text(encoding="utf-8")
    assert "2021 年第 31 期（总第 476 期）" in text
    return text.replace("2021 年第 31 期（总第 476 期）", line, 1).encode("utf-8")


def _good_csv_with(old: str, new: str) -> bytes:
    text = (DATA / "good_utf8_bom.csv").read_text(encoding="utf-8-sig")
    return text.replace(old, new, 1).encode("utf-8")


# Failure modes too big (or too binary) to commit as fixtures, made here.
GENERATED = {
    "far_cell.xlsx": _far_cell_xlsx,
    "long_brief.txt": _long_text_brief,
    # A part that declares 1 KB and inflates to 64 MB (python-docx and openpyxl read parts
    # whole with zipfile's read(), which inflated all of it).
    "lying.docx": lambda: lying_docx(64 * 2**20),
    "lying.xlsx": lambda: lying_xlsx(64 * 2**20),
    # 1 MB: 400,000 shared strings no cell uses (openpyxl read them all, for 21 s).
    "many_strings.xlsx": lambda: shared_strings_xlsx(400_000),
    # Parse errors that were internal errors: the JSON parser's recursion, int()'s limit of
    # 4,300 digits, the csv module's field limit.
    "deep.json": lambda: _good_json_with(
        lambda p: {**p, "issue": {**p["issue"], "notes": "[" * 5000 + "]" * 5000}}, raw=True
    ),
    "digits_value.json": lambda: _good_json_with(lambda p: p, value="9" * 5000),
    "digits_year.json": lambda: _good_json_with(lambda p: p, year="9" * 5000),
    "digits_value.csv": lambda: _good_csv_with("260.5", "9" * 5000),
    "digits_value.xlsx": lambda: shared_strings_xlsx(value="9" * 5000),
    "big_cell.csv": lambda: _good_csv_with("前十个月", "前十个月" + "长" * (4 * 2**20 // 3)),
    "issue_minus_3.txt": lambda: _brief_with_issue_line("2021 年第 -3 期（总第 476 期）"),
    "issue_year_0.txt": lambda: _brief_with_issue_line("0 年第 31 期（总第 476 期）"),
    "issue_total_markup.txt": lambda: _brief_with_issue_line(
        "2021 年第 31 期（总第 <b>476</b> 期）"
    ),
    "issue_total_below_number.txt": lambda: _brief_with_issue_line("2021 年第 31 期（总第 3 期）"),
    "issue_year_2019_dated_2021.txt": lambda: _brief_with_issue_line(
        "2019 年第 31 期（总第 476 期）"
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize(("name", "words"), BAD_INPUTS, ids=[name for name, _ in BAD_INPUTS])
def test_bad_upload_is_refused_and_store_untouched(name, words, tmp_path, docx_bomb):
    if name in GENERATED:
        path = tmp_path / name
        path.write_bytes(GENERATED[name]())
    else:
        path = docx_bomb if name == "bomb.docx" else DATA / name
    with open_store(tmp_path / "store.duckdb") as store:
        upload_path(store, (DATA / "good_utf8_bom.csv").read_bytes(), "good_utf8_bom.csv")
        before = snapshot(store, tmp_path / "before")
        with pytest.raises(Refused) as refused:
            upload_path(store, path.read_bytes(), name)
        after = snapshot(store, tmp_path / "after")
    message = str(refused.value)
    for word in words:
        assert word in message, message
    if refused.value.stage == "read":  # the file itself is refused: the message names it
        assert name in message
    assert after == before


@pytest.mark.parametrize("name", ["good_utf8_bom.csv", "good_gbk.csv"])
def test_utf8_bom_and_gbk_tables_import(name, tmp_path):
    with open_store(tmp_path / "store.duckdb") as store:
        result = upload_path(store, (DATA / name).read_bytes(), name)
        series = queries.series(store, ["logistics_total", "telecom_ma_deals"])
    assert result.status == "new" and result.new_points == 3
    assert set(zip(series["indicator"], series["period"], series["value"], strict=True)) == {
        ("logistics_total", "2021-01/2021-10", 260.5),
        ("telecom_ma_deals", "2021-H1", 66.0),
    }
    assert series["quote"].iloc[0] == "前十个月全国社会物流总额 260.5 万亿元"


def test_xlsx_table_imports(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    header = [
        "indicator",
        "period",
        "value",
        "unit",
        "note",
        "title",
        "year",
        "number",
        "published",
    ]
    sheet.append(header)
    # Written in 万亿元; the review converts it into the catalog's 亿元.
    sheet.append(
        [
            "telecom_ma_value",
            "2021-H1",
            0.052,
            "万亿元",
            "交易金额",
            "产业创新动态",
            2021,
            29,
            "2021-10-25",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    with open_store(tmp_path / "store.duckdb") as store:
        result = upload_path(store, buffer.getvalue(), "figures.xlsx")
        series = queries.series(store, ["telecom_ma_value"])
    assert result.status == "new"
    assert (series["period"].iloc[0], series["value"].iloc[0], series["unit"].iloc[0]) == (
        "2021-H1",
        520.0,
        "亿元",
    )


@pytest.mark.parametrize("unused", [0, 900], ids=["every-string-used", "a-notes-sheet-worth"])
def test_an_xlsx_with_shared_strings_imports(tmp_path, unused):
    """Excel keeps text cells in the shared-strings table; a table of it is read, with room
    for the strings of another sheet (up to SHARED_STRINGS_SLACK)."""
    with open_store(tmp_path / "store.duckdb") as store:
        result = upload_path(store, shared_strings_xlsx(unused), "shared.xlsx")
        series = queries.series(store, ["logistics_total"])
    assert result.status == "new"
    assert (series["period"].iloc[0], series["value"].iloc[0]) == ("2021-Q3", 232.0)


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0.csv", "＠SUM(A1).csv", "+1.csv"])
def test_a_file_named_like_a_formula_is_refused(name, tmp_path):
    """The file name is stored as the issue's source and exported: a cell like any other."""
    with open_store(tmp_path / "store.duckdb") as store:
        before = snapshot(store, tmp_path / "before")
        with pytest.raises((Refused, StoreError)) as refused:
            upload_path(store, (DATA / "good_utf8_bom.csv").read_bytes(), name)
        after = snapshot(store, tmp_path / "after")
    assert "文件名" in str(refused.value) and "电子表格公式" in str(refused.value)
    assert after == before


def test_controls_and_direction_overrides_never_reach_the_store(tmp_path):
    """NUL, other control characters and bidi overrides are removed where text comes in (one
    rule: loaders.guards.text_safety); the file name "report\u202egpj.json" would show as
    "reportnosj.gpj" if its override were kept."""
    payload = json.loads((DATA / "good_table.json").read_text(encoding="utf-8"))
    payload["issue"]["title"] = "产业\u202e创新\x00动态"
    payload["observations"][0]["note"] = "交易\x00金额\x85 80\u2066 亿元\x1b[31m"
    payload["observations"][0]["article"] = "\u202d电信并购"
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    with open_store(tmp_path / "store.duckdb") as store:
        result = upload_path(store, data, "report\u202egpj\x00.json")
        stored = queries.issue(store, result.issue_key)
        series = queries.series(store, ["telecom_ma_value"])
    assert stored["title"] == "产业创新动态"
    assert stored["source_name"] == "reportgpj.json"
    assert series["quote"].iloc[0] == "交易金额 80 亿元[31m"
    assert series["article"].iloc[0] == "电信并购"


def test_a_brief_with_controls_and_overrides_is_stored_without_them(tmp_path):
    text = (DATA / "script_brief.txt").read_text(encoding="utf-8")
    text = text.replace("前三季度物流运行稳中有进", "前三季度\u202e物流运行稳中有进\x00")
    with open_store(tmp_path / "store.duckdb") as store:
        result = upload_path(store, text.encode("utf-8"), "bidi.txt")
        stored = queries.issue(store, result.issue_key)
        articles = queries.articles(store, result.issue_key)
    assert "\u202e" not in stored["clean_text"] and "\x00" not in stored["clean_text"]
    assert articles["title"].iloc[0] == "前三季度物流运行稳中有进"


def test_the_store_refuses_control_characters_whatever_the_caller(tmp_path):
    from tests.support.builders import issue_2021_15

    issue = issue_2021_15()
    first = issue.observations[0].model_copy(update={"quote": "交易\x00金额"})
    issue = issue.model_copy(update={"observations": [first, *issue.observations[1:]]})
    with open_store(tmp_path / "store.duckdb") as store:
        with pytest.raises(StoreError, match="第 1 个数字的原文.*控制字符"):
            commit_upload(store, issue, CATALOG, role="editor", actor="test")
        assert queries.issues(store).empty
