"""Decode the bytes of a text brief strictly, and tell prose from mojibake.

A byte-order mark first, then UTF-8, then GB18030 (which covers GBK and GB2312), or UTF-16
without a mark; the result must look like Chinese or English prose (`prose_problem`, also
the check on a PDF's text layer). Nothing is ever decoded "with replacement".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# Share of characters that must be ordinary prose characters (CJK, ASCII,
# common punctuation) for decoded text to be accepted as text.
MIN_PROSE_SHARE = 0.95
# Mojibake signatures: accented Latin letters in a text without any Chinese
# character, and Chinese characters wedged between Latin letters.
MAX_ACCENTED_SHARE = 0.05
MAX_WEDGED_SHARE = 0.2
# Chinese prose draws over 99 % of its characters from the common ones
# (GB2312 level 1, or Big5 level 1 for traditional text); bytes decoded with
# the wrong Chinese codec land all over the rare ranges (15-73 % in tests).
MIN_COMMON_HANZI_SHARE = 0.85
# A short text (a figures table, a header) may have one rare character, a name, and no more.
RARE_HANZI_ALLOWED = 1
# Japanese text in Shift-JIS: kana make up much of what it decodes to (Chinese GBK read as
# Shift-JIS gives half-width katakana, which are not counted).
MIN_KANA_SHARE = 0.2

# How the codecs report a multi-byte character cut off at the end of the data.
_TRUNCATED = ("unexpected end of data", "incomplete multibyte sequence")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


def _is_common_hanzi(char: str) -> bool:
    """One of the frequent characters: GB2312 level 1 (simplified) or Big5 level 1 (traditional)."""
    try:
        gb = char.encode("gb2312")
        if len(gb) == 2 and 0xB0 <= gb[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        big5 = char.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(big5) == 2 and (0xA4 <= big5[0] < 0xC6 or (big5[0] == 0xC6 and big5[1] <= 0x7E))


_WEDGED_HANZI = re.compile(r"(?<=[A-Za-z])[\u4e00-\u9fff](?=[A-Za-z])")


def prose_problem(text: str) -> str | None:
    """Why the decoded text does not look like Chinese/English prose, or None if it does.

    Works on the counts of distinct characters (a few thousand), never on a list of every
    character: a list of 6 million one-character strings cost 500 MB on a 19 MB upload.
    """
    counts = Counter(text)
    total = sum(n for c, n in counts.items() if not c.isspace())
    if not total:
        return None
    if "\ufffd" in counts:
        return "含有替换字符（\ufffd），文字在此之前已经损坏"
    bad = letters = accented = cjk = common = 0
    for c, n in counts.items():
        if c.isspace():
            continue
        code = ord(c)
        cat = unicodedata.category(c)
        if 0xC0 <= code <= 0x2FF:
            accented += n
        if 0x4E00 <= code <= 0x9FFF:
            cjk += n
            common += n if _is_common_hanzi(c) else 0
        if cat.startswith("C"):  # controls, private use, unassigned, surrogates
            bad += n
        elif 0x3400 <= code <= 0x4DBF or 0x20000 <= code:
            # Rare ideographs (Extension A and beyond) are what mojibake is made of.
            bad += n
        elif (
            c.isascii()
            or 0x4E00 <= code <= 0x9FFF
            or 0x3000 <= code <= 0x303F
            or 0xFF00 <= code <= 0xFFEF
        ):
            letters += n if c.isalnum() else 0
        elif cat[0] in "PSN" or cat == "Lm" or 0x80 <= code <= 0x24F:
            pass  # punctuation, symbols, Latin with accents: prose, but not evidence of it
        else:
            bad += n
    share = 1 - bad / total
    if share < MIN_PROSE_SHARE:
        return f"只有 {share:.0%} 的字符是正常的中文或英文"
    if letters == 0:
        return "没有汉字、字母或数字"
    if not cjk and accented > MAX_ACCENTED_SHARE * total:
        # "äº§ä¸šåˆ›æ–°" is UTF-8 Chinese read as Latin-1/cp1252 somewhere upstream.
        return "像是按西文编码解码的中文（出现 ä、å、æ …而不是汉字）"
    if cjk:
        # Short text too: every Shift-JIS byte sequence is also valid GB18030, and decodes to
        # rare characters. One rare character (a name) is allowed in a short text.
        if cjk - common > max(RARE_HANZI_ALLOWED, (1 - MIN_COMMON_HANZI_SHARE) * cjk):
            return f"汉字中只有 {common / cjk:.0%} 是常用字，像是用错了编码"
        # Latin-1 bytes read as GB18030 give single characters wedged between
        # Latin letters ("r閟um閟"); Chinese prose almost never does that.
        wedged = sum(1 for _ in _WEDGED_HANZI.finditer(text))
        if wedged > MAX_WEDGED_SHARE * cjk:
            return "汉字夹在拉丁字母之间，像是用错了编码"
    return None


def _looks_japanese(data: bytes) -> bool:
    """The bytes are Shift-JIS text with kana in it: Japanese, whatever GB18030 makes of it."""
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        return False
    wide = [c for c in text if ord(c) > 0x7F]
    kana = sum(1 for c in wide if 0x3040 <= ord(c) <= 0x30FF)
    return bool(wide) and kana >= MIN_KANA_SHARE * len(wide)


def decode_text(data: bytes) -> str:
    """Strictly decoded text; ValueError saying why when no encoding gives sensible text."""
    candidates: list[tuple[str, bytes]]
    if data.startswith(_UTF8_BOM):
        candidates = [("UTF-8", data[len(_UTF8_BOM) :])]
        codecs = {"UTF-8": "utf-8"}
    elif data.startswith(_UTF32_BOMS):
        candidates, codecs = [("UTF-32", data)], {"UTF-32": "utf-32"}
    elif data.startswith(_UTF16_BOMS):
        candidates, codecs = [("UTF-16", data)], {"UTF-16": "utf-16"}
    else:
        candidates = [("UTF-8", data), ("GB18030", data)]
        codecs = {"UTF-8": "utf-8", "GB18030": "gb18030"}
        # UTF-16 without a byte-order mark: every other byte of ASCII-range text is zero.
        if data.count(b"\x00") > len(data) // 4:
            candidates = [("UTF-16-LE", data), ("UTF-16-BE", data)]
            codecs = {"UTF-16-LE": "utf-16-le", "UTF-16-BE": "utf-16-be"}
    problems = []
    for name, payload in candidates:
        try:
            text = payload.decode(codecs[name], errors="strict")
        except UnicodeDecodeError as exc:
            # A file cut off inside its last character (an interrupted copy)
            # is still that encoding: drop the incomplete tail, nothing else.
            if exc.reason in _TRUNCATED and exc.start >= len(payload) - 3:
                try:
                    text = payload[: exc.start].decode(codecs[name], errors="strict")
                except UnicodeDecodeError:
                    problems.append(f"不是有效的 {name}")
                    continue
            else:
                problems.append(f"不是有效的 {name}")
                continue
        if name == "GB18030" and _looks_japanese(payload):
            # Checked before the prose test, which a short Japanese text can pass.
            problem = "像是 Shift-JIS 编码的日文，不是中文"
        else:
            problem = prose_problem(text)
        if problem is None:
            return text.lstrip("\ufeff")
        problems.append(f"按 {name} 解码，{problem}")
    if len(candidates) == 1:
        raise ValueError(
            f"无法解码文字：有 {candidates[0][0]} 字节顺序标记（BOM），但{problems[0]}"
        )
    raise ValueError(
        "无法按 UTF-8、GB18030/GBK 或 UTF-16 解码文字（"
        + "；".join(problems)
        + "）；请另存为 UTF-8 文本、PDF 或 DOCX"
    )
