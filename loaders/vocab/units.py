"""Units as data: a unit is a magnitude word and a base unit, and there is one conversion.

`亿元` is the magnitude 亿 (1e8) and the base unit 元; `万辆` is 1e4 辆; `%` and `元/吨` have
no magnitude. The quantity parser reads what a brief writes (`1,765 万吨`, `1.4 亿美金`,
`66 宗`) into a value in a base unit; the catalog keeps each series in one unit of this form;
review rows and figure tables may give any unit of this form. `convert` is the only place a
value changes unit, and it only rescales within one base: 美元 and 元 differ in base, so a
dollar figure is never turned into yuan (that would need an exchange rate the brief does not
give).
"""

from __future__ import annotations

import math

# Magnitude words multiply the number; longest first, so 万亿 wins over 万 and 亿.
MAGNITUDES: dict[str, float] = {
    "万亿": 1e12,
    "千亿": 1e11,
    "百亿": 1e10,
    "亿": 1e8,
    "千万": 1e7,
    "百万": 1e6,
    "十万": 1e5,
    "万": 1e4,
    "千": 1e3,
}

# Unit words as a brief writes them -> base unit. Longest first where one is a prefix of
# another (美元/吨 before 美元, 个百分点 before 个).
UNIT_WORDS: dict[str, str] = {
    "个百分点": "pp",
    "百分点": "pp",
    "美元/吨": "美元/吨",
    "元/吨": "元/吨",
    "美元": "美元",
    "美金": "美元",  # 1.4 亿美金
    "欧元": "欧元",
    "日元": "日元",
    "港元": "港元",
    "元": "元",
    "人民币": "元",  # 520 亿人民币
    "%": "%",
    "‰": "‰",
    "吨": "吨",
    "家": "家",
    "笔": "笔",
    "宗": "笔",  # 并购交易 66 宗: the same count as 笔
    "起": "笔",  # 并购交易 66 起: cases counted like 笔 (the parser keeps 起步, 起飞 out)
    "个": "个",
    "次": "次",
    "张": "张",
    "辆": "辆",
    "台": "台",
    "项": "项",
    "件": "件",
    "人": "人",
    "倍": "倍",
    "座": "座",
    "户": "户",
    "款": "款",
    "篇": "篇",
    "套": "套",
    "部": "部",
    "种": "种",
    "位": "位",
    "名": "名",
    "千瓦时": "千瓦时",
    "千瓦": "千瓦",
    "公里": "公里",
    "平方米": "平方米",
    "小时": "小时",
    "天": "天",
}

# Base units that count things (classifiers: 20 多个行业, 3000 家企业), as opposed to
# amounts measured in money, weight or energy.
COUNT_BASES = (
    "个",
    "家",
    "笔",
    "项",
    "件",
    "户",
    "辆",
    "台",
    "座",
    "款",
    "篇",
    "套",
    "部",
    "种",
    "位",
    "名",
    "人",
    "次",
    "张",
)
# Base units that are ratios: no magnitude goes before them (there is no 万%).
RATIO_UNITS = ("%", "‰", "pp", "倍")
# Base units a catalog series may be stored in: every base the parser produces except the
# percentage-point change, which is a difference of two rates, not a series of its own.
SERIES_BASE_UNITS: tuple[str, ...] = tuple(
    base for base in dict.fromkeys(UNIT_WORDS.values()) if base != "pp"
)
# The magnitudes an amount is shown in when read back to a person (2.079e14 元 -> 207.9 万亿元),
# and the bases that are amounts (a count of 1,159,000 个 reads as written).
READABLE_MAGNITUDES = ("万亿", "亿", "万")
READABLE_BASES = ("元", "美元", "欧元", "日元", "港元", "吨", "千瓦时")
# Conversion leaves binary noise (1.2 万亿元 -> 12000.000000000002 亿元); figures in briefs
# carry at most a few significant digits, so 12 are kept.
_SIGNIFICANT_DIGITS = 12


def split_unit(unit: str) -> tuple[str, float] | None:
    """亿元 -> ("元", 1e8), 万辆 -> ("辆", 1e4), % -> ("%", 1.0), 亿美金 -> ("美元", 1e8);
    None for anything that is not a magnitude followed by a known unit word."""
    unit = (unit or "").strip()
    if unit in UNIT_WORDS:
        return UNIT_WORDS[unit], 1.0
    for word, scale in MAGNITUDES.items():
        rest = unit[len(word) :]
        if unit.startswith(word) and rest in UNIT_WORDS and UNIT_WORDS[rest] not in RATIO_UNITS:
            return UNIT_WORDS[rest], scale
    return None


def is_series_unit(unit: str) -> bool:
    """May a catalog series be stored in this unit (亿元, 万辆, %, 元/吨 …)?"""
    parts = split_unit(unit)
    return parts is not None and parts[0] in SERIES_BASE_UNITS


def series_units_help() -> str:
    """How a series unit is written, for error messages."""
    return (
        f"a magnitude ({', '.join(MAGNITUDES)} or none) followed by one of "
        f"{', '.join(SERIES_BASE_UNITS)}"
    )


# Growth written as a multiple ("同比增长 1.2 倍") is a percentage: 1.2 倍 more is +120%.
# (A multiple reaches a %-series only as growth: loaders.figures.mapping gives "是上年的 1.2 倍",
# a ratio, no measure.)
PERCENT_PER_MULTIPLE = 100.0


def convert(value: float, unit: str, target: str) -> float | None:
    """value in unit -> value in target, or None when the two differ in base (美元 vs 元) or
    either is unknown. Rescaling only: 1.2 万亿元 -> 12000 亿元, 1,765 万吨 -> 0.1765 亿吨;
    and a growth multiple into percent: 1.2 倍 -> 120 %."""
    source, goal = split_unit(unit), split_unit(target)
    if source is not None and goal is not None and (source[0], goal[0]) == ("倍", "%"):
        return float(f"{value * PERCENT_PER_MULTIPLE:.{_SIGNIFICANT_DIGITS}g}")
    if source is None or goal is None or source[0] != goal[0]:
        return None
    if source[1] == goal[1]:
        return value
    return float(f"{value * source[1] / goal[1]:.{_SIGNIFICANT_DIGITS}g}")


def readable(value: float, unit: str) -> tuple[float, str]:
    """2.079e14 元 -> (207.9, 万亿元): the largest readable magnitude that keeps |value| >= 1.
    A unit that already has a magnitude, a count or a ratio is left as it is."""
    parts = split_unit(unit)
    if parts is None or parts[1] != 1.0 or parts[0] not in READABLE_BASES or value == 0:
        return value, unit
    if not math.isfinite(value):
        return value, unit
    for word in READABLE_MAGNITUDES:
        if abs(value) >= MAGNITUDES[word]:
            target = word + unit
            return convert(value, unit, target), target  # type: ignore[return-value]
    return value, unit
