"""Scored readings (loaders.figures.readings): when one issue gives one indicator and period more than
one value, the readings the old rules leave undecided are scored by fitted weights; a clear
winner is kept, the rest go to the reviewer with a suggestion. One period spelled two ways
("上半年" and "1—6 月") is one statement.

Every sentence here is written for this file; none is taken from a labelled brief.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from loaders.figures import readings
from loaders.figures.conflicts import one_per_series
from loaders.models import Observation
from tests.support.builders import CATALOG
from tests.support.hard_cases import mapped, run

AUGUST_2023 = date(2023, 8, 10)


def _obs(quote: str, figure: str, value: float, indicator: str = "telecom_ma_value", **kw):
    at = quote.index(figure)
    fields = {
        "article": "动态",
        "article_index": 0,
        "editor": "某某",
        "quote": quote,
        "span_start": 0,
        "span_end": len(quote),
        "figure_start": at,
        "indicator": indicator,
        "period": "2023-H1",
        "value": value,
        "unit": "亿元",
        "qualifier": "exact",
        "figure_text": figure,
    }
    return Observation(**{**fields, **kw})


def test_the_weights_file_names_the_features_the_scorer_reads():
    data = json.loads(readings.WEIGHTS_PATH.read_text(encoding="utf-8"))
    assert [w["feature"] for w in data["weights"]] == list(readings.FEATURES)
    assert 0.5 <= data["keep"] <= 1.0 and 0.0 <= data["reject"] < data["keep"]
    assert "fitted_by" in data and "cross_check" in data


@pytest.mark.parametrize(
    ("quote", "figure", "value", "indicator", "feature"),
    [
        (
            "上半年交易总金额超过上年全年水平（980亿元）。",
            "980亿元",
            980.0,
            "telecom_ma_value",
            "in_parentheses",
        ),
        ("交易总金额(980亿元)。", "980亿元", 980.0, "telecom_ma_value", "in_parentheses"),
        ("社会物流总额同比增速 | 4.2 | 4.6", "4.6", 4.6, "logistics_total", "measure_mismatch"),
        (
            "社会物流总额占比为12.1万亿元",
            "12.1万亿元",
            12.1,
            "logistics_total",
            "measure_mismatch",
        ),
        ("社会物流总额 | -7.5 | 80.6", "-7.5", -7.5, "logistics_total", "negative_level"),
        ("社会物流总额 | 80.6 | 160.1", "160.1", 160.1, "logistics_total", "table_cell"),
    ],
)
def test_features_of_a_doubtful_reading(quote, figure, value, indicator, feature):
    obs = _obs(quote, figure, value, indicator)
    vector = readings.features(obs, [obs], 0, 0, CATALOG)
    assert vector[readings.FEATURES.index(feature)] == 1.0


@pytest.mark.parametrize(
    ("quote", "figure", "value", "indicator"),
    [
        # Near misses: a rate series read from rate words, a figure before a bracket, a level
        # of prose.
        ("社会物流总额同比增速 | 4.2 | 4.6", "4.6", 4.6, "logistics_total_yoy"),
        ("交易总金额980亿元（同比增长12%）", "980亿元", 980.0, "telecom_ma_value"),
        ("社会物流总额160.1万亿元，同比增长4.6%", "160.1万亿元", 160.1, "logistics_total"),
    ],
)
def test_features_of_a_plain_reading_stay_off(quote, figure, value, indicator):
    obs = _obs(quote, figure, value, indicator)
    vector = dict(zip(readings.FEATURES, readings.features(obs, [obs], 0, 0, CATALOG), strict=True))
    assert vector["in_parentheses"] == vector["measure_mismatch"] == 0.0
    assert vector["negative_level"] == 0.0


def test_a_reading_said_again_elsewhere_scores_higher_than_a_lone_one():
    said = _obs("交易总金额980亿元。", "980亿元", 980.0)
    again = _obs("交易总金额 | 980", "980", 980.0)
    lone = _obs("交易总金额约900亿元。", "900亿元", 900.0, qualifier="approx")
    group = [said, again, lone]
    vectors = readings.vectors_of(group, {}, lambda o: 0, CATALOG)
    assert readings.score(vectors[0]) > readings.score(vectors[2])


def test_two_readings_alike_in_every_feature_go_to_the_reviewer():
    first = _obs("交易总金额980亿元。", "980亿元", 980.0)
    second = _obs("交易总金额990亿元。", "990亿元", 990.0)
    kept, unassigned, _ = one_per_series([first, second], [], {}, CATALOG)
    assert kept == []
    assert {u.reason for u in unassigned} == {"conflict"}
    assert {u.suggested_indicator for u in unassigned} == {"telecom_ma_value"}


def test_a_clear_winner_is_kept_and_the_other_reading_is_suggested(monkeypatch):
    # Weights that make a bracketed aside lose: the scorer decides what the rules left open.
    model = {
        "bias": 2.0,
        "keep": 0.8,
        "reject": 0.4,
        "weights": [
            {"feature": f, "weight": -6.0 if f == "in_parentheses" else 0.0}
            for f in readings.FEATURES
        ],
    }
    monkeypatch.setattr(readings, "_model", lambda: model)
    value = _obs("交易总金额1,050亿元，超过上年全年水平（980亿元）。", "1,050亿元", 1050.0)
    aside = _obs("交易总金额1,050亿元，超过上年全年水平（980亿元）。", "980亿元", 980.0)
    kept, unassigned, _ = one_per_series([value, aside], [], {}, CATALOG)
    assert [o.value for o in kept] == [1050.0]
    assert [(u.value, u.reason, u.suggested_indicator) for u in unassigned] == [
        (980.0, "other_reading", "telecom_ma_value")
    ]


def test_listeners_hear_every_group_of_readings():
    heard = []
    first = _obs("交易总金额980亿元。", "980亿元", 980.0)
    second = _obs("交易总金额990亿元。", "990亿元", 990.0)
    with readings.listening(lambda group, vectors: heard.append((len(group), len(vectors)))):
        one_per_series([first, second], [], {}, CATALOG)
    one_per_series([first, second], [], {}, CATALOG)
    assert heard == [(2, 2)]


@pytest.mark.parametrize(
    ("prose", "column"),
    [("上半年", "1—6月"), ("2023年上半年", "1-6月"), ("一季度", "1—3月")],
)
def test_one_period_spelled_two_ways_is_one_statement(prose, column):
    value = "160.1" if "6" in column else "80.6"
    text = (
        f"{prose}，社会物流总额{value}万亿元。\n"
        "2023年物流运行情况（累计）单位：万亿元\n"
        f"指标 | {column}\n"
        f"社会物流总额 | {value}"
    )
    got = [o for o in run(text, published=AUGUST_2023, title="物流运行")[0]]
    assert len(got) == 1 and got[0].value == float(value)


def test_one_period_spelled_two_ways_with_two_values_goes_to_the_reviewer():
    # Near miss: the same half-year in two spellings, two values: a conflict, not two series.
    text = (
        "上半年，社会物流总额160.1万亿元。\n"
        "2023年物流运行情况（累计）单位：万亿元\n"
        "指标 | 1—6月\n"
        "社会物流总额 | 161.3"
    )
    assert mapped(text, published=AUGUST_2023, title="物流运行") == set()
    loose = run(text, published=AUGUST_2023, title="物流运行")[1]
    assert {u.reason for u in loose} == {"conflict"}


def test_the_fit_learns_from_the_groups_and_keeps_priors_where_there_are_none():
    from loaders.evaluation import fit_readings

    named = readings.FEATURES.index("named")
    off = [0.0] * len(readings.FEATURES)
    on = [1.0 if k == named else 0.0 for k in range(len(readings.FEATURES))]
    # In every group the reading whose clause names the series is the right one.
    groups = [([on, off], [1, 0]) for _ in range(12)]
    bias, weights = fit_readings.fit(groups)
    assert weights[named] > 1.0
    for feature, prior in fit_readings.PRIORS.items():
        assert weights[readings.FEATURES.index(feature)] == pytest.approx(prior)
    right, wrong, left = fit_readings.decisions(groups, bias, weights, keep=0.6, reject=0.4)
    assert (right, wrong, left) == (12, 0, 0)
    # A group with no right reading must be left to review, or counted wrong.
    assert fit_readings.decisions([([on, off], [0, 0])], bias, weights, 0.6, 0.4)[0] == 0
