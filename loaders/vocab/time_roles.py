"""The role of a period expression among the figures around it (loaders.vocab.timeexpr).

`role_of(shadow, start, end)` says whether the period at shadow[start:end] (the ASCII shadow
of the text) is `set`: the period of the figures that follow; `local`: the period of the next
figure only ("2019 年的 367 亿元", "去年同期为 …"); or `reference`: a comparison base or a
starting point that names no figure's period ("高于 2019 年水平", "2011 年以来", "受上年同期
基数抬高影响").
"""

from __future__ import annotations

import re

# A period named as a comparison base or a starting point is no figure's period.
REFERENCE_BEFORE = (
    "较",
    "比",
    "过",
    "与",
    "同",
    "自",
    "相比",
    "对比",
    "回到",
    "恢复到",
    # 于 compares after a word of degree ("高于 2019 年水平", "早于 2025 年"); alone it
    # says when, see _WHEN_BEFORE.
    *(f"{word}于" for word in "高低多少大小快慢好优早晚先强弱等"),
    "相当于",
)
# "将于 2029 年达到 68.4 亿美元": a bare 于 dates the figure of its clause; with no figure
# in its clause it dates an event ("将于 7 月择机启动上线交易"), no figure's period.
_WHEN_BEFORE = "于"
_FIGURE_IN_CLAUSE_RE = re.compile(r"[^,，;；。！？!?]*?\d")
# "2019 年的 367 亿元", "较 2020 年的 1,750 亿元", "较去年同期（66 笔）": a period glued to
# one figure.
# A date in the bracket ("截至 10 月 29 日（10 月最后一个交易日）") is no figure of its own.
# "超过 2019 年全年水平（367 亿元）": the level of that period, its figure in brackets.
_OWN_FIGURE_AFTER = re.compile(
    r"(?:的?(?:水平|规模|总量|总额)\s*[(（]|的|[(（])"
    r"\s*(?:约|近|超过|逾|超|不足)?\s*\d+(?:[.,]\d+)*\s*(?![年月日号\d.,])"
)
# "较 2021 年 7 月 16 日首日收盘价 51.23 元/吨": after a comparison word, a period, the name
# of what is compared and its figure: the base's own period, like "较去年同期的 66 笔". A
# word of change in between ("较上年同期增长 5%", "比上年高 2 个百分点") makes the period
# a reference instead.
_COMPARED_BEFORE = ("较", "比", "相比", "相较", "对比", "高于", "低于", "超过", "多于", "少于")
_NAMED_FIGURE_AFTER = re.compile(
    r"\s*(?P<noun>[^\d\s,，;；:：。、()（）]{1,8}?)\s*(?:约|近|超过|逾|超|不足)?\s*\d"
)
_CHANGE_WORD_RE = re.compile(r"增|降|升|涨|跌|减|加|提高|回|缓|快|慢|多|少|扩|缩|窄|^高|^低|为|是")


def names_a_base(noun: str) -> bool:
    """Is the noun between a compared period and its figure a name, not a change?"""
    return bool(noun) and not _CHANGE_WORD_RE.search(noun)


# "低于上年同期 6.9% 的增长水平": the base's figure right after its period (a difference in
# percentage points is no base: "高于 2019 年 1.2 个百分点").
_BASE_FIGURE_AFTER = re.compile(
    r"\s*(?:约|近|超过|逾|超|不足)?\s*\d[\d,.]*\s*(?!\d|[.,]|个百分点|百分点|倍)"
)


def _named_base_after(shadow: str, start: int, end: int) -> bool:
    if not shadow[max(0, start - 4) : start].rstrip().endswith(_COMPARED_BEFORE):
        return False
    if _BASE_FIGURE_AFTER.match(shadow, end):
        return True
    named = _NAMED_FIGURE_AFTER.match(shadow, end)
    return named is not None and names_a_base(named["noun"])


_REFERENCE_AFTER = (
    "以来",
    "来",
    "水平",
    "前",
    "之前",
    "以前",
    "以后",
    "之后",
    "后",
    "起",
    "开始",
    "相比",
    "同期水平",
    "基数",  # "受上年基数抬高影响": the base of a comparison
    # "中国物流信息中心 4 月 29 日发布的分析显示": the day of an event dates no figure.
    "发布",
    "公布",
    # "为全年最高水平", "为近四年最低", "创近五年新高": a superlative over the period ranks a
    # figure, it names no figure's period.
    *(f"最{word}" for word in "高低好差大小快慢多少"),
    "新高",
    "新低",
    "高点",
    "低点",
    "峰值",
)

# "受下半年疫情散发和上年同期基数抬高等因素影响，…": a clause saying what caused the figures;
# the periods in it date the cause, not the figures that follow.
_CAUSE_OPEN_RE = re.compile(
    r"^\s*(?:主要|但|而|也|这主要是|一方面|另一方面)?(?:受|由于|随着|得益于|因)"
)
_CAUSE_CLOSE_RE = re.compile(r"影响|因素|冲击|带动|拉动|推动|作用|制约|拖累")
_CLAUSE_BREAK = ",;。!?"


def _in_a_cause(shadow: str, start: int, end: int) -> bool:
    clause_start = max(shadow.rfind(ch, 0, start) for ch in _CLAUSE_BREAK) + 1
    ends = [at for ch in _CLAUSE_BREAK if (at := shadow.find(ch, end)) >= 0]
    clause_end = min(ends) if ends else len(shadow)
    return bool(_CAUSE_OPEN_RE.match(shadow[clause_start:start])) and bool(
        _CAUSE_CLOSE_RE.search(shadow, end, clause_end)
    )


def role_of(shadow: str, start: int, end: int, same: bool = False) -> str:
    """How an expression at shadow[start:end] relates to the figures around it."""
    if _in_a_cause(shadow, start, end) and not _FIGURE_IN_CLAUSE_RE.match(shadow, end):
        return "reference"
    before = shadow[max(0, start - 4) : start].rstrip()
    after = shadow[end : end + 4].lstrip()
    if _OWN_FIGURE_AFTER.match(shadow, end) or _OWN_FIGURE_AFTER.match(shadow[end:].lstrip()):
        return "local"
    if _named_base_after(shadow, start, end):
        return "local"
    if before.endswith(REFERENCE_BEFORE) or after.startswith(_REFERENCE_AFTER):
        return "reference"
    if before.endswith(_WHEN_BEFORE) and not _FIGURE_IN_CLAUSE_RE.match(shadow, end):
        return "reference"
    if same:
        # "去年同期为下降 7.5%": an aside about one figure, the text goes on
        # about the period it was talking about.
        return "local"
    return "set"
