"""Spaces in a line of a brief: none next to a Chinese character or mark, none inside a
figure, a word space between Latin words; text spaced glyph by glyph closed up
(the contract is loaders.text.cleaning's)."""

from __future__ import annotations

import re

# Chinese characters and the punctuation that goes with them; a space next to
# one of these is never meaningful (PDF extractors insert them between glyphs).
_CJK = r"\u2014\u2018-\u201d\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
_SPACE_BEFORE_CLOSER = re.compile(r"[ \t]+(?=[,;:!?%)\]])")
_SPACE_AFTER_OPENER = re.compile(r"(?<=[(\[])[ \t]+")
_SPACED_DECIMAL = re.compile(r"(?<=\d)(?:[ \t]+\.[ \t]*|\.[ \t]+)(?=\d)")
# An empty pair of quotation marks encloses nothing: it is what a PDF
# extractor leaves when it moves the marks away from their words
# ("335.2 “ ” 万亿元，是 十三五 初期").
_EMPTY_QUOTES = re.compile(r"“[ \t]*”|‘[ \t]*’|\"[ \t]*\"|'[ \t]*'")
# A moved mark can also land inside a date ("4 月 22“ 日"), where no quote
# ever belongs: between a number and 年/月/日/号.
_QUOTE_IN_DATE = re.compile(r"(?<=\d)[ \t]*[“”‘’][ \t]*(?=[年月日号])")
# "3D - 纳米" becomes "3D-纳米", not "3D -纳米", once the CJK-side space is gone.
_DASH_BEFORE_CJK = re.compile(rf"[ \t]+([-–])(?=[{_CJK}])")
_DASH_AFTER_CJK = re.compile(rf"(?<=[{_CJK}])([-–])[ \t]+")
# A line spaced glyph by glyph has at least this many one-character words.
LETTER_SPACED_MIN_WORDS = 5


def _unspace_letters(line: str) -> str:
    """ "2 0 2 1 年 第 1 5 期" (a PDF that spaces every glyph) → "2021年第15期".

    Only when nearly every word is one character long; a double space then
    stands for a real word space.
    """
    words = line.split(" ")
    singles = sum(1 for w in words if len(w) == 1)
    if len(words) < LETTER_SPACED_MIN_WORDS or singles < 0.8 * len([w for w in words if w]):
        return line
    return " ".join(part.replace(" ", "") for part in re.split(r" {2,}", line))


def tidy_spaces(line: str) -> str:
    """Drop the spaces next to Chinese characters and inside figures; keep Latin word spaces."""
    line = _unspace_letters(line.strip())
    line = _EMPTY_QUOTES.sub(" ", line)
    line = _QUOTE_IN_DATE.sub("", line)
    line = re.sub(r"[ \u00a0]{2,}", " ", line)
    line = _DASH_BEFORE_CJK.sub(r"\1", line)
    line = _DASH_AFTER_CJK.sub(r"\1", line)
    line = _SPACE_NEXT_TO_CJK.sub("", line)
    line = _SPACE_BEFORE_CLOSER.sub("", line)
    line = _SPACE_AFTER_OPENER.sub("", line)
    line = _SPACED_DECIMAL.sub(".", line)
    return line
