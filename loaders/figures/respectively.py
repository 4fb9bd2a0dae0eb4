"""分别 lists: "A 和 B 分别为 x 和 y" (or 依次为) gives each figure its own subject or period.

The words before 分别, back to the clause break, are the head of the list:
- subjects: "业务总量指数和新订单指数分别为 x 和 y" pairs the nouns with the figures
  in order (a bare head noun borrows the stem or the head of its neighbours);
- periods: "一季度、二季度社会物流总额分别增长 x 和 y" gives each figure its own
  period, and the words after the list ("社会物流总额") are the shared subject; a
  list may be written with one suffix ("一、二、三季度"), and a year named by its
  first item holds for the rest ("2021 年一季度、二季度", "2021 年上、下半年"), a list
  naming no year is one year's, in the year its sentence named before it; a list
  opening the clause before ("2020 年和 2021 年，市场规模分别为 …") counts as well, and
  so does a run ("一至四季度", "7—9 月各月", "前三个季度") as many as its figures;
- a compound of two ("新能源汽车产销分别完成 x 和 y") splits into its parts;
- a second 分别 clause of the sentence with no list of its own ("…，规模分别为 x
  和 y", "…，同比分别增长 c 和 d") shares the periods of the first and, unless it
  names a series itself, its subjects; one naming a series noun of its own ("…，累计成交额
  分别为 c 和 d") keeps the owners of the first list's items.
A list whose items cannot be paired with its figures pairs none of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from loaders.figures.mapping import has_subject
from loaders.text.sentences import FoundFigure
from loaders.vocab.periods import months_of, parse_period, quarters_of, shift_year
from loaders.vocab.quantities import find_quantities
from loaders.vocab.timeexpr import TimeExpr, find_time_expressions

# "A 和 B 分别为 x 和 y": 分别 and the verb before the first figure of the list.
RESPECTIVELY_RE = re.compile(r"(?:分别|依次)[^,，;；:：。、\d]{0,8}$")
RESPECTIVELY_WORD_RE = re.compile(r"分别|依次")
LIST_SPLIT_RE = re.compile(r"以及|和|、|与|及|,|，")
LIST_HEAD_RE = re.compile(
    r"(指数|总额|总收入|收入|成交量|成交额|成交金额|金额|规模|增速|渗透率|数量|笔数|总量|产量|销量)$"
)
# Text between figures of one 分别 list.
LIST_GAP_RE = re.compile(r"^\s*(?:和|、|与|及|,|，)\s*$")
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
# Two things named in one word: 产销 is 产量 and 销量, in that order.
PAIRED_COMPOUNDS = {
    "产销": ("产量", "销量"),
    "进出口": ("进口", "出口"),
    "收支": ("收入", "支出"),
}


@dataclass
class _Item:
    period: str
    text: str
    explicit_year: bool


@dataclass
class _Listed:
    """What one 分别 list gave its figures, for a second clause that shares it."""

    sentence: object
    size: int
    periods: list[tuple[str, str]] | None
    bases: list[str] | None  # the subject words of each item
    # Whose each item is, when the items share one noun after 的 ("全国碳市场与 7 个试点碳
    # 市场的累计成交量"): a second clause naming another noun is about the same owners.
    owners: list[str] | None = None


def _head_start(text: str, upto: int) -> int:
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


def _period_list(
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


def _in_sentence_year(periods: list[tuple[str, str]], first: FoundFigure) -> list[tuple[str, str]]:
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


def _quarters_of_the_year(
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


def _clause_before(text: str, head_start: int) -> tuple[int, str]:
    """The clause before the one starting at head_start ("2020 年和 2021 年" of "…，市场规模")."""
    if head_start <= 0:
        return head_start, ""
    start = _head_start(text, head_start - 1)
    return start, text[start : head_start - 1]


def _starts_with_subject(clause: str, found: tuple[list[tuple[str, str]], str]) -> bool:
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
        start = _head_start(text, at)
        span = None
        size = _figures_listed(text, word.end())
        if _period_list(text[start:at], published, size):
            span = (start, at)
        else:
            before_start, before = _clause_before(text, start)
            found = _period_list(before, published, _own_size(text[start:at], size))
            if found and not _starts_with_subject(before, found):
                span = (before_start, start)
        if span:
            listed.update(id(e) for e in exprs if span[0] <= e.start < span[1])
    return listed


def _figures_listed(text: str, after: int) -> int:
    """How many figures follow 分别 in its clause ("分别为 24.2%、10.7%、5.3% 和 4.4%")."""
    end = HEAD_END_RE.search(text, after)
    return len(find_quantities(text[after : end.start() if end else len(text)]))


def _own_size(head: str, size: int | None) -> int | None:
    """A run of quarters in the clause before is no list when the head lists subjects."""
    return size if len([p for p in LIST_SPLIT_RE.split(head) if p.strip()]) <= 1 else None


def _owners(items: list[str]) -> list[str] | None:
    """ "全国碳市场" and "7 个试点碳市场的累计成交量": owners of one noun after 的 in the last
    item, the others without 的 -> ["全国碳市场的", "7 个试点碳市场的"]."""
    last = items[-1]
    at = last.rfind("的")
    if at <= 0 or any("的" in item for item in items[:-1]):
        return None
    return [item.strip() + "的" for item in items[:-1]] + [last[: at + 1]]


def _owners_of(bases: list[str], head: str, names_series: Callable) -> list[str] | None:
    """The words before the noun a list's subjects end with alike ("全国碳市场" and "地方试点
    碳市场" of "…累计成交量"), when each with the head noun names a series."""
    tail = _series_tail(bases, names_series)
    if not tail or not names_series(head):
        return None
    owners = [base.strip()[: -len(tail)].strip() for base in bases]
    if not all(owners) or not all(names_series(owner + head.strip()) for owner in owners):
        return None
    return owners


