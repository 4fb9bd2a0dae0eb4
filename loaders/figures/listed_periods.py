"""The periods a 分别 list names, one per figure (loaders.figures.respectively pairs them).

"一季度、二季度社会物流总额分别增长 x 和 y" gives each figure its own period, and the words
after the list ("社会物流总额") are the shared subject; a list may be written with one suffix
("一、二、三季度"), and a year named by its first item holds for the rest ("2021 年一季度、
二季度", "2021 年上、下半年"); a list naming no year is one year's, in the year its sentence
named before it; a list opening the clause before ("2020 年和 2021 年，市场规模分别为 …")
counts as well, and so does a run ("一至四季度", "7—9 月各月", "前三个季度") as many as its
figures. `respectively_periods` tells loaders.figures.dating which period expressions of a
sentence are such items, so that none of them becomes the period the text goes on about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from loaders.figures.mapping import has_subject
from loaders.text.sentences import FoundFigure
from loaders.vocab.periods import months_of, parse_period, quarters_of, shift_year
from loaders.vocab.quantities import find_quantities
from loaders.vocab.time_expression import TimeExpr
from loaders.vocab.timeexpr import find_time_expressions

RESPECTIVELY_WORD_RE = re.compile(r"分别|依次")
LIST_SPLIT_RE = re.compile(r"以及|和|、|与|及|,|，")
# Where the head of a list begins: 、 and 和 separate its items, not clauses.
HEAD_BREAKS = ",，;；:：。"
# "一、二、三季度", "上、下半年": a bare number (or 上/下 of a half) that takes the suffix of
# the last item of its list; the first may carry the year ("2021 年一、二季度").
BARE_NUMBER_RE = re.compile(
    r"(?:(?:19|20)\d{2}\s*年|去年|今年|上年|本年)?\s*(?:第?[一二三四五六七八九十\d]{1,3}|[上下])"
)
LEADING_NUMBER_RE = re.compile(r"^(?:第?[一二三四五六七八九十\d]{1,3}|[上下](?=半年))")
# A clause opening with such a list: "2021 年上、下半年，…".
BARE_LIST_START_RE = re.compile(BARE_NUMBER_RE.pattern + r"\s*[、和与及]")
# "疫情最为严重的 1—2 月": words describing a listed period, up to 的 (no figure in them).
DESCRIBED_RE = re.compile(
    r"^[^\d\s的,，;；:：。、]{1,15}的\s*(?=第?[\d一二三四五六七八九十上下前全今去上本])"
)
# A run of quarters written as one ("一至四季度", "一季度至四季度"), and the names of quarters.
QUARTER_RUN_RE = re.compile(r"(?:至|到|—|–|~)\s*第?[一二三四1-4]\s*季度")
QUARTER_NAMES = ("一季度", "二季度", "三季度", "四季度")
# "前三季度(各季度)", "四个季度", "各季度": the quarters of a span, one figure each.
EACH_QUARTER_RE = re.compile(r"前[三两二]个?季度|四个季度|各季度|每个季度|各个季度")
EACH_RE = re.compile(r"各月|逐月|每月|各季度|每个季度|各个季度|四个季度")
MONTH_RUN_RE = re.compile(r"\d{1,2}\s*(?:-|—|–|~|至|到)\s*\d{1,2}\s*月")
RUN_START_RE = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年|去年|今年|上年)?\s*第?[一二三四1-4]\s*(?:季度)?\s*(?:至|到|—|–|~)"
)
HEAD_END_RE = re.compile(r"[,，;；。]")


@dataclass
class _Item:
    period: str
    text: str
    explicit_year: bool


def list_head_start(text: str, upto: int) -> int:
    return max(text.rfind(ch, 0, upto) for ch in HEAD_BREAKS) + 1


def _period_of(item: str, published: date) -> _Item | None:
    exprs = [
        e for e in find_time_expressions(item, published) if e.period and e.role != "reference"
    ]
    if len(exprs) != 1 or exprs[0].start != 0 or exprs[0].year_to_date:
        return None
    return _Item(exprs[0].period, item[: exprs[0].end], exprs[0].explicit_year)


def _run_of_quarters(
    item: str, published: date, size: int | None
) -> tuple[list[tuple[str, str]], str] | None:
    """ "一至四季度社会物流总额" before four figures: one period per quarter of the run, and
    the words around it (the subject); None unless the figures are as many as the quarters."""
    exprs = [e for e in find_time_expressions(item, published) if e.period]
    if size is None or len(exprs) != 1 or has_subject(item[: exprs[0].start]):
        return None
    rest = item[: exprs[0].start] + item[exprs[0].end :]
    each = EACH_RE.search(rest)
    if each:
        rest = rest[: each.start()] + rest[each.end() :]
    if QUARTER_RUN_RE.search(exprs[0].text) or EACH_QUARTER_RE.search(item):
        quarters = quarters_of(exprs[0].period)
        listed = [(q, QUARTER_NAMES[int(q[-1]) - 1]) for q in quarters]
    elif MONTH_RUN_RE.search(exprs[0].text):
        # "7—9 月(各月)，…分别为 a、b 和 c": one figure per month of the run.
        listed = [(m, f"{int(m[-2:])}月") for m in months_of(exprs[0].period)]
    else:
        return None
    if len(listed) != size or size < 2:
        return None
    return listed, rest


def period_list(
    head: str, published: date, size: int | None = None
) -> tuple[list[tuple[str, str]], str] | None:
    """The periods of a head that lists them, and the words after the list (its subject).

    "一季度、二季度社会物流总额" -> ([2022-Q1, 2022-Q2], "社会物流总额"); None when the
    head is no list of two or more periods. size: how many figures the list has, when known;
    a run of quarters ("一至四季度") lists its quarters only when they are as many. An item
    may open with words that describe its period ("疫情最为严重的 1—2 月").
    """
    items = [
        DESCRIBED_RE.sub("", part.strip()) for part in LIST_SPLIT_RE.split(head) if part.strip()
    ]
    if len(items) == 1:
        return _run_of_quarters(items[0], published, size)
    if len(items) < 2:
        return None
    lead = ""
    found = _period_of(items[0], published)
    if found is None and not BARE_NUMBER_RE.fullmatch(items[0]):
        # "社会物流总额一季度、二季度", "社会物流总额一、二、三季度": the subject before
        # the first period.
        for cut in range(1, len(items[0])):
            tail = items[0][cut:]
            found = _period_of(tail, published)
            if found and found.text == tail or BARE_NUMBER_RE.fullmatch(tail):
                lead = items[0][:cut]
                break
        else:
            found = None
    periods: list[_Item] = []
    bare: list[str] = []
    rest = ""
    for k, item in enumerate(items):
        if k == 0 and lead:
            item = item[len(lead) :]
        if BARE_NUMBER_RE.fullmatch(item) and k < len(items) - 1:
            bare.append(item)
            continue
        found = _period_of(item, published)
        if found is None or (found.text != item and k < len(items) - 1):
            return None
        suffix = LEADING_NUMBER_RE.sub("", found.text)
        for number in bare:
            expanded = _period_of(number + suffix, published)
            if expanded is None:
                return None
            periods.append(expanded)
        bare = []
        periods.append(found)
        rest = item[len(found.text) :]
    if bare or len(periods) < 2:
        return None
    return _in_first_year(periods), lead + rest


def _in_first_year(items: list[_Item]) -> list[tuple[str, str]]:
    """Items written without a year take the year the first item named (2021 年一季度、二季度);
    a list that names no year is one year's, the year of its last item ("一季度、二季度、三季度
    和四季度" in April is last year's four, not this year's first and last year's others)."""
    year = parse_period(items[0].period).start.year if items[0].explicit_year else None
    if year is None and not any(item.explicit_year for item in items):
        starts = [parse_period(item.period).start for item in items]
        if starts != sorted(starts):
            year = parse_period(items[-1].period).start.year
    out = []
    for item in items:
        period = item.period
        if year is not None and not item.explicit_year and "/" not in period:
            if parse_period(period).kind in ("half", "quarter", "month"):
                period = shift_year(period, year)
        out.append((period, item.text))
    return out


