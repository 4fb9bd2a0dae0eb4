"""The period of every figure of a paragraph, from the period expressions around it.

A figure takes the last period expression before it in its sentence, else the
last one of an earlier sentence of the same paragraph (loaders.vocab.timeexpr), else
the one the paragraph before ended on (flagged `period_carried`: a PDF line
ending on 。 at the margin splits a paragraph). Besides:
- a parenthesis keeps its period to itself, "从 2019 年的 367 亿元" names the
  period of that figure only, "上月为 46.0%" the month before the one named; a date
  alone in brackets dates the figure right before it ("55.00 元/吨（12 月 30 日）"),
  or else what follows ("最后一个交易日（12 月 30 日）收盘价…");
- a period without a year takes the year named earlier in its sentence
  ("2021 年……，其中下半年实现 3.2 亿美元" is 2021-H2), the issue's otherwise; 上年
  after a named year is the year before it, 上年同期 the period talked about a year back;
- a figure opening its clause and named by the clause after it ("78.8 亿件——这是
  4 月份全国快递业务量") takes that clause's period and words;
- a period in a clause that forecasts names the coming one ("预计下半年…"),
  for the rest of its sentence only (past a semicolon while a year it named is
  still projected);
- a stock is dated by its own sentence only, or by the day an earlier sentence named
  when it speaks of that day again (首日, 当日): flags for loaders.figures.find;
- 今年以来 / 年内累计 (also 2022 年以来 in a 2022 issue, a bare 今年 after a 截至 date
  of its sentence) turn the period into the months since January for the rest of
  the sentence and flag the figures as year to date, until a 截至 date of another
  year or words of since-launch (上线以来);
- "同期，" opening a sentence (or paragraph) is the period the sentence before opened
  with, when its other periods lie inside it; after periods side by side it is left
  open (UNRESOLVED);
- periods listed before 分别 name one figure each (loaders.figures.respectively), so
  none of them becomes the period the text goes on about.

What a period expression means next to the period talked about (当月, 上季度, 上年同期,
"同期，" opening a sentence, …) is read in loaders.figures.relative_periods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from loaders.figures.forecast_scope import (
    FORECAST_RE,
    frames_the_sentence,
    is_forecast,
    is_prospective,
)
from loaders.figures.listed_periods import respectively_periods
from loaders.figures.mapping import has_subject
from loaders.figures.relative_periods import (
    UNRESOLVED,
    before_the_chain,
    in_named_year,
    opens_with_same_period,
    resolve,
    same_period,
)
from loaders.text.sentences import FoundFigure, Sentence, clause_start, sentences
from loaders.vocab.periods import parse_period, year_to_date
from loaders.vocab.quantities import Quantity, ascii_shadow, find_quantities
from loaders.vocab.time_expression import TimeExpr
from loaders.vocab.timeexpr import find_time_expressions

# "同比增长 24.2%,上年一季度为下降 7.5%,两年平均增长 7.2%", "7 月份…，该指数 6 月份为
# 51.6%；…": a period before the one talked about, followed by 为, is an aside about one
# figure.
ASIDE_AFTER_RE = re.compile(
    r"\s*(?:(?:该|这一|此)?(?:指数|数据|数值|比例|比重|增速|数字))?\s*(?:为|是)"
)


# What joins the items of a list of figures: "63 笔、158 亿元", "3.2 亿吨和 69 亿元".
LIST_JOINER_RE = re.compile(r"^\s*(?:、|和|及|与|以及)\s*$")
POST_NOUN_RE = re.compile(r"[^\d,，;；:：。！？!?()（）、\s]{1,12}")
# "首日收盘价", "当日收于", "同日": the day named in a sentence before, spoken of again.
DAY_ANAPHOR_RE = re.compile(r"首日|当日|当天|同日|同一天|次日")
# "将于 2025 年纳入…，届时…总数将达到 3500 家": the time named before in the sentence, in
# whatever role (a 于 that dates an event included), is the time of the figure.
THEN_ANAPHOR_RE = re.compile(r"届时|到那时|到时候|彼时")
# "78.8 亿件——这是 4 月份全国快递业务量", "196.2 万亿元，是前三季度社会物流总额的规模",
# "347.6 万亿元——2022 年全国社会物流总额再创新高": a figure opening its clause, named
# (subject and period) by the clause after it.
NAMED_AFTER_RE = re.compile(
    r"\s*(?:(?:——|—|--)\s*(?:这是|这一数字是|此即|即)?|[,，]\s*(?:这是|这一数字是|此即|是))\s*"
)
NAMING_CLAUSE_END_RE = re.compile(r"[,，;；:：。！？!?]")
BRACKETED_RE = re.compile(r"\(\s*(?P<inner>[^()]{1,20}?)\s*\)")
# "自上线以来", "上线交易以来", "开市以来", "启动至今": since a market opened, not since January.
SINCE_START_RE = re.compile(r"(?:上线|开市|启动|开启|运行|成立)(?:交易)?(?:以来|至今|来)")


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
    # A plan period dates its own sentence only: the chain it replaced, restored after.
    before_sentence_only: tuple | None = None
    # The day named last, in whatever role (what 首日 / 当日 may take up).
    last_day: str | None = None
    before_prospective: tuple = ()  # the chain that projected period replaced
    # The projected period names its year ("预计 2022 年…"): the clauses after a semicolon
    # that project further ("；业务收入将达到…") are still about it.
    prospective_year: bool = False
    # The periods the sentence set, in order, and those of the sentence before (what a
    # "同期，" opening the next sentence may mean).
    named: list = field(default_factory=list)
    named_before: list = field(default_factory=list)
    # Which period the rest of the sentence means is not said: "同期" after periods side
    # by side, or a period read as a coming one only because a forecast before it in the
    # sentence, already done with its own figure, might reach it ("预计全年…增长 5% 左右，
    # 一季度社会物流总额为 75.4 万亿元").
    open_period: bool = False

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


def _sentence_events(text: str, published: date) -> tuple[list[TimeExpr], list[tuple], set[int]]:
    """Period expressions, figures and parentheses of a sentence, in text order, and the
    ids of the dates in brackets right after a figure (which date that figure)."""
    shadow = ascii_shadow(text)
    exprs = find_time_expressions(text, published)
    quantities = [
        q
        for q in find_quantities(text)
        if not any(e.start < q.end and q.start < e.end for e in exprs)
    ]
    events: list[tuple[int, int, object]] = [(e.start, 0, e) for e in exprs]
    events += [(q.start, 1, q) for q in quantities]
    # "2022 年最后一个交易日（12 月 30 日）收盘价…": a parenthesis holding only a date says
    # which day the words before it are; it dates what follows, not only itself.
    # A date in brackets right after a figure ("55.00 元/吨（12 月 30 日）") is an aside
    # dating that figure only.
    figure_ends = {len(shadow[: q.end].rstrip()) for q in quantities}
    dated: set[tuple[int, int]] = set()
    dating_figure: set[int] = set()
    for m in BRACKETED_RE.finditer(shadow):
        inner = [e for e in exprs if e.start == m.start("inner") and e.end == m.end("inner")]
        if not inner:
            continue
        if len(shadow[: m.start()].rstrip()) in figure_ends:
            dating_figure.add(id(inner[0]))
        else:
            dated.add((m.start(), m.end() - 1))
    opens = {start for start, _ in dated}
    closes = {end for _, end in dated}
    events += [(i, -1, "open") for i, char in enumerate(shadow) if char == "(" and i not in opens]
    events += [(i, -1, "close") for i, char in enumerate(shadow) if char == ")" and i not in closes]
    events += [(i, -1, "semicolon") for i, char in enumerate(shadow) if char == ";"]
    events += [(m.start(), -1, "since_start") for m in SINCE_START_RE.finditer(shadow)]
    events.sort(key=lambda ev: (ev[0], ev[1]))
    return exprs, events, dating_figure


def figures_of_paragraph(
    offset: int,
    paragraph: str,
    published: date,
    carried: tuple,
    caption_dates: bool = False,
) -> tuple[list[FoundFigure], tuple]:
    """The figures of a paragraph, and the period it ends on (for the next one).

    carried: the period the paragraph before ended on (period, its text, and the periods
    its last sentence named). Its figures before any period of their own keep it,
    flagged, since a stock or an index may not take it.
    caption_dates: carried is the period of a table's caption, which dates its rows
    as if they named it themselves.
    """
    figures: list[FoundFigure] = []
    chain = _Chain(carried[0], carried[1], sentence=0 if caption_dates else -1)
    chain.named_before = list(carried[2]) if len(carried) > 2 else []
    chain.last_day = carried[3] if len(carried) > 3 else None
    for number, sentence in enumerate(sentences(offset, paragraph)):
        figures += _figures_of_sentence(sentence, number, published, chain)
        chain.named_before, chain.named = chain.named, []
        chain.open_period = False
        if chain.year_to_date:
            # 今年以来 speaks for the rest of its sentence; the text then goes on
            # with the period named before it.
            chain.restore(chain.before_year_to_date)
        if chain.prospective:
            # So does a projection ("…，全年有望突破 12.5 万亿元。同期…"): the next
            # sentence talks about the period the reported figures had.
            chain.restore(chain.before_prospective)
        if chain.before_sentence_only is not None:
            chain.restore(chain.before_sentence_only)
            chain.before_sentence_only = None
    return figures, (chain.period, chain.text, tuple(chain.named_before), chain.last_day)


THIS_YEAR_RE = re.compile(r"^(?:今年|本年)$")


def _this_year_up_to_date(chain: _Chain, expr: TimeExpr, number: int) -> bool:
    """ "截至 11 月底，今年全国快递业务量累计完成…": a bare 今年 after a 截至 date of its
    sentence, in that year, is the year so far (like 今年以来)."""
    if not (THIS_YEAR_RE.match(expr.text.strip()) and chain.as_of and chain.period):
        return False
    return chain.sentence == number and parse_period(chain.period).end.year == int(expr.period)


def _in_year_to_date(chain: _Chain, period: str, published: date) -> bool:
    """Does an as-of date lie in the year a 今年以来 spoke of? "…今年以来累计成交量…；而截至
    2023 年底，累计成交量为 4.42 亿吨" dates a total since the start, not this year's sum."""
    year = parse_period(chain.period).start.year if chain.period else published.year
    return parse_period(period).end.year == year