def _series_tail(bases: list[str], names_series: Callable) -> str:
    """The shortest end all subjects share that names a series ("累计成交量", not "碳市场累计
    成交量"), or ""."""
    first = bases[0].strip()
    for size in range(2, len(first) + 1):
        tail = first[-size:]
        if all(base.strip().endswith(tail) for base in bases) and names_series(tail):
            return tail
    return ""


def _subject_items(items: list[str], names_series: Callable[[str], bool]) -> list[str]:
    """ "业务量和新订单指数": the last head noun completes the first items (with the words
    before it that make a series name: "全国碳市场和试点碳市场累计成交量");
    "并购交易数量和金额": the first item's stem completes bare heads; "A 与 B 的累计成交量":
    the noun after 的 completes every owner."""
    owners = _owners(items)
    if owners is not None:
        noun = items[-1][items[-1].rfind("的") + 1 :]
        return [owner + noun for owner in owners]
    last = items[-1].strip()
    last_head = LIST_HEAD_RE.search(last)
    first_head = LIST_HEAD_RE.search(items[0])
    stem = items[0][: first_head.start()] if first_head else ""
    out = []
    for k, item in enumerate(items):
        if k and stem and LIST_HEAD_RE.fullmatch(item.strip()):
            item = stem + item.strip()
        elif last_head and not LIST_HEAD_RE.search(item):
            item += _parallel_tail(item.strip(), last, last_head.start(), names_series)
        out.append(item)
    return out


def _parallel_tail(item: str, last: str, head_at: int, names_series: Callable) -> str:
    """What completes an item from the last one: the words after the word both end their
    owner with ("全国碳市场" / "试点碳市场累计成交量" -> "累计成交量"), else the head noun."""
    for size in range(len(item), 1, -1):
        at = last.find(item[-size:])
        tail = last[at + size :] if 0 <= at and at + size <= head_at else ""
        if tail and names_series(item + tail):
            return tail
    return last[head_at:]


def _compound_parts(head: str, size: int) -> list[str] | None:
    """ "新能源汽车产销" with two figures -> 新能源汽车产量, 新能源汽车销量."""
    if size != 2:
        return None
    for word, parts in PAIRED_COMPOUNDS.items():
        # "产销", also written apart: "产、销", "产和销".
        found = list(re.finditer(rf"{word[0]}[、和与及/]?{word[1:]}", head))
        if found:
            at, end = found[-1].span()
            return [head[:at] + part + head[end:] for part in parts]
    return None


def _group(figures: list[FoundFigure], i: int) -> list[FoundFigure]:
    group = [figures[i]]
    j = i + 1
    while (
        j < len(figures)
        and figures[j].sentence is figures[i].sentence
        and LIST_GAP_RE.match(figures[j].gap or "x")
    ):
        group.append(figures[j])
        j += 1
    return group


def _bracketed_for(
    figures: list[FoundFigure], at: int, group: list[FoundFigure], head: str
) -> list[FoundFigure] | None:
    """The figures before an open bracket whose values a 分别 list inside it gives again,
    one per figure listed: as many figures of the sentence right before the bracket."""
    opened = max(head.rfind("（"), head.rfind("("))
    if opened < 0 or max(head.rfind("）"), head.rfind(")")) > opened or len(group) < 2:
        return None
    if has_subject(head[opened + 1 :]):
        return None  # "（其中 A 和 B 分别为…）": the bracket names its own subjects
    before = figures[at - len(group) : at] if at >= len(group) else []
    sentence = group[0].sentence
    if len(before) != len(group) or any(f.sentence is not sentence for f in before):
        return None
    if any(f.quantity.start > sentence.text.find(head[opened:]) for f in before):
        return None
    return before


