"""Every number of an issue, and what became of it: an observation, an unassigned figure
or ignored, each with a reason.

The figures pipeline (loaders.figures.find) decides the fate of every figure it reads; this
module finds the numbers it never read as figures and says why: a year or a day that
dates something, an issue number in the masthead, an ordinal, a code such as 5G, a
number in a book title, a telephone number, a bare number with no unit. Nothing is left
without a state, so a reviewer can see what the loaders did with each number of the text
and turn any of them into an observation (loaders.services.review).

Numbers are runs of digits (with their thousands commas and decimal point) and runs of
Chinese numerals that can say a quantity (三千, 二〇二一, 十四五); a single numeral glued
to a word (一是, 两者, 第一) is a word, not a number, unless the figures pipeline read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from loaders.models import Article, Extraction, NumberState, Observation, UnassignedFigure
from loaders.vocab.missing import is_missing, text_or_empty
from loaders.vocab.quantities import ascii_shadow
from loaders.vocab.timeexpr import find_time_expressions

# Reason codes and what they mean, for pages and --explain. The figures pipeline sets the
# reasons of observations and unassigned figures (see loaders.figures.find); this module those
# of the numbers it never read as figures.
REASONS: dict[str, str] = {
    # observations
    "mapped": "归入指标",
    "repeat": "重复：同一指标、同一期间已记录",
    "reviewed": "编辑审核时归入或修改",
    # unassigned figures
    "no_series": "没有匹配的指标",
    "ambiguous": "两个指标同样匹配",
    "period_open": "文中没有说明是哪个期间",
    "no_period": "流量指标缺少期间",
    "span_of_stock": "区间内的合计，不是存量指标",
    "superseded": "修订前的旧值",
    "threshold": "筛选条件（如“超过 10 亿元的交易”），不是总量",
    "subset": "满足条件的部分，不是总量",
    "milestone": "越过的整数关口，随后给出实际值",
    "breakdown": "分企业、分地区等的分项",
    "range": "区间（上下限），不是单个数值",
    "vague": "概数（如“数十亿元”），不是确切数值",
    "conflict": "同一期刊中同一指标同一期间的数值不一致",
    "less_precise": "同一指标同一期间另有更精确的数值",
    "other_reading": "同一指标同一期间另一读法更可信（评分选定），此数值留待审核",
    "preliminary": "初步统计的数值，同一期刊另有正式公布的数值",
    "implausible": "与该序列已有数值相比不合常理",
    "refused": "数值不符合指标的约束（如负的总量）",
    # a stored figure kept without its reason (stores written before reasons were kept)
    "unrecorded": "待编辑归入指标（入库时未记录原因）",
    # the review before commit (loaders.services.review)
    "pending": "已勾选写入，尚待选择指标",
    "left_out": "编辑审核时取消了写入",
    # numbers never read as figures
    "date": "日期或期间的一部分",
    "masthead": "刊头（期号、总期数、出版日期）",
    "headline": "标题中的数字",
    "ordinal": "序号（第几、一是、二是）",
    "code": "名称或代号中的数字（如 5G、L2）",
    "book_title": "书名号内的数字",
    "contact": "电话、邮编等联系信息",
    "list_marker": "条目编号",
    "word": "词语中的数字（如“一体化”“两者”）",
    "no_unit": "没有单位的数字",
    "not_a_figure": "带单位但不是统计数值（如“3 个方面”）",
}

# Arabic numbers (2,162, 104.7, "1, 765" as a PDF spaced it) with the magnitude written
# after them (352.4 万亿), and Chinese numeral runs.
_ARABIC = (
    r"\d+(?:[,，]\s?\d{3})*(?:\.\d+)?(?:\s*(?:万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|百))?"
)
_CHINESE = r"[零〇○一二两三四五六七八九十百千万亿]+"
NUMBER_RE = re.compile(rf"{_ARABIC}|{_CHINESE}")
# A Chinese run that can say a quantity: a digit with a scale character, or two digits or
# more (三千, 二〇二一, 十四五). A lone numeral is a word (一是, 两者, 三家, 十大, 万物) unless
# the figures pipeline read it as a figure.
_QUANTITY_NUMERALS = re.compile(
    r"[一二两三四五六七八九〇○零].*[十百千万亿]|[十百千万亿].*[一二两三四五六七八九〇○零]"
    r"|[一二两三四五六七八九〇○零]{2,}"
)
_ORDINAL_BEFORE = re.compile(r"(?:第|No\.?|NO\.?|序号)\s*$")
_ORDINAL_AFTER = re.compile(r"^\s*(?:是|则|者|方面|来|要|次|批|轮|届|代|期)")
_LIST_MARKER = re.compile(r"^\s*[(（]?\s*$")
_LIST_MARKER_AFTER = re.compile(r"^\s*(?:[)）]|[、.．](?!\d))")
_CODE_AROUND = re.compile(r"[A-Za-z]")
_CONTACT_BEFORE = re.compile(
    r"(?:电话|传真|手机|邮编|邮箱|热线|Tel|TEL|tel|QQ|微信)\s*[:：]?\s*[\d\-\s]*$"
)
_BOOK_RE = re.compile(r"《[^《》\n]{0,120}》")
# A unit word right after a number that is no statistical figure ("3 个方面", "四项任务"):
# the figures pipeline reads figures with the units it knows; anything else counted here.
_COUNTED_AFTER = re.compile(r"^\s*[\u4e00-\u9fff]")


@dataclass(frozen=True)
class FigureSpan:
    """Where a figure stands in the cleaned text and what became of it."""

    start: int
    end: int
    state: str
    reason: str
    indicator: str | None = None
    period: str | None = None


def figure_span(item: Observation | UnassignedFigure) -> tuple[int, int] | None:
    """Where a figure stands in the issue's cleaned text (None for a typed figure)."""
    if item.figure_start is None:
        return None
    return item.figure_start, item.figure_start + max(1, len(item.figure_text))


