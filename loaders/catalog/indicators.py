"""The curated catalog of indicators: YAML validated by pydantic.

data/catalog.yaml seeds a new store; after that the store holds the catalog, versioned
(loaders.services.catalog), and YAML is its import and export format. Word lists shared by
several entries (the local carbon markets, the logistics sub-totals) are named once under
`word_lists:` and used in any list field as `"@name"`; an entry keeps what it was written
with (`written`) so an export writes the names back, while extraction sees the words.
"""

from __future__ import annotations

import difflib
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
