"""The qualifier vocabulary: the words that make a figure approximate or a bound, and how a
qualifier is written back. Parsing and printing use these tables only, so whatever the CLI
prints or the dashboard shows is accepted again in a review row or a figures table.
"""

from __future__ import annotations

from typing import Literal, get_args

Qualifier = Literal["exact", "approx", "more_than", "less_than"]
QUALIFIERS: tuple[Qualifier, ...] = get_args(Qualifier)

# Words just before a number that qualify it (longest first).
BEFORE_NUMBER: tuple[tuple[str, Qualifier], ...] = (
    # Negated bounds first: 不超过 must not be read as 超过.
    ("不低于", "more_than"),
    ("不少于", "more_than"),
    ("不超过", "less_than"),
    ("不高于", "less_than"),
    ("大约", "approx"),
    ("将近", "approx"),
    ("接近", "approx"),
    ("约", "approx"),
    ("近", "approx"),
    ("超过", "more_than"),
    ("多于", "more_than"),
    ("逾", "more_than"),
    ("突破", "more_than"),
    # A mark passed or reached: 迈过 2 亿美元关口, 站上 50% 荣枯线, 跨越 300 万亿元.
    ("迈过", "more_than"),
    ("跨过", "more_than"),
    ("跨越", "more_than"),
    ("迈上", "more_than"),
    ("站上", "more_than"),
    ("至少", "more_than"),
    ("超", "more_than"),
    ("不足", "less_than"),
    ("至多", "less_than"),
    ("不到", "less_than"),
    ("低于", "less_than"),
    ("少于", "less_than"),
)
# Words just after a number (or its unit) that qualify it.
AFTER_NUMBER: tuple[tuple[str, Qualifier], ...] = (
    ("及以上", "more_than"),
    ("及以下", "less_than"),
    ("左右", "approx"),
    ("上下", "approx"),
    ("以上", "more_than"),
    ("有余", "more_than"),
    ("以下", "less_than"),
    ("以内", "less_than"),
)
# 2000 多家, 三十余笔: a number followed by 多/余 is "more than".
MORE_SUFFIXES = ("多", "余")

# How a qualifier is written before a number in Chinese text (the CLI's table).
WORD_ZH: dict[Qualifier, str] = {
    "exact": "",
    "approx": "约",
    "more_than": "超过",
    "less_than": "不足",
}
# The sign shown before a number on a page: ≥4,500 亿元, ≈3.5%.
SIGN: dict[Qualifier, str] = {"exact": "", "approx": "≈", "more_than": "≥", "less_than": "≤"}
# The qualifier named as a label (chart legends, selectors).
LABEL_ZH: dict[Qualifier, str] = {
    "exact": "确数",
    "approx": "约",
    "more_than": "不少于",
    "less_than": "不超过",
}

_PARSE: dict[str, Qualifier] = {
    "": "exact",
    **{q: q for q in QUALIFIERS},
    **{word: q for word, q in BEFORE_NUMBER + AFTER_NUMBER},
    **{word: q for q, word in WORD_ZH.items() if word},
    **{sign: q for q, sign in SIGN.items() if sign},
    **{label: q for q, label in LABEL_ZH.items()},
    **{suffix: "more_than" for suffix in MORE_SUFFIXES},
    "=": "exact",
    "~": "approx",
    ">=": "more_than",
    "<=": "less_than",
}


class QualifierError(ValueError):
    """A qualifier cell that names none of the four."""


def parse_qualifier(text: str | None) -> Qualifier:
    """exact/approx/more_than/less_than, or any word of the vocabulary (约, 超过, 不足, 以上,
    ≥, 不少于 …); blank is exact. QualifierError names what was given."""
    key = (text or "").strip()
    found = _PARSE.get(key) or _PARSE.get(key.lower())
    if found is None:
        raise QualifierError(
            f"限定词应为 {'/'.join(QUALIFIERS)}（或 约、超过、不足 等），而不是 {key!r}"
        )
    return found
