"""The period of every figure of a paragraph, from the period expressions around it.

A figure takes the last period expression before it in its sentence, else the
last one of an earlier sentence of the same paragraph (loaders.timeexpr), else
the one the paragraph before ended on (flagged `period_carried`: a PDF line
ending on 。 at the margin splits a paragraph). Besides:
- a parenthesis keeps its period to itself, "从 2019 年的 367 亿元" names the
  period of that figure only, "上月为 46.0%" the month before the one named;
- a period without a year takes the year named earlier in its sentence
  ("2021 年……，其中下半年实现 3.2 亿美元" is 2021-H2), the issue's otherwise;
- a period in a clause that forecasts names the coming one ("预计下半年…"),
  for the rest of its sentence only;
- a stock is dated by its own sentence only, or by the day an earlier sentence named
  when it speaks of that day again (首日, 当日): flags for loaders.figures;
- 今年以来 / 年内累计 turn the period into the months since January for the
  rest of the sentence and flag the figures as year to date;
- periods listed before 分别 name one figure each (loaders.respectively), so
  none of them becomes the period the text goes on about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from loaders.forecast_scope import is_prospective
from loaders.periods import months_earlier, parse_period, shift_year, year_to_date
from loaders.quantities import Quantity, ascii_shadow, find_quantities
from loaders.respectively import respectively_periods
from loaders.sentences import FoundFigure, Sentence, clause_start, sentences
from loaders.timeexpr import TimeExpr, find_time_expressions

# "同比增长 24.2%,上年一季度为下降 7.5%,两年平均增长 7.2%": a past period
# followed by 为 is an aside about one figure.
ASIDE_AFTER_RE = re.compile(r"\s*(?:为|是)")
# The period of a figure named relative to a month that the text did not name.
UNRESOLVED = "?"
POST_NOUN_RE = re.compile(r"[^\d,，;；:：。！？!?()（）、\s]{1,12}")
# "首日收盘价", "当日收于", "同日": the day named in a sentence before, spoken of again.
DAY_ANAPHOR_RE = re.compile(r"首日|当日|当天|同日|同一天|次日")
# Kinds of period that lie inside one year, and so may take a year named before them.
WITHIN_A_YEAR = ("half", "quarter", "month", "ytd")


@dataclass
class _Chain:
    """The period the text is talking about, and where it was named."""

    period: str | None = None
    text: str = ""
    sentence: int = -1  # index of the sentence that named it; -1: the paragraph before
    year_to_date: bool = False
    as_of: bool = False  # named by 截至: it dates the stocks of its own sentence only
    saved: list = field(default_factory=list)  # chains outside the open parentheses
    before_year_to_date: tuple = ()  # the chain a 今年以来 of this sentence replaced
    prospective: bool = False  # named in a clause that forecasts
    before_prospective: tuple = ()  # the chain that projected period replaced

    def state(self) -> tuple:
        return (
            self.period,
            self.text,
            self.sentence,
            self.year_to_date,
            self.as_of,
            self.prospective,
        )

    def restore(self, state: tuple) -> None:
        (
            self.period,
            self.text,
            self.sentence,
            self.year_to_date,
            self.as_of,
            self.prospective,
        ) = state


def _resolve(chain: str | None, expr: TimeExpr, prospective: bool) -> str | None:
    if expr.months_back is not None:
        # 上月 only means something next to a month named before it.
        return months_earlier(chain, expr.months_back) if chain else None
    if expr.year_from_context and chain:
        return chain[:4]
    if prospective and expr.forward_period is not None:
        return expr.forward_period
    if expr.period is not None:
        return expr.period
    if expr.same_period_year is not None and chain:
        return shift_year(chain, expr.same_period_year)
    return chain


def _in_named_year(period: str | None, expr: TimeExpr, year: int | None) -> str | None:
    """A period written without a year, in the year its sentence named before it."""
    if period is None or year is None or expr.explicit_year or expr.same_period_year:
        return period
    if expr.months_back is not None or expr.year_from_context:
        return period
    if parse_period(period).kind not in WITHIN_A_YEAR:
        return period
    return shift_year(period, year)


def _sentence_events(text: str, published: date) -> tuple[list[TimeExpr], list[tuple]]:
    """Period expressions, figures and parentheses of a sentence, in text order."""
    shadow = ascii_shadow(text)
    exprs = find_time_expressions(text, published)
    quantities = [
        q
        for q in find_quantities(text)
        if not any(e.start < q.end and q.start < e.end for e in exprs)
    ]
    events: list[tuple[int, int, object]] = [(e.start, 0, e) for e in exprs]
    events += [(q.start, 1, q) for q in quantities]
    events += [(i, -1, "open") for i, char in enumerate(shadow) if char == "("]
    events += [(i, -1, "close") for i, char in enumerate(shadow) if char == ")"]
    events += [(i, -1, "semicolon") for i, char in enumerate(shadow) if char == ";"]
    events.sort(key=lambda ev: (ev[0], ev[1]))
    return exprs, events


def figures_of_paragraph(
    offset: int,
    paragraph: str,
    published: date,
    carried: tuple[str | None, str],
    caption_dates: bool = False,
) -> tuple[list[FoundFigure], tuple[str | None, str]]:
    """The figures of a paragraph, and the period it ends on (for the next one).

    carried: the period the paragraph before ended on. Its figures before any
    period of their own keep it, flagged, since a stock or an index may not take it.
    caption_dates: carried is the period of a table's caption, which dates its rows
    as if they named it themselves.
    """
    figures: list[FoundFigure] = []
    chain = _Chain(*carried, sentence=0 if caption_dates else -1)
    for number, sentence in enumerate(sentences(offset, paragraph)):
        figures += _figures_of_sentence(sentence, number, published, chain)
        if chain.year_to_date:
            # 今年以来 speaks for the rest of its sentence; the text then goes on
            # with the period named before it.
            chain.restore(chain.before_year_to_date)
        if chain.prospective:
            # So does a projection ("…，全年有望突破 12.5 万亿元。同期…"): the next
            # sentence talks about the period the reported figures had.
            chain.restore(chain.before_prospective)
    return figures, (chain.period, chain.text)


def _figures_of_sentence(
    sentence: Sentence, number: int, published: date, chain: _Chain
) -> list[FoundFigure]:
    text = sentence.text
    shadow = ascii_shadow(text)
    exprs, events = _sentence_events(text, published)
    figure_starts = [at for at, _, item in events if isinstance(item, Quantity)]
    listed = respectively_periods(text, exprs, published)
    figures: list[FoundFigure] = []
    local: tuple[str | None, str] | None = None
    named_year: int | None = None  # the year a set period of this sentence named
    previous_end = 0
    for _, _, item in events:
        if item == "open":
            chain.saved.append(chain.state())
        elif item == "close":
            if chain.saved:
                chain.restore(chain.saved.pop())
        elif item == "semicolon":
            if chain.prospective:
                chain.restore(chain.before_prospective)  # a forecast ends at ；
        elif isinstance(item, TimeExpr):
            if item.role == "reference" or id(item) in listed:
                continue
            if item.year_to_date:
                if not chain.year_to_date:
                    chain.before_year_to_date = chain.state()
                chain.period = year_to_date(chain.period) if chain.period else None
                chain.text, chain.sentence, chain.year_to_date = item.text, number, True
                continue
            prospective = is_prospective(text, item.start, item.end, figure_starts)
            period = _resolve(chain.period, item, prospective)
            period = _in_named_year(period, item, named_year)
            aside = item.past_relative and chain.period and ASIDE_AFTER_RE.match(text, item.end)
            if item.months_back is not None:
                # Unresolved, it must not fall back on any default period.
                local = (period or UNRESOLVED, item.text)
            elif item.role == "local" or aside:
                local = (period, item.text)
            elif period is not None:
                if chain.year_to_date and item.as_of:
                    period = year_to_date(period)  # 今年以来，截至 6 月底: still since January
                else:
                    chain.year_to_date = False
                if prospective and not chain.prospective:
                    chain.before_prospective = chain.state()
                chain.period, chain.text, chain.sentence = period, item.text, number
                chain.as_of, chain.prospective = item.as_of, prospective
                if item.explicit_year and parse_period(period).kind != "multi_year":
                    named_year = parse_period(period).start.year
        else:
            assert isinstance(item, Quantity)
            clause_from = max(previous_end, clause_start(shadow, item.start, 0))
            post_match = POST_NOUN_RE.match(shadow, item.end)
            post = text[item.end : post_match.end()] if post_match else ""
            period, period_text = local if local else (chain.period, chain.text)
            figure = FoundFigure(
                item, sentence, period, period_text, text[clause_from : item.start], post
            )
            named_before = chain.period is not None and local is None
            figure.period_carried = named_before and chain.sentence < 0
            figure.period_from_earlier_sentence = named_before and chain.sentence != number
            figure.refers_back_to_day = bool(DAY_ANAPHOR_RE.search(text))
            figure.year_to_date = chain.year_to_date and local is None
            figure.gap = text[previous_end : item.start] if previous_end else None
            local = None
            figures.append(figure)
            previous_end = item.end
    return figures
