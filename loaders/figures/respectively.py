"""分别 lists: "A 和 B 分别为 x 和 y" (or 依次为) gives each figure its own subject or period.

The words before 分别, back to the clause break, are the head of the list:
- subjects: "业务总量指数和新订单指数分别为 x 和 y" pairs the nouns with the figures
  in order (a bare head noun borrows the stem or the head of its neighbours);
- periods: "一季度、二季度社会物流总额分别增长 x 和 y" gives each figure its own
  period, and the words after the list ("社会物流总额") are the shared subject (the list
  of periods is read in loaders.figures.listed_periods);
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

from loaders.figures.listed_periods import (
    LIST_SPLIT_RE,
    clause_before,
    in_sentence_year,
    list_head_start,
    own_size,
    period_list,
    quarters_of_the_year,
    starts_with_subject,
)
from loaders.figures.mapping import has_subject
from loaders.text.sentences import FoundFigure
from loaders.vocab.timeexpr import find_time_expressions

# "A 和 B 分别为 x 和 y": 分别 and the verb before the first figure of the list.
RESPECTIVELY_RE = re.compile(r"(?:分别|依次)[^,，;；:：。、\d]{0,8}$")
LIST_HEAD_RE = re.compile(
    r"(指数|总额|总收入|收入|成交量|成交额|成交金额|金额|规模|增速|渗透率|数量|笔数|总量|产量|销量)$"
)
# Text between figures of one 分别 list.
LIST_GAP_RE = re.compile(r"^\s*(?:和|、|与|及|,|，)\s*$")
# Two things named in one word: 产销 is 产量 and 销量, in that order.
PAIRED_COMPOUNDS = {
    "产销": ("产量", "销量"),
    "进出口": ("进口", "出口"),
    "收支": ("收入", "支出"),
}


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
        begin = list_head_start(sentence_text, first.quantity.start)
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
        periods = period_list(head, published, len(group))
        if periods is None:
            _, before = clause_before(sentence_text, begin)
            found = period_list(before, published, own_size(head, len(group)))
            if found and not starts_with_subject(before, found):
                periods = (found[0], head)
        if periods is None:
            periods = quarters_of_the_year(head, first, len(group))
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
        elif (again := _figures_again(figures, i - len(group), head, published)) is not None:
            listed.bases = again
        elif len(group) > 1:
            for figure in group:
                figure.given_subject = ""  # cannot pair subjects and figures
            continue
        if listed.periods:
            listed.periods = in_sentence_year(listed.periods, first)
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


def _figures_again(
    figures: list[FoundFigure], first: int, head: str, published: date
) -> list[str] | None:
    """ "共完成并购交易 118 笔，交易总金额约 760 亿元，2022 年分别为 126 笔和 902 亿元": a head
    naming only a period gives the figures before it in its sentence again, for that period,
    in their order (each its unit); None unless they are as many and their units pair."""
    group = _group(figures, first)
    size = len(group)
    if size < 2 or first < size or has_subject(head):
        return None
    if not any(e.period and e.role != "reference" for e in find_time_expressions(head, published)):
        return None
    before = figures[first - size : first]
    sentence = figures[first].sentence
    if any(f.sentence is not sentence for f in before):
        return None
    if any(a.quantity.unit != b.quantity.unit for a, b in zip(before, group, strict=True)):
        return None
    if len({f.quantity.unit for f in group}) < size:
        return None  # "…分别为 5% 和 6%" after two rates: which is whose is not said by units
    return [f.given_subject or f.pre for f in before]
