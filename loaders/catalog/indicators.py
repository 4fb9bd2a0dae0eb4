"""The curated catalog of indicators: YAML validated by pydantic.

data/catalog.yaml seeds a new store; after that the store holds the catalog, versioned
(loaders.services.catalog), and YAML is its import and export format. Word lists shared by
several entries (the local carbon markets, the logistics sub-totals) are named once under
`word_lists:` and used in any list field as `"@name"`; an entry keeps what it was written
with (`written`) so an export writes the names back, while extraction sees the words.
"""

from __future__ import annotations

import collections
import difflib
import functools
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from loaders.paths import CATALOG_PATH
from loaders.vocab import units

Kind = Literal["flow", "stock", "rate", "index"]
Measure = Literal["level", "yoy", "yoy_2y", "cagr", "share", "index", "price"]
# Measures no figure of which can be below zero: an amount or count, a share, a diffusion
# index, a price. Growth rates (yoy, yoy_2y, cagr) fall as often as they rise.
NONNEGATIVE_MEASURES = frozenset({"level", "share", "index", "price"})
# The fields that hold word lists, in the order the YAML writes them.
LIST_FIELDS = ("aliases", "context", "exclude", "generic_aliases")
WORD_LIST_MARK = "@"
# The shipped catalog is 14 KB for 30 series; a catalog file is read only up to this.
MB = 1024 * 1024
MAX_CATALOG_BYTES = 2 * MB


# A mistyped id is answered with the ids nearest to it (difflib's ratio at least this):
# carbon_national_close_price -> carbon_national_price, carbon_national_cum_turnover, ...
SUGGESTION_CUTOFF = 0.5
SUGGESTIONS = 3


def closest_ids(wanted: str, known: Sequence[str], count: int = SUGGESTIONS) -> list[str]:
    """The known ids (or keys) nearest to a mistyped one, closest first; [] when none is near.
    The one rule behind every "did you mean" (review rows, ingest, the CLI, the API)."""
    return difflib.get_close_matches(wanted, list(known), n=count, cutoff=SUGGESTION_CUTOFF)


def unknown_indicator_message(wanted: str, known: Sequence[str]) -> str:
    """未知指标 'x'（目录中没有这个 id；最接近的：a、b）: what the editor can act on, with no
    file name (once a store exists the catalog lives in it, not in data/catalog.yaml)."""
    matches = closest_ids(wanted, known)
    hint = f"最接近的：{'、'.join(matches)}" if matches else "「指标」页列出全部 id"
    return f"未知指标 {wanted!r}（目录中没有这个 id；{hint}）"


class CatalogError(ValueError):
    """A catalog file that cannot be used; the message names file, indicator and field."""


class Checks(BaseModel):
    """How a value is checked against its series before it joins it (loaders.series.plausibility);
    a field left out takes the default of the series' kind and measure (`Indicator.checks_in_force`).

    max_ratio  a value more than this many times, or less than 1/this, of its neighbours of
               the same form is doubtful (levels, prices, indices; 0 switches it off)
    minimum, maximum  the range a value of the series can take (a share 0–100)
    cumulative  a total since launch: it never falls from one date to a later one
    growth_of, growth_tolerance  the level series a growth rate is the growth of, and by how
               many percentage points the stated growth may differ from the one the stated
               levels give (unset: not checked; 按可比价格 growth differs from the nominal)
    """

    # No NaN or infinity: a NaN bound switches a check off unnoticed (no value compares with
    # it); an open range is a bound left out.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    max_ratio: float | None = Field(default=None, ge=0)
    minimum: float | None = None
    maximum: float | None = None
    cumulative: bool | None = None
    growth_of: str | None = None
    growth_tolerance: float | None = Field(default=None, ge=0)


