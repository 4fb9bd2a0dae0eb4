"""Committing reviewed uploads: roles, re-upload, corrections, retraction, audit log."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from loaders.intake.table_format import template_csv
from loaders.models import Extraction
from loaders.services.ingest import preview, retract
from loaders.services.review import read_upload, rebuild_extraction
from loaders.services.review_frames import figures_frame, unassigned_frame
from loaders.services.upload_commit import commit_upload
from loaders.store import StoreError, open_store, queries, writes
from tests.support.builders import CATALOG, issue_2021_15
from tests.support.store import snapshot

DATA = Path(__file__).parent / "data" / "upload"


def reviewed(data: bytes, name: str, edit=None, assign=None) -> Extraction:
    """read -> frames -> optional edits -> rebuilt Extraction, as the page does."""
    extraction = read_upload(data, name, CATALOG)
    figures = figures_frame(extraction, CATALOG)
    unassigned = unassigned_frame(extraction)
    if edit:
        edit(figures)
    if assign:
        assign(unassigned)
    review = rebuild_extraction(
        extraction, extraction.issue.model_dump(), figures, unassigned, CATALOG
    )
    assert review.ok, review.errors
    return review.extraction


def json_2021_15() -> bytes:
    return json.dumps(issue_2021_15().to_public_json(), ensure_ascii=False).encode("utf-8")


def test_viewer_cannot_commit_or_retract_and_store_is_unchanged(tmp_path):
    with open_store(tmp_path / "s.duckdb") as store:
        commit_upload(store, reviewed(json_2021_15(), "a.json"), CATALOG, role="editor", actor="ed")
        before = snapshot(store, tmp_path / "before")
        corrected = reviewed((DATA / "good_utf8_bom.csv").read_bytes(), "good_utf8_bom.csv")
        with pytest.raises(PermissionError):
            commit_upload(store, corrected, CATALOG, role="viewer", actor="anonymous")
        with pytest.raises(PermissionError):
            commit_upload(store, corrected, CATALOG, role="viewer", actor="anonymous", replace=True)
        with pytest.raises(PermissionError):
            retract(store, "2021-15", role="viewer", actor="anonymous")
        assert snapshot(store, tmp_path / "after") == before


def test_same_file_again_is_already_stored_and_nothing_is_duplicated(tmp_path):
    data = (DATA / "good_utf8_bom.csv").read_bytes()
    with open_store(tmp_path / "s.duckdb") as store:
        first = commit_upload(store, reviewed(data, "f.csv"), CATALOG, role="editor", actor="ed")
        before = snapshot(store, tmp_path / "before")
        again = reviewed(data, "f.csv")
        assert preview(store, again, CATALOG).status == "unchanged"
        second = commit_upload(store, again, CATALOG, role="editor", actor="ed")
        assert snapshot(store, tmp_path / "after") == before
        assert len(queries.observations_for_issue(store, "2021-30")) == 3
    assert (first.status, first.new_points) == ("new", 3)
    assert second.status == "unchanged"


def test_an_unedited_brief_keeps_the_file_hash(tmp_path):
    data = json_2021_15()
    extraction = read_upload(data, "a.json", CATALOG)
    review = rebuild_extraction(
        extraction,
        extraction.issue.model_dump(),
        figures_frame(extraction, CATALOG),
        unassigned_frame(extraction),
        CATALOG,
    )
    assert not review.edited
    assert review.extraction.sha256 == extraction.sha256


def test_correction_shows_the_diff_and_replaces_only_after_confirmation(tmp_path):
    data = json_2021_15()

    def correct(figures):
        figures.loc[figures["indicator"] == "logistics_total", "value"] = 75.3
        figures.loc[figures["indicator"] == "l2_penetration", "include"] = False

    with open_store(tmp_path / "s.duckdb") as store:
        commit_upload(store, reviewed(data, "a.json"), CATALOG, role="editor", actor="ed")
        corrected = reviewed(data, "a.json", edit=correct)
        planned = preview(store, corrected, CATALOG)
        assert planned.status == "replaced"
        changes = {(d.indicator, d.change, d.old_value, d.new_value) for d in planned.replaced_diff}
        assert changes == {
            ("logistics_total", "changed", 75.0, 75.3),
            ("l2_penetration", "removed", 50.0, None),
        }

        before = snapshot(store, tmp_path / "before")
        with pytest.raises(StoreError, match="confirm replace"):
            commit_upload(store, corrected, CATALOG, role="editor", actor="ed")
        assert snapshot(store, tmp_path / "after") == before

        result = commit_upload(store, corrected, CATALOG, role="editor", actor="ed", replace=True)
        assert result.status == "replaced"
        assert queries.series(store, ["logistics_total"])["value"].tolist() == [75.3]
        assert queries.series(store, ["l2_penetration"]).empty
        actions = queries.audit_log(store)["action"].tolist()
    assert actions[:2] == ["upload", "replace"]


@pytest.mark.slow
def test_assigning_an_unassigned_figure_converts_units_and_reports_revisions(tmp_path):
    def assign(unassigned):
        unassigned.loc[1, ["include", "indicator", "unit"]] = [True, "logistics_revenue_yoy", "%"]

    with open_store(tmp_path / "s.duckdb") as store:
        commit_upload(
            store,
            reviewed((DATA / "good_utf8_bom.csv").read_bytes(), "f.csv"),
            CATALOG,
            role="editor",
            actor="ed",
        )
        extraction = reviewed(json_2021_15(), "a.json", assign=assign)
        assert [o.indicator for o in extraction.observations][-1] == "logistics_revenue_yoy"
        assert extraction.unassigned == []
        result = commit_upload(store, extraction, CATALOG, role="editor", actor="ed")
        assert queries.series(store, ["logistics_revenue_yoy"])["value"].tolist() == [12.5]
    assert result.new_points == 10


def test_assigned_figure_without_period_is_refused():
    def assign(unassigned):
        unassigned.loc[1, ["include", "indicator", "period"]] = [True, "logistics_revenue_yoy", ""]

    extraction = read_upload(json_2021_15(), "a.json", CATALOG)
    unassigned = unassigned_frame(extraction)
    assign(unassigned)
    review = rebuild_extraction(
        extraction,
        extraction.issue.model_dump(),
        figures_frame(extraction, CATALOG),
        unassigned,
        CATALOG,
    )
    assert not review.ok
    assert review.errors == [
        "未归类数字表第 1 行，字段 period：缺少期间（例如 2021、2021-Q1、2021-01/2021-09）"
    ]


def test_bad_header_is_named():
    extraction = read_upload(json_2021_15(), "a.json", CATALOG)
    header = {**extraction.issue.model_dump(), "title": None}
    review = rebuild_extraction(
        extraction,
        header,
        figures_frame(extraction, CATALOG),
        unassigned_frame(extraction),
        CATALOG,
    )
    assert not review.ok and review.errors[0].startswith("期刊信息，字段 title")


def test_retract_deletes_the_issue_and_is_audited(tmp_path):
    with open_store(tmp_path / "s.duckdb") as store:
        commit_upload(store, reviewed(json_2021_15(), "a.json"), CATALOG, role="editor", actor="ed")
        assert retract(store, "2021-15", role="editor", actor="ed@example.org")
        assert queries.issues(store).empty
        log = queries.audit_log(store)
    assert log.iloc[0]["action"] == "retract" and log.iloc[0]["actor"] == "ed@example.org"
    assert set(log["action"]) == {"ingest", "upload", "retract"}


@pytest.mark.slow
def test_upload_audit_row_is_part_of_the_commit_transaction(tmp_path, monkeypatch):
    data = (DATA / "good_utf8_bom.csv").read_bytes()
    extraction = reviewed(data, "good_utf8_bom.csv")
    file_sha = hashlib.sha256(data).hexdigest()
    insert_audit = writes.insert_audit

    def audit_fails_on_upload(cur, action, *args):
        if action == "upload":
            raise RuntimeError("disk full")
        return insert_audit(cur, action, *args)

    def ingest_fails(extraction):
        raise RuntimeError("disk full")

    with open_store(tmp_path / "s.duckdb") as store:
        before = snapshot(store, tmp_path / "before")
        # The upload row cannot be written: the figures are not stored either.
        with monkeypatch.context() as patch:
            patch.setattr(writes, "insert_audit", audit_fails_on_upload)
            with pytest.raises(StoreError, match="nothing was changed"):
                commit_upload(
                    store, extraction, CATALOG, role="editor", actor="ed", file_sha256=file_sha
                )
        assert snapshot(store, tmp_path / "after_audit_failure") == before
        # The ingest fails half way: no audit row of any kind.
        with monkeypatch.context() as patch:
            patch.setattr(writes, "_unassigned_frame", ingest_fails)
            with pytest.raises(StoreError, match="nothing was changed"):
                commit_upload(
                    store, extraction, CATALOG, role="editor", actor="ed", file_sha256=file_sha
                )
        assert queries.audit_log(store).empty
        assert snapshot(store, tmp_path / "after_ingest_failure") == before

        commit_upload(store, extraction, CATALOG, role="editor", actor="ed", file_sha256=file_sha)
        log = queries.audit_log(store)
    assert log["action"].tolist() == ["upload", "ingest"]
    upload = log.iloc[0]
    assert (upload["actor"], upload["issue_key"], upload["sha256"]) == ("ed", "2021-30", file_sha)
    assert "file good_utf8_bom.csv" in upload["detail"]


def test_commit_path_reads_viewer_role_when_a_password_is_set(tmp_path, monkeypatch):
    """Auth configured, nobody logged in: the role from dashboard.auth cannot write."""
    from dashboard.auth import current_role

    monkeypatch.setenv("BRIEFS_EDITOR_PASSWORD", "s3cret-pw")
    assert current_role() == "viewer"
    with open_store(tmp_path / "s.duckdb") as store:
        before = snapshot(store, tmp_path / "before")
        with pytest.raises(PermissionError, match="Only editors"):
            commit_upload(
                store, reviewed(json_2021_15(), "a.json"), CATALOG, role=current_role(), actor="x"
            )
        assert snapshot(store, tmp_path / "after") == before


def test_a_repeated_statement_is_pre_unticked_but_a_conflicting_one_is_not():
    extraction = issue_2021_15()
    first = extraction.observations[0]
    repeat = first.model_copy()
    conflict = first.model_copy(update={"value": first.value + 1})
    figures = figures_frame(
        extraction.model_copy(update={"observations": [first, repeat, conflict]}), CATALOG
    )
    assert figures["include"].tolist() == [True, False, True]


def test_unassigned_amounts_are_shown_in_a_readable_unit_and_convert_on_assignment():
    from loaders.vocab.units import readable as readable_scale

    assert readable_scale(2.079e14, "元") == (207.9, "万亿元")
    assert readable_scale(4.5e9, "吨") == (45.0, "亿吨")
    assert readable_scale(3e8, "美元") == (3.0, "亿美元")
    assert readable_scale(1159000, "个") == (1159000, "个")

    extraction = issue_2021_15()
    big = extraction.unassigned[0].model_copy(
        update={"value": 2.079e14, "unit": "元", "period": "2018"}
    )
    extraction = extraction.model_copy(update={"unassigned": [big]})
    unassigned = unassigned_frame(extraction)
    assert unassigned.loc[1, ["value", "unit"]].tolist() == [207.9, "万亿元"]
    unassigned.loc[1, ["include", "indicator"]] = [True, "telecom_ma_value"]
    review = rebuild_extraction(
        extraction,
        extraction.issue.model_dump(),
        figures_frame(extraction, CATALOG),
        unassigned,
        CATALOG,
    )
    assert review.ok, review.errors
    assert (review.extraction.observations[-1].value, review.extraction.observations[-1].unit) == (
        2079000.0,
        "亿元",
    )


def test_plain_markdown_neutralises_links_images_directives_and_html():
    from dashboard.markup import WORD_JOINER, plain_markdown

    text = "![x](http://evil.example/a.png) [link](javascript:alert(1)) :red[big] <b>bold</b> *em*"
    escaped = plain_markdown(text)
    for raw in ("![", "](", ":red[", "<b>", "*em*"):
        assert raw not in escaped
    # Removing the escapes and the invisible joiners (which keep http:// from being
    # autolinked) gives back exactly the text: nothing is lost, only neutralised.
    assert re.sub(r"\\(.)", r"\1", escaped).replace(WORD_JOINER, "") == text


def test_plain_markdown_escapes_a_dash_only_where_it_starts_a_line():
    from dashboard.markup import plain_markdown

    assert plain_markdown("2021-15") == "2021-15"
    # The first dash escaped is enough: a line starting with "\\" is no list, rule or underline.
    assert plain_markdown("- item\n  -x\n---") == "\\- item  \n  \\-x  \n\\---"


def test_names_follow_the_indicator_and_blanks_are_not_stale():
    import pandas as pd

    from loaders.services.review_frames import names_stale, refresh_names

    frame = pd.DataFrame(
        {"indicator": [None, float("nan"), "l2_penetration"], "name_zh": [float("nan"), None, ""]}
    )
    assert names_stale(frame, CATALOG)
    fresh = refresh_names(frame, CATALOG)
    assert fresh["name_zh"].tolist() == ["", "", "L2级智能网联乘用车市场渗透率"]
    assert not names_stale(fresh, CATALOG)
    assert refresh_names(pd.DataFrame({"indicator": ["nope"], "name_zh": [""]}), CATALOG)[
        "name_zh"
    ].tolist() == ["（未知指标）"]


def test_an_edited_title_that_looks_like_a_formula_is_a_review_problem():
    extraction = read_upload(json_2021_15(), "2021-15.json", CATALOG)
    header = {**extraction.issue.model_dump(), "title": '=HYPERLINK("http://evil.example","x")'}
    review = rebuild_extraction(
        extraction,
        header,
        figures_frame(extraction, CATALOG),
        unassigned_frame(extraction),
        CATALOG,
    )
    assert not review.ok
    assert review.errors == ['期刊标题 以 "=" 开头，可能是电子表格公式（如 =HYPERLINK(...)）']


def test_a_forged_edit_of_a_read_only_quote_is_a_review_problem():
    """The quote column is disabled on the page, but widget state can be forged."""
    extraction = read_upload(json_2021_15(), "2021-15.json", CATALOG)
    figures = figures_frame(extraction, CATALOG)
    figures.loc[2, "quote"] = "=cmd|' /C calc'!A0"
    review = rebuild_extraction(
        extraction, extraction.issue.model_dump(), figures, unassigned_frame(extraction), CATALOG
    )
    assert review.errors == [
        '第 2 个数字的原文 以 "=" 开头，可能是电子表格公式（如 =HYPERLINK(...)）'
    ]


def test_the_store_refuses_formula_text_whatever_the_caller(tmp_path):
    """ingest() checks again: the CLI and any other caller go through it."""
    issue = issue_2021_15()
    first = issue.observations[0].model_copy(update={"unit": "+亿元"})
    issue = issue.model_copy(update={"observations": [first, *issue.observations[1:]]})
    with open_store(tmp_path / "s.duckdb") as store:
        before = snapshot(store, tmp_path / "before")
        with pytest.raises(StoreError, match='第 1 个数字的单位 以 "\\+" 开头'):
            commit_upload(store, issue, CATALOG, role="editor", actor="e")
        assert snapshot(store, tmp_path / "after") == before


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"value": float("inf")}, "第 1 个数字的数值"),
        ({"value_high": float("nan")}, "第 1 个数字的上限"),
        ({"value": -4500.0}, "不能为负"),
    ],
)
def test_the_store_refuses_values_the_review_would_whatever_the_caller(tmp_path, change, words):
    issue = issue_2021_15()
    first = issue.observations[0].model_copy(update=change)
    issue = issue.model_copy(update={"observations": [first, *issue.observations[1:]]})
    with open_store(tmp_path / "s.duckdb") as store:
        before = snapshot(store, tmp_path / "before")
        with pytest.raises(StoreError, match=words):
            commit_upload(store, issue, CATALOG, role="editor", actor="e")
        assert snapshot(store, tmp_path / "after") == before


def test_the_store_refuses_a_header_out_of_bounds_whatever_the_caller(tmp_path):
    issue = issue_2021_15()
    issue = issue.model_copy(
        update={"issue": issue.issue.model_copy(update={"year": 99999, "number": 15})}
    )
    with open_store(tmp_path / "s.duckdb") as store:
        with pytest.raises(StoreError, match="year"):
            commit_upload(store, issue, CATALOG, role="editor", actor="e")
        assert queries.issues(store).empty


def test_the_template_as_downloaded_is_refused_until_its_issue_is_changed(tmp_path):
    extraction = read_upload(template_csv(), "figures_template.csv", CATALOG)
    figures = figures_frame(extraction, CATALOG)
    unassigned = unassigned_frame(extraction)
    header = extraction.issue.model_dump()
    review = rebuild_extraction(extraction, header, figures, unassigned, CATALOG)
    assert not review.ok
    assert review.errors == [
        "期刊信息，字段 number：2021 年第 99 期是模板的示例期号，不是真实的一期："
        "请把 year、number、total_number、published 改为要上传的那一期后再提交"
    ]
    with open_store(tmp_path / "s.duckdb") as store:
        # Whatever the caller: the store refuses the example issue too, and stores nothing.
        with pytest.raises(StoreError, match="模板的示例期号"):
            commit_upload(store, extraction, CATALOG, role="editor", actor="e")
        assert queries.issues(store).empty
        changed = {**header, "number": 31, "total_number": 476}
        review = rebuild_extraction(extraction, changed, figures, unassigned, CATALOG)
        assert review.ok, review.errors
        commit_upload(store, review.extraction, CATALOG, role="editor", actor="e")
        assert list(queries.issues(store)["issue_key"]) == ["2021-31"]
