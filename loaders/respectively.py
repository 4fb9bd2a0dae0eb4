"""分别 lists: "A 和 B 分别为 x 和 y" gives each figure its own subject or period."""

from __future__ import annotations

import re
from datetime import date

from loaders.sentences import FoundFigure
from loaders.timeexpr import TimeExpr, find_time_expressions

# "A 和 B 分别为 x 和 y": the list of subjects before 分别.
RESPECTIVELY_RE = re.compile(r"分别(?:为|是|达到|达|占|增长|下降)?$")
LIST_SPLIT_RE = re.compile(r"和|、|与|及|以及|,|，")
LIST_HEAD_RE = re.compile(
    r"(指数|总额|总收入|收入|成交量|成交额|成交金额|金额|规模|增速|渗透率|数量|笔数|总量)$"
)
# Text between figures of one 分别 list.
LIST_GAP_RE = re.compile(r"^\s*(?:和|、|与|及|,|，)\s*$")
RESPECTIVELY_AFTER_RE = re.compile(r"\s*分别")


def respectively_periods(text: str, exprs: list[TimeExpr]) -> set[int]:
    """ids of the periods listed before 分别 ("一季度、二季度、三季度分别增长 …").

    Each names the period of one figure of the list (see mark_respectively);
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


def mark_respectively(figures: list[FoundFigure], published: date) -> None:
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
