"""The second look in the review before commit: the values the stored series doubt are shown
with the reason, in the text and beside the commit, and are confirmed or dropped there; the
commit waits for each (loaders.services.review.second_look, the 上传 page)."""

from __future__ import annotations

import re

from dashboard.highlight import held_title, number_marks, numbers_html
from dashboard.tables import numbers_table, queue_figures, queue_subjects
from loaders.figures.number_states import REASONS, account_for_numbers, account_for_stored
from loaders.services.held_values import drop_held, held_at, held_in_store, second_look, unconfirmed
from loaders.services.ingest import ingest
from loaders.services.review import rebuild_extraction
from loaders.services.review_frames import figures_frame, unassigned_frame
from loaders.services.review_numbers import review_numbers
from loaders.services.second_look import doubt_of, set_aside_subject
from loaders.store import open_store, queries
from loaders.vocab.frames import records
from tests.support.builders import CATALOG
from tests.test_review_numbers import _shown
from tests.test_second_look import FALLING, FIRST
from tests.test_upload_page import click, edit, open_upload, run, texts, upload

NAMES = {indicator.id: indicator.name_zh for indicator in CATALOG.indicators}
SERIES = "carbon_national_cum_volume"


def _frames(extraction=FALLING):
    return figures_frame(extraction, CATALOG), unassigned_frame(extraction, CATALOG)


def _review(figures, unassigned, extraction=FALLING):
    header = extraction.issue.model_dump()
    return rebuild_extraction(extraction, header, figures, unassigned, CATALOG)


def _stored(tmp_path):
    store = open_store(tmp_path / "briefs.duckdb")
    ingest(store, FIRST, CATALOG, actor="test")
    return store


def test_a_total_since_launch_that_falls_is_held_with_its_reason(tmp_path):
    store = _stored(tmp_path)
    try:
        figures, unassigned = _frames()
        (value,) = second_look(store, _review(figures, unassigned), CATALOG)
        assert (value.table, value.row, value.indicator, value.value) == (
            "figures",
            1,
            SERIES,
            0.179,
        )
        assert value.reason == "cumulative_falls"
        assert value.detail.startswith("累计总量不会减少：低于 2021-12-17 的 1.79 亿吨")
        assert FALLING.clean_text[value.at[0] : value.at[1]] == "0.179亿吨"
        # Markdown-safe: what the reader sees once the escapes are read.
        assert re.sub(r"\\(.)", r"\1", held_title(value, NAMES)) == (
            f"{NAMES[SERIES]} · 2021年12月31日 · 0.179 亿吨（识别的数据第 1 行）"
        )
        # Confirmed, the commit waits no more; an edit of the value asks again.
        assert unconfirmed([value], {value.key}) == []
        figures.at[1, "value"] = 0.18
        (edited,) = second_look(store, _review(figures, unassigned), CATALOG)
        assert edited.key != value.key and unconfirmed([edited], {value.key}) == [edited]
        # Dropped, the row is unticked and nothing is left to doubt.
        dropped, same = drop_held(figures, unassigned, [edited])
        assert not dropped.at[1, "include"] and same.equals(unassigned)
        assert second_look(store, _review(dropped, unassigned), CATALOG) == []
    finally:
        store.close()


def test_nothing_is_held_against_an_empty_store_or_a_plausible_series(tmp_path):
    store = open_store(tmp_path / "briefs.duckdb")
    try:
        assert second_look(store, _review(*_frames()), CATALOG) == []
        ingest(store, FIRST, CATALOG, actor="test")
        # The issue stored itself is no neighbour of its own values.
        assert second_look(store, _review(*_frames(FIRST), extraction=FIRST), CATALOG) == []
    finally:
        store.close()


def test_a_held_figure_is_marked_in_the_text_with_the_doubt(tmp_path):
    store = _stored(tmp_path)
    try:
        figures, unassigned = _frames()
        held = second_look(store, _review(figures, unassigned), CATALOG)
    finally:
        store.close()
    numbers = review_numbers(FALLING, figures, unassigned)
    flags = held_at(numbers, held)
    (start,) = flags
    assert FALLING.clean_text[start:].startswith("0.179")
    marked = numbers_html(FALLING.clean_text, 0, number_marks(numbers, NAMES, held=flags))
    assert marked.count(" num-held") == 1
    assert "（数据，存疑）" in marked and "存疑：累计总量不会减少" in marked
    # Nothing held, nothing marked.
    assert " num-held" not in numbers_html(FALLING.clean_text, 0, number_marks(numbers, NAMES))
    assert account_for_numbers(FALLING)  # the same numbers the loaders account for


# ------------------------------------------------------------------ the page


def _store_first(db) -> None:
    with open_store(db) as store:
        ingest(store, FIRST, CATALOG, actor="test")


def _commit_button(at):
    (button,) = [b for b in at.button if (b.key or "").startswith("commit_")]
    return button


