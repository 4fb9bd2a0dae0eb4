"""A citation for every value (loaders.series.citations): its text, what it leaves out, its link, and
every row of the shared briefs' series cited in full."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from loaders.catalog.indicators import load_catalog
from loaders.intake.pipeline import extract_file
from loaders.series.citations import citation_text, citations, quote_link
from loaders.services.ingest import ingest
from loaders.services.series import SeriesRequest, read_series
from loaders.store import open_store, queries

# The shared briefs (shared/eval/briefs) as the repository keeps them.
SHARED_BRIEFS = [
    Path(__file__).resolve().parent / "data" / "eval" / name
    for name in ("2021-15.txt", "2021-29.txt")
]


def test_a_citation_names_issue_article_editor_sentence_and_source() -> None:
    text = citation_text(
        "2021 年第 15 期",
        460,
        "国内物流各行业景气度逐步恢复",
        "王罗汉",
        "一季度物流总额75.1万亿元。",
        "中物联",
    )
    assert text == (
        "《产业创新动态》2021 年第 15 期（总第 460 期），《国内物流各行业景气度逐步恢复》，"
        "产业所 王罗汉 整理，原文：“一季度物流总额75.1万亿元。”；原始来源：中物联"
    )


def test_what_the_store_does_not_hold_is_left_out_not_guessed() -> None:
    assert citation_text("2021 年第 15 期", None, "物流", None, "", None) == (
        "《产业创新动态》2021 年第 15 期，《物流》"
    )
    assert citation_text(None, 460, "物流") == ""
    # A nullable integer read back as a float is still a running number.
    assert "（总第 460 期）" in citation_text("2021 年第 15 期", 460.0)


def test_a_title_naming_a_title_keeps_one_pair_of_book_marks() -> None:
    text = citation_text("2021 年第 15 期", 460, "《Nature》：研究人员 3D 打印出金属纳米结构阵列")
    assert "《〈Nature〉：研究人员 3D 打印出金属纳米结构阵列》" in text


def test_citations_of_a_frame_match_one_by_one() -> None:
    rows = pd.DataFrame(
        {
            "issue_label": ["2021 年第 15 期", "2021 年第 15 期", "2021 年第 29 期"],
            "issue_total_number": pd.array([460, 460, None], dtype="Int64"),
            "article": ["甲", "甲", "乙"],
            "editor": ["刘如", "刘如", None],
            "quote": ["一句。", "一句。", "二句。"],
            "source_org": ["普华永道", "普华永道", None],
        }
    )
    assert citations(rows) == [
        citation_text("2021 年第 15 期", 460, "甲", "刘如", "一句。", "普华永道"),
        citation_text("2021 年第 15 期", 460, "甲", "刘如", "一句。", "普华永道"),
        citation_text("2021 年第 29 期", None, "乙", None, "二句。", None),
    ]


def test_the_link_opens_the_issue_at_the_sentence() -> None:
    link = quote_link("2021-15", 1234, 1290)
    assert urlsplit(link).path == "/issues"
    assert parse_qs(urlsplit(link).query) == {"issue": ["2021-15"], "quote": ["1234"]}
    # A typed figure has no sentence: the issue alone.
    assert quote_link("2021-15", 0, 0) == "/issues?issue=2021-15"
    assert quote_link(None, 5, 9) == ""


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("citations") / "briefs.duckdb"
    catalog = load_catalog()
    store = open_store(path)
    for brief in SHARED_BRIEFS:
        ingest(store, extract_file(brief, catalog), catalog, actor="test")
    return store


def test_every_row_of_the_shared_briefs_series_is_cited_in_full(shared_store) -> None:
    issues = queries.issues(shared_store).set_index("issue_key")
    articles = {
        key: queries.articles(shared_store, key).set_index("title")["editor"].to_dict()
        for key in issues.index
    }
    with_data = queries.coverage(shared_store)
    ids = list(with_data.loc[with_data["points"] > 0, "id"])
    assert len(ids) >= 20
    rows = read_series(shared_store, SeriesRequest(indicators=tuple(ids))).export()
    assert len(rows) >= 30
    named = 0
    for row in rows.itertuples(index=False):
        issue = issues.loc[row.issue_key]
        editor = articles[row.issue_key][row.article]
        assert row.citation.startswith(
            f"《产业创新动态》{issue['issue_label']}（总第 {issue['total_number']} 期），"
        ), row.citation
        assert f"《{row.article}》" in row.citation
        assert editor and f"产业所 {editor} 整理" in row.citation
        assert row.quote and f"原文：“{row.quote}”" in row.citation
        if isinstance(row.source_org, str) and row.source_org:
            named += 1
            assert row.citation.endswith(f"；原始来源：{row.source_org}")
        else:
            assert "原始来源" not in row.citation
    # Most of the shared briefs' figures come from a named organisation.
    assert named >= 0.7 * len(rows)


def test_the_sources_of_the_shared_briefs_series(shared_store) -> None:
    rows = read_series(
        shared_store, SeriesRequest(indicators=("logistics_total", "telecom_ma_value"))
    ).export()
    assert set(rows.loc[rows["indicator"] == "logistics_total", "source_org"]) == {"中物联"}
    assert set(rows.loc[rows["indicator"] == "telecom_ma_value", "source_org"]) == {"普华永道"}
