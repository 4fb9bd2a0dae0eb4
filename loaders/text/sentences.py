"""Paragraphs, sentences and clauses of an article, and the record of one figure in them.

Every later step (periods, 分别 lists, subjects, table rows) works on these: a
`Sentence` knows its offsets in the article text, a `FoundFigure` carries the
quantity with the words and the period around it until it is mapped.
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.vocab.quantities import Quantity

SENTENCE_END = "。！？!?"
# Parentheses are no clause break: "搭载组合驾驶辅助系统(L2 级)的乘用车" is one subject.
CLAUSE_BREAKS = ",，;；:：。！？!?、"


@dataclass
class Sentence:
    start: int  # offset in the article text
    end: int
    text: str


@dataclass
class FoundFigure:
    quantity: Quantity  # offsets relative to the sentence
    sentence: Sentence
    period: str | None
    period_text: str
    pre: str  # clause words before the figure
    post: str  # noun right after a counted figure
    subject: str = ""
    measure: str | None = None
    # The subject a 分别 list or a table row gave the figure ("" when it could not).
    given_subject: str | None = None
    gap: str | None = None  # text since the previous figure of the sentence
    subject_from: int | None = None  # index of the figure whose subject it took
    period_carried: bool = False  # period from the paragraph before
    # The period was named in an earlier sentence (or paragraph), not in the figure's own.
    period_from_earlier_sentence: bool = False
    # The sentence speaks of a day named before (首日, 当日, 同日).
    refers_back_to_day: bool = False
    # The day the article named last, whatever its role ("自 7 月 16 日启动上线交易以来"):
    # what 首日 / 当日 take up when the period talked about is no day.
    day_named_before: str | None = None
    # Under 今年以来 / 年内累计: a sum since January, not a total since a market opened.
    year_to_date: bool = False
    # Which period the text means is not said ("同期" after periods side by side, a
    # period read as a coming one only if a forecast before its clause reaches it).
    period_open: bool = False
    # Words around the figure that frame it without being in its sentence: the caption
    # of its table ("6 月物流业景气指数分项："), searched for context and exclude words.
    context: str = ""
    # What the figure is to its sentence besides a statement (loaders.figures.roles):
    # "superseded", "revised", "threshold", "subset", "milestone" or "base"; "" for a
    # plain statement.
    role: str = ""
    # The noun a base names after its period ("较 2021 年 7 月 16 日首日开盘价 48 元/吨").
    base_noun: str = ""
    # Who the figure is about, for exclude words: the words before its series
    # noun, else (a clause naming nothing but the measured noun) those of the
    # figure before it in the sentence ("湖北碳市场累计成交量 x,累计成交额 y").
    scope: str = ""


def paragraphs(text: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, line))
        pos += len(line) + 1
    return out


def sentences(offset: int, paragraph: str) -> list[Sentence]:
    out: list[Sentence] = []
    start = 0
    i = 0
    while i < len(paragraph):
        char = paragraph[i]
        if char in SENTENCE_END:
            # Keep a closing quote or bracket with its sentence.
            j = i + 1
            while j < len(paragraph) and paragraph[j] in "”’」)）":
                j += 1
            out.append(Sentence(offset + start, offset + j, paragraph[start:j]))
            start = j
            i = j
            continue
        i += 1
    if paragraph[start:].strip():
        out.append(Sentence(offset + start, offset + len(paragraph), paragraph[start:]))
    trimmed = []
    for s in out:
        lead = len(s.text) - len(s.text.lstrip())
        tail = len(s.text.rstrip())
        if tail > lead:
            trimmed.append(Sentence(s.start + lead, s.start + tail, s.text[lead:tail]))
    return trimmed


def clause_start(shadow: str, position: int, floor: int) -> int:
    """Where the clause of the figure at position begins (after a , ; : 。 、 …).

    A colon right before the figure is no break: in a row "业务总量指数：52.1%"
    the name before it is what the figure is about.
    """
    i = position
    while i > floor and shadow[i - 1] not in CLAUSE_BREAKS:
        i -= 1
    if i > floor and shadow[i - 1] in ":：" and not shadow[i:position].strip():
        return clause_start(shadow, i - 1, floor)
    return i
