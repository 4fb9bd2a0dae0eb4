"""Trend figures: traces per period kind, forecasts dashed, bounds marked, an axis per unit."""

from __future__ import annotations

import pandas as pd

from dashboard.charts import marker_symbol, trend_figure
from loaders.periods import parse_period


def _row(indicator: str, period: str, value: float, unit: str = "亿元", **extra) -> dict:
    parsed = parse_period(period)
    row = {
        "indicator": indicator,
        "name_zh": {"a": "甲指标", "b": "乙指标", "c": "丙指标"}.get(indicator, indicator),
        "name_en": indicator.upper(),
        "category": "测试",
        "unit": unit,
        "period": period,
        "period_kind": parsed.kind,
        "period_start": pd.Timestamp(parsed.start),
        "period_end": pd.Timestamp(parsed.end),
        "value": value,
        "value_high": None,
        "qualifier": "exact",
        "forecast": False,
        "issue_label": "2021 年第 15 期",
        "article": "文章",
        "quote": "引文" * 30,
        "period_text": "",
    }
    row.update(extra)
    return row


def test_different_period_kinds_are_separate_traces() -> None:
    rows = pd.DataFrame(
        [
            _row("a", "2019", 1),
            _row("a", "2020", 2),
            _row("a", "2021-Q1", 3),
            _row("a", "2021-01/2021-06", 4),
            _row("a", "2021-01/2021-09", 5),
            _row("a", "2016/2020", 6),
        ]
    )
    figure = trend_figure(rows)
    groups = [trace.meta["group"] for trace in figure.data]
    assert groups == ["year", "quarter", "ytd-06", "ytd-09", "multi_year-5"]
    year = figure.data[0]
    assert year.mode == "lines+markers" and list(year.y) == [1.0, 2.0]
    assert all(trace.mode == "markers" for trace in figure.data[1:])
    # A point sits in the middle of its period.
    assert list(year.x) == ["2019-07-02", "2020-07-01"]


def test_forecasts_are_dashed_and_hollow_bounds_have_their_own_symbol() -> None:
    rows = pd.DataFrame(
        [
            _row("a", "2019", 1),
            _row("a", "2020", 2, qualifier="more_than"),
            _row("a", "2025", 9, forecast=True, qualifier="approx"),
        ]
    )
    actual, forecast = trend_figure(rows).data
    assert actual.line.dash == "solid"
    assert list(actual.marker.symbol) == ["circle", "triangle-up"]
    assert "≥2 亿元（不少于）" in actual.hovertext[1]
    assert forecast.line.dash == "dash"
    assert list(forecast.marker.symbol) == ["diamond-open"]
    assert "（预测）" in forecast.name
    assert "预测" in forecast.hovertext[0] and "≈9 亿元" in forecast.hovertext[0]
    assert marker_symbol("less_than", False) == "triangle-down"


def test_hover_names_period_issue_and_wrapped_quote() -> None:
    (trace,) = trend_figure(pd.DataFrame([_row("a", "2021-Q1", 75.1, unit="万亿元")])).data
    text = trace.hovertext[0]
    assert "75.1 万亿元" in text
    assert "期间：2021年一季度（季度）" in text
    # The citation (loaders.citations) without the sentence, which follows it.
    assert "引用：《产业创新动态》2021 年第 15 期，《文章》" in text
    assert "原文：" in text and text.count("<br>") >= 5  # the 60-character quote is wrapped


def test_one_unit_one_axis() -> None:
    figure = trend_figure(pd.DataFrame([_row("a", "2019", 1), _row("b", "2019", 2)]))
    assert {trace.yaxis for trace in figure.data} == {"y"}
    assert figure.layout.yaxis.title.text == "数值（亿元）"
    assert figure.layout.yaxis.rangemode == "tozero"  # an amount is read against zero


def test_second_unit_gets_a_secondary_axis() -> None:
    figure = trend_figure(pd.DataFrame([_row("a", "2019", 1), _row("b", "2019", 2, unit="%")]))
    assert [trace.yaxis for trace in figure.data] == ["y", "y2"]
    assert figure.layout.yaxis2.title.text == "数值（%）"
    assert figure.layout.yaxis2.overlaying == "y"
    assert figure.layout.yaxis2.rangemode == "normal"  # a rate keeps its own range
    assert figure.layout.yaxis2.tickmode == "auto"
    assert all("[" in trace.name for trace in figure.data)  # legend names the unit


def test_three_units_get_one_panel_each() -> None:
    figure = trend_figure(
        pd.DataFrame(
            [
                _row("a", "2019", 1),
                _row("b", "2019", 2, unit="%"),
                _row("c", "2019", 3, unit="笔"),
            ]
        )
    )
    assert [trace.yaxis for trace in figure.data] == ["y", "y2", "y3"]
    assert [figure.layout[f"yaxis{n}"].title.text for n in ("", "2", "3")] == [
        "数值（亿元）",
        "数值（%）",
        "数值（笔）",
    ]
    assert figure.layout.yaxis2.overlaying is None
    # The shared time axis is titled once, under the bottom panel.
    assert [figure.layout[f"xaxis{n}"].title.text for n in ("", "2", "3")] == [
        None,
        None,
        "期间（点位于期间中点）",
    ]


def test_empty_rows_give_an_empty_figure() -> None:
    assert len(trend_figure(pd.DataFrame(columns=list(_row("a", "2019", 1)))).data) == 0


def test_every_kind_of_chart_is_what_plotly_validation_makes_of_it() -> None:
    """assemble_figure skips plotly's validation for speed: each kind of chart, validated
    afresh, must come out the same (a misspelt property or a wrong value would raise or
    change), with the white template resolved in full."""
    import json

    import plotly.graph_objects as go
    import plotly.io as pio

    charts = {
        "one axis": [_row("a", "2019", 1), _row("a", "2020", 2), _row("a", "2021-03", 3)],
        "single point": [_row("a", "2019", 1)],
        "two axes, forecast and bounds": [
            _row("a", "2019", 1),
            _row("a", "2020", 2, forecast=True, qualifier="more_than"),
            _row("a", "2021", 3, forecast=True),
            _row("b", "2019", 2, unit="%"),
        ],
        "revised later": [
            _row(
                "a", "2019", 1, revised_later=True, current_value=2.0, current_issue_key="2021-15"
            ),
            _row("a", "2020", 2, revised_later=False),
        ],
        "panels": [
            _row("a", "2019", 1),
            _row("b", "2019", 2, unit="%"),
            _row("c", "2019", 3, unit="笔"),
            _row("c", "2020", 4, unit="笔"),
        ],
    }
    for name, rows in charts.items():
        figure = trend_figure(pd.DataFrame(rows))
        sent = json.loads(pio.to_json(figure, validate=False))  # what st.plotly_chart sends
        validated = go.Figure(figure.to_dict())
        assert sent == json.loads(pio.to_json(validated, validate=False)), name
        template = pio.templates["plotly_white"].to_plotly_json()
        assert sent["layout"]["template"] == json.loads(json.dumps(template)), name
