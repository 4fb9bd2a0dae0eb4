"""A mapped figure as the records an issue's extraction returns: an Observation of its
series in its period, or an UnassignedFigure for a reviewer (value and unit as written, a
decline with its sign, a suggested indicator and period where there is a guess).
"""

from __future__ import annotations

from datetime import date

from loaders.figures.mapping import Candidate
from loaders.figures.relative_periods import UNRESOLVED
from loaders.figures.series_period import series_period
from loaders.models import Article, Observation, UnassignedFigure
from loaders.text.sentences import FoundFigure, Sentence
from loaders.vocab.periods import parse_period


def placed_figure(
    article: Article,
    figure: FoundFigure,
    candidate: Candidate,
    forecast: bool,
    value_sign: float,
    published: date,
) -> Observation | UnassignedFigure:
    """The figure as an observation of the candidate's series, in its period."""
    q = figure.quantity
    period, suggested_period = series_period(candidate, figure, forecast, published)
    if period is None:
        # A flow without a period: no guessing, a suggestion. A sum over a span is no
        # level of a stock series: its span is suggested, the series is not.
        not_this_series = candidate.indicator.kind == "stock"
        return unassigned_figure(
            article,
            figure,
            forecast,
            value_sign,
            None if not_this_series else candidate.indicator.id,
            suggested_period,
            reason="span_of_stock" if not_this_series else "no_period",
        )
    if parse_period(period).end > published and candidate.indicator.kind != "stock":
        forecast = True
    elif figure.role == "base":
        forecast = False  # "有望突破 1,200 亿件，超过 2022 年全年的 1,105.8 亿件": a past base
    value = candidate.value
    if figure.measure in ("yoy", "yoy_2y", "cagr") and value_sign < 0:
        value = -abs(value)
    return Observation(
        **provenance(article, figure.sentence, q.start),
        indicator=candidate.indicator.id,
        period=period,
        value=round(value, 6),
        unit=candidate.indicator.unit,
        qualifier=q.qualifier,
        forecast=forecast,
        figure_text=q.text,
        period_text=figure.period_text,
    )


def provenance(article: Article, sentence: Sentence, figure_offset: int) -> dict:
    """figure_offset: where the figure starts in the sentence."""
    return {
        "article": article.title,
        "article_index": article.index,
        "editor": article.editor,
        "quote": sentence.text,
        "span_start": article.start + sentence.start,
        "span_end": article.start + sentence.end,
        "figure_start": article.start + sentence.start + figure_offset,
    }


def unassigned_figure(
    article: Article,
    figure: FoundFigure,
    forecast: bool,
    sign: float,
    suggested_indicator: str | None = None,
    suggested_period: str | None = None,
    reason: str = "no_series",
) -> UnassignedFigure:
    q = figure.quantity
    period = None if figure.period == UNRESOLVED else figure.period
    return UnassignedFigure(
        **provenance(article, figure.sentence, q.start),
        # As written (207.9 万亿元), so a reviewer reads it at a glance; a decline
        # (下降 68.2%) keeps its sign.
        value=abs(q.number) * sign if sign < 0 else q.number,
        unit=q.written_unit,
        qualifier=q.qualifier,
        forecast=forecast,
        period=period,
        figure_text=q.text,
        period_text=figure.period_text,
        value_high=q.number_high,
        subject=figure.subject.strip(),
        suggested_indicator=suggested_indicator,
        suggested_period=suggested_period if suggested_indicator or suggested_period else None,
        reason=reason,
    )