def test_upload_holds_a_doubtful_value_until_the_editor_confirms_it(empty_app_db):
    _store_first(empty_app_db)
    at = open_upload()
    upload(at, "2022-02.txt", FALLING.clean_text.encode())
    assert "与库中序列比对（1）" in [s.value for s in at.subheader]
    assert "存疑：累计总量不会减少：低于 2021-12-17 的 1.79 亿吨" in texts(at, "warning")
    assert "还有 1 个存疑的数字未确认" in texts(at, "warning")
    assert _commit_button(at).disabled
    marked = " ".join(element.value for element in at.get("html"))
    assert 'class="num num-observation num-held"' in marked
    assert "存疑：累计总量不会减少" in marked
    assert "0.179亿吨" in _shown(at)

    click(at, "held_confirm_")
    assert "已确认" in texts(at, "success")
    assert "还有 1 个存疑的数字未确认" not in texts(at, "warning")
    assert " num-held" not in " ".join(element.value for element in at.get("html"))
    assert not _commit_button(at).disabled
    click(at, "commit_")
    assert "已写入 2022-02" in texts(at, "success")
    with open_store(empty_app_db) as store:
        values = sorted(queries.series(store, [SERIES])["value"])
    assert values == [0.179, 1.79]


def test_upload_drops_a_doubtful_value_and_an_edit_asks_again(empty_app_db):
    _store_first(empty_app_db)
    at = open_upload()
    upload(at, "2022-02.txt", FALLING.clean_text.encode())
    click(at, "held_confirm_")
    # The editor corrects the value after confirming: the second look asks again.
    edit(at, "figures", {0: {"value": 0.18}})
    assert "还有 1 个存疑的数字未确认" in texts(at, "warning")
    click(at, "held_drop_")
    assert "不写入" in texts(at, "success")
    figures = next(e for e in at.data_editor if e.key.startswith("figures")).value
    assert not figures.iloc[0]["include"]
    assert not [s for s in at.subheader if s.value.startswith("与库中序列比对")]
    click(at, "commit_")
    assert "已写入 2022-02" in texts(at, "success")
    with open_store(empty_app_db) as store:
        assert list(queries.series(store, [SERIES])["value"]) == [1.79]
    run(at)


# ------------------------------------------------------------------ held back by an import


def _imported(db) -> None:
    """2021-36, then 2022-02 imported without confirmation: its falling total set aside."""
    with open_store(db) as store:
        ingest(store, FIRST, CATALOG, actor="test")
        ingest(store, FALLING, CATALOG, actor="test", second_look=True)


def test_the_doubt_of_a_set_aside_figure_is_read_back_from_its_subject():
    detail = "累计总量不会减少：低于 2021-12-17 的 1.79 亿吨"
    assert doubt_of(set_aside_subject(SERIES, detail), SERIES) == detail
    # Another series' figure, an English hint after an id, no subject: no doubt.
    assert doubt_of(set_aside_subject(SERIES, detail), "carbon_national_cum_value") is None
    assert doubt_of(f"{SERIES}: the headline says otherwise than the body", SERIES) is None
    assert doubt_of(None, SERIES) is None and doubt_of("成交量", None) is None


def test_a_value_an_import_set_aside_is_marked_and_queued_with_its_doubt(tmp_path):
    db = tmp_path / "briefs.duckdb"
    _imported(db)
    with open_store(db) as store:
        unassigned = queries.unassigned_for_issue(store, "2022-02")
        queue = queries.unassigned_all(store)
        header = queries.issue(store, "2022-02")
        articles = queries.articles(store, "2022-02")
        observations = queries.observations_for_issue(store, "2022-02")
    numbers = account_for_stored(
        header["clean_text"],
        header["published"],
        records(articles),
        records(observations),
        records(unassigned),
    )
    ((start, doubt),) = held_in_store(numbers, header["clean_text"], unassigned).items()
    assert header["clean_text"][start:].startswith("0.179")
    assert doubt.startswith("累计总量不会减少：低于 2021-12-17 的 1.79 亿吨")
    listing = numbers_table([("t", numbers)], NAMES, header["clean_text"], {start: doubt})
    (row,) = listing[listing["数字"] == "0.179亿吨"].to_dict("records")
    assert (row["状态"], row["原因"]) == ("待归类", f"{REASONS['implausible']}：{doubt}")
    (mark,) = [m for m in number_marks(numbers, NAMES, held={start: doubt}) if m.held]
    assert mark.note.startswith(f"待归类：{REASONS['implausible']}")
    assert mark.note.endswith(f"存疑：{doubt}")
    # The queue groups it under the series it was read for, the doubt beside it.
    groups = queue_subjects(queue)
    assert f"存疑：{SERIES}" in list(groups["所指"])
    (figure,) = queue_figures(queue, f"存疑：{SERIES}").to_dict("records")
    assert (figure["建议指标"], figure["存疑"]) == (SERIES, doubt)


def test_issue_page_marks_a_value_an_import_set_aside(empty_app_db):
    _imported(empty_app_db)
    at = open_upload()
    at.switch_page("app_pages/issues.py")
    at.query_params["issue"] = "2022-02"
    at.session_state["issues_selected"] = "2022-02"
    run(at)
    assert "1 个数字导入时与库中该序列已有数值不合" in texts(at, "warning")
    marked = " ".join(element.value for element in at.get("html"))
    assert 'class="num num-unassigned num-held"' in marked
    assert "存疑：累计总量不会减少" in marked
    (listing,) = [f.value for f in at.dataframe if "状态" in f.value.columns]
    (reason,) = listing.loc[listing["数字"] == "0.179亿吨", "原因"]
    assert reason.startswith(f"{REASONS['implausible']}：累计总量不会减少")
