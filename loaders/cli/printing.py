"""What the command line prints: a failure as one line (CliError), figures as text, tables
in terminal columns (a CJK character takes two)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from loaders.vocab.periods import PeriodError, period_label_zh
from loaders.vocab.qualifiers import WORD_ZH

# Long enough to recognise the sentence, short enough to keep one row per line.
QUOTE_WIDTH = 36


class CliError(Exception):
    """A failure to report as one line on stderr."""


def text_width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - text_width(text))


def shorten(text: str, width: int = QUOTE_WIDTH) -> str:
    text = " ".join(text.split())
    if text_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def snippet(quote: str, figure: str, width: int = QUOTE_WIDTH) -> str:
    """The part of the quote around the figure: a sentence often holds several figures."""
    quote = " ".join(quote.split())
    at = quote.find(figure) if figure else -1
    if at < 0 or text_width(quote) <= width:
        return shorten(quote, width)
    start = max(0, at - width // 3)
    lead = "…" if start else ""
    return shorten(lead + quote[start:], width)


def number_text(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def period_zh(period: str | None) -> str:
    if not period:
        return ""
    try:
        return period_label_zh(period)
    except PeriodError:
        return period


def value_text(value: float, high: float | None, unit: str, qualifier: str) -> str:
    amount = number_text(value) if high is None else f"{number_text(value)}–{number_text(high)}"
    return f"{WORD_ZH.get(qualifier, '')}{amount} {unit}"


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [
        max(text_width(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)
    ]
    lines = [
        "  ".join(pad(str(cell), w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
