"""An article's headline as a statement of its own.

A brief's headline often carries a figure ("上半年物流业总收入 4.7 万亿元，物流运行稳步复苏"):
mostly the body's figure again, rounded or not, sometimes the only place the article states
it. The headline is read like a one-sentence article placed where it stands in the text (the
line right before the body); a figure in it without a period of its own takes the first
period the body names ("dated by its article").

Each headline observation is then weighed against the body's: one the body's figure of the
same series agrees with (equal, the body's rounded as the headline writes it, or within the
headline's bound), for whatever period, is a repeat; one the body contradicts for the same
period gives way to the body, for a reviewer to see; one the body does not state stands.
"""

from __future__ import annotations

from datetime import date

from loaders.figures.conflicts import consistent
from loaders.models import Article, Observation, UnassignedFigure
from loaders.vocab.timeexpr import find_time_expressions


def headline_article(article: Article) -> Article | None:
    """The headline as an article of one line, at its place in the issue's text: the title
    line ends right before the body's first line (loaders.text.structure)."""
    if not article.title or article.end <= article.start:
        return None
    start = article.start - 1 - len(article.title)
    if start < 0:
        return None
    return Article(
        index=article.index,
        title=article.title,
        editor=article.editor,
        text=article.title,
        start=start,
        end=article.start - 1,
    )


def first_period_of(text: str, published: date) -> tuple:
    """The first period the body sets (what a headline figure without one is dated by), as
    figures_of_paragraph takes a period carried from before."""
    first_paragraph = text.split("\n", 1)[0]
    for expr in find_time_expressions(first_paragraph, published):
        if expr.period and expr.role == "set":
            return (expr.period, expr.text)
    return (None, "")


def _decimals(figure_text: str) -> int:
    digits = "".join(ch for ch in figure_text if ch.isdigit() or ch == ".")
    return len(digits.partition(".")[2]) if "." in digits else 0


def _agrees(headline: Observation, body: Observation) -> bool:
    """Does the body's value say what the headline says (rounded as the headline writes)?"""
    if consistent(headline, body.value):
        return True
    if headline.qualifier != "exact":
        return False
    step = 10 ** -_decimals(headline.figure_text)
    return abs(headline.value - body.value) <= step / 2 + 1e-9


def weigh_headline(
    headline: list[Observation], body: list[Observation]
) -> tuple[list[Observation], list[Observation], list[UnassignedFigure]]:
    """The headline's observations as (kept, repeats of the body's, contradicted by it)."""
    kept: list[Observation] = []
    repeats: list[Observation] = []
    contradicted: list[UnassignedFigure] = []
    for obs in headline:
        series = [b for b in body if (b.indicator, b.forecast) == (obs.indicator, obs.forecast)]
        same = [b for b in series if b.period == obs.period]
        if any(_agrees(obs, b) for b in series):
            # "累计成交额突破 190 亿元" over a body's "190.68 亿元" of a day: the headline
            # says the body's figure again, whatever period its own words suggest.
            repeats.append(obs)
        elif not same:
            kept.append(obs)
        else:
            contradicted.append(
                UnassignedFigure(
                    **obs.model_dump(
                        include={
                            "article",
                            "article_index",
                            "editor",
                            "quote",
                            "span_start",
                            "span_end",
                            "figure_start",
                            "value",
                            "unit",
                            "qualifier",
                            "forecast",
                            "period",
                            "figure_text",
                            "period_text",
                        }
                    ),
                    subject=f"{obs.indicator}: the headline says otherwise than the body",
                    suggested_indicator=obs.indicator,
                    suggested_period=obs.period,
                    reason="conflict",
                )
            )
    return kept, repeats, contradicted