def mark_respectively(
    figures: list[FoundFigure], published: date, names_series: Callable[[str], bool]
) -> None:
    """Give each figure of "A 和 B 分别为 x 和 y" its own subject (or period).

    names_series: does a text name a catalog series (a second 分别 clause that does
    keeps its own subject)?
    """
    i = 0
    previous: _Listed | None = None
    while i < len(figures):
        first = figures[i]
        sentence_text = first.sentence.text
        begin = _head_start(sentence_text, first.quantity.start)
        pre = sentence_text[begin : first.quantity.start].rstrip()
        match = RESPECTIVELY_RE.search(pre)
        if not match:
            i += 1
            continue
        group = _group(figures, i)
        i += len(group)
        head = pre[: match.start()]
        if (owners := _bracketed_for(figures, i - len(group), group, head)) is not None:
            # "业务总量指数回落至 55.2%，新订单指数下滑至 54.0%（10 月份分别为 56.5% 和
            # 55.7%）": a bracket after figures gives each of them another value, in order.
            for figure, owner in zip(group, owners, strict=True):
                figure.given_subject = (owner.given_subject or owner.pre) + match.group(0)
            continue
        listed = _Listed(first.sentence, len(group), None, None)
        items = [part for part in LIST_SPLIT_RE.split(head) if part.strip()]
        periods = _period_list(head, published, len(group))
        if periods is None:
            _, before = _clause_before(sentence_text, begin)
            found = _period_list(before, published, _own_size(head, len(group)))
            if found and not _starts_with_subject(before, found):
                periods = (found[0], head)
        if periods is None:
            periods = _quarters_of_the_year(head, first, len(group))
        if periods and not has_subject(periods[1]):
            periods = (periods[0], "")  # "各季度增速": no noun, the series before speaks
        shared = (
            previous
            if previous and previous.sentence is first.sentence and previous.size == len(group)
            else None
        )
        if periods and len(periods[0]) == len(group):
            listed.periods = periods[0]
            if periods[1].strip():
                listed.bases = [periods[1]] * len(group)
        elif periods:
            # Periods that do not pair with the figures: which is whose is not said.
            for figure in group:
                figure.period, figure.period_text = None, ""
            continue
        elif (parts := _compound_parts(head, len(group))) is not None:
            listed.bases = parts
        elif (pair := _pair_before(figures, i - len(group), head, names_series)) is not None:
            listed.bases = pair
        elif len(items) >= 2 and len(items) == len(group):
            listed.bases = _subject_items(items, names_series)
            listed.owners = _owners(items)
        elif shared and len(items) <= 1:
            # "…分别达到 a 和 b，同比分别增长 c 和 d": the list before speaks here too;
            # its subjects complete a head that is only a measure (规模, 同比), not one
            # naming a noun of its own ("交易金额分别为").
            listed.periods = shared.periods
            bare_head = not has_subject(head) or LIST_HEAD_RE.fullmatch(head.strip())
            if shared.bases and bare_head and not names_series(head):
                listed.bases = [base + head for base in shared.bases]
            elif shared.owners and "的" not in head:
                # "…的累计成交量分别为 a 和 b，累计成交额分别为 c 和 d": the same owners.
                listed.bases = [owner + head.strip() for owner in shared.owners]
            elif shared.bases and (owners := _owners_of(shared.bases, head, names_series)):
                # "全国碳市场和地方试点碳市场累计成交量分别为 a 和 b，累计成交额分别为 c 和
                # d": the owners of the first list's shared noun own this noun too.
                listed.bases = [owner + head.strip() for owner in owners]
                listed.owners = owners
            listed.owners = listed.owners or shared.owners
        elif len(group) > 1:
            for figure in group:
                figure.given_subject = ""  # cannot pair subjects and figures
            continue
        if listed.periods:
            listed.periods = _in_sentence_year(listed.periods, first)
        for k, figure in enumerate(group):
            if listed.periods:
                figure.period, figure.period_text = listed.periods[k]
                figure.period_carried = figure.period_from_earlier_sentence = False
                figure.year_to_date = False
            if listed.bases:
                figure.given_subject = listed.bases[k] + match.group(0)
        previous = listed


# "物流业总收入 6.2 万亿元，社会物流总额 160.1 万亿元，两者同比分别增长 4.1% 和 4.8%": the two
# figures before, in their order, name what 两者 takes up.
BOTH_RE = re.compile(r"两者|二者|两项|两个指标")


def _pair_before(
    figures: list[FoundFigure], first: int, head: str, names_series: Callable[[str], bool]
) -> list[str] | None:
    """The subjects of "两者…分别 a 和 b": the series the two figures before it in its
    sentence named, each with the head's other words (its measure); None unless both name
    a series."""
    both = BOTH_RE.search(head)
    if both is None or first < 2:
        return None
    sentence = figures[first].sentence
    named = [f.given_subject or f.pre for f in figures[first - 2 : first]]
    if any(f.sentence is not sentence for f in figures[first - 2 : first]):
        return None
    if not all(names_series(name) for name in named):
        return None
    rest = head[: both.start()] + head[both.end() :]
    return [name.strip() + rest.strip() for name in named]
