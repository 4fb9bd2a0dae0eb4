"""Find the figures of an issue and map them onto the catalog.

For every article: paragraphs -> sentences (loaders.text.sentences) -> figures
(loaders.vocab.quantities).
Each figure gets
- a period (loaders.figures.dating): the last period expression before it, in
  its sentence, its paragraph or the paragraph before;
- a subject: the words of its clause before it (plus the noun right after a
  counted figure: 3000 家重点排放企业); a clause without a subject of its own
  ("同比增长 24.2%") takes the nearest earlier clause that has one
  (loaders.figures.subjects); a 分别 list pairs its items (loaders.figures.respectively);
- a forecast flag when a projection marker governs it (loaders.figures.forecast_scope);
- a role when it is no plain statement: the old value of a revision, a
  threshold, a milestone passed, a comparison base (loaders.figures.roles);
- a measure and an indicator (loaders.figures.mapping); a topic named before the clause
  ("新能源汽车方面，上半年销量…") owns a bare noun, and figures after a breakdown by
  who or where ("从企业看，…") are parts, never the series.
Table rows ("名称：数值" lines, DOCX cells) are statements like prose, dated by
their caption or column (loaders.figures.table_rows). Figures that fit no series, or
fit one ambiguously, or whose period the text leaves open, are kept as
UnassignedFigure (value and unit as written, a decline with its sign) for a
reviewer, with a suggested indicator and period where there is a guess. One
indicator+period appears once per issue: an exact value wins over consistent
rounded ones (首次突破 300 万亿元), other conflicts all go to the reviewer
(loaders.figures.conflicts).
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from loaders.catalog.indicators import Catalog
from loaders.figures.conflicts import one_per_series
from loaders.figures.dating import UNRESOLVED, figures_of_paragraph
from loaders.figures.figure_context import (
    BREAKDOWN_RE,
    frame_of,
    generic_allowed,
    names_of_one_thing,
    said_before,
    scopes_of,
    topic_of,
)
from loaders.figures.figure_records import placed_figure, unassigned_figure
from loaders.figures.forecast_scope import is_forecast, is_plan_target
from loaders.figures.headlines import first_period_of, headline_article, weigh_headline
from loaders.figures.mapping import (
    Candidate,
    choose_indicator,
    has_subject,
    is_negative,
    measure_of,
    mentions_alias,
)
from loaders.figures.measures import resolve_measure
from loaders.figures.respectively import mark_respectively
from loaders.figures.roles import mark_roles
from loaders.figures.subjects import (
    ANAPHOR_RE,
    PAIR_ANAPHOR_RE,
    expand_short_name,
    listed_after,
    resolve_references,
    subject_before_alias,
    subject_of,
    without_periods,
)
from loaders.figures.table_rows import bare_row_unit, caption_of, is_table_row, table_figures
from loaders.models import Article, IssueHeader, Observation, UnassignedFigure
from loaders.text.sentences import FoundFigure, paragraphs

# The size of a decline compared with a base: "降幅较一季度的", "跌幅比上月的".
DECLINE_NOUN_RE = re.compile(r"降幅|跌幅|减幅")
# "较 2019 年底分别增加约 0.35 亿吨和 10.8 亿元": a clause of increments, no level.
CHANGED_BY_RE = re.compile(r"(?:增加|减少|新增|净增|增长|下降|提高|回落)[^,，;；。]*$")
# Measures of how a figure changed: one that fits no series says nothing of its subject.
CHANGES = ("change", "pp")
GROWTH_RATES = ("yoy", "yoy_2y", "cagr")
DECLINE_COMPARED_RE = re.compile(r"(?:降幅|跌幅|减幅)\s*(?:较|比|相比|相较)")


class FiguresFound(NamedTuple):
    observations: list[Observation]
    unassigned: list[UnassignedFigure]
    # Figures that say an observation's value again (same series and period).
    repeats: list[Observation]


def extract_figures(header: IssueHeader, articles: list[Article], catalog: Catalog) -> FiguresFound:
    """Every figure of the issue: mapped ones as Observations, the rest unassigned.

    A headline's figures are read too (an article may state a figure only there), dated by
    the first period its body names when they name none; a headline figure that says a
    body figure again, rounded or not, is a repeat of it, and one the body contradicts
    gives way to the body (loaders.figures.headlines)."""
    observations: list[Observation] = []
    unassigned: list[UnassignedFigure] = []
    repeats: list[Observation] = []
    evidence: dict[int, int] = {}
    for article in articles:
        figures, paragraph_of = _article_figures(article, header.published, catalog)
        body, body_unassigned = _mapped(
            figures, paragraph_of, article, header.published, catalog, evidence
        )
        observations += body
        unassigned += body_unassigned
        title = headline_article(article)
        if title is None:
            continue
        carried = first_period_of(article.text, header.published)
        found, _ = figures_of_paragraph(0, title.text, header.published, carried)
        heads, head_unassigned = _mapped(
            found, [title.text] * len(found), title, header.published, catalog
        )
        kept, repeated, contradicted = weigh_headline(heads, body)
        observations += kept
        repeats += repeated
        unassigned += head_unassigned + contradicted
    kept, unassigned, repeated = one_per_series(observations, unassigned, evidence, catalog)
    return FiguresFound(kept, unassigned, repeats + repeated)


def _mapped(
    figures: list[FoundFigure],
    paragraph_of: list[str],
    article: Article,
    published: date,
    catalog: Catalog,
    evidence: dict[int, int] | None = None,
) -> tuple[list[Observation], list[UnassignedFigure]]:
    """The figures of one article (or headline) mapped: observations and unassigned; each
    observation's evidence (how firmly the text ties it: `_evidence`) into `evidence`."""
    observations: list[Observation] = []
    unassigned: list[UnassignedFigure] = []
    mark_roles(figures)
    mapped_before: bool | None = None
    for k in range(len(figures)):
        found = _map_figure(figures, k, article, paragraph_of[k], published, catalog, mapped_before)
        if isinstance(found, list):
            observations += found
            if evidence is not None:
                firm = _evidence(figures[k], catalog)
                evidence.update((id(o), firm) for o in found)
        else:
            unassigned.append(found)
        # An old value set aside by a revision says nothing about whether its words
        # name a series ("此前公布为 520 亿元，现修正为 546 亿元"); a mark passed on the way
        # to the value hands on what the figure before it said ("交易 148 笔，交易总金额
        # 首次突破千亿元大关，达到 1,750 亿元").
        if figures[k].role == "superseded":
            mapped_before = None
        elif not _passed_on_the_way(figures, k) and not _a_change(figures[k]):
            # A change ("比上年同期增加 6 笔") or a growth rate the catalog keeps no series
            # of ("交易总金额 367 亿元，同比下降 34.5%（…修订为 560 亿元）") is no segment
            # that fit no series.
            mapped_before = isinstance(found, list)
    return observations, unassigned