YEAR_NAMED_RE = re.compile(r"(?:19|20)\d{2}\s*年|去年|今年|上一?年|明年|前年|本年")
WITHIN_A_YEAR = ("half", "quarter", "month")


def in_sentence_year(periods: list[tuple[str, str]], first: FoundFigure) -> list[tuple[str, str]]:
    """A list that names no year is in the year its sentence named before it ("2024 年…共完成
    并购交易 89 笔，上、下半年交易金额分别为…" is 2024-H1, 2024-H2 in an issue of 2025)."""
    if YEAR_NAMED_RE.search(periods[0][1]) or first.period is None:
        return periods
    if first.period_from_earlier_sentence or first.year_to_date:
        return periods
    named = parse_period(first.period)
    if named.start.year != named.end.year:
        return periods
    out = []
    for period, text in periods:
        if "/" in period or parse_period(period).kind in WITHIN_A_YEAR:
            period = shift_year(period, named.start.year)
        out.append((period, text))
    return out


def quarters_of_the_year(
    head: str, first: FoundFigure, size: int
) -> tuple[list[tuple[str, str]], str] | None:
    """ "2023 年…。分季度看，各季度增速分别为 a、b、c 和 d": the four quarters of the year the
    text is talking about."""
    if size != 4 or not EACH_QUARTER_RE.search(head) or first.period is None:
        return None
    if parse_period(first.period).kind != "year":
        return None
    year = first.period
    listed = [(f"{year}-Q{q}", QUARTER_NAMES[q - 1]) for q in range(1, 5)]
    return listed, EACH_RE.sub("", head)