CLAUSE_BREAK_RE = re.compile(r"[,，;；:：]")


def _new_statement_after_forecast(text: str, expr: TimeExpr, figure_starts: list[int]) -> bool:
    """Does the period open a clause of its own (its own subject, no marker) after a
    forecast that already gave its figure?"""
    breaks = [m.end() for m in CLAUSE_BREAK_RE.finditer(text, 0, expr.start)]
    start = breaks[-1] if breaks else 0
    end_match = CLAUSE_BREAK_RE.search(text, expr.end)
    clause = text[start : end_match.start() if end_match else len(text)]
    if not start or FORECAST_RE.search(clause):
        return False
    if not has_subject(clause.replace(expr.text, "", 1)):
        return False
    markers = list(FORECAST_RE.finditer(text, 0, start))
    return bool(markers) and any(markers[-1].end() <= at < start for at in figure_starts)


def _up_to_semicolon(text: str, start: int) -> str:
    end = min((at for at in (text.find(";", start), text.find("；", start)) if at >= 0), default=-1)
    return text[start:] if end < 0 else text[start:end]


def _named_after(
    text: str, shadow: str, quantity: Quantity, pre: str, exprs: list[TimeExpr]
) -> tuple[str, TimeExpr | None] | None:
    """The clause naming a figure that opens its own clause, and its period, if any."""
    if pre.strip(' \t“”"') or not (named := NAMED_AFTER_RE.match(shadow, quantity.end)):
        return None
    start = named.end()
    end_match = NAMING_CLAUSE_END_RE.search(shadow, start)
    end = end_match.start() if end_match else len(text)
    if not has_subject(text[start:end]):
        return None
    own = [e for e in exprs if start <= e.start < end and e.period and e.role != "reference"]
    return text[start:end], own[0] if own else None


