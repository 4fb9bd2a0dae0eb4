"""Full-width punctuation beside Chinese text, one character for one (the last step of
loaders.text.cleaning.clean_text)."""

from __future__ import annotations

import re

# NFKC turned the brief's full-width punctuation into ASCII. Next to Chinese text it goes
# back, one character for one (offsets do not move), so that quotes read as the brief
# wrote them: "普华永道：2020 年…，但…" rather than "普华永道:2020 年…,但…".
_TO_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
# Chinese characters and the brief's own full-width marks: CJK punctuation, curly quotes,
# dashes, full-width forms.
_CJK_CHAR = r"[\u3400-\u9fff\u3000-\u303f\u2014\u2018-\u201d\u2026\uff01-\uff5e]"
# A mark right after a percentage ends a Chinese clause too: "超30%;头部…".
_ASCII_PUNCT_NEAR_CJK = re.compile(
    rf"(?<={_CJK_CHAR})[,;:!?()]|(?<=%)[,;:!?)]|[,;:!?()](?={_CJK_CHAR})"
)


_BRACKET = re.compile(r"[()（）]")


def _full_width(match: re.Match) -> str:
    return _TO_FULL_WIDTH[match.group()]


def chinese_punctuation(text: str) -> str:
    """Full-width , ; : ( ) ! ? beside Chinese characters; 4,500 and English stay as they are.

    Works on the string and the positions of brackets, never on a list of every character
    (one string object per Chinese character: 60 MB for a 2 MB brief).
    """
    # Two passes: "7.5%)," turns "，" on the first, then ")" beside it on the second.
    for _ in range(2):
        text = _ASCII_PUNCT_NEAR_CJK.sub(_full_width, text)
    # A bracket pair is one style: "网络(preferred networks)" closes as it opened.
    chosen: dict[int, str] = {}
    opened: list[int] = []
    for match in _BRACKET.finditer(text):
        i, char = match.start(), match.group()
        if char in "(（":
            opened.append(i)
        elif opened:
            start = opened.pop()
            if chosen.get(start, text[start]) == "（" or char == "）":
                chosen[start], chosen[i] = "（", "）"
    if not chosen:
        return text
    pieces, cursor = [], 0
    for i in sorted(chosen):
        pieces += [text[cursor:i], chosen[i]]
        cursor = i + 1
    pieces.append(text[cursor:])
    return "".join(pieces)
