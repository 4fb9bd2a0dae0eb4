"""Numbers with their units and qualifiers, as the brief writes them.

`find_quantities(text)` returns every figure of a sentence: `1,765 万吨`,
`约104.7亿元`, `2000 多家`, `55-60%`, `三千家`, `5.1 和 3.7 个百分点`. It works on
cleaned (NFKC) text but tolerates full-width digits and punctuation, because
the lookup runs on a length-preserving ASCII shadow of the text so that every
offset stays valid in the original.

What is deliberately NOT a figure: codes and names that contain digits (5G,
L2 级, 3D, COVID-19), years and dates (2020 年, 9 月 30 日, 1-9 月), ordinals
(第 27 条, 第一个, 一是), LaTeX debris ($9.2\\ \\mu\\text{m}$), numbers inside
book titles 《…》, and bare numbers without a unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.vocab import qualifiers, units
from loaders.vocab.numerals import NUMERAL_CHARS, parse_chinese_number
from loaders.vocab.qualifiers import Qualifier

# Full-width forms map one-to-one onto ASCII, so offsets survive the shadow.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
SHADOW_TABLE = str.maketrans(_FULLWIDTH)


def ascii_shadow(text: str) -> str:
    """The text with full-width digits/punctuation as ASCII; same length, same offsets."""
    return text.translate(SHADOW_TABLE)


_CN_CHARS = NUMERAL_CHARS
MAGNITUDES = units.MAGNITUDES
UNITS = units.UNIT_WORDS

_NUM = r"(?:\d{1,3}(?:, ?\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_CN_NUM = (
    r"(?:[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*|零(?=点))"
    r"(?:点[零〇一二三四五六七八九]+)?"
)
_MAG = "|".join(MAGNITUDES)
_MORE = "|".join(qualifiers.MORE_SUFFIXES)
# 起 counts cases (并购交易 66 起) but also starts words: 起步, 起飞, 起点, 起售.
_UNIT = "|".join(re.escape(u) + ("(?![步飞跑点始来源码售价])" if u == "起" else "") for u in UNITS)
_RANGE_SEP = r"-|~|—|–|至|到"
# PDF extraction (LibreOffice layouts read by pypdf) can move quotation marks
# away from the words they enclose: "是“十三五”初期" comes out as
# "335.2 “ ” 万亿元，是 十三五 初期". A stray mark never belongs to a figure,
# so it may stand between the number and its magnitude or unit.
_STRAY = r"(?:\s*[“”‘’\"'])*"
_RANGE_GAP = re.compile(rf"\s*(?:{_RANGE_SEP})\s*$")

QUANTITY_RE = re.compile(
    rf"(?P<num>{_NUM}|{_CN_NUM})"
    rf"(?:\s*(?P<sep>{_RANGE_SEP})\s*(?P<num2>{_NUM}|{_CN_NUM}))?"
    rf"{_STRAY}\s*(?P<more>{_MORE})?{_STRAY}\s*(?P<mag>{_MAG})?(?P<more2>{_MORE})?{_STRAY}\s*(?P<unit>{_UNIT})?"
)

# "千亿元", "万亿元": a round magnitude with a unit and no number before it (not "数千亿").
_ROUND_MAGNITUDE_RE = re.compile(
    rf"(?<![数几上成\d{_CN_CHARS}])(?P<mag>万亿|千亿|百亿)\s*(?P<unit>{_UNIT})"
)
# A unit named as a label: after "单位：" or alone in brackets.
_UNIT_LABEL_BEFORE_RE = re.compile(r"(?:单位\s*[:：]|[(（])\s*$")
_UNIT_LABEL_AFTER_RE = re.compile(r"\s*(?:[)）,，;；]|$)")
PRE_QUALIFIERS = qualifiers.BEFORE_NUMBER
POST_QUALIFIERS = qualifiers.AFTER_NUMBER

# Units that never follow a figure but a date or an ordinal.
_DATE_AFTER = re.compile(r"\s*(?:年|月|日|号|季度|期|届|世纪|周年|代)")
# A digit glued to Latin letters is a code or a name: 5G, L2, 3D, COVID-19, A100.
_CODE_RE = re.compile(
    r"[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*\d[A-Za-z0-9]*|\d+[A-Za-z]+[A-Za-z0-9]*"
)
_LATEX_RE = re.compile(r"\$[^$\n]{0,200}\$")
_BOOK_RE = re.compile(r"《[^《》\n]{0,120}》")
# Words after a Chinese numeral that make it an ordinal or a set phrase, not a count.
_CN_NOT_COUNT_AFTER = ("是", "方面", "系列", "者", "则", "来", "手", "成")


@dataclass(frozen=True)
class Quantity:
    """One figure: value in its base unit (1,765 万吨 -> 17,650,000 吨)."""

    start: int
    end: int
    text: str
    value: float
    unit: str  # base unit: 元, 美元, 吨, 家, %, pp, 元/吨 ...
    qualifier: Qualifier = "exact"
    value_high: float | None = None
    # As written, for reviewers: 207.9 and 万亿元 (value holds 2.079e14 元).
    number: float = 0.0
    written_unit: str = ""
    number_high: float | None = None
    # 数十亿元, 几十家, 数千家, 十几笔: a magnitude, not a number; value holds its lower end.
    vague: bool = False

    @property
    def is_range(self) -> bool:
        return self.value_high is not None


def _number(text: str) -> float | None:
    if text[0].isdigit():
        return float(text.replace(",", "").replace(" ", ""))
    return parse_chinese_number(text)


def _masked_spans(shadow: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _CODE_RE.finditer(shadow)]
    spans += [m.span() for m in _LATEX_RE.finditer(shadow)]
    spans += [m.span() for m in _BOOK_RE.finditer(shadow)]
    return spans


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _pre_qualifier(shadow: str, start: int) -> tuple[Qualifier, int]:
    """The qualifier written just before a number and where it starts."""
    # A stray quotation mark (a PDF artifact, see _STRAY) may separate them too.
    before = shadow[max(0, start - 8) : start].rstrip(" \t“”‘’\"'")
    gap = start - (max(0, start - 8) + len(before))
    for word, qualifier in PRE_QUALIFIERS:
        if before.endswith(word):
            return qualifier, start - gap - len(word)
    # "约为 45 亿吨", "超过了 300 笔": the qualifier sits before a linking verb.
    linked = re.sub(r"(?:为|达到|达|了)$", "", before)
    if linked != before:
        for word, qualifier in PRE_QUALIFIERS:
            if linked.endswith(word) and word not in ("低于", "不到", "不足"):
                return qualifier, start
    return "exact", start


def _post_qualifier(shadow: str, end: int) -> tuple[Qualifier | None, int]:
    after = shadow[end : end + 4]
    stripped = after.lstrip()
    gap = len(after) - len(stripped)
    for word, qualifier in POST_QUALIFIERS:
        if stripped.startswith(word):
            return qualifier, end + gap + len(word)
    return None, end


def find_quantities(text: str) -> list[Quantity]:
    """Every figure with a unit (or a magnitude) in text, in order of position.

    One scan of the text in three steps (numbers with units, ranges, round magnitudes written
    without a number) that share the masked spans and the ASCII shadow; splitting them would
    pass those between functions for no gain, hence its length."""
    shadow = ascii_shadow(text)
    masked = _masked_spans(shadow)
    raw: list[tuple[re.Match[str], float, float | None]] = []
    for match in QUANTITY_RE.finditer(shadow):
        start, end = match.span()
        num = match["num"]
        if _inside(start, masked) or _inside(end - 1, masked):
            continue
        prev = shadow[start - 1] if start else ""
        # Part of a longer token: 12.5 inside 312.5 cannot happen, but 9 in
        # "H9" or the 19 of "COVID-19" must not start a figure.
        prev2 = shadow[start - 2] if start > 1 else ""
        if prev and (prev.isascii() and prev.isalnum() or prev in "./\\_"):
            continue
        if prev == "-" and prev2.isascii() and prev2.isalnum():
            continue
        if shadow[max(0, start - 1) : start] == "第" or shadow[max(0, start - 2) : start] == "第 ":
            continue
        chinese = not num[0].isdigit()
        if chinese and prev and prev in _CN_CHARS:
            continue
        value = _number(num)
        if value is None:
            continue
        high = _number(match["num2"]) if match["num2"] else None
        if match["num2"] and high is None:
            continue
        if high is not None and chinese and not any(ch in num for ch in "十百千万亿"):
            # "三至五亿元", "五到八千亿元": the magnitude written once scales both ends.
            scale_words = re.search(r"[十百千万亿]+$", match["num2"])
            if scale_words:
                value = _number(num + scale_words.group(0)) or value
        if _DATE_AFTER.match(shadow, end) and not match["unit"]:
            continue
        if chinese:
            # 一个, 三家, 四种 are words, not data; keep 三千家, 二十个, 两亿元, and a rate or
            # its change however written (两个百分点, 零点五个百分点).
            written = num + (match["num2"] or "")  # 三至五亿元: the scale at the high end
            has_scale = any(ch in written for ch in "十百千万亿点") or match["mag"]
            rate = match["unit"] and UNITS[match["unit"]] in ("pp", "%")
            if not (has_scale or rate) or not match["unit"] and not match["mag"]:
                continue
            if shadow[end : end + 2].startswith(_CN_NOT_COUNT_AFTER):
                continue
        raw.append((match, value, high))

    quantities: list[Quantity] = []
    partner_of: dict[int, int] = {}
    for i in range(len(raw) - 1):
        a, b = raw[i][0], raw[i + 1][0]
        # "5%—6%", "40 元/吨至 62 元/吨": a range written with the unit twice.
        same_unit = a["unit"] and a["unit"] == b["unit"]
        # "1.2 万亿—1.5 万亿元", "3 亿至 5 亿元": the unit written once, after the high end.
        unit_at_end = not a["unit"] and a["mag"] and b["mag"] and b["unit"]
        if (
            (same_unit or unit_at_end)
            and raw[i][2] is None
            and raw[i + 1][2] is None
            and i not in partner_of.values()
            and _RANGE_GAP.match(shadow, a.end(), b.start())
        ):
            partner_of[i] = i + 1
    for i, (match, value, high) in enumerate(raw):
        if i in partner_of.values():
            continue
        unit_text = match["unit"]
        start, end = match.span()
        if i in partner_of:
            partner = raw[partner_of[i]]
            scale2 = MAGNITUDES.get(partner[0]["mag"] or "", 1.0)
            scale1 = MAGNITUDES.get(match["mag"] or "", 1.0)
            high = partner[1] * scale2 / scale1
            end = partner[0].end()
            unit_text = unit_text or partner[0]["unit"]
        end = len(shadow[:end].rstrip(" \t“”‘’\"'")) if not unit_text else end
        if not unit_text and not match["mag"]:
            # "5.1 和 3.7 个百分点": a bare number shares the unit of the next one.
            if i + 1 < len(raw) and raw[i + 1][0]["unit"]:
                between = shadow[end : raw[i + 1][0].start()].strip(" \t“”‘’\"'")
                if between in ("和", "、", "与", "及", ",", "或"):
                    unit_text = raw[i + 1][0]["unit"]
            if not unit_text:
                continue
        if not unit_text and match["mag"] and match["mag"] in ("千", "十万"):
            continue  # 千 alone after a number is too often part of a word
        scale = MAGNITUDES.get(match["mag"] or "", 1.0)
        unit = UNITS[unit_text] if unit_text else "1"
        sign = 1.0
        before_sign = shadow[start - 2] if start > 1 else ""
        glued = (
            before_sign.isascii()
            and before_sign.isalnum()
            or bool(before_sign)
            and before_sign in "%."
        )
        if start and shadow[start - 1] in "-−" and not glued:
            # "分别为 -7.4%、-0.5%": a minus sign, not a dash between two numbers.
            sign, start = -1.0, start - 1
        qualifier, q_start = _pre_qualifier(shadow, start)
        if match["more"] or match["more2"]:
            qualifier = "more_than"
        post, q_end = _post_qualifier(shadow, end)
        if post:
            qualifier = post
        if match["sep"] in ("至", "到") and high is not None and not (match["mag"] or unit_text):
            continue
        quantities.append(
            Quantity(
                start=q_start,
                end=q_end,
                text=text[q_start:q_end],
                value=sign * value * scale,
                unit=unit,
                qualifier=qualifier,
                value_high=sign * high * scale if high is not None else None,
                number=sign * value,
                written_unit=(match["mag"] or "") + {"pp": "个百分点", "1": ""}.get(unit, unit),
                number_high=sign * high if high is not None else None,
            )
        )
    quantities += _round_magnitudes(text, shadow, quantities, masked)
    quantities += _percents_in_words(text, shadow, quantities, masked)
    quantities = _with_magnitude_words(text, shadow, quantities, masked)
    quantities += _tenths(text, shadow, quantities, masked)
    quantities.sort(key=lambda q: q.start)
    return quantities


# A magnitude said in words with no number of its own: 数十亿元, 几十家, 数千家, 十几笔,
# 上百笔 are vague (no value can be stated: a reviewer decides); 近千家, 逾百亿元, 超万亿元
# qualify a round magnitude like a number.
_SCALE_WORDS = {
    "十": 10,
    "百": 100,
    "千": 1e3,
    "万": 1e4,
    "十万": 1e5,
    "百万": 1e6,
    "千万": 1e7,
    "亿": 1e8,
    "十亿": 1e9,
    "百亿": 1e10,
    "千亿": 1e11,
    "万亿": 1e12,
}
_SCALE = "|".join(sorted(_SCALE_WORDS, key=len, reverse=True))
# 上百, 上千: "as many as a hundred", no more a number than 数百 (issue #19's class 6).
_VAGUE_LEADS = ("数", "几", "若干", "上")
_MAGNITUDE_WORDS_RE = re.compile(
    rf"(?P<lead>数|几|若干|上|逾|超过|超|过|将近|接近|近)(?P<scale>{_SCALE})(?P<more>多|余)?"
    rf"\s*(?P<unit>{_UNIT})"
    # "百余笔", "千余家": a bare hundred or thousand and more, like "100 余笔".
    rf"|(?<![{_CN_CHARS}\d数几上逾超过近])(?P<bare>百|千|万)(?:余|多)\s*(?P<unit3>{_UNIT})"
    # "十几家", "二十几笔", "几十万辆": a number with 几 in it is vague too.
    rf"|(?<![{_CN_CHARS}\d])(?P<num>[一二两三四五六七八九]?十)几(?P<scale2>{_SCALE})?\s*(?P<unit2>{_UNIT})"
)


def _with_magnitude_words(
    text: str, shadow: str, found: list[Quantity], masked: list[tuple[int, int]]
) -> list[Quantity]:
    """The quantities, with magnitudes said in words (数十亿元, 上百笔) read as such: a vague
    one replaces the number the main pass read inside it ("十亿元" of 数十亿元)."""
    out = list(found)
    for match in _MAGNITUDE_WORDS_RE.finditer(shadow):
        start, end = match.span()
        if _inside(start, masked):
            continue
        if match["bare"]:
            value = _SCALE_WORDS[match["bare"]]
            unit_text, vague, qualifier = match["unit3"], False, "more_than"
            written = match.group(0)
        elif match["num"]:
            value = (parse_chinese_number(match["num"]) or 10) * _SCALE_WORDS.get(
                match["scale2"] or "", 1
            )
            unit_text, vague, qualifier = match["unit2"], True, "approx"
            written = match.group(0)[len(match["num"]) :]
        else:
            lead = match["lead"]
            value = _SCALE_WORDS[match["scale"]]
            unit_text = match["unit"]
            vague = lead in _VAGUE_LEADS
            written = match["scale"] + unit_text
            if vague:
                qualifier = "more_than" if lead == "上" else "approx"
            elif lead in ("近", "将近", "接近"):
                qualifier = "approx"
            else:
                qualifier = "more_than"
            if lead in ("近", "将近", "接近", "超过", "超", "逾") and not vague:
                start += len(lead)  # the qualifier word is read as one, below
        if UNITS[unit_text] in ("pp", "%", "倍"):
            continue  # "数百分点" is no number of percent
        if vague:
            # The main pass read the number inside the words: "十亿元" of "数十亿元".
            out = [q for q in out if not (q.start < end and start < q.end)]
        elif any(q.start < end and start < q.end for q in out):
            continue
        q_start = start
        if (
            not vague
            and not match["num"]
            and not match["bare"]
            and match["lead"] in ("近", "将近", "接近", "超过", "超", "逾")
        ):
            qualifier, q_start = _pre_qualifier(shadow, start)
        post, q_end = _post_qualifier(shadow, end)
        out.append(
            Quantity(
                start=q_start,
                end=q_end,
                text=text[q_start:q_end],
                value=value,
                unit=UNITS[unit_text],
                qualifier=post or qualifier,
                number=value,
                written_unit=written,
                vague=vague,
            )
        )
    return out


# "三成", "近四成", "五成以上", "两成多": tenths, a percentage (三成 = 30%). Not 成 starting a
# word: 成交, 成本, 成为, 成立, 成果, 一成不变.
_TENTHS_RE = re.compile(
    rf"(?<![{_CN_CHARS}\d.])(?P<num>\d+(?:\.\d+)?|[一二两三四五六七八九]|十)\s*成(?P<more>多|余)?"
    r"(?![交本为立果员功熟型就长绩效品不都员年])"
)


def _tenths(
    text: str, shadow: str, found: list[Quantity], masked: list[tuple[int, int]]
) -> list[Quantity]:
    out = []
    for match in _TENTHS_RE.finditer(shadow):
        start, end = match.span()
        if _inside(start, masked) or any(q.start < end and start < q.end for q in found):
            continue
        tenths = _number(match["num"])
        if tenths is None or not 0 < tenths <= 10:
            continue
        qualifier, q_start = _pre_qualifier(shadow, start)
        post, q_end = _post_qualifier(shadow, end)
        out.append(
            Quantity(
                start=q_start,
                end=q_end,
                text=text[q_start:q_end],
                value=tenths * 10,
                unit="%",
                qualifier="more_than" if match["more"] else post or qualifier,
                number=tenths * 10,
                written_unit="%",
            )
        )
    return out


# "百分之二十四点六", "百分之 5": a percentage written in words.
_PERCENT_IN_WORDS_RE = re.compile(rf"百分之\s*(?P<num>{_NUM}|{_CN_NUM})")


def _percents_in_words(
    text: str, shadow: str, found: list[Quantity], masked: list[tuple[int, int]]
) -> list[Quantity]:
    out = []
    for match in _PERCENT_IN_WORDS_RE.finditer(shadow):
        start, end = match.span()
        if _inside(start, masked) or any(q.start < end and start < q.end for q in found):
            continue
        value = _number(match["num"])
        if value is None:
            continue
        qualifier, q_start = _pre_qualifier(shadow, start)
        post, q_end = _post_qualifier(shadow, end)
        out.append(
            Quantity(
                start=q_start,
                end=q_end,
                text=text[q_start:q_end],
                value=value,
                unit="%",
                qualifier=post or qualifier,
                number=value,
                written_unit="%",
            )
        )
    return out


def _round_magnitudes(
    text: str, shadow: str, found: list[Quantity], masked: list[tuple[int, int]]
) -> list[Quantity]:
    """ "重回千亿元以上", "首次突破万亿元": a magnitude written without a number is one of it
    (1,000 亿元, 1 万亿元); "数千亿元", "上千亿元" say no number."""
    out = []
    for match in _ROUND_MAGNITUDE_RE.finditer(shadow):
        start, end = match.span()
        if _inside(start, masked) or any(q.start <= start < q.end for q in found):
            continue
        if _UNIT_LABEL_BEFORE_RE.search(shadow, 0, start) and _UNIT_LABEL_AFTER_RE.match(
            shadow, end
        ):
            continue  # "（单位：万亿元）", "（万亿元）": the name of a unit, no figure
        magnitude = match["mag"]
        number = parse_chinese_number(magnitude[0]) if magnitude != "万亿" else 1.0
        rest = magnitude[1:] if magnitude != "万亿" else magnitude
        unit_text = match["unit"]
        qualifier, q_start = _pre_qualifier(shadow, start)
        post, q_end = _post_qualifier(shadow, end)
        out.append(
            Quantity(
                start=q_start,
                end=q_end,
                text=text[q_start:q_end],
                value=MAGNITUDES[magnitude],
                unit=UNITS[unit_text],
                qualifier=post or qualifier,
                number=float(number or 1.0),
                written_unit=rest + unit_text,
            )
        )
    return out


def convert(quantity: Quantity, target_unit: str) -> float | None:
    """The figure's value in target_unit, or None when the units differ in base (美元 is
    never 元); loaders.vocab.units decides."""
    return units.convert(quantity.value, quantity.unit, target_unit)