# The checks a series gets when its entry says nothing: levels, prices and indices against
# their neighbours (5× either way), shares and indices within 0–100, growth rates within
# what a growth can be, and totals since launch (累计) never falling.
DEFAULT_MAX_RATIO = 5.0
GROWTH_RANGE = (-100.0, 1000.0)


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    category: str = Field(min_length=1)
    unit: str
    kind: Kind
    measure: Measure
    description: str = Field(min_length=1)
    aliases: tuple[str, ...] = Field(min_length=1)
    context: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # Aliases too general to stand alone ("市场规模", "交易"): they count only
    # when nothing but time words, determiners or reporting verbs precede them
    # in the clause and a context word is in the sentence, paragraph or title.
    generic_aliases: tuple[str, ...] = ()
    # No figure of the series can be negative (a total, a count, a share). Default: from the
    # measure (NONNEGATIVE_MEASURES); an entry may say otherwise.
    nonnegative: bool

    @model_validator(mode="before")
    @classmethod
    def _nonnegative_from_measure(cls, data: Any) -> Any:
        if isinstance(data, dict) and "nonnegative" not in data:
            return {**data, "nonnegative": data.get("measure") in NONNEGATIVE_MEASURES}
        return data

    def value_problem(self, value: float | None) -> str | None:
        """Why a value (in this series' unit) cannot be stored in the series, or None."""
        if value is None:
            return None
        if not math.isfinite(value):
            return f"不是有限数值（{value!r} {self.unit}）"
        if self.nonnegative and value < 0:
            return f"{self.id}（{self.name_zh}）不能为负数：{value:g} {self.unit}"
        return None

    # Where the series' figures come from (中国物流与采购联合会, 国家邮政局…), for readers.
    source: str = ""
    # Retired: hidden from the pages, its data kept (and still extracted, so it can return).
    retired: bool = False
    # Thresholds of the second look a value gets before it joins the series.
    checks: Checks = Field(default_factory=Checks)

    def checks_in_force(self) -> Checks:
        """The entry's checks with the defaults of its kind and measure filled in."""
        given = self.checks
        ratio = given.max_ratio
        if ratio is None:
            ratio = DEFAULT_MAX_RATIO if self.measure in ("level", "price", "index") else 0.0
        low, high = given.minimum, given.maximum
        if self.measure in ("share", "index"):
            low = 0.0 if low is None else low
            high = 100.0 if high is None else high
        elif self.measure in ("yoy", "yoy_2y", "cagr"):
            low = GROWTH_RANGE[0] if low is None else low
            high = GROWTH_RANGE[1] if high is None else high
        cumulative = given.cumulative
        if cumulative is None:
            cumulative = self.kind == "stock" and "累计" in self.name_zh
        return Checks(
            max_ratio=ratio,
            minimum=low,
            maximum=high,
            cumulative=cumulative,
            growth_of=given.growth_of,
            growth_tolerance=given.growth_tolerance,
        )

    # The list fields as written, where they name word lists ("@local_carbon_markets").
    written: dict[str, tuple[str, ...]] = Field(default_factory=dict, exclude=True, repr=False)

    def as_written(self, field: str) -> tuple[str, ...]:
        """A list field as the editor wrote it (word-list names kept)."""
        return self.written.get(field, getattr(self, field))

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        if not units.is_series_unit(unit):
            raise ValueError(f"unknown unit {unit!r}; expected {units.series_units_help()}")
        return unit


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    word_lists: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    indicators: tuple[Indicator, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _expand_word_lists(cls, raw: Any) -> Any:
        """Entries name word lists as "@name" in their list fields: expand them, and keep
        what was written so an export writes the names back."""
        if not isinstance(raw, dict) or not isinstance(raw.get("indicators"), list | tuple):
            return raw
        lists = raw.get("word_lists") or {}
        if not isinstance(lists, dict):
            return raw  # the field validator names the problem
        entries = []
        for entry in raw["indicators"]:
            if not isinstance(entry, dict):
                entries.append(entry)
                continue
            if "written" in entry:
                raise ValueError(f"indicator {entry.get('id')!r}: unknown field 'written'")
            entry = dict(entry)
            written: dict[str, tuple[str, ...]] = {}
            for field in LIST_FIELDS:
                words = entry.get(field)
                if not isinstance(words, list | tuple):
                    continue
                names = [w for w in words if isinstance(w, str) and w.startswith(WORD_LIST_MARK)]
                if not names:
                    continue
                unknown = [n for n in names if n[1:] not in lists]
                if unknown:
                    known = ", ".join(WORD_LIST_MARK + name for name in lists) or "none"
                    raise ValueError(
                        f"indicator {entry.get('id')!r}, field {field!r}: unknown word list "
                        f"{', '.join(unknown)} (word_lists: {known})"
                    )
                written[field] = tuple(words)
                expanded: list[str] = []
                for word in words:
                    more = lists[word[1:]] if word in names else [word]
                    expanded += [w for w in more if w not in expanded]
                entry[field] = expanded
            entry["written"] = written
            entries.append(entry)
        return {**raw, "indicators": entries}

    @field_validator("indicators")
    @classmethod
    def _unique_ids(cls, indicators: tuple[Indicator, ...]) -> tuple[Indicator, ...]:
        seen: set[str] = set()
        for indicator in indicators:
            if indicator.id in seen:
                raise ValueError(f"duplicate indicator id {indicator.id!r}")
            seen.add(indicator.id)
        return indicators

    def get(self, indicator_id: str) -> Indicator | None:
        return self.by_id().get(indicator_id)

    def by_id(self) -> dict[str, Indicator]:
        return {indicator.id: indicator for indicator in self.indicators}

    def ids(self) -> list[str]:
        return [indicator.id for indicator in self.indicators]

    def categories(self) -> list[str]:
        return list(dict.fromkeys(indicator.category for indicator in self.indicators))

    def with_overlay(self, other: Catalog) -> Catalog:
        """This catalog with other's indicators added; an id present in both takes other's
        entry, in this catalog's position (`--catalog FILE`)."""
        replaced = other.by_id()
        kept = [replaced.pop(ind.id, ind) for ind in self.indicators]
        return Catalog(
            word_lists={**self.word_lists, **other.word_lists},
            indicators=(*kept, *replaced.values()),
        )

    def active(self) -> Catalog:
        """The indicators the pages show: every one not retired."""
        return self.model_copy(
            update={"indicators": tuple(i for i in self.indicators if not i.retired)}
        )

    def replacing(self, indicator: Indicator) -> Catalog:
        """This catalog with indicator added, or replacing the entry of its id in place."""
        entries = list(self.indicators)
        ids = [entry.id for entry in entries]
        if indicator.id in ids:
            entries[ids.index(indicator.id)] = indicator
        else:
            entries.append(indicator)
        return Catalog(word_lists=self.word_lists, indicators=tuple(entries))


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


def _describe_error(path: Path, raw: dict, error: dict) -> str:
    location = list(error["loc"])
    where = "catalog"
    if len(location) >= 2 and location[0] == "indicators" and isinstance(location[1], int):
        entries = raw.get("indicators") or []
        position = location[1]
        entry = entries[position] if position < len(entries) else {}
        name = entry.get("id") if isinstance(entry, dict) else None
        where = f"indicator {name!r}" if name else f"indicator #{position + 1}"
        location = location[2:]
    field = ".".join(str(part) for part in location) or "(entry)"
    return f"{path}: {where}, field {field!r}: {error['msg']}"


# A catalog nests four deep (the file, indicators, an entry, its checks); YAML deeper than
# this is no catalog.
MAX_NESTING = 32


def _too_deep(text: str) -> str:
    depth = 0
    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, starts):
                depth += 1
                if depth > MAX_NESTING:
                    mark = event.start_mark
                    return (
                        f"第 {mark.line + 1} 行第 {mark.column + 1} 列嵌套超过 {MAX_NESTING} 层，"
                        f"不是目录 (nested more than {MAX_NESTING} deep at line "
                        f"{mark.line + 1}, column {mark.column + 1})"
                    )
            elif isinstance(event, ends):
                depth -= 1
    except yaml.YAMLError as exc:
        return f"not valid YAML: {exc}"
    return "嵌套过深，不是目录 (nested too deep)"