def _a_change(figure: FoundFigure) -> bool:
    """A change ("增加 6 笔", "提高 2 个百分点") or a growth rate ("同比下降 34.5%")."""
    return figure.measure in CHANGES or figure.measure in GROWTH_RATES


def _evidence(figure: FoundFigure, catalog: Catalog) -> int:
    """How firmly the text ties a mapped figure to its series and period: 2 when its own
    clause (or its table row) names a series, 1 more when its own sentence names its period."""
    own = figure.given_subject if figure.given_subject is not None else figure.pre + figure.post
    named = 2 if mentions_alias(own, catalog) else 0
    dated = figure.period_text and not (
        figure.period_carried or figure.period_from_earlier_sentence
    )
    return named + (1 if dated else 0)


def _article_figures(
    article: Article, published: date, catalog: Catalog
) -> tuple[list[FoundFigure], list[str]]:
    """The figures of an article in text order, with the paragraph each stands in.

    Figures of the whole article, so that subjects and periods run on across a
    paragraph break (which a PDF may have invented), but not into or out of a table.
    """
    figures: list[FoundFigure] = []
    paragraph_of: list[str] = []
    carried: tuple = (None, "")
    blocks = paragraphs(article.text)

    def names_series(text: str) -> bool:
        return mentions_alias(text, catalog)

    i = 0
    while i < len(blocks):
        offset, paragraph = blocks[i]
        before = blocks[i - 1][1] if i else None
        caption = caption_of(before, published)
        if is_table_row(paragraph) or bare_row_unit(paragraph, caption.text):
            j = i
            while j < len(blocks) and (
                is_table_row(blocks[j][1]) or bare_row_unit(blocks[j][1], caption.text)
            ):
                j += 1
            for row_figure, row in table_figures(blocks[i:j], caption, published, names_series):
                figures.append(row_figure)
                paragraph_of.append(f"{caption.text}\n{row}")
            carried = (None, "")
            i = j
            continue
        found, carried = figures_of_paragraph(offset, paragraph, published, carried)
        mark_respectively(found, published, names_series)
        figures += found
        paragraph_of += [paragraph] * len(found)
        i += 1
    return figures, paragraph_of