def clause_before(text: str, head_start: int) -> tuple[int, str]:
    """The clause before the one starting at head_start ("2020 年和 2021 年" of "…，市场规模")."""
    if head_start <= 0:
        return head_start, ""
    start = list_head_start(text, head_start - 1)
    return start, text[start : head_start - 1]


def starts_with_subject(clause: str, found: tuple[list[tuple[str, str]], str]) -> bool:
    """Does a clause name something before its list of periods ("物流需求一季度、二季度…")?
    Only a clause that opens with its periods ("去年一季度和四季度交易较为活跃，分别…",
    "疫情最为严重的 1—2 月与…3 月，…分别") lends them to the 分别 clause after it."""
    clause = DESCRIBED_RE.sub("", clause.strip())
    opens = clause.startswith(found[0][0][1]) or BARE_LIST_START_RE.match(clause)
    # "今年前三个季度，…", "7—9 月各月，…": a clause that is nothing but its periods.
    return not (opens or RUN_START_RE.match(clause) or not has_subject(found[1]))


def respectively_periods(text: str, exprs: list[TimeExpr], published: date) -> set[int]:
    """ids of the period expressions listed before a 分别 of the sentence.

    Each names the period of one figure of the list (see mark_respectively);
    none is the period the text goes on about, so none sets the chain.
    """
    listed: set[int] = set()
    for word in RESPECTIVELY_WORD_RE.finditer(text):
        at = word.start()
        start = list_head_start(text, at)
        span = None
        size = _figures_listed(text, word.end())
        if period_list(text[start:at], published, size):
            span = (start, at)
        else:
            before_start, before = clause_before(text, start)
            found = period_list(before, published, own_size(text[start:at], size))
            if found and not starts_with_subject(before, found):
                span = (before_start, start)
        if span:
            listed.update(id(e) for e in exprs if span[0] <= e.start < span[1])
    return listed


def _figures_listed(text: str, after: int) -> int:
    """How many figures follow 分别 in its clause ("分别为 24.2%、10.7%、5.3% 和 4.4%")."""
    end = HEAD_END_RE.search(text, after)
    return len(find_quantities(text[after : end.start() if end else len(text)]))


def own_size(head: str, size: int | None) -> int | None:
    """A run of quarters in the clause before is no list when the head lists subjects."""
    return size if len([p for p in LIST_SPLIT_RE.split(head) if p.strip()]) <= 1 else None