def _date(figure: FoundFigure, period: str | None, text: str) -> None:
    """Give a figure a period named for it alone (after it, or in brackets)."""
    figure.period, figure.period_text = period, text
    figure.period_carried = figure.period_from_earlier_sentence = False
    figure.year_to_date = False


def _new_figure(
    item: Quantity,
    sentence: Sentence,
    number: int,
    chain: _Chain,
    local: tuple[str | None, str] | None,
    previous_end: int,
    exprs: list[TimeExpr],
) -> FoundFigure:
    """The record of a figure of sentence number `number`, dated by the chain (or by the
    period named for it alone, `local`)."""
    text = sentence.text
    shadow = ascii_shadow(text)
    clause_from = max(previous_end, clause_start(shadow, item.start, 0))
    post_match = POST_NOUN_RE.match(shadow, item.end)
    # The noun a count or an amount is of ("3000 家重点排放企业", "4.8 亿吨二氧化碳当量"); a
    # rate has none ("增长 9.6% 转为两位数负增长" goes on with a verb).
    counted = item.unit not in ("%", "pp", "倍", "‰")
    post = text[item.end : post_match.end()] if post_match and counted else ""
    period, period_text = local if local else (chain.period, chain.text)
    figure = FoundFigure(item, sentence, period, period_text, text[clause_from : item.start], post)
    named_before = chain.period is not None and local is None
    figure.period_carried = named_before and chain.sentence < 0
    figure.period_from_earlier_sentence = named_before and chain.sentence != number
    figure.refers_back_to_day = bool(DAY_ANAPHOR_RE.search(text))
    figure.day_named_before = chain.last_day
    figure.year_to_date = chain.year_to_date and local is None
    figure.period_open = chain.open_period and local is None and chain.sentence == number
    figure.gap = text[previous_end : item.start] if previous_end else None
    named = _named_after(text, shadow, item, figure.pre, exprs)
    if named is not None:
        figure.given_subject = named[0]
        if named[1] is not None:
            _date(figure, named[1].period, named[1].text)
    return figure


