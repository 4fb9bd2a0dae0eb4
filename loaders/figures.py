"""Find the figures of an issue and map them onto the catalog.

For every article: paragraphs -> sentences -> figures (loaders.quantities).
Each figure gets
- a period: the last period expression before it in the sentence, else the
  last one of an earlier sentence of the same paragraph (loaders.timeexpr),
  else (a flow, or an index when it is a month) the one the paragraph before
  ended on, since a PDF line ending on 。 at the margin splits a paragraph;
  a parenthesis keeps its period to itself, "从 2019 年的 367 亿元" names the
  period of that figure only, "上月为 46.0%" the month before the one named;
- a subject: the words of its clause before it (plus the noun right after a
  counted figure: 3000 家重点排放企业); a clause without a subject of its own
  ("同比增长 24.2%") takes the nearest earlier clause that has one;
- a measure and an indicator (loaders.mapping).
Figures that fit no series, or fit one ambiguously, are kept as
UnassignedFigure (value and unit as written) for a reviewer, and so are the
figures of a table row (a DOCX table: its column headers are not in the row). One
indicator+period appears once per issue: an exact value wins over consistent
rounded ones (首次突破 300 万亿元), other conflicts all go to the reviewer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from loaders.catalog import Catalog
from loaders.cleaning import TABLE_CELL_SEPARATOR
from loaders.mapping import (
    choose_indicator,
    has_subject,
    is_negative,
    measure_of,
    mentions_alias,
    mentions_generic,
    squeeze,
)
from loaders.models import Article, IssueHeader, Observation, UnassignedFigure
from loaders.periods import (
    index_month,
    month_before,
    month_of,
    months_earlier,
    parse_period,
    shift_year,
)
from loaders.quantities import Quantity, ascii_shadow, find_quantities
from loaders.timeexpr import TimeExpr, find_time_expressions

SENTENCE_END = "。！？!?"
# Parentheses are no clause break: "搭载组合驾驶辅助系统(L2 级)的乘用车" is one subject.
CLAUSE_BREAKS = ",，;；:：。！？!?、"
# Words that make the figures after them projections, not outcomes.
FORECAST_RE = re.compile(
    r"预计|预测|有望|将达到|将达|将超过|将突破|将增长|将增至|目标(?:是|为|值|达到|:)|力争|可望|或将|将会"
)
# Words between a forecast marker and the figure that make it an outcome again.
ACTUAL_RE = re.compile(r"已经|已|实际|截至")
# "A 和 B 分别为 x 和 y": the list of subjects before 分别.
RESPECTIVELY_RE = re.compile(r"分别(?:为|是|达到|达|占|增长|下降)?$")
LIST_SPLIT_RE = re.compile(r"和|、|与|及|以及|,|，")
LIST_HEAD_RE = re.compile(
    r"(指数|总额|总收入|收入|成交量|成交额|成交金额|金额|规模|增速|渗透率|数量|笔数|总量)$"
)
# Text between figures of one 分别 list.
LIST_GAP_RE = re.compile(r"^\s*(?:和|、|与|及|,|，)\s*$")
LIST_START_RE = re.compile(r"^\s*(?:、|和|及|与)")
RESPECTIVELY_AFTER_RE = re.compile(r"\s*分别")
# "累计成交量 1.79 亿吨,成交额 76.61 亿元": a bare noun after a comma shares 累计 too.
COMMA_START_RE = re.compile(r"^\s*[,，]")
# "同比增长 24.2%,上年一季度为下降 7.5%,两年平均增长 7.2%": a past period
# followed by 为 is an aside about one figure.
ASIDE_AFTER_RE = re.compile(r"\s*(?:为|是)")
# Clauses that frame the rest of the sentence: "电商物流指数中,", "快递行业方面,".
FRAME_RE = re.compile(r"(?:^|[,，;；:：])([^,，;；:：]{1,20}?(?:中|方面|来看|看|而言))(?=[,，:：])")
# The period of a figure named relative to a month that the text did not name.
UNRESOLVED = "?"
# Modifiers that a list of nouns shares: 累计成交量 x、成交额 y.
DISTRIBUTIVE_RE = re.compile(r"累计")
POST_NOUN_RE = re.compile(r"[^\d,，;；:：。！？!?()（）、\s]{1,12}")


@dataclass
class _Sentence:
    start: int  # offset in the article text
    end: int
    text: str


@dataclass
class _Figure:
    quantity: Quantity  # offsets relative to the sentence
    sentence: _Sentence
    period: str | None
    period_text: str
    pre: str  # clause words before the figure
    post: str  # noun right after a counted figure
    subject: str = ""
    measure: str | None = None
    respectively_subject: str | None = None
    gap: str | None = None  # text since the previous figure of the sentence
    subject_from: int | None = None  # index of the figure whose subject it took
    period_carried: bool = False  # period from the paragraph before
    # Who the figure is about, for exclude words: the words before its series
    # noun, else (a clause naming nothing but the measured noun) those of the
    # figure before it in the sentence ("湖北碳市场累计成交量 x,累计成交额 y").
    scope: str = ""


def _paragraphs(text: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, line))
        pos += len(line) + 1
    return out


def _sentences(offset: int, paragraph: str) -> list[_Sentence]:
    out: list[_Sentence] = []
    start = 0
    i = 0
    while i < len(paragraph):
        char = paragraph[i]
        if char in SENTENCE_END:
            # Keep a closing quote or bracket with its sentence.
            j = i + 1
            while j < len(paragraph) and paragraph[j] in "”’」)）":
                j += 1
            out.append(_Sentence(offset + start, offset + j, paragraph[start:j]))
            start = j
            i = j
            continue
        i += 1
    if paragraph[start:].strip():
        out.append(_Sentence(offset + start, offset + len(paragraph), paragraph[start:]))
    trimmed = []
    for s in out:
        lead = len(s.text) - len(s.text.lstrip())
        tail = len(s.text.rstrip())
        if tail > lead:
            trimmed.append(_Sentence(s.start + lead, s.start + tail, s.text[lead:tail]))
    return trimmed


def _clause_start(shadow: str, position: int, floor: int) -> int:
    i = position
    while i > floor and shadow[i - 1] not in CLAUSE_BREAKS:
        i -= 1
    return i


def _resolve_period(chain: str | None, expr: TimeExpr, prospective: bool) -> str | None:
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


def _figures_of_paragraph(
    offset: int, paragraph: str, published: date, carried: tuple[str | None, str]
) -> tuple[list[_Figure], tuple[str | None, str]]:
    """The figures of a paragraph, and the period it ends on (for the next one).

    carried: the period the paragraph before ended on. A PDF line that ends
    on 。 at the right margin looks like a paragraph end, so a paragraph may
    be the second half of one; its figures before any period of their own
    keep the period before (flagged, since a stock or an index may not take it).
    """
    figures: list[_Figure] = []
    chain, chain_text = carried
    inherited = chain is not None
    for sentence in _sentences(offset, paragraph):
        text = sentence.text
        shadow = ascii_shadow(text)
        exprs = find_time_expressions(text, published)
        quantities = [
            q
            for q in find_quantities(text)
            if not any(e.start < q.end and q.start < e.end for e in exprs)
        ]
        events: list[tuple[int, int, object]] = []
        for e in exprs:
            events.append((e.start, 0, e))
        for q in quantities:
            events.append((q.start, 1, q))
        for i, char in enumerate(shadow):
            if char == "(":
                events.append((i, -1, "open"))
            elif char == ")":
                events.append((i, -1, "close"))
        events.sort(key=lambda ev: (ev[0], ev[1]))
        listed = _respectively_periods(text, exprs)
        # "全年社会物流总额预计超过 330 万亿元": a projection anywhere in the
        # sentence makes its bare periods the coming ones.
        prospective = _is_forecast(text)
        saved: list[tuple[str | None, str, bool]] = []
        local: tuple[str | None, str] | None = None
        previous_end = 0
        for _, _, item in events:
            if item == "open":
                saved.append((chain, chain_text, inherited))
                continue
            if item == "close":
                if saved:
                    chain, chain_text, inherited = saved.pop()
                continue
            if isinstance(item, TimeExpr):
                if item.role == "reference":
                    continue
                period = _resolve_period(chain, item, prospective)
                aside = item.past_relative and chain and ASIDE_AFTER_RE.match(text, item.end)
                if item.months_back is not None:
                    # Unresolved, it must not fall back on any default period.
                    local = (period or UNRESOLVED, item.text)
                elif item.role == "local" or aside:
                    local = (period, item.text)
                elif period is not None and id(item) not in listed:
                    chain, chain_text = period, item.text
                    inherited = False
                continue
            assert isinstance(item, Quantity)
            clause_from = max(previous_end, _clause_start(shadow, item.start, 0))
            pre = text[clause_from : item.start]
            post_match = POST_NOUN_RE.match(shadow, item.end)
            post = text[item.end : post_match.end()] if post_match else ""
            period, period_text = local if local else (chain, chain_text)
            figure = _Figure(item, sentence, period, period_text, pre, post)
            figure.period_carried = inherited and local is None
            local = None
            figure.gap = text[previous_end : item.start] if previous_end else None
            figures.append(figure)
            previous_end = item.end
    return figures, (chain, chain_text)


def _respectively_periods(text: str, exprs: list[TimeExpr]) -> set[int]:
    """ids of the periods listed before 分别 ("一季度、二季度、三季度分别增长 …").

    Each names the period of one figure of the list (see _mark_respectively);
    none is the period the text goes on about, so none sets the chain.
    """
    listed: set[int] = set()
    run: list[TimeExpr] = []
    for expr in exprs:
        if run and LIST_GAP_RE.match(text[run[-1].end : expr.start]):
            run.append(expr)
        else:
            run = [expr]
        if len(run) >= 2 and RESPECTIVELY_AFTER_RE.match(text, expr.end):
            listed.update(id(e) for e in run)
    return listed


def _period_items(items: list[str], published: date) -> list[tuple[str, str]] | None:
    """ "一季度、上半年、前三季度分别为 …": the periods of a list, when it is one."""
    periods = []
    for item in items:
        item = item.strip()
        exprs = find_time_expressions(item, published)
        if len(exprs) != 1 or exprs[0].period is None or exprs[0].text.strip() != item:
            return None
        periods.append((exprs[0].period, item))
    return periods


def _mark_respectively(figures: list[_Figure], published: date) -> None:
    """Give each figure of "A 和 B 分别为 x 和 y" its own subject (or period)."""
    i = 0
    while i < len(figures):
        first = figures[i]
        # The list of subjects runs back to the clause break, across 、.
        upto = first.quantity.start
        sentence_text = first.sentence.text
        begin = max(sentence_text.rfind(ch, 0, upto) for ch in ",，;；:：。") + 1
        pre = sentence_text[begin:upto].rstrip()
        match = RESPECTIVELY_RE.search(pre)
        if not match:
            i += 1
            continue
        group = [first]
        j = i + 1
        while (
            j < len(figures)
            and figures[j].sentence is first.sentence
            and LIST_GAP_RE.match(figures[j].gap or "x")
        ):
            group.append(figures[j])
            j += 1
        head = pre[: match.start()]
        items = [part for part in LIST_SPLIT_RE.split(head) if part.strip()]
        periods = _period_items(items, published) if len(items) == len(group) else None
        if len(items) >= 2 and periods:
            for figure, (period, period_text) in zip(group, periods, strict=True):
                figure.period, figure.period_text = period, period_text
        elif len(items) >= 2 and len(items) == len(group):
            # "业务量和新订单指数": the last head noun completes the first items;
            # "并购交易数量和金额": the first item's stem completes bare heads.
            last_head = LIST_HEAD_RE.search(items[-1])
            first_head = LIST_HEAD_RE.search(items[0])
            stem = items[0][: first_head.start()] if first_head else ""
            for k, figure in enumerate(group):
                item = items[k]
                if k and stem and LIST_HEAD_RE.fullmatch(item.strip()):
                    item = stem + item.strip()
                elif last_head and not LIST_HEAD_RE.search(item):
                    item += last_head.group(1)
                figure.respectively_subject = item + match.group(0)
        elif len(group) > 1:
            for figure in group:
                figure.respectively_subject = ""  # cannot pair subjects and figures
        i = j


def _gap_after_previous(figures: list[_Figure], k: int) -> str:
    """Text since the figure before in the sentence, past the noun completing its unit."""
    gap = figures[k].gap or ""
    if k > 0 and figures[k - 1].post and gap.startswith(figures[k - 1].post):
        # "4.8 亿吨二氧化碳当量，成交额 …": the noun completing the unit of
        # the figure before is not a word between the two list items.
        gap = gap[len(figures[k - 1].post) :]
    return gap


def _listed_after(figures: list[_Figure], k: int) -> bool:
    """Is figure k the next item of a list begun by figure k-1 ("x 亿吨、成交额 y")?"""
    gap = _gap_after_previous(figures, k)
    own = figures[k].pre + figures[k].post
    return bool(LIST_START_RE.match(gap) or (COMMA_START_RE.match(gap) and len(squeeze(own)) <= 4))


def _subject(figures: list[_Figure], k: int, article_text: str, catalog: Catalog) -> str:
    """The words naming what figure k is about."""
    figure = figures[k]
    if figure.respectively_subject is not None:
        return figure.respectively_subject
    own = figure.pre + figure.post
    if mentions_alias(own, catalog):
        return own
    listed = _listed_after(figures, k)
    if k > 0 and listed and has_subject(own):
        # "累计成交量约 4.8 亿吨、成交额约 114 亿元": 累计 qualifies both nouns.
        shared = DISTRIBUTIVE_RE.search(figures[k - 1].subject)
        if shared and shared.group(0) not in own and mentions_alias(shared.group(0) + own, catalog):
            return shared.group(0) + own
    if has_subject(own):
        return own
    pre_start = figure.sentence.start + figure.quantity.start - len(figure.pre)
    if k > 0:
        # No subject of its own: the subject of the figure before it in the
        # paragraph, unless the words in between name another subject.
        earlier = figures[k - 1]
        gap = article_text[earlier.sentence.start + earlier.quantity.end : pre_start]
        if has_subject(gap) or mentions_alias(gap, catalog):
            return _nearest_subject_clause(gap, catalog) or own
        figure.subject_from = k - 1
        return earlier.subject
    # First figure of its paragraph: the nearest clause before it that names one.
    prefix = figure.sentence.text[: figure.quantity.start - len(figure.pre)]
    return _nearest_subject_clause(prefix, catalog) or own


def _subject_before_alias(pre: str, catalog: Catalog) -> str | None:
    """The words before the series noun of a clause ("广东碳市场" of
    "广东碳市场累计成交额"), or None when it names no series noun."""
    text = squeeze(pre)
    # The series noun is the alias ending last, the longest of those (累计成交量,
    # not the 市场 inside 湖北碳市场).
    spans = [
        (at + len(alias), -at)
        for ind in catalog.indicators
        for alias in map(squeeze, ind.aliases + ind.generic_aliases)
        if (at := text.rfind(alias)) >= 0
    ]
    return text[: -max(spans)[1]] if spans else None


def _nearest_subject_clause(text: str, catalog: Catalog) -> str | None:
    clauses = [c for c in re.split(r"[,，;；:：()（）。！？!?\n]", text) if c.strip()]
    for clause in reversed(clauses):
        if mentions_alias(clause, catalog) or has_subject(clause):
            return clause
    return None


def _index_period(period: str | None, default: str) -> str | None:
    """The month a monthly index belongs to, from the period its text names."""
    if period is None:
        return default
    kind = parse_period(period).kind
    if kind in ("year", "multi_year"):
        return None  # under a whole year it is an annual average, not a month
    if kind == "day":
        # "中物联 4 月 6 日发布": the release day; the data is the month before.
        return month_before(parse_period(period).start)
    return index_month(period)


def _is_forecast(before: str) -> bool:
    """A projection marker before the figure in its sentence, not undone by 已/实际."""
    markers = list(FORECAST_RE.finditer(before))
    if not markers:
        return False
    return not ACTUAL_RE.search(before[markers[-1].end() :])


def _resolve_measure(figures: list[_Figure], k: int) -> str | None:
    figure = figures[k]
    measure_text = figure.respectively_subject if figure.respectively_subject else figure.pre
    measure = measure_of(measure_text, figure.quantity)
    if measure is None and figure.subject_from is not None:
        # "渗透率达 23.5%,一季度进一步提升至 28%": same subject, same measure.
        return figures[figure.subject_from].measure
    if measure == "growth":
        # A bare 增长/下降 repeats the measure of the growth figure before it
        # in the sentence (同比增长 24.2%(上年一季度为下降 7.5%)), else 同比.
        for j in range(k - 1, -1, -1):
            if figures[j].sentence is not figure.sentence:
                break
            if figures[j].measure in ("yoy", "yoy_2y"):
                return figures[j].measure
        return "yoy"
    return measure


def extract_figures(
    header: IssueHeader, articles: list[Article], catalog: Catalog
) -> tuple[list[Observation], list[UnassignedFigure]]:
    """Every figure of the issue: mapped ones as Observations, the rest unassigned."""
    published = header.published
    issue_month = month_of(published)
    index_default = month_before(published)
    observations: list[Observation] = []
    unassigned: list[UnassignedFigure] = []
    for article in articles:
        # Figures of the whole article, so that subjects and periods run on
        # across a paragraph break (which a PDF may have invented).
        figures: list[_Figure] = []
        paragraph_of: list[str] = []
        carried: tuple[str | None, str] = (None, "")
        table_figures: list[_Figure] = []
        for para_offset, paragraph in _paragraphs(article.text):
            if TABLE_CELL_SEPARATOR in paragraph:
                # A table row: which column header (a year, a unit) a cell
                # belongs to is not in its text, so its figures go to review,
                # and periods run neither into nor out of the table.
                found, _ = _figures_of_paragraph(para_offset, paragraph, published, (None, ""))
                for figure in found:
                    figure.subject = paragraph
                table_figures += found
                carried = (None, "")
                continue
            found, carried = _figures_of_paragraph(para_offset, paragraph, published, carried)
            _mark_respectively(found, published)
            figures += found
            paragraph_of += [paragraph] * len(found)
        for figure in table_figures:
            forecast = _is_forecast(figure.sentence.text[: figure.quantity.start])
            unassigned.append(_unassigned(article, figure, figure.period_text, forecast))
        mapped_before: bool | None = None
        for k, figure in enumerate(figures):
            paragraph = paragraph_of[k]
            figure.subject = _subject(figures, k, article.text, catalog)
            figure.measure = _resolve_measure(figures, k)
            q = figure.quantity
            sentence = figure.sentence
            before = sentence.text[: q.start]
            forecast = _is_forecast(before)
            # Context before the figure in its sentence outranks context after it.
            scopes = [before, sentence.text, paragraph, article.title, article.text]
            frame = "".join(FRAME_RE.findall(before))
            own_subject = _subject_before_alias(figure.pre, catalog)
            if own_subject is not None and has_subject(own_subject):
                figure.scope = own_subject
            elif k > 0 and figures[k - 1].sentence is sentence:
                figure.scope = figures[k - 1].scope
                frame += figure.scope
            if figure.measure == "index":
                # "制造业采购经理指数(PMI)为 49.6%,新订单指数为 49.3%": an index
                # after another in its sentence is one of its components.
                frame += "".join(
                    f.subject for f in figures[max(0, k - 4) : k] if f.sentence is sentence
                )
            # "数据中心相关交易 34 笔，交易金额 310 亿元": a bare generic noun
            # listed after a figure that fit no series is about that segment too.
            allow_generic = not (
                k > 0
                and _listed_after(figures, k)
                and not mentions_alias(figure.subject, catalog)
                and mapped_before is False
                and mentions_generic(figures[k - 1].subject + figures[k - 1].post, catalog)
            )
            candidate, _reason = choose_indicator(
                q, figure.measure, figure.subject, scopes, catalog, frame, allow_generic
            )
            period = figure.period
            period_text = figure.period_text
            if period == UNRESOLVED:
                candidate, period = None, None
            if candidate is not None:
                kind = candidate.indicator.kind
                if figure.period_carried and (
                    kind == "stock"
                    or kind == "index"
                    and parse_period(period).kind != "month"
                    or _is_forecast(sentence.text)
                ):
                    # A stock undated in its own paragraph is dated by the
                    # issue, an index by the month before it; only an index
                    # month runs on ("12 月份 … 。" / "业务总量指数 …"). A
                    # projection ("预计增长 6%") is about another period.
                    period, period_text = None, ""
                if kind == "stock":
                    if period is None:
                        period = issue_month
                    elif "/" in period:
                        period = period.split("/")[1]
                elif kind == "index":
                    period = _index_period(period, index_default)
                elif period and parse_period(period).kind == "day":
                    period = None  # a day is when news broke, not a flow's period
                elif period_text.startswith(("截至", "截止")):
                    period = None  # "截至 9 月底" dates a stock; a flow's span is unsaid
                if period is None:
                    candidate = None  # a flow without a period: no guessing
                elif parse_period(period).end > published and kind != "stock":
                    forecast = True
            value = candidate.value if candidate else q.value
            if candidate and figure.measure in ("yoy", "yoy_2y", "cagr"):
                if is_negative(figure.pre):
                    value = -abs(value)
            provenance = {
                "article": article.title,
                "article_index": article.index,
                "editor": article.editor,
                "quote": sentence.text,
                "span_start": article.start + sentence.start,
                "span_end": article.start + sentence.end,
            }
            mapped_before = candidate is not None and period is not None
            if mapped_before:
                observations.append(
                    Observation(
                        **provenance,
                        indicator=candidate.indicator.id,
                        period=period,
                        value=round(value, 6),
                        unit=candidate.indicator.unit,
                        qualifier=q.qualifier,
                        forecast=forecast,
                        figure_text=q.text,
                        period_text=period_text,
                    )
                )
            else:
                unassigned.append(_unassigned(article, figure, period_text, forecast))
    return _one_per_series(observations, unassigned)


def _unassigned(
    article: Article, figure: _Figure, period_text: str, forecast: bool
) -> UnassignedFigure:
    q = figure.quantity
    sentence = figure.sentence
    return UnassignedFigure(
        article=article.title,
        article_index=article.index,
        editor=article.editor,
        quote=sentence.text,
        span_start=article.start + sentence.start,
        span_end=article.start + sentence.end,
        # As written (207.9 万亿元), so a reviewer reads it at a glance.
        value=q.number,
        unit=q.written_unit,
        qualifier=q.qualifier,
        forecast=forecast,
        period=None if figure.period == UNRESOLVED else figure.period,
        figure_text=q.text,
        period_text=period_text,
        value_high=q.number_high,
        subject=figure.subject.strip(),
    )


def _consistent(obs: Observation, exact: float) -> bool:
    """Does a qualified figure agree with the exact one (突破 300 vs 300.1)?"""
    if obs.qualifier == "more_than":
        return exact >= obs.value
    if obs.qualifier == "less_than":
        return exact <= obs.value
    if obs.qualifier == "approx":
        return abs(exact - obs.value) <= 0.05 * abs(exact)
    return round(obs.value, 6) == round(exact, 6)


def _one_per_series(
    observations: list[Observation], unassigned: list[UnassignedFigure]
) -> tuple[list[Observation], list[UnassignedFigure]]:
    """At most one value per indicator, period and forecast flag; conflicts go to review."""
    groups: dict[tuple[str, str, bool], list[Observation]] = {}
    for obs in observations:
        groups.setdefault((obs.indicator, obs.period, obs.forecast), []).append(obs)
    kept: list[Observation] = []
    for group in groups.values():
        values = {round(o.value, 6) for o in group}
        if len(values) == 1:
            kept.append(group[0])
            continue
        exact = [o for o in group if o.qualifier == "exact"]
        chosen = exact[0] if len({round(o.value, 6) for o in exact}) == 1 else None
        if chosen is not None and all(_consistent(o, chosen.value) for o in group):
            # "300.1 万亿元 … 首次突破 300 万亿元": the exact figure says more.
            kept.append(chosen)
            rejected = [o for o in group if o is not chosen]
        else:
            chosen, rejected = None, group
        for obs in rejected:
            unassigned.append(
                UnassignedFigure(
                    article=obs.article,
                    article_index=obs.article_index,
                    editor=obs.editor,
                    quote=obs.quote,
                    span_start=obs.span_start,
                    span_end=obs.span_end,
                    value=obs.value,
                    unit=obs.unit,
                    qualifier=obs.qualifier,
                    forecast=obs.forecast,
                    period=obs.period,
                    figure_text=obs.figure_text,
                    period_text=obs.period_text,
                    subject=(
                        f"{obs.indicator}: less precise than {chosen.figure_text}"
                        if chosen
                        else f"{obs.indicator}: conflicting values in this issue"
                    ),
                )
            )
    kept.sort(key=lambda o: (o.span_start, o.figure_text))
    return kept, unassigned