def figure_spans(
    observations: Iterable[Observation],
    repeats: Iterable[Observation],
    unassigned: Iterable[UnassignedFigure],
) -> list[FigureSpan]:
    """The spans of the figures the pipeline read, each with its state."""
    spans: list[FigureSpan] = []
    for obs in observations:
        if (at := figure_span(obs)) is not None:
            spans.append(FigureSpan(*at, "observation", "mapped", obs.indicator, obs.period))
    for obs in repeats:
        if (at := figure_span(obs)) is not None:
            spans.append(FigureSpan(*at, "observation", "repeat", obs.indicator, obs.period))
    for fig in unassigned:
        if (at := figure_span(fig)) is not None:
            spans.append(
                FigureSpan(
                    *at,
                    "unassigned",
                    fig.reason or "no_series",
                    fig.suggested_indicator,
                    fig.period or fig.suggested_period,
                )
            )
    return spans


def _numbers(text: str) -> list[tuple[int, int, str]]:
    out = []
    for match in NUMBER_RE.finditer(ascii_shadow(text)):
        token = match.group(0).rstrip(", ，\t")
        out.append(
            (
                match.start(),
                match.start() + len(token),
                text[match.start() : match.start() + len(token)],
            )
        )
    return out


def _line_of(text: str, at: int) -> tuple[int, str]:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, text[start : end if end >= 0 else len(text)]


# Years, months, days and plan periods the period grammar leaves to their context: "2020 年"
# inside a longer phrase, "12 月", "十四五".
_DATE_WORDS_RE = re.compile(
    r"(?:19|20)\d{2}\s*(?:年|—|-|–|~|/)|\d{1,2}\s*(?:月|日|号|时|点|季度)"
    r"|[一二三四五六七八九十]{1,3}\s*(?:月|日|季度)|十[一二三四五六七八九]?五(?:规划|时期|期间|”|\")?"
    r"|[〇○零一二三四五六七八九]{4}\s*年"
)


