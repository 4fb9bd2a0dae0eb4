"""Find the figures of an issue and map them onto the catalog.

For every article: paragraphs -> sentences (loaders.sentences) -> figures
(loaders.quantities).
Each figure gets
- a period: the last period expression before it in the sentence, else the
  last one of an earlier sentence of the same paragraph (loaders.timeexpr),
  else (a flow, or an index when it is a month) the one the paragraph before
  ended on, since a PDF line ending on 。 at the margin splits a paragraph;
  a parenthesis keeps its period to itself, "从 2019 年的 367 亿元" names the
  period of that figure only, "上月为 46.0%" the month before the one named;
- a subject: the words of its clause before it (plus the noun right after a
  counted figure: 3000 家重点排放企业); a clause without a subject of its own
  ("同比增长 24.2%") takes the nearest earlier clause that has one
  (loaders.subjects); a 分别 list pairs its items (loaders.respectively);
- a forecast flag when a projection marker governs it (loaders.forecast_scope);
- a measure and an indicator (loaders.mapping).
Figures that fit no series, or fit one ambiguously, are kept as
UnassignedFigure (value and unit as written) for a reviewer, and so are the
figures of a table row (a DOCX table: its column headers are not in the row). One
indicator+period appears once per issue: an exact value wins over consistent
rounded ones (首次突破 300 万亿元), other conflicts all go to the reviewer
(loaders.conflicts).
"""

from __future__ import annotations

import re
from datetime import date

from loaders.catalog import Catalog
from loaders.cleaning import TABLE_CELL_SEPARATOR
from loaders.conflicts import one_per_series
from loaders.forecast_scope import is_forecast
from loaders.mapping import (
    choose_indicator,
    has_subject,
    is_negative,
    measure_of,
    mentions_alias,
    mentions_generic,
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
from loaders.respectively import mark_respectively, respectively_periods
from loaders.sentences import FoundFigure, clause_start, paragraphs, sentences
from loaders.subjects import listed_after, subject_before_alias, subject_of
from loaders.timeexpr import TimeExpr, find_time_expressions

# "同比增长 24.2%,上年一季度为下降 7.5%,两年平均增长 7.2%": a past period
# followed by 为 is an aside about one figure.
ASIDE_AFTER_RE = re.compile(r"\s*(?:为|是)")
# Clauses that frame the rest of the sentence: "电商物流指数中,", "快递行业方面,".
FRAME_RE = re.compile(r"(?:^|[,，;；:：])([^,，;；:：]{1,20}?(?:中|方面|来看|看|而言))(?=[,，:：])")
# The period of a figure named relative to a month that the text did not name.
UNRESOLVED = "?"
POST_NOUN_RE = re.compile(r"[^\d,，;；:：。！？!?()（）、\s]{1,12}")


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
) -> tuple[list[FoundFigure], tuple[str | None, str]]:
    """The figures of a paragraph, and the period it ends on (for the next one).

    carried: the period the paragraph before ended on. A PDF line that ends
    on 。 at the right margin looks like a paragraph end, so a paragraph may
    be the second half of one; its figures before any period of their own
    keep the period before (flagged, since a stock or an index may not take it).
    """
    figures: list[FoundFigure] = []
    chain, chain_text = carried
    inherited = chain is not None
    for sentence in sentences(offset, paragraph):
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
        listed = respectively_periods(text, exprs)
        # "全年社会物流总额预计超过 330 万亿元": a projection anywhere in the
        # sentence makes its bare periods the coming ones.
        prospective = is_forecast(text)
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
            clause_from = max(previous_end, clause_start(shadow, item.start, 0))
            pre = text[clause_from : item.start]
            post_match = POST_NOUN_RE.match(shadow, item.end)
            post = text[item.end : post_match.end()] if post_match else ""
            period, period_text = local if local else (chain, chain_text)
            figure = FoundFigure(item, sentence, period, period_text, pre, post)
            figure.period_carried = inherited and local is None
            local = None
            figure.gap = text[previous_end : item.start] if previous_end else None
            figures.append(figure)
            previous_end = item.end
    return figures, (chain, chain_text)


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


def _resolve_measure(figures: list[FoundFigure], k: int) -> str | None:
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
        figures: list[FoundFigure] = []
        paragraph_of: list[str] = []
        carried: tuple[str | None, str] = (None, "")
        table_figures: list[FoundFigure] = []
        for para_offset, paragraph in paragraphs(article.text):
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
            mark_respectively(found, published)
            figures += found
            paragraph_of += [paragraph] * len(found)
        for figure in table_figures:
            forecast = is_forecast(figure.sentence.text[: figure.quantity.start])
            unassigned.append(_unassigned(article, figure, figure.period_text, forecast))
        mapped_before: bool | None = None
        for k, figure in enumerate(figures):
            paragraph = paragraph_of[k]
            figure.subject = subject_of(figures, k, article.text, catalog)
            figure.measure = _resolve_measure(figures, k)
            q = figure.quantity
            sentence = figure.sentence
            before = sentence.text[: q.start]
            forecast = is_forecast(before)
            # Context before the figure in its sentence outranks context after it.
            scopes = [before, sentence.text, paragraph, article.title, article.text]
            frame = "".join(FRAME_RE.findall(before))
            own_subject = subject_before_alias(figure.pre, catalog)
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
                and listed_after(figures, k)
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
                    or is_forecast(sentence.text)
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
    return one_per_series(observations, unassigned)


def _unassigned(
    article: Article, figure: FoundFigure, period_text: str, forecast: bool
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
