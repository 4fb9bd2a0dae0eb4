"""Scoring rules of loaders.evaluation.evaluate (docs/eval.md)."""

import json
from pathlib import Path

from loaders.catalog.indicators import load_catalogs
from loaders.evaluation.evaluate import (
    EvaluationReport,
    ScoredItem,
    evaluate_dir,
    format_report,
    periods_agree,
    score_observations,
    values_agree,
)
from tests.support.builders import CATALOG

DATA = Path(__file__).parent / "data" / "eval"


def test_stock_periods_compare_end_dates_only():
    assert periods_agree("2021-09-30", "2021-09", stock=True)
    assert periods_agree("2021-12", "2021", stock=True)
    assert not periods_agree("2021-09-29", "2021-09", stock=True)
    assert periods_agree("2021-01/2021-06", "2021-H1", stock=False)
    assert not periods_agree("2021-Q3", "2021-09", stock=False)
    assert not periods_agree("not a period", "2021", stock=False)


def test_values_within_half_a_percent():
    assert values_agree(100.4, 100)
    assert not values_agree(100.6, 100)
    assert values_agree(-7.5, -7.5)
    assert not values_agree(7.5, -7.5)


def item(
    indicator="logistics_total", period="2021-Q1", value=75.1, qualifier="exact", forecast=False
):
    return ScoredItem(indicator, period, value, qualifier, forecast)


def test_matching_is_one_to_one_and_checks_forecast_flags():
    catalog = CATALOG
    expected = [
        item(),
        item(indicator="ai_rd_platform_market", period="2025", value=15.5, forecast=True),
    ]
    extracted = [
        item(),
        item(value=75.2),  # a duplicate cannot match the same expected item twice
        item(indicator="ai_rd_platform_market", period="2025", value=15.5, forecast=False),
    ]
    score = score_observations(extracted, expected, catalog)
    assert (score.matched, score.extracted, score.expected) == (1, 3, 2)
    assert score.precision == 1 / 3 and score.recall == 1 / 2
    assert [m.indicator for m in score.misses] == ["ai_rd_platform_market"]
    assert len(score.extras) == 2


def test_qualifier_accuracy_is_over_matches():
    catalog = CATALOG
    score = score_observations([item(qualifier="approx")], [item(qualifier="exact")], catalog)
    assert score.matched == 1 and score.qualifier_accuracy == 0.0
    assert score.qualifier_errors


def test_evaluate_dir_scores_files_and_reports_misses(tmp_path):
    brief = (DATA / "2021-29.txt").read_text(encoding="utf-8")
    (tmp_path / "issue.txt").write_text(brief, encoding="utf-8")
    expected = json.loads((DATA / "2021-29.expected.json").read_text(encoding="utf-8"))
    expected["issue"]["number"] = 30  # a header that does not match
    expected["observations"].append(
        {"indicator": "logistics_total", "period": "2020", "value": 1.0, "qualifier": "exact"}
    )
    expected["observations"].append(
        {"indicator": "logistics_total", "period": "2019", "value": 2.0, "derived": True}
    )
    (tmp_path / "issue.expected.json").write_text(json.dumps(expected), encoding="utf-8")
    (tmp_path / "unlabelled.txt").write_text(brief, encoding="utf-8")

    report = evaluate_dir(tmp_path, CATALOG)
    assert [f.name for f in report.files] == ["issue.txt"]
    score = report.files[0]
    assert score.expected == 18 and score.matched == 17
    assert report.precision == 1.0 and round(report.recall, 4) == round(17 / 18, 4)
    assert not report.headers_ok and score.header_diffs == ["number: 29 != 30"]

    text = format_report(report)
    assert "missed (mapping):" in text and "logistics_total 2020" in text and "MISMATCH" in text
    payload = report.to_json()
    assert payload["matched"] == 17 and payload["files"][0]["name"] == "issue.txt"
    json.dumps(payload, ensure_ascii=False)