def _time_spans(text: str, published: date) -> list[tuple[int, int]]:
    """Where the text names a period or a date, line by line (sentences never span lines)."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        if line.strip() and re.search(r"[\d〇○零一二三四五六七八九十]", line):
            for expr in find_time_expressions(line, published):
                spans.append((pos + expr.start, pos + expr.end))
            # Bare years and months the period grammar leaves to context ("2020 年", "12 月"
            # inside a longer phrase) are dates too.
            for match in _DATE_WORDS_RE.finditer(ascii_shadow(line)):
                spans.append((pos + match.start(), pos + match.end()))
        pos += len(line) + 1
    return spans


def _is_word_numeral(token: str) -> bool:
    return not token[0].isdigit() and not _QUANTITY_NUMERALS.search(token)


def _ignored_reason(text: str, start: int, end: int, token: str, region: str, times) -> str:
    """Why a number the pipeline never read as a figure is no figure."""
    if region == "masthead":
        return "masthead"
    if _inside_book(text, start):
        return "book_title"
    if any(s <= start and end <= e for s, e in times):
        return "date"
    before = text[max(0, start - 12) : start]
    after = text[end : end + 6]
    if _CONTACT_BEFORE.search(before) or (token.isdigit() and len(token) >= 7):
        return "contact"
    if _ORDINAL_BEFORE.search(before):
        return "ordinal"
    line_start, _ = _line_of(text, start)
    if _LIST_MARKER.match(text[line_start:start]) and _LIST_MARKER_AFTER.match(after):
        return "list_marker"
    glued_before = start > 0 and _CODE_AROUND.match(text[start - 1])
    glued_after = end < len(text) and _CODE_AROUND.match(text[end])
    if (
        glued_before
        or glued_after
        or (start > 1 and text[start - 1] == "-" and _CODE_AROUND.match(text[start - 2]))
    ):
        return "code"
    if not token[0].isdigit() and not re.search(r"[十百千万亿]", token):
        return "word"  # "一二线城市": digits side by side, no quantity
    if _ORDINAL_AFTER.match(after):
        return "ordinal"
    if region == "headline":
        return "headline"
    if _COUNTED_AFTER.match(after):
        return "not_a_figure"
    return "no_unit"


def _inside_book(text: str, at: int) -> bool:
    line_start, line = _line_of(text, at)
    return any(m.start() <= at - line_start < m.end() for m in _BOOK_RE.finditer(line))


def account_for_numbers(extraction: Extraction) -> list[NumberState]:
    """One NumberState per number of the issue's cleaned text, in text order."""
    spans = figure_spans(extraction.observations, extraction.repeats, extraction.unassigned)
    return account_for_text(
        extraction.clean_text, extraction.issue.published, extraction.articles, spans
    )


def account_for_text(
    text: str, published: date, articles: Sequence[Article], spans: Sequence[FigureSpan]
) -> list[NumberState]:
    """The one rule behind every account of an issue's numbers (as extracted, as stored, as
    an editor reviews it): a number inside a figure's span takes that figure's state; any
    other is ignored, with the reason the text around it gives."""
    times = _time_spans(text, published)
    bodies = [(a.start, a.end, a.index) for a in articles]
    # The masthead ends where the first article's title begins.
    first_title = text.rfind(articles[0].title, 0, articles[0].start) if articles else -1
    masthead_end = first_title if first_title >= 0 else (bodies[0][0] if bodies else len(text))
    states: list[NumberState] = []
    for start, end, token in _numbers(text):
        article = next((i for s, e, i in bodies if s <= start < e), None)
        owner = [s for s in spans if s.start <= start < s.end]
        if owner:
            # A figure read for two series is an observation of each; an observation wins
            # over an unassigned copy of the same figure (a conflicting repeat elsewhere).
            best = min(owner, key=lambda s: (s.state != "observation", s.reason != "mapped"))
            if _is_word_numeral(token) and states and states[-1].start >= best.start:
                continue  # the 百 of "1.8 个百分点": a word of the figure's unit
            states.append(
                NumberState(
                    text=token,
                    start=start,
                    end=end,
                    state=best.state,
                    reason=best.reason,
                    indicator=best.indicator if best.state == "observation" else None,
                    suggested_indicator=best.indicator if best.state == "unassigned" else None,
                    period=best.period,
                    article_index=article,
                )
            )
            continue
        if _is_word_numeral(token):
            continue  # a numeral in a word, no number
        if article is None:
            region = "masthead" if start < masthead_end else "headline"
        else:
            region = "body"
        reason = _ignored_reason(text, start, end, token, region, times)
        states.append(
            NumberState(
                text=token,
                start=start,
                end=end,
                state="ignored",
                reason=reason,
                article_index=article,
            )
        )
    return states


