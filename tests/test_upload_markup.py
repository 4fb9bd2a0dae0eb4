"""Uploaded text is shown as text: no HTML or markdown from a file reaches a markdown element.

A brief (and a figures table) carrying <script>, <img onerror> and markdown link syntax in
its articles, title, subjects and file name goes through the 上传 page, is committed and is
opened on the 期刊 page. Every element that renders markdown (markdown, captions, headings,
alerts, expander/tab/widget labels) must hold that text backslash-escaped; the article HTML
(st.html) must hold it HTML-escaped.
"""

from __future__ import annotations

import html
import json
import re

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import AlertBase, HeadingBase, Markdown, Toast

from tests.support.builders import issue_2021_15
from tests.test_upload_page import APP, DATA, TIMEOUT, click, open_upload, run, upload

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
LINK = "[x](javascript:alert(1))"
BRIEF_NAME = f"{LINK}.txt"

# Raw markup: a tag opening, a link or image target, not preceded by a backslash escape.
RAW_MARKUP = re.compile(r"(?<!\\)<[A-Za-z/!]|(?<!\\)\]\(|(?<!\\)!\[")


def markdown_texts(at: AppTest) -> list[str]:
    """Every string in the tree that Streamlit renders as markdown."""
    found: list[str] = []

    def visit(node) -> None:
        if isinstance(node, Markdown | HeadingBase | AlertBase | Toast):
            found.append(str(node.value))
            assert not getattr(node.proto, "allow_html", False), node
        label = getattr(node, "label", None)
        if isinstance(label, str):
            found.append(label)
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at._tree)
    return found


def assert_no_raw_markup(at: AppTest) -> list[str]:
    texts = markdown_texts(at)
    raw = [text for text in texts if RAW_MARKUP.search(text)]
    assert not raw, raw
    for element in at.get("html"):
        assert "<script" not in element.value and "<img" not in element.value
    return texts


def unescaped(texts: list[str]) -> str:
    """What the reader sees: the markdown escapes removed."""
    return re.sub(r"\\(.)", r"\1", "\n".join(texts))


LINK_AS_CLEANED = "[报告全文]（javascript:alert（1））"


def shown_html(at: AppTest) -> str:
    """The characters the article HTML shows (every tag ours, the brief's escaped); the
    hidden state words of the number marks left out."""
    marked = " ".join(element.value for element in at.get("html"))
    assert "<img" not in marked and "<script" not in marked
    visible = re.sub(r'<span class="num-sr">.*?</span>', "", marked)
    return html.unescape(re.sub(r"<[^>]*>", "", visible))


def issues_page(at: AppTest, issue: str) -> AppTest:
    at.switch_page("app_pages/issues.py")
    at.query_params.clear()
    at.query_params["issue"] = issue
    at.session_state["issues_selected"] = issue
    return run(at)


def test_markup_in_a_brief_and_its_file_name_is_shown_as_text(empty_app_db):
    brief = (DATA / "upload" / "script_brief.txt").read_bytes()
    at = open_upload()
    upload(at, BRIEF_NAME, brief)
    assert_no_raw_markup(at)
    # The text of the brief is there as characters, its numbers marked, HTML-escaped.
    shown = shown_html(at)
    # Brackets beside Chinese text come back full width (loaders.text.cleaning), which also
    # leaves the link syntax broken.
    assert IMAGE in shown and LINK_AS_CLEANED in shown

    click(at, "commit_")
    assert "已写入 2021-31" in unescaped(assert_no_raw_markup(at))

    issues_page(at, "2021-31")
    texts = assert_no_raw_markup(at)
    assert f"来源文件 {BRIEF_NAME}" in unescaped(texts)
    shown = shown_html(at)
    assert IMAGE in shown and LINK_AS_CLEANED in shown  # as characters, inert in HTML


def test_markup_in_a_figures_table_is_shown_as_text(empty_app_db):
    payload = issue_2021_15().to_public_json()
    payload["issue"]["title"] = f"产业创新动态{SCRIPT}{LINK}"
    for item in payload["observations"] + payload["unassigned"]:
        item["article"] = f"{IMAGE}{LINK}文章"
    for item in payload["unassigned"]:
        item["subject"] = f"{LINK}{SCRIPT}"
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    at = open_upload()
    upload(at, f"{IMAGE}.json", data)
    assert_no_raw_markup(at)
    unassigned = next(e for e in at.data_editor if e.key.startswith("unassigned")).value
    assert unassigned["subject"].iloc[0] == f"{LINK}{SCRIPT}"  # a cell: plain text

    click(at, "commit_")
    issues_page(at, "2021-15")
    texts = assert_no_raw_markup(at)
    reader_sees = unescaped(texts)
    assert f"产业创新动态{SCRIPT}{LINK} · 2021 年第 15 期" in reader_sees
    assert f"1. {IMAGE}{LINK}文章" in reader_sees
    assert f"来源文件 {IMAGE}.json" in reader_sees


def test_an_unreadable_file_with_markup_in_its_name(empty_app_db):
    at = open_upload()
    upload(at, f"{IMAGE}{LINK}.pdf", b"not a pdf at all")
    texts = assert_no_raw_markup(at)
    assert f"{IMAGE}{LINK}.pdf" in unescaped(texts)
    assert at.error and not at.data_editor


def test_markup_in_the_issue_link_is_shown_as_text(app_db):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    run(at)
    at.switch_page("app_pages/issues.py")
    at.query_params["issue"] = f"{SCRIPT}{LINK}"
    run(at)
    texts = assert_no_raw_markup(at)
    assert f"链接中的期刊 {SCRIPT}{LINK} 不存在" in unescaped(texts)
