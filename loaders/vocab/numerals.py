"""Chinese numerals, read one way everywhere: counts (三千, 一万二千), year digits (二〇二一),
months and days (十二, 二十六).

Every module that meets a Chinese numeral (figures, periods, the masthead's date) calls
these functions; none keeps a digit table of its own.
"""

from __future__ import annotations

DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 1e4, "亿": 1e8}
# Characters a Chinese number is written with (a run of these is one number).
NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"


def parse_chinese_number(text: str) -> float | None:
    """三千 -> 3000, 二十 -> 20, 两 -> 2, 一万二千 -> 12000, 四点四 -> 4.4, 三万亿 -> 3e12;
    None when malformed (十四五)."""
    whole, point, fraction = text.partition("点")
    if point:
        # "七十五点一": the digits after 点 are read one by one.
        integer = parse_chinese_number(whole)
        digits = parse_digit_string(fraction)
        if integer is None or digits is None:
            return None
        return integer + float(f"0.{''.join(str(DIGITS[char]) for char in fraction)}")
    total = 0.0
    section = 0.0
    digit: int | None = None
    for char in text:
        if char in "零〇" and digit is None and (section or total):
            continue  # "一百零一": a zero holding an empty place
        if char in DIGITS:
            if digit is not None:
                return None  # two digits in a row: 十四五, 一二
            digit = DIGITS[char]
        elif char in _SMALL_UNITS:
            section += (digit if digit is not None else 1) * _SMALL_UNITS[char]
            digit = None
        elif char in _BIG_UNITS:
            section += digit or 0
            if section == 0 and char == "亿" and total and text[text.index(char) - 1] == "万":
                total *= _BIG_UNITS["亿"]  # "三万亿": 万亿 is one magnitude, 1e12
                digit = None
                continue
            if section == 0:
                return None
            total = (
                (total + section) * _BIG_UNITS[char]
                if char == "亿"
                else total + section * _BIG_UNITS[char]
            )
            section = 0
            digit = None
        else:
            return None
    if not text:
        return None
    return total + section + (digit or 0)


def parse_digit_string(text: str) -> int | None:
    """二〇二一 -> 2021: a year written digit by digit; None when a character is no digit."""
    if not text or any(char not in DIGITS for char in text):
        return None
    return int("".join(str(DIGITS[char]) for char in text))


def parse_small_int(text: str) -> int | None:
    """A month, day or count written in Arabic or Chinese: "9", "九", "十二", "二十六"."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    value = parse_chinese_number(text)
    return int(value) if value is not None and value == int(value) else None