def test_empty_report():
    report = EvaluationReport()
    assert report.precision == 1.0 and report.recall == 1.0
    assert "files: 0" in format_report(report)


def test_a_broken_expected_file_is_reported_not_raised(tmp_path):
    (tmp_path / "issue.txt").write_text(
        (DATA / "2021-29.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "issue.expected.json").write_text("{not json", encoding="utf-8")
    report = evaluate_dir(tmp_path, CATALOG)
    assert report.files[0].error and "issue.expected.json" in report.files[0].error
    assert "error:" in format_report(report)


def test_copies_in_other_encodings_share_the_original_labels(tmp_path):
    brief = (DATA / "2021-29.txt").read_text(encoding="utf-8")
    (tmp_path / "2021-29.txt").write_text(brief, encoding="utf-8")
    (tmp_path / "2021-29.gbk.txt").write_bytes(brief.encode("gb18030"))
    labels = (DATA / "2021-29.expected.json").read_text(encoding="utf-8")
    (tmp_path / "2021-29.expected.json").write_text(labels, encoding="utf-8")

    report = evaluate_dir(tmp_path, CATALOG)

    assert [f.name for f in report.files] == ["2021-29.gbk.txt", "2021-29.txt"]
    assert report.precision == 1.0 and report.recall == 1.0


def test_new_labels_count_only_for_indicators_the_catalog_has(tmp_path):
    brief = DATA / "2021-15.txt"
    (tmp_path / "2021-15.txt").write_bytes(brief.read_bytes())
    (tmp_path / "2021-15.expected.json").write_bytes((DATA / "2021-15.expected.json").read_bytes())
    new = {"observations": [{"indicator": "express_volume", "period": "2021", "value": 833.6}]}
    (tmp_path / "2021-15.new.expected.json").write_text(json.dumps(new), encoding="utf-8")
    base = evaluate_dir(tmp_path, CATALOG)
    assert (base.precision, base.recall) == (1.0, 1.0)
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "indicators:\n  - {id: express_volume, name_zh: 快递业务量, name_en: Express volume,"
        " category: 物流, unit: 亿件, kind: flow, measure: level, description: 快递,"
        " aliases: [快递业务量]}\n",
        encoding="utf-8",
    )
    with_new = evaluate_dir(tmp_path, load_catalogs([extra]))
    assert with_new.files[0].misses == [ScoredItem("express_volume", "2021", 833.6)]


def _unassigned(value, unit, period, subject="", figure_text=""):
    from loaders.models import UnassignedFigure

    return UnassignedFigure(
        article="a",
        article_index=0,
        quote="q",
        span_start=0,
        span_end=1,
        value=value,
        unit=unit,
        period=period,
        figure_text=figure_text or f"{value:g}{unit}",
        subject=subject,
    )


def _causes(extracted, expected, unassigned=()):
    from loaders.evaluation.evaluate import classify_errors

    score = score_observations(extracted, expected, CATALOG)
    classify_errors(score, extracted, list(unassigned), expected, CATALOG)
    return score


def test_a_miss_found_under_another_period_is_a_period_error():
    score = _causes([item(period="2021-Q2")], [item()])
    assert [m.cause for m in score.misses] == ["period"]
    assert [e.cause for e in score.extras] == ["period"]
    assert "logistics_total 2021-Q2" in score.misses[0].detail
    assert score.causes() == {"misses": {"period": 1}, "extras": {"period": 1}}


def test_a_miss_with_another_forecast_flag_is_a_forecast_error_even_when_moved():
    # A trailing 预计 clause flags the reported figure and moves it into the next year.
    score = _causes([item(period="2022-Q1", forecast=True)], [item()])
    assert score.misses[0].cause == "forecast" and score.extras[0].cause == "forecast"


def test_a_value_off_by_a_power_of_ten_is_a_unit_error():
    score = _causes([item(value=7.51)], [item()])
    assert score.misses[0].cause == "unit"
    assert _causes([item(value=751)], [item()]).misses[0].cause == "unit"
    # 7.6 is no power of ten away: the value is simply another one.
    assert _causes([item(value=7.6)], [item()]).misses[0].cause == "unread"


def test_a_value_in_another_series_or_left_unassigned_is_a_mapping_error():
    other = item(indicator="logistics_revenue", value=75.1)
    assert _causes([other], [item()]).misses[0].cause == "mapping"
    loose = _unassigned(75.1, "万亿元", "2021-Q1", subject="总额")
    score = _causes([], [item()], [loose])
    assert score.misses[0].cause == "mapping" and "总额" in score.misses[0].detail
    # The same figure in 亿元 is still found: units convert before values are compared.
    in_yi = _unassigned(751000, "亿元", "2021-Q1")
    assert _causes([], [item()], [in_yi]).misses[0].cause == "mapping"


def test_an_unassigned_figure_of_the_series_with_another_period_is_a_period_error():
    loose = _unassigned(75.1, "万亿元", "2021-Q2", subject="一季度社会物流总额")
    assert _causes([], [item()], [loose]).misses[0].cause == "period"
    # The same value about something else, in another period: it was read, but nothing
    # ties it to the series.
    stray = _unassigned(75.1, "万亿元", "2021-Q2", subject="快递业务收入")
    score = _causes([], [item()], [stray])
    assert score.misses[0].cause == "mapping" and "only read as" in score.misses[0].detail


def test_a_decline_read_without_its_sign_is_a_mapping_error():
    want = item(indicator="logistics_total_yoy", value=-3.4)
    score = _causes([], [want], [_unassigned(3.4, "%", "2021-Q1")])
    assert score.misses[0].cause == "mapping" and "sign" in score.misses[0].detail


def test_a_figure_never_read_is_unread_and_an_unlabelled_extra_is_mapping():
    score = _causes([item(indicator="telecom_ma_value", period="2020", value=520)], [item()])
    assert score.misses[0].cause == "unread"
    assert score.extras[0].cause == "mapping"


def test_qualifier_errors_are_counted_as_their_own_cause():
    score = _causes([item(qualifier="approx")], [item()])
    assert score.causes() == {"misses": {"qualifier": 1}, "extras": {}}


def test_the_report_groups_misses_and_extras_by_cause(tmp_path):
    brief = (DATA / "2021-29.txt").read_text(encoding="utf-8")
    (tmp_path / "issue.txt").write_text(brief, encoding="utf-8")
    expected = json.loads((DATA / "2021-29.expected.json").read_text(encoding="utf-8"))
    moved = expected["observations"][0]
    moved["period"] = "2019"  # a label the loaders read under another period
    (tmp_path / "issue.expected.json").write_text(json.dumps(expected), encoding="utf-8")

    report = evaluate_dir(tmp_path, CATALOG)
    text = format_report(report)
    assert "misses by cause: period 1; extras by cause: period 1" in text
    assert "missed (period):" in text and "extra (period):" in text
    payload = report.to_json()
    assert payload["causes"] == {"misses": {"period": 1}, "extras": {"period": 1}}
    assert payload["files"][0]["misses"][0]["cause"] == "period"
    assert payload["files"][0]["causes"]["extras"] == {"period": 1}


def test_a_labeller_s_notes_beside_a_brief_are_not_scored(tmp_path):
    brief = (DATA / "2021-29.txt").read_text(encoding="utf-8")
    (tmp_path / "2021-29.txt").write_text(brief, encoding="utf-8")
    (tmp_path / "2021-29.notes.md").write_text(
        "# 2021-29: where each case sits\n", encoding="utf-8"
    )
    labels = (DATA / "2021-29.expected.json").read_text(encoding="utf-8")
    (tmp_path / "2021-29.expected.json").write_text(labels, encoding="utf-8")
    # A Markdown copy of the brief is still a brief.
    (tmp_path / "2021-29.copy.md").write_text(brief, encoding="utf-8")

    report = evaluate_dir(tmp_path, CATALOG)

    assert [f.name for f in report.files] == ["2021-29.copy.md", "2021-29.txt"]