def stored_figure_spans(
    text: str,
    observations: Iterable[Mapping[str, Any]],
    unassigned: Iterable[Mapping[str, Any]],
) -> list[FigureSpan]:
    """The spans of an issue's figures as the store holds them (rows of
    loaders.store.queries.observations_for_issue and unassigned_for_issue).

    A figure stored before its place was kept (no figure_start) is found by its text in its
    quoted sentence; a typed figure has neither and marks no number. The store keeps no
    repeats (they are one statement) and, before reasons were stored, no reason why a
    figure was left unassigned ("unrecorded").
    """
    spans: list[FigureSpan] = []
    for row in observations:
        if (at := place_of(text, row)) is not None:
            reason = "reviewed" if row.get("origin") == "reviewed" else "mapped"
            spans.append(
                FigureSpan(*at, "observation", reason, row.get("indicator"), row.get("period"))
            )
    for row in unassigned:
        if (at := place_of(text, row)) is not None:
            period = _text_or_none(row.get("period")) or _text_or_none(row.get("suggested_period"))
            spans.append(
                FigureSpan(
                    *at,
                    "unassigned",
                    _text_or_none(row.get("reason")) or "unrecorded",
                    _text_or_none(row.get("suggested_indicator")),
                    period,
                )
            )
    return spans


def _text_or_none(value: Any) -> str | None:
    return text_or_empty(value) or None


def place_of(text: str, row: Mapping[str, Any]) -> tuple[int, int] | None:
    """Where a figure given as a row (a stored one, a row of the review tables) stands in the
    cleaned text: its figure_start, or its figure_text found in its quoted sentence."""
    figure = text_or_empty(row.get("figure_text"))
    start = row.get("figure_start")
    if not is_missing(start):
        return int(start), int(start) + max(1, len(figure))
    span_start, span_end = row.get("span_start"), row.get("span_end")
    if not figure or is_missing(span_start) or is_missing(span_end):
        return None
    found = text.find(figure, int(span_start), int(span_end))
    return (found, found + len(figure)) if found >= 0 else None


def account_for_stored(
    text: str,
    published: date,
    articles: Iterable[Mapping[str, Any]],
    observations: Iterable[Mapping[str, Any]],
    unassigned: Iterable[Mapping[str, Any]],
) -> list[NumberState]:
    """account_for_numbers for a stored issue, from what the store holds (its cleaned text,
    publication date, articles, observations and unassigned figures as rows of
    loaders.store.queries), without reading the issue again. The same rule as for an
    extraction: only repeats (not stored) and reasons the store did not keep differ."""
    bodies = [
        Article(
            index=int(a["article_index"]),
            title=text_or_empty(a.get("title")),
            text=text_or_empty(a.get("text")),
            start=int(a["start"]),
            end=int(a["end"]),
        )
        for a in articles
    ]
    spans = stored_figure_spans(text, observations, unassigned)
    return account_for_text(text, published, bodies, spans)


def explained(extraction: Extraction) -> list[dict]:
    """The numbers as `extract --json --explain` prints them: each with its reason in words."""
    return [
        {**n.model_dump(), "reason_zh": REASONS.get(n.reason, n.reason)}
        for n in account_for_numbers(extraction)
    ]


def number_value(token: str) -> float | None:
    """The value a number token says, its magnitude included: "4,500亿" -> 4.5e11, "三千" -> 3000."""
    from loaders.vocab.numerals import parse_chinese_number
    from loaders.vocab.units import MAGNITUDES

    shadow = ascii_shadow(token).replace(" ", "")
    digits = re.match(r"[\d,，]+(?:\.\d+)?", shadow)
    if digits is None:
        return parse_chinese_number(shadow)
    number = float(digits.group(0).replace(",", "").replace("，", ""))
    magnitude = shadow[digits.end() :]
    return number * MAGNITUDES.get(magnitude, 1.0) if magnitude else number


def says_value(token: str, value: float, unit: str) -> bool:
    """Could the number say this value of a series kept in unit (magnitudes aside)?"""
    from loaders.vocab.units import split_unit

    said = number_value(token)
    if said is None or value == 0:
        return False
    base = split_unit(unit)
    candidates = {abs(value)}
    if base is not None:
        candidates.add(abs(value) * base[1])  # 0.1765 亿吨 as 17,650,000 吨
    plain = number_value(re.sub(r"[^\d,，.]+$", "", ascii_shadow(token))) or said
    return any(
        abs(x - want) <= 0.005 * want for want in candidates for x in {abs(said), abs(plain)}
    ) or any(
        # A number whose magnitude was not read ("1,765 万吨" of a series in 亿吨).
        abs(abs(plain) - want / 10**k) <= 0.005 * want / 10**k
        for want in candidates
        for k in (4, 8, 12)
    )
