"""Trend figures: a trace per indicator and form, points at their period's end, forecasts
dashed, derived values marked, bounds marked, a panel per unit, colours that stay."""

from __future__ import annotations

import pandas as pd

from dashboard.charts import PALETTE, marker_symbol, series_color, trend_figure
from loaders.vocab.periods import parse_period


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


def test_one_trace_per_form_and_a_year_to_date_line_starts_again_each_january() -> None:
    rows = pd.DataFrame(
        [
            _row("a", "2019", 1),
            _row("a", "2020", 2),
            _row("a", "2021-Q1", 3),
            _row("a", "2020-01/2020-09", 4),
            _row("a", "2020-01/2020-12", 4.5),
            _row("a", "2021-01/2021-06", 5),
            _row("a", "2021-01/2021-09", 6),
            _row("a", "2016/2020", 7),
        ]
    )
    figure = trend_figure(rows)
    forms = [trace.meta["form"] for trace in figure.data]
    assert forms == ["year", "quarter", "ytd", "multi_year"]
    year, quarter, ytd, _ = figure.data
    assert year.mode == "lines+markers" and list(year.y) == [1.0, 2.0]
    # Every point sits at the last day of its period.
    assert list(year.x) == ["2019-12-31", "2020-12-31"]
    assert list(quarter.x) == ["2021-03-31"]
    # 1—n 月 of every length is one line, with a gap where a year starts again.
    assert list(ytd.x) == ["2020-09-30", "2020-12-31", None, "2021-06-30", "2021-09-30"]
    assert list(ytd.y) == [4.0, 4.5, None, 5.0, 6.0]
    assert ytd.connectgaps is False
    assert ytd.name == "甲指标 · 年初至今累计"


def test_derived_points_are_their_own_trace_marked_with_their_inputs() -> None:
    inputs = (
        '[{"period": "2021-01/2021-09", "value": 94.9, "unit": "万亿元", "issue": "2021 年第 40 期",'
        ' "quote": "1—9 月 94.9"}, {"period": "2021-01/2021-08", "value": 84.2, "unit": "万亿元",'
        ' "issue": "2021 年第 36 期", "quote": "1—8 月 84.2"}]'
    )
    rows = pd.DataFrame(
        [
            _row("a", "2021-08", 10.6, unit="万亿元"),
            _row(
                "a",
                "2021-09",
                10.7,
                unit="万亿元",
                derived=True,
                derivation="month_from_ytd",
                inputs=inputs,
                check_value=10.1,
                check_disagrees=True,
            ),
        ]
    )
    stated, derived = trend_figure(rows).data
    assert stated.meta["derived"] is False and derived.meta["derived"] is True
    assert derived.line.dash == "dot" and list(derived.marker.symbol) == ["x"]
    assert derived.name == "甲指标 · 月度（推算）"
    assert stated.line.color == derived.line.color  # one colour per indicator and form
    assert derived.meta["disagrees"] == ["2021-09"]
    assert list(derived.marker.line.color) == ["#d62728"]
    text = derived.hovertext[0]
    assert "推算" in text and "1—m月累计 − 1—(m−1)月累计" in text
    assert "依据：2021年1—9月 94.9 万亿元（2021 年第 40 期）" in text
    assert "原文：1—8 月 84.2" in text
    assert "公布值：10.1 万亿元" in text and "不一致" in text


def test_colours_follow_the_indicator_and_form_not_the_selection() -> None:
    rows = [_row("a", "2019", 1), _row("a", "2021-Q1", 2), _row("b", "2019", 3)]
    both = trend_figure(pd.DataFrame(rows), {"a": 3, "b": 7})
    alone = trend_figure(pd.DataFrame(rows[2:]), {"a": 3, "b": 7})
    colours = {(t.meta["indicator"], t.meta["form"]): t.line.color for t in both.data}
    assert colours[("b", "year")] == alone.data[0].line.color == series_color(7, "year")
    assert colours[("a", "year")] != colours[("a", "quarter")]
    assert series_color(3, "ytd") == PALETTE[3].lower()
    assert len(set(colours.values())) == 3


def test_date_ticks_never_repeat_and_a_single_point_gets_room() -> None:
    (trace,) = trend_figure(pd.DataFrame([_row("a", "2021-02", 1)])).data
    layout = trend_figure(pd.DataFrame([_row("a", "2021-02", 1)])).layout
    stops = {tuple(stop.dtickrange): stop.value for stop in layout.xaxis.tickformatstops}
    assert stops[("M1", "M11")] == "%Y年%-m月" and stops[("M12", None)] == "%Y年"
    assert stops[(None, 28 * 86_400_000)] == "%Y年%-m月%-d日"
    assert list(layout.xaxis.range) == ["2021-01-14", "2021-04-14"]
    wide = trend_figure(pd.DataFrame([_row("a", "2019", 1), _row("a", "2021", 2)])).layout
    assert wide.xaxis.range is None


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
    # The citation (loaders.series.citations) without the sentence, which follows it.
    assert "引用：《产业创新动态》2021 年第 15 期，《文章》" in text
    assert "原文：" in text and text.count("<br>") >= 5  # the 60-character quote is wrapped


def test_one_unit_one_axis() -> None:
    figure = trend_figure(pd.DataFrame([_row("a", "2019", 1), _row("b", "2019", 2)]))
    assert {trace.yaxis for trace in figure.data} == {"y"}
    assert figure.layout.yaxis.title.text == "数值（亿元）"
    assert figure.layout.yaxis.rangemode == "tozero"  # an amount is read against zero
    assert figure.layout.xaxis.title.text == "期间（点位于期间末）"


def test_two_units_never_share_a_plot_area() -> None:
    figure = trend_figure(pd.DataFrame([_row("a", "2019", 1), _row("b", "2019", 2, unit="%")]))
    assert [trace.yaxis for trace in figure.data] == ["y", "y2"]
    assert [trace.xaxis for trace in figure.data] == ["x", "x2"]
    assert figure.layout.yaxis2.title.text == "数值（%）"
    assert figure.layout.yaxis2.overlaying is None  # a panel of its own, not a second axis
    assert figure.layout.yaxis2.rangemode == "normal"  # a rate keeps its own range
    assert figure.layout.yaxis.domain != figure.layout.yaxis2.domain
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
        "期间（点位于期间末）",
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
        "two panels, forecast and bounds": [
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
        "derived, year to date": [
            _row("a", "2020-01/2020-11", 1),
            _row("a", "2020-01/2020-12", 2),
            _row("a", "2021-01/2021-02", 3),
            _row("a", "2020-12", 1, derived=True, check_disagrees=True, check_value=1.5),
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
