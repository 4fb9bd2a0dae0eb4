"""The catalog as YAML in one canonical form (dump_catalog): what parse_catalog reads back to
the same catalog, word lists written back by name, every dump parsed back and compared
before it is returned."""

from __future__ import annotations

import collections
import functools
import math
from collections.abc import Sequence
from pathlib import Path

import yaml

from loaders.catalog.indicators import (
    LIST_FIELDS,
    NONNEGATIVE_MEASURES,
    WORD_LIST_MARK,
    Catalog,
    CatalogError,
    Indicator,
    parse_catalog,
)

_HEADER = """\
# The curated catalog: every series the loaders may fill.
# Each entry is validated by loaders/catalog/indicators.py (pydantic) when loaded; a bad
# entry fails naming this file, the indicator and the field. This file seeds a
# new store; the store then holds the catalog (python -m loaders catalog
# export FILE / import FILE, or the 指标 page).
#
# unit     the unit values are stored in: a magnitude (万, 亿, 万亿 …) and a base
#          unit (元, 美元, 吨, 辆, 件, 户, %, 元/吨 …); figures are converted into it
# kind     flow (amount over a period), stock (level at a moment),
#          rate (percent), index (diffusion index, in %)
# measure  what a figure must say to belong here: level (an amount),
#          yoy (同比), yoy_2y (两年平均), cagr (复合增长率), share (渗透率/占比),
#          index, price
# aliases  names of the subject as they appear in briefs
# context  words of which at least one must appear in the article or clause
#          for an alias that is ambiguous on its own (empty: none needed)
# exclude  words that, standing before the figure in its clause, mean the
#          figure is about another subject
# generic_aliases  names too general to stand alone (市场规模, 交易): they count
#          only when nothing but time words, determiners or reporting verbs
#          precede them in the clause and a context word is in the sentence,
#          the paragraph or the article title
# nonnegative  true when no figure of the series can be below zero (a negative one
#          is refused); default true for level, share, index and price, false for the
#          growth rates (yoy, yoy_2y, cagr); written only where an entry differs
# source   where the figures come from; retired: true hides a series, keeps its data
# checks   the second look a value gets before it joins the series (loaders.series.plausibility):
#          max_ratio (to its neighbours of the same form), minimum, maximum, cumulative,
#          growth_of and growth_tolerance; written only where an entry sets them
# word_lists  lists used by several entries, written "@name" in a list field
"""
_SCALAR_FIELDS = ("id", "name_zh", "name_en", "category", "unit", "kind", "measure", "description")


# Characters YAML reads as line breaks: a scalar holding one is written double-quoted on one
# line, with escapes ("a\\nb"), never spread over lines the list or mapping around it would
# have to indent.
_LINE_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")


def _flow(words: Sequence[str]) -> str:
    """A flow list ("[a, 'x]']"), each word quoted as a word inside a flow list must be: there
    []{},? have their own meaning, and a word quoted only for a scalar of its own ("x]", "{x}",
    "(含港澳]") broke the list, and with it every reading of the store's catalog."""
    return "[" + ", ".join(_one_line(word, in_flow=True) for word in words) + "]"


def _scalar(value: str) -> str:
    """A YAML scalar, quoted only when plain text would read as something else."""
    return _one_line(value, in_flow=False)


@functools.lru_cache(maxsize=8192)
def _one_line(value: str, *, in_flow: bool) -> str:
    """value as PyYAML's emitter writes it in its context (a list item in a flow list, or a
    mapping's value): the emitter knows which plain words each context allows."""
    for style in (None, '"'):
        text = yaml.safe_dump(
            [value] if in_flow else value,
            allow_unicode=True,
            default_flow_style=True,
            default_style=style,
            width=10**9,
        )
        text = text.removesuffix("\n...\n").removesuffix("\n")
        if in_flow:
            text = text[1:-1]
        if not any(mark in text for mark in _LINE_BREAKS):
            return text
    raise CatalogError(f"cannot write {value!r} on one line")  # escapes make this unreachable


