"""Every number of an article marked by its state, in the review before commit and on the
issue page, and a missed one made a figure in two clicks (loaders.figures.number_states,
loaders.services.review, dashboard.highlight, the 上传 and 期刊 pages)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from dashboard.highlight import (
    STATE_LABELS,
    article_numbers,
    number_choice,
    number_marks,
    numbers_html,
    state_counts,
)
from loaders.figures.number_states import REASONS, account_for_numbers, account_for_stored
from loaders.intake.pipeline import extract_file
from loaders.models import NumberState
from loaders.services.ingest import ingest
from loaders.services.review import rebuild_extraction
from loaders.services.review_frames import figures_frame, unassigned_frame
from loaders.services.review_numbers import NotANumber, add_number, review_numbers
from loaders.store import open_store, queries
from loaders.vocab.frames import records
from tests.support.builders import CATALOG, issue_2021_15
from tests.test_upload_page import click, edit, open_upload, run, upload

ROOT = Path(__file__).resolve().parent.parent
BRIEFS = sorted(
    p
    for p in [*(ROOT / "tests" / "data" / "eval").iterdir(), *(ROOT / "data" / "briefs").iterdir()]
    if p.suffix in (".txt", ".pdf", ".docx", ".md")
)
# 75.4 万亿元 conflicts with 75.1 万亿元 (both left to review, logistics_total 2021-Q1
# suggested); 51.2, an index written without its %, is a number the loaders ignore.
MISSED = ROOT / "tests" / "data" / "numbers" / "missed-figures.txt"
NAMES = {indicator.id: indicator.name_zh for indicator in CATALOG.indicators}


def _number(numbers: list[NumberState], text: str) -> NumberState:
    found = [n for n in numbers if n.text == text]
    assert found, f"{text} not among {[n.text for n in numbers]}"
    return found[0]


def _stored_numbers(store, key: str) -> list[NumberState]:
    header = queries.issue(store, key)
    return account_for_stored(
        header["clean_text"],
        header["published"],
        records(queries.articles(store, key)),
        records(queries.observations_for_issue(store, key)),
        records(queries.unassigned_for_issue(store, key)),
    )


# ------------------------------------------------------------------ one rule, two paths


@pytest.mark.parametrize("path", BRIEFS, ids=lambda p: p.name)
def test_a_stored_issue_numbers_are_those_of_its_extraction(path, tmp_path):
    """The issue page's states come from the store alone, by the rule the review uses: every
    number the same, but for what the store does not hold (repeats; unassigned reasons)."""
    extraction = extract_file(path, CATALOG)
    with open_store(tmp_path / "briefs.duckdb") as store:
        ingest(store, extraction, CATALOG, actor="test")
        stored = _stored_numbers(store, extraction.issue.key)
    extracted = account_for_numbers(extraction)
    repeats = {n.start for n in extracted if n.state == "observation" and n.reason == "repeat"}
    expected = [n for n in extracted if n.start not in repeats]
    got = [n for n in stored if n.start not in repeats]
    assert [(n.start, n.end, n.text, n.state, n.indicator, n.period) for n in got] == [
        (n.start, n.end, n.text, n.state, n.indicator, n.period) for n in expected
    ]
    assert [n.reason for n in got if n.state != "unassigned"] == [
        n.reason for n in expected if n.state != "unassigned"
    ]
    assert {n.reason for n in got if n.state == "unassigned"} <= {"unrecorded"}


def test_a_stored_figure_without_its_place_is_found_in_its_sentence(tmp_path):
    """Figures stored before figure_start was kept (the fixture issue has none) are found by
    their text inside their quoted sentence; a reviewed one says so."""
    extraction = issue_2021_15()
    assert all(o.figure_start is None for o in extraction.observations)
    first = extraction.observations[0].model_copy(update={"origin": "reviewed"})
    extraction = extraction.model_copy(
        update={"observations": [first, *extraction.observations[1:]]}
    )
    with open_store(tmp_path / "briefs.duckdb") as store:
        ingest(store, extraction, CATALOG, actor="test")
        numbers = _stored_numbers(store, "2021-15")
    total = _number(numbers, "4,500 亿")
    assert (total.state, total.reason, total.indicator, total.period) == (
        "observation",
        "reviewed",
        "telecom_ma_value",
        "2016/2020",
    )
    growth = _number(numbers, "12.5")
    assert (growth.state, growth.reason) == ("unassigned", "unrecorded")
    assert _number(numbers, "2016").state == "ignored"


def test_the_hundred_of_percentage_points_is_no_number_of_its_own():
    extraction = extract_file(MISSED, CATALOG)
    texts = [n.text for n in account_for_numbers(extraction)]
    assert "1.8" in texts and "百" not in texts


# ------------------------------------------------------------------ the review's numbers


def _review():
    extraction = extract_file(MISSED, CATALOG)
    return extraction, figures_frame(extraction, CATALOG), unassigned_frame(extraction)


def test_review_numbers_follow_the_editor_ticks():
    extraction, figures, unassigned = _review()
    numbers = review_numbers(extraction, figures, unassigned)
    assert [(n.state, n.reason) for n in numbers] == [
        (n.state, n.reason) for n in account_for_numbers(extraction)
    ]
    # Unticking a figure leaves it out; ticking an unassigned one without an indicator
    # waits for one; with an indicator it is a reviewed observation.
    revenue = list(figures["indicator"]).index("logistics_revenue")
    figures.iloc[revenue, figures.columns.get_loc("include")] = False
    row_of = dict(zip(unassigned["figure_text"], unassigned.index, strict=True))
    unassigned.loc[row_of["75.1万亿元"], "include"] = True
    unassigned.loc[row_of["75.4万亿元"], ["include", "indicator"]] = [True, "logistics_total"]
    numbers = review_numbers(extraction, figures, unassigned)
    assert (_number(numbers, "3.3万亿").state, _number(numbers, "3.3万亿").reason) == (
        "ignored",
        "left_out",
    )
    assert _number(numbers, "75.1万亿").reason == "pending"
    chosen = _number(numbers, "75.4万亿")
    assert (chosen.state, chosen.reason, chosen.indicator) == (
        "observation",
        "reviewed",
        "logistics_total",
    )


def test_an_unassigned_number_is_ticked_where_it_stands_with_its_suggestion():
    extraction, figures, unassigned = _review()
    number = _number(review_numbers(extraction, figures, unassigned), "75.4万亿")
    assert (number.state, number.reason) == ("unassigned", "conflict")
    added = add_number(extraction, figures, unassigned, number.start, CATALOG)
    (row_number,) = unassigned.index[unassigned["figure_text"] == "75.4万亿元"]
    assert (added.table, added.row) == ("unassigned", row_number)
    row = added.unassigned.loc[row_number]
    assert (row["include"], row["indicator"], row["name_zh"], row["period"]) == (
        True,
        "logistics_total",
        "全国社会物流总额",
        "2021-Q1",
    )
    assert f"第 {row_number} 行" in added.message
    assert added.figures is figures and not unassigned["include"].any()  # inputs untouched


def test_an_ignored_number_becomes_a_figure_row_read_from_its_sentence():
    extraction, figures, unassigned = _review()
    number = _number(review_numbers(extraction, figures, unassigned), "51.2")
    assert (number.state, number.reason) == ("ignored", "no_unit")
    added = add_number(extraction, figures, unassigned, number.start, CATALOG)
    assert (added.table, added.row) == ("figures", len(figures) + 1)
    row = added.figures.loc[added.row]
    assert row["include"] and row["indicator"] is None
    assert (row["figure_text"], row["value"], row["figure_start"]) == ("51.2", 51.2, number.start)
    assert row["period"] == "2021-03"  # the period of the figure beside it (1.8 个百分点)
    assert row["quote"] == "3月份，物流业务量指数为51.2，较上月回升1.8个百分点。"
    text = extraction.clean_text
    assert text[row["span_start"] : row["span_end"]] == row["quote"]
    assert (row["article"], row["article_index"], row["editor"]) == (
        "一季度物流运行数据",
        0,
        "某某",
    )

    # Through the one review validation: no indicator yet is named by table and row …
    review = rebuild_extraction(
        extraction, extraction.issue.model_dump(), added.figures, added.unassigned, CATALOG
    )
    assert not review.ok
    assert any(f"数据表第 {added.row} 行，字段 indicator" in e for e in review.errors)
    # … and once chosen it is an observation an editor reviewed, with its quote and place.
    chosen = added.figures.copy()
    chosen.loc[added.row, "indicator"] = "logistics_business_index"
    review = rebuild_extraction(
        extraction, extraction.issue.model_dump(), chosen, added.unassigned, CATALOG
    )
    assert review.ok, review.errors
    (stored,) = [o for o in review.extraction.observations if o.figure_text == "51.2"]
    assert (stored.indicator, stored.period, stored.value, stored.unit, stored.origin) == (
        "logistics_business_index",
        "2021-03",
        51.2,
        "%",
        "reviewed",
    )
    assert stored.figure_start == number.start and stored.quote == row["quote"]


def test_a_number_with_its_unit_is_read_as_the_quantity_it_says():
    extraction, figures, unassigned = _review()
    # Unticking 3.3 万亿元 leaves it out; adding it back ticks the same row again.
    revenue = list(figures["indicator"]).index("logistics_revenue")
    figures.iloc[revenue, figures.columns.get_loc("include")] = False
    number = _number(review_numbers(extraction, figures, unassigned), "3.3万亿")
    added = add_number(extraction, figures, unassigned, number.start, CATALOG)
    assert (added.table, len(added.figures)) == ("figures", len(figures))
    assert added.figures["include"].all()


def test_an_observation_or_no_number_cannot_be_added():
    extraction, figures, unassigned = _review()
    numbers = review_numbers(extraction, figures, unassigned)
    with pytest.raises(NotANumber, match="已是数据"):
        add_number(extraction, figures, unassigned, _number(numbers, "3.3万亿").start, CATALOG)
    with pytest.raises(NotANumber, match="没有数字"):
        add_number(extraction, figures, unassigned, 1, CATALOG)


# ------------------------------------------------------------------ the marks


def test_marks_say_the_state_in_a_class_a_tooltip_and_hidden_words():
    number = NumberState(
        text="75.4万亿",
        start=3,
        end=9,
        state="unassigned",
        reason="conflict",
        suggested_indicator="logistics_total",
        period="2021-Q1",
    )
    out = numbers_html("总额为75.4万亿元。", 0, number_marks([number], NAMES))
    assert out == (
        '<div class="brief-text brief-numbers">总额为<span class="num num-unassigned" '
        f'title="待归类：{REASONS["conflict"]} · 建议指标：全国社会物流总额 · 期间：2021年一季度">'
        '75.4万亿<span class="num-sr">（待归类）</span></span>元。</div>'
    )
    assert number_choice(number, "总额为75.4万亿元。") == "75.4万亿元 · 待归类"
    assert state_counts([number, number]) == "待归类 2 个"
    assert state_counts([]) == "没有数字"


def test_marks_escape_the_brief_and_its_reasons():
    text = '<b onclick="x">1</b>'
    start = text.index("1")
    number = NumberState(text="1", start=start, end=start + 1, state="ignored", reason='"><i>')
    out = numbers_html(text, 0, number_marks([number], NAMES))
    assert "<b" not in out and "&lt;b onclick=&quot;x&quot;&gt;" in out
    assert 'title="忽略：&quot;&gt;&lt;i&gt;"' in out


def test_an_article_view_marks_its_headline_and_its_text():
    text = "刊头 2021 年第 15 期\n物流总额超 75 万亿元\n一季度总额 75.1 万亿元，第 3 条。\n"
    title = "物流总额超 75 万亿元"
    start = text.index("一季度")
    end = text.index("\n", start)

    def at(written: str, **state) -> NumberState:
        where = text.index(written)
        return NumberState(text=written, start=where, end=where + len(written), **state)

    numbers = [
        at("2021", state="ignored", reason="masthead"),
        at("75 万亿", state="observation", reason="repeat", indicator="logistics_total"),
        at("75.1 万亿", state="observation", reason="mapped", indicator="logistics_total"),
        at("3", state="ignored", reason="ordinal"),
    ]
    view = article_numbers(text, title, start, end, numbers, NAMES)
    assert [n.text for n in view.numbers] == ["75 万亿", "75.1 万亿", "3"]  # no masthead
    assert view.counts == "数据 2 个 · 忽略 1 个"
    headline, body = view.html.split("</strong></div>")
    assert headline.startswith(
        '<div class="brief-text brief-numbers"><div class="brief-headline"><strong>物流总额超 '
        '<span class="num num-observation" title="数据：全国社会物流总额（—）· 重复'
    )
    assert body.count('class="num num-') == 2 and "num-ignored" in body


# ------------------------------------------------------------------ the pages


def _shown(at) -> str:
    """The characters the article HTML shows (the hidden state words left out)."""
    marked = " ".join(element.value for element in at.get("html"))
    visible = re.sub(r'<span class="num-sr">.*?</span>', "", marked)
    return html.unescape(re.sub(r"<[^>]*>", "", visible))


def test_upload_marks_every_number_and_adds_a_missed_one_in_two_clicks(empty_app_db):
    at = open_upload()
    upload(at, "missed-figures.txt", MISSED.read_bytes())
    (article,) = [e for e in at.expander if e.label.startswith("1. ")]
    assert (
        article.label == "1. 一季度物流运行数据（编辑：某某） · 数据 1 个 · 待归类 3 个 · 忽略 2 个"
    )
    marked = " ".join(element.value for element in at.get("html"))
    for state in STATE_LABELS:
        assert f'class="num num-{state}"' in marked
    assert f"忽略：{REASONS['no_unit']}" in marked

    (pills,) = at.pills
    extraction = extract_file(MISSED, CATALOG)
    numbers = account_for_numbers(extraction)
    # Click 1: the conflicting 75.4 万亿元; click 2: 加为数据.
    pills.set_value(_number(numbers, "75.4万亿").start)
    run(at)
    assert "同一期刊中同一指标同一期间的数值不一致" in " ".join(c.value for c in at.caption)
    click(at, "add_")
    unassigned = next(e for e in at.data_editor if e.key.startswith("unassigned")).value
    (row_number,) = unassigned.index[unassigned["figure_text"] == "75.4万亿元"]
    assert unassigned.loc[row_number, "reason"] == (
        "同一期刊中同一指标同一期间的数值不一致（建议：全国社会物流总额）"
    )
    assert f"已加入「未归类的数字」第 {row_number} 行" in " ".join(s.value for s in at.success)
    assert unassigned.loc[row_number, ["include", "indicator", "period"]].tolist() == [
        True,
        "logistics_total",
        "2021-Q1",
    ]

    # The ignored 51.2: a new row, the indicator chosen in the table before the commit.
    (pills,) = at.pills
    pills.set_value(_number(numbers, "51.2").start)
    run(at)
    click(at, "add_")
    figures = next(e for e in at.data_editor if e.key.startswith("figures")).value
    row = len(figures) - 1
    assert figures.iloc[row]["figure_text"] == "51.2" and figures.iloc[row]["include"]
    assert "发现 1 个问题" in " ".join(e.value for e in at.error)  # no indicator yet
    edit(at, "figures", {row: {"indicator": "logistics_business_index"}})
    (article,) = [e for e in at.expander if e.label.startswith("1. ")]
    assert (
        article.label == "1. 一季度物流运行数据（编辑：某某） · 数据 3 个 · 待归类 2 个 · 忽略 1 个"
    )

    click(at, "commit_")
    assert "已写入 2021-16" in " ".join(s.value for s in at.success)
    with open_store(empty_app_db) as store:
        total = queries.series(store, ["logistics_total"])
        index = queries.series(store, ["logistics_business_index"])
        stored = _stored_numbers(store, "2021-16")
    assert total[["period", "value"]].values.tolist() == [["2021-Q1", 75.4]]
    assert "75.4万亿元" in total["quote"].iloc[0]
    assert index[["period", "value"]].values.tolist() == [["2021-03", 51.2]]
    assert index["quote"].iloc[0] == "3月份，物流业务量指数为51.2，较上月回升1.8个百分点。"
    # The issue page's account of the stored issue: both now data, as an editor reviewed them.
    for text, indicator in (("75.4万亿", "logistics_total"), ("51.2", "logistics_business_index")):
        number = _number(stored, text)
        assert (number.state, number.reason, number.indicator) == (
            "observation",
            "reviewed",
            indicator,
        )

    at.switch_page("app_pages/issues.py")
    at.query_params.clear()
    at.query_params["issue"] = "2021-16"
    at.session_state["issues_selected"] = "2021-16"
    run(at)
    (article,) = [e for e in at.expander if e.label.startswith("1. ")]
    assert (
        article.label == "1. 一季度物流运行数据（编辑：某某） · 数据 3 个 · 待归类 2 个 · 忽略 1 个"
    )
    marked = " ".join(element.value for element in at.get("html"))
    assert (
        '<span class="num num-observation" title="数据：物流业务量指数（2021年3月）· '
        f'{REASONS["reviewed"]}">51.2' in marked
    )
    assert "75.1万亿元" in _shown(at)
    # The same account as a table, for a reader without a mouse (and as CSV).
    (listing,) = [f.value for f in at.dataframe if "状态" in f.value.columns]
    assert listing.to_dict("records")[-3:] == [
        {
            "文章": "一季度物流运行数据",
            "数字": "3月份",
            "状态": "忽略",
            "原因": REASONS["date"],
            "指标": "",
            "期间": "",
        },
        {
            "文章": "一季度物流运行数据",
            "数字": "51.2",
            "状态": "数据",
            "原因": REASONS["reviewed"],
            "指标": "物流业务量指数",
            "期间": "2021年3月",
        },
        {
            "文章": "一季度物流运行数据",
            "数字": "1.8个百分点",
            "状态": "待归类",
            "原因": REASONS["unrecorded"],
            "指标": "",
            "期间": "2021年3月",
        },
    ]


def test_upload_of_a_figures_table_has_no_text_to_mark(empty_app_db):
    at = open_upload()
    upload(
        at,
        "2021-15.json",
        json.dumps(issue_2021_15().to_public_json(), ensure_ascii=False).encode("utf-8"),
    )
    assert not at.pills and "原文中的数字" not in [s.value for s in at.subheader]


def test_issue_page_of_a_table_issue_says_where_its_figures_are(empty_app_db):
    at = open_upload()
    upload(
        at,
        "2021-15.json",
        json.dumps(issue_2021_15().to_public_json(), ensure_ascii=False).encode("utf-8"),
    )
    click(at, "commit_")
    at.switch_page("app_pages/issues.py")
    at.query_params.clear()
    at.query_params["issue"] = "2021-15"
    run(at)
    assert any("没有原文" in info.value for info in at.info)