def parse_catalog(text: str, path: Path = CATALOG_PATH) -> Catalog:
    """Validate catalog YAML text; errors name the file, the indicator and the field."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML: {exc}") from exc
    except RecursionError:
        # PyYAML builds nested lists and mappings recursively: [[[[…]]]] 50,000 deep was a
        # traceback. Where it gets too deep is found again with the parser's events, which
        # are read without recursion (only on this failure: a catalog is 4 deep).
        raise CatalogError(f"{path}: {_too_deep(text)}") from None
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: expected a mapping with an 'indicators' list")
    if "written" in str(raw):
        for entry in raw.get("indicators") or []:
            if isinstance(entry, dict) and "written" in entry:
                raise CatalogError(
                    f"{path}: indicator {entry.get('id')!r}: unknown field 'written'"
                )
    try:
        return Catalog.model_validate(raw)
    except ValidationError as exc:
        messages = [_describe_error(path, raw, error) for error in exc.errors()]
        raise CatalogError("\n".join(messages)) from exc


def load_catalog(path: Path | str = CATALOG_PATH) -> Catalog:
    """Read and validate a catalog file (data/catalog.yaml by default); callers pass the
    result on explicitly: there is no process-wide catalog."""
    path = Path(path)
    try:
        # The size by stat before anything is read, and never more than the cap read (a
        # 1 GiB file given to `catalog import` was read whole, /dev/zero without end).
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = b"" if size > MAX_CATALOG_BYTES else handle.read(MAX_CATALOG_BYTES + 1)
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if size > MAX_CATALOG_BYTES or len(data) > MAX_CATALOG_BYTES:
        raise CatalogError(
            f"{path}: 目录文件过大（{max(size, len(data)) / MB:.1f} MB 以上，上限 "
            f"{MAX_CATALOG_BYTES // MB} MB） (the file is too large for a catalog)"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    return parse_catalog(text, path)


def load_catalogs(extra: Sequence[Path | str] = (), base: Path | str = CATALOG_PATH) -> Catalog:
    """The base catalog with each extra file's indicators laid over it, in order."""
    catalog = load_catalog(base)
    for path in extra:
        catalog = catalog.with_overlay(load_catalog(path))
    return catalog