def _check_value(value: str | bool | float) -> str:
    """A value in the flow mapping of checks: a string quoted as flow context needs (a
    growth_of of "a,b}" ended the mapping), a number short (3, 0.5) where that reads back as
    the same float, else as the emitter writes it (1.23456789, 123456789.0, .inf): "{value:g}"
    alone kept six digits, and a threshold of 123456789 read back as 123457000."""
    if isinstance(value, str):
        return _one_line(value, in_flow=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    short = f"{value:g}"
    if math.isfinite(value) and float(short) == value:
        return short
    return yaml.safe_dump(value, default_flow_style=True).removesuffix("\n...\n").strip()


def dump_catalog(catalog: Catalog) -> str:
    """The catalog as YAML, in one canonical form: what parse_catalog reads back to the same
    catalog, and the same text again when dumped (the export format). The text is parsed back
    and compared before it is returned: a dump that would read as another catalog (or not at
    all) is a CatalogError naming the indicator and field, never a stored version."""
    # A catalog is frozen, so the same object dumps to the same, already checked, text: every
    # ingest of an import records the catalog it was mapped with (one object for the whole
    # run), and dumping and comparing it again each time was a fifth of an ingest.
    for dumped, text in list(_DUMPED):
        if dumped is catalog:
            return text
    text = _dump_text(catalog)
    _check_round_trip(catalog, text)
    _DUMPED.appendleft((catalog, text))
    return text


# The last catalogs dumped, held (so an id is never reused) with their checked text.
_DUMPED: collections.deque[tuple[Catalog, str]] = collections.deque(maxlen=4)


def _dump_text(catalog: Catalog) -> str:
    lines = [_HEADER.rstrip("\n")]
    if catalog.word_lists:
        lines.append("word_lists:")
        for name, words in catalog.word_lists.items():
            lines.append(f"  {_scalar(name)}: {_flow(words)}")
    lines.append("indicators:")
    for indicator in catalog.indicators:
        first = True
        for field in _SCALAR_FIELDS:
            prefix = "  - " if first else "    "
            lines.append(f"{prefix}{field}: {_scalar(getattr(indicator, field))}")
            first = False
        for field in LIST_FIELDS:
            words = _written(indicator, field, catalog.word_lists)
            if words or field in ("aliases", "context", "exclude"):
                lines.append(f"    {field}: {_flow(words)}")
        if indicator.nonnegative != (indicator.measure in NONNEGATIVE_MEASURES):
            lines.append(f"    nonnegative: {'true' if indicator.nonnegative else 'false'}")
        if indicator.source:
            lines.append(f"    source: {_scalar(indicator.source)}")
        if indicator.retired:
            lines.append("    retired: true")
        checks = indicator.checks.model_dump(exclude_none=True)
        if checks:
            written = ", ".join(f"{key}: {_check_value(value)}" for key, value in checks.items())
            lines.append(f"    checks: {{{written}}}")
    return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=8)
def _read_back(text: str) -> Catalog:
    # Every ingest that writes records its catalog, so the same text is checked again and
    # again: parsing it once (30 ms) is enough, the comparison is what is done each time.
    return parse_catalog(text, Path("(写出的目录)"))


def _written(indicator: Indicator, field: str, word_lists: dict[str, tuple[str, ...]]):
    """A list field as the editor wrote it ("@name" kept) when that still reads as the
    entry's words with these word lists; the words themselves when it does not (a list an
    overlay redefined, or one a catalog built from some entries no longer has)."""
    written = indicator.as_written(field)
    words: list[str] = []
    for word in written:
        if word.startswith(WORD_LIST_MARK):
            if word[1:] not in word_lists:
                return getattr(indicator, field)
            more = word_lists[word[1:]]
        else:
            more = (word,)
        words += [w for w in more if w not in words]
    return written if tuple(words) == getattr(indicator, field) else getattr(indicator, field)


def _check_round_trip(catalog: Catalog, text: str) -> None:
    try:
        back = _read_back(text)
    except CatalogError as exc:
        raise CatalogError(
            f"目录写出后无法读回，未保存 (the catalog's YAML does not parse: {exc})"
        ) from exc
    # What the catalog means: every field but `written`, the form a list was typed in.
    if back.word_lists != catalog.word_lists:
        raise CatalogError("目录写出后 word_lists 读回不同，未保存")
    theirs = back.by_id()
    for indicator in catalog.indicators:
        other = theirs.get(indicator.id)
        for field in type(indicator).model_fields:
            if field == "written":
                continue
            if other is None or getattr(other, field) != getattr(indicator, field):
                raise CatalogError(
                    f"目录写出后指标 {indicator.id!r} 的字段 {field} 读回不同"
                    f"（{getattr(indicator, field)!r} → "
                    f"{getattr(other, field, None)!r}），未保存 "
                    f"(indicator {indicator.id!r}, field {field!r} does not round-trip)"
                )
    if back.ids() != catalog.ids():
        raise CatalogError("目录写出后指标顺序读回不同，未保存 (the catalog does not round-trip)")