def _figures_of_sentence(
    sentence: Sentence, number: int, published: date, chain: _Chain
) -> list[FoundFigure]:
    text = sentence.text
    exprs, events, dating_figure = _sentence_events(text, published)
    figure_starts = [at for at, _, item in events if isinstance(item, Quantity)]
    listed = respectively_periods(text, exprs, published)
    figures: list[FoundFigure] = []
    local: tuple[str | None, str] | None = None
    listed_local: tuple[str | None, str] | None = None
    named_year: int | None = None  # the year a set period of this sentence named
    named_last: tuple[str, str] | None = None  # the time named last, in any role (届时)
    previous_end = 0
    # Figures of the clause so far (since a semicolon) that no period of this sentence dated.
    undated: list[FoundFigure] = []
    for at, _, item in events:
        if item == "open":
            chain.saved.append(chain.state())
        elif item == "close":
            if chain.saved:
                chain.restore(chain.saved.pop())
        elif item == "since_start":
            # "今年以来…；自上线以来累计成交量 1.96 亿吨": the total since the market opened.
            if chain.year_to_date:
                chain.restore(chain.before_year_to_date)
        elif item == "semicolon":
            undated = []
            # A forecast ends at ；, unless it named its year and the clause after
            # projects too ("预计 2022 年…；业务收入将达到 1.12 万亿元").
            # "预计全年…；物流业总收入有望接近 12 万亿元": the clause after projects as well.
            further = chain.prospective and (
                is_forecast(_up_to_semicolon(text, at + 1))
                or frames_the_sentence(text[: at + 1] + _up_to_semicolon(text, at + 1))
            )
            if chain.prospective and not further:
                chain.restore(chain.before_prospective)
        elif isinstance(item, TimeExpr):
            if item.period and len(item.period) == len("2021-07-16"):
                chain.last_day = item.period
            if item.period and not item.year_to_date:
                named_last = (item.period, item.text)
            if item.role == "reference" or id(item) in listed:
                continue
            if item.year_to_date or _this_year_up_to_date(chain, item, number):
                if not chain.year_to_date:
                    chain.before_year_to_date = chain.state()
                chain.period = year_to_date(chain.period) if chain.period else None
                chain.text, chain.sentence, chain.year_to_date = item.text, number, True
                continue
            prospective = is_prospective(text, item.start, item.end, figure_starts)
            period = resolve(chain.period, item, prospective, published)
            opening = opens_with_same_period(text, item) and bool(chain.named_before)
            if opening:
                period = same_period(chain.named_before, item)
                if period == UNRESOLVED:
                    # Its figure and the rest of its sentence; never the chain's period.
                    local = (UNRESOLVED, item.text)
                    chain.open_period, chain.sentence = True, number
                    continue
            period = in_named_year(period, item, named_year)
            if id(item) in dating_figure and figures and period is not None:
                _date(figures[-1], period, item.text)
                if item.as_of:
                    # "累计成交量 1.89 亿吨，累计成交额 82.39 亿元（截至 3 月 31 日）": an as-of
                    # date closing a list dates the figures of its clause it finds undated.
                    for figure in undated:
                        _date(figure, period, item.text)
                continue
            aside = (
                (item.past_relative or before_the_chain(period, chain.period))
                and chain.period
                and ASIDE_AFTER_RE.match(text, item.end)
            )
            if item.months_back is not None:
                # Unresolved, it must not fall back on any default period.
                local = (period or UNRESOLVED, item.text)
            elif item.role == "local" and not opening or aside:
                # "同期，…" opening a sentence sets the period for all of it, not one figure.
                local = (period, item.text)
            elif period is not None:
                if chain.year_to_date and item.as_of and _in_year_to_date(chain, period, published):
                    period = year_to_date(period)  # 今年以来，截至 6 月底: still since January
                else:
                    chain.year_to_date = False
                if prospective and not chain.prospective:
                    chain.before_prospective = chain.state()
                if item.sentence_only and chain.before_sentence_only is None:
                    chain.before_sentence_only = chain.state()
                chain.period, chain.text, chain.sentence = period, item.text, number
                chain.open_period = (
                    prospective
                    and item.forward_period != item.period
                    and _new_statement_after_forecast(text, item, figure_starts)
                )
                if not prospective:
                    chain.named.append(period)  # what it reports about, not what it projects
                chain.as_of, chain.prospective = item.as_of, prospective
                chain.prospective_year = prospective and item.explicit_year
                if item.explicit_year and parse_period(period).kind != "multi_year":
                    named_year = parse_period(period).start.year
        else:
            assert isinstance(item, Quantity)
            if local is None and listed_local and LIST_JOINER_RE.match(text[previous_end:at]):
                # "上年同期为 63 笔、158 亿元": a period named for one figure names the figures
                # listed with it too.
                local = listed_local
            if local is None and named_last and THEN_ANAPHOR_RE.search(text[previous_end:at]):
                local = named_last
            figures.append(_new_figure(item, sentence, number, chain, local, previous_end, exprs))
            if local is None and (chain.period is None or chain.sentence != number):
                undated.append(figures[-1])
            listed_local, local = local, None
            previous_end = item.end
    return figures