def _map_figure(
    figures: list[FoundFigure],
    k: int,
    article: Article,
    paragraph: str,
    published: date,
    catalog: Catalog,
    mapped_before: bool | None,
) -> list[Observation] | UnassignedFigure:
    """Figure k as observations (of one series, or of each a second name names), or
    unassigned (with a best guess)."""
    figure = figures[k]
    figure.subject = subject_of(figures, k, article.text, catalog)
    if (
        not has_subject(figure.subject)
        and not CHANGED_BY_RE.search(figure.sentence.text[: figure.quantity.start])
        and mentions_alias(article.title, catalog)
    ):
        # "L2 级辅助驾驶加速普及" over "上半年，渗透率达到 42.4%": a figure whose text before
        # names no subject at all is about what its article's title names.
        figure.subject = without_periods(article.title, published) + figure.subject
    resolved = False
    if ANAPHOR_RE.search(figure.subject) or PAIR_ANAPHOR_RE.search(figure.subject):
        start = figure.sentence.start + figure.quantity.start
        named = resolve_references(figure.subject, article.text[:start], catalog)
        resolved, figure.subject = named != figure.subject, named
    figure.measure = resolve_measure(figures, k)
    if figure.measure is None and (resolved or figure.quantity.unit == "%"):
        # "前者为 57.4%": what the figure measures is in the name taken up; "L2 级乘用车渗透率
        # 持续提升，上半年达到 42.4%": a rate whose own words name no measure measures what
        # the subject it continues names.
        figure.measure = measure_of(figure.subject, figure.quantity)
    q = figure.quantity
    sentence = figure.sentence
    before = sentence.text[: q.start]
    forecast = is_forecast(before) or is_plan_target(before, sentence.text[q.end :])
    value_sign = -1.0 if is_negative(figure.given_subject or figure.pre) else 1.0
    if figure.role == "revised" and DECLINE_NOUN_RE.search(figure.subject):
        # "同比降幅由此前公布的 7.5% 修订为 7.4%": the new value is a decline like the old.
        value_sign = -1.0
    if figure.role == "base" and DECLINE_COMPARED_RE.search(figure.pre):
        value_sign = -1.0  # "降幅较一季度的 5.9% 收窄": the base is a decline too
    if figure.role in ("superseded", "threshold", "subset"):
        return unassigned_figure(article, figure, forecast, value_sign, reason=figure.role)
    if figure.role == "part":
        # "广东 | 1.58" under "累计成交量（亿吨）": one market's row of a table, no total.
        return unassigned_figure(article, figure, forecast, value_sign, reason="breakdown")
    if _passed_on_the_way(figures, k):
        return unassigned_figure(article, figure, forecast, value_sign, reason="milestone")
    if figure.period_open:
        # "预计全年…增长 5% 左右，一季度社会物流总额为 75.4 万亿元": this year's Q1 reported or
        # next year's projected is not said; nor which "同期" after 1—6 月…；7 月份….
        return unassigned_figure(article, figure, forecast, value_sign, reason="period_open")
    if BREAKDOWN_RE.search(before):
        # "从企业看，中通快递前三季度完成业务量 175.8 亿件": a part, never the whole.
        return unassigned_figure(article, figure, forecast, value_sign, reason="breakdown")
    scopes = scopes_of(figure, before, paragraph, article)
    frame = frame_of(figures, k, before, catalog)
    allow_generic = generic_allowed(figures, k, catalog, mapped_before)
    candidates: list[Candidate] = []
    guess: Candidate | None = None
    # "这一市场 2023 年全年规模": a period inside a noun phrase does not split it.
    for subject in names_of_one_thing(without_periods(figure.subject, published)):
        candidate, _reason, tie = choose_indicator(
            q, figure.measure, subject, scopes, catalog, frame, allow_generic
        )
        if candidate is None and tie is None and allow_generic:
            # "快递业务量 … 其中 2 月份业务量同比下降 10.1%": the short name of a series
            # named before in the paragraph.
            # A table's caption said it before its rows ("2022 年上半年社会物流总额" over a
            # column "总额（万亿元）").
            # The article's title said it first ("社会物流总额平稳增长" over "上半年总额达…").
            said = article.title + figure.context + said_before(figures, k, article)
            expanded = expand_short_name(subject, said, catalog)
            if expanded is not None:
                candidate, _reason, tie = choose_indicator(
                    q, figure.measure, expanded, scopes, catalog, frame, allow_generic
                )
                if candidate is not None:
                    figure.subject = expanded
        topic = topic_of(before)
        if candidate is None and tie is None and allow_generic and topic:
            # "新能源汽车方面，上半年销量 39.3 万辆": the topic owns the bare noun.
            candidate, _reason, tie = choose_indicator(
                q, figure.measure, topic + subject, scopes, catalog, frame, allow_generic
            )
            if candidate is not None:
                figure.subject = topic + subject
        if candidate is not None and all(c.indicator != candidate.indicator for c in candidates):
            candidates.append(candidate)
        guess = guess or tie
    if not candidates and guess is not None and k > 0 and listed_after(figures, k):
        # "该市场累计成交量 1.89 亿吨，累计成交额 82.39 亿元": a bare noun two series share
        # is of the market the list's first item named.
        owner = subject_before_alias(figures[k - 1].subject, catalog)
        if owner and has_subject(owner):
            candidate, _reason, _tie = choose_indicator(
                q, figure.measure, owner + figure.subject, scopes, catalog, frame, allow_generic
            )
            if candidate is not None:
                figure.subject = owner + figure.subject
                candidates.append(candidate)
    if figure.period == UNRESOLVED and candidates:
        # The series is clear, which period is not ("同期" after two periods side by side).
        return unassigned_figure(
            article, figure, forecast, value_sign, candidates[0].indicator.id, reason="period_open"
        )
    if figure.period == UNRESOLVED or not candidates:
        if figure.period == UNRESOLVED:
            return unassigned_figure(article, figure, forecast, value_sign, reason="period_open")
        if guess is None:
            reason = "range" if q.is_range else "no_series"
            return unassigned_figure(article, figure, forecast, value_sign, reason=reason)
        # Two series fit equally well: the first is a guess for the reviewer.
        return unassigned_figure(
            article,
            figure,
            forecast,
            value_sign,
            guess.indicator.id,
            figure.period,
            reason="ambiguous",
        )
    if q.vague:
        # "数十亿元": no value was said; the reviewer sees the series it would belong to.
        return unassigned_figure(
            article,
            figure,
            forecast,
            value_sign,
            candidates[0].indicator.id,
            figure.period,
            reason="vague",
        )
    found = [placed_figure(article, figure, c, forecast, value_sign, published) for c in candidates]
    placed = [o for o in found if isinstance(o, Observation)]
    return placed or found[0]


def _passed_on_the_way(figures: list[FoundFigure], k: int) -> bool:
    """ "首次迈过 2 亿美元关口，达到 2.3 亿美元": a milestone with the value right after it
    in its sentence is a mark passed, not a statement of its own."""
    following = figures[k + 1] if k + 1 < len(figures) else None
    return (
        figures[k].role == "milestone"
        and following is not None
        and following.sentence is figures[k].sentence
        and following.quantity.unit == figures[k].quantity.unit
    )
