"""How a value is cited: the one citation text of every table, download and hover.

    《产业创新动态》2021 年第 15 期（总第 460 期），《普华永道：2020 年中国电信并购回顾与展望》，
    产业所 刘如 整理，原文：“其中，2020 年完成 148 笔交易……”；原始来源：普华永道

The issue (its label and running number), the article, its editor, the sentence the value
was read from, and the organisation the text cites for it (loaders.figures.sources) where it names
one; a part the store does not hold (no editor line, a typed figure without a sentence) is
left out rather than guessed. The link to the sentence is the 期刊 page opened at it:
/issues?issue=2021-15&quote=1234 (the sentence's offset in the issue's text).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from loaders.vocab.missing import is_missing

PUBLICATION = "产业创新动态"
# The institute whose editors close each article (产业所 刘如 整理).
EDITOR_INSTITUTE = "产业所"
# The columns a citation is made of (the current view's names).
CITATION_COLUMNS = (
    "issue_label",
    "issue_total_number",
    "article",
    "editor",
    "quote",
    "source_org",
)
# The query parameter of the 期刊 page that names the cited sentence (its start offset).
QUOTE_PARAMETER = "quote"


def _text(value: Any) -> str:
    return "" if is_missing(value) else str(value).strip()


def _title(article: str) -> str:
    # A title inside 《》 takes 〈〉 for the titles it names itself (《Nature》 -> 〈Nature〉).
    return "《" + article.replace("《", "〈").replace("》", "〉") + "》"


def citation_text(
    issue_label: Any,
    issue_total_number: Any = None,
    article: Any = None,
    editor: Any = None,
    quote: Any = None,
    source_org: Any = None,
) -> str:
    """The citation of one value (see the module docstring); "" without an issue."""
    label = _text(issue_label)
    if not label:
        return ""
    total = _text(issue_total_number)
    if total.endswith(".0"):  # a nullable integer column read as float
        total = total[:-2]
    parts = [f"《{PUBLICATION}》{label}" + (f"（总第 {total} 期）" if total else "")]
    title = _text(article)
    if title:
        parts.append(_title(title))
    names = _text(editor)
    if names:
        parts.append(f"{EDITOR_INSTITUTE} {names} 整理")
    sentence = _text(quote)
    if sentence:
        parts.append(f"原文：“{sentence}”")
    text = "，".join(parts)
    source = _text(source_org)
    return text + (f"；原始来源：{source}" if source else "")


def citations(rows: pd.DataFrame) -> list[str]:
    """citation_text of every row (columns CITATION_COLUMNS; a missing one counts as empty).

    Rows of one series repeat their issue and article: each distinct combination is written
    once."""
    count = len(rows)
    columns: list[Sequence[Any]] = [
        rows[name].tolist() if name in rows.columns else [None] * count for name in CITATION_COLUMNS
    ]
    made: dict[tuple, str] = {}
    out = []
    for key in zip(*columns, strict=True):
        text = made.get(key)
        if text is None:
            text = made[key] = citation_text(*key)
        out.append(text)
    return out


def citation_of(row: Mapping[str, Any]) -> str:
    """citation_text of one row given as a mapping of CITATION_COLUMNS."""
    return citation_text(*(row.get(name) for name in CITATION_COLUMNS))


def quote_link(issue_key: Any, span_start: Any = None, span_end: Any = None) -> str:
    """The 期刊 page at the cited sentence, /issues?issue=2021-15&quote=1234; the issue alone
    for a value without a sentence (a typed figure); "" without an issue."""
    key = _text(issue_key)
    if not key:
        return ""
    params = {"issue": key}
    has_sentence = not (is_missing(span_start) or is_missing(span_end))
    if has_sentence and int(span_end) > int(span_start):
        params[QUOTE_PARAMETER] = str(int(span_start))
    return "/issues?" + urlencode(params)


def cited_offset(value: Any) -> int | None:
    """The sentence offset a link's quote parameter names, or None for none or junk."""
    text = _text(value)
    return int(text) if text.isdigit() else None
