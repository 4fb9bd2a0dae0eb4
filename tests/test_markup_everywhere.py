"""No link, image, styling, math or directive from data renders on any page.

Each construct below is fed through every page that echoes text: as a link's query
parameters (?indicators=…, ?issue=…), as an issue's title, file name, article title and
editor (a real DuckDB file), as an uploaded file's name, and as a logged-in user's email.
Every string Streamlit renders as markdown is then checked by an oracle written apart from
dashboard.markup: markdown punctuation of the payload must be backslash-escaped, and no
autolink pattern (GFM's literal autolinks, which Streamlit applies to text *after* escapes
are resolved) may match what the reader sees. The payload must still be there to read.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders.services.ingest import ingest
from loaders.store import open_store
from tests.support.builders import CATALOG, issue_carrying
from tests.test_upload_markup import markdown_texts
from tests.test_upload_page import APP, TIMEOUT, run, upload

HOSTILE = {
    "link": "[点击领奖](http://evil.example/x)",
    "image": "![t](http://evil.example/track.png)",
    "styled": ":red[**中奖**]",
    "bare_url": "http://evil.example/bare",
    "www": "WWW.evil.example",
    "email": "prize@evil.example",
    "math": "$x^2$",
    "emoji": ":smile:",
    "icon": ":material/warning:",
    "html": "<img src=http://evil.example/h.png>",
    "angle_link": "<http://evil.example/angle>",
    "heading": "# 标题",
}
PAYLOAD = " ".join(HOSTILE.values())
# Words only the payload contains: a markdown string holding one carries data.
MARKERS = ("evil", "点击领奖", "中奖", "x^2", "smile", "material/warning", "标题")

# GFM literal autolinks as remark-gfm finds them in text nodes (mdast-util-gfm-autolink-literal;
# JavaScript's \w is ASCII), stricter than the original: no look-behind condition.
AUTOLINK_URL = re.compile(r"(?:https?://|www(?=\.))[-.A-Za-z0-9_]+", re.IGNORECASE)
AUTOLINK_EMAIL = re.compile(r"[-.A-Za-z0-9_+]+@[-A-Za-z0-9_]+(?:\.[-A-Za-z0-9_]+)+")
# Markdown punctuation that starts a construct (link, image, emphasis, code, math, html,
# directive, heading, table) when not escaped with a backslash.
UNESCAPED_MARKUP = re.compile(r"(?<!\\)(?:\\\\)*[\[\]()!*_`$<>:~|#]")
# Invisible characters a safe rendering may insert to keep text from being autolinked.
INVISIBLE = "\u2060\u200b"


def reader_sees(markdown: str) -> str:
    """The text a reader sees: escapes resolved, hard breaks and invisible joiners gone."""
    text = re.sub(r"\\(.)", r"\1", markdown.replace("  \n", "\n"))
    return text.translate(dict.fromkeys(map(ord, INVISIBLE)))


def live_markup(markdown: str) -> list[str]:
    """What in this markdown source would render as a link, image, style or directive."""
    found = [f"unescaped {m.group()!r}" for m in UNESCAPED_MARKUP.finditer(markdown)]
    resolved = re.sub(r"\\(.)", r"\1", markdown)  # autolinks run after escapes are resolved
    found += [f"autolink {m.group()!r}" for m in AUTOLINK_URL.finditer(resolved)]
    found += [f"autolink {m.group()!r}" for m in AUTOLINK_EMAIL.finditer(resolved)]
    return found


def assert_inert(at: AppTest, expected: list[str]) -> None:
    """Every markdown string carrying data is inert; each expected text is there to read."""
    texts = markdown_texts(at)
    carrying = [text for text in texts if any(marker in reader_sees(text) for marker in MARKERS)]
    problems = {text: live_markup(text) for text in carrying if live_markup(text)}
    assert problems == {}
    shown = "\n".join(reader_sees(text) for text in texts)
    for text in expected:
        assert text in shown


@pytest.fixture
def hostile_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An issue whose title, file name, article title and editor are the payload."""
    extraction = issue_carrying(PAYLOAD)
    path = tmp_path / "hostile.duckdb"
    with open_store(path) as store:
        ingest(store, extraction, CATALOG, actor="test")
    monkeypatch.setenv("BRIEFS_DB", str(path))
    monkeypatch.delenv("BRIEFS_EDITOR_PASSWORD", raising=False)
    return path


def open_page(page: str, **query: str) -> AppTest:
    at = run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.switch_page(f"app_pages/{page}.py")
    at.query_params.clear()
    at.query_params.update(query)
    return run(at)


def test_a_link_to_trends_with_markup_in_the_indicators(hostile_db):
    at = open_page("trends", indicators=PAYLOAD)
    assert_inert(at, ["链接中有未知的指标，已忽略：" + HOSTILE["link"]])


def test_a_link_to_issues_with_markup_in_the_issue(hostile_db):
    at = open_page("issues", issue=PAYLOAD)
    assert_inert(at, [f"链接中的期刊 {PAYLOAD} 不存在"])


def test_an_issue_whose_title_file_and_articles_carry_markup(hostile_db):
    at = open_page("issues", issue="2021-15")
    assert_inert(
        at,
        [
            f"{PAYLOAD} · 2021 年第 15 期",  # the heading
            f"来源文件 {PAYLOAD}.txt",  # the caption
            f"1. {PAYLOAD}（编辑：{PAYLOAD}）",  # the article's expander
        ],
    )


@pytest.mark.parametrize("page", ["overview", "catalog"])
def test_pages_without_echoes_stay_inert(hostile_db, page):
    assert_inert(open_page(page), [])


def test_an_uploaded_file_named_with_markup(hostile_db):
    at = open_page("upload")
    upload(at, f"{PAYLOAD}.txt", b"\x00\x01 not a brief \xff\xfe")
    assert_inert(at, [f"{PAYLOAD}.txt"])


def test_a_logged_in_email_with_markup(hostile_db):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback"}
    at.secrets["editors"] = {"emails": ["editor@example.org"]}
    at.user = {"is_logged_in": True, "email": HOSTILE["email"]}
    run(at)
    assert_inert(at, [f"{HOSTILE['email']} 不在编辑名单中"])
