"""The curated catalog of indicators: one YAML file validated by pydantic."""

from __future__ import annotations

import math
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

from loaders import units
from loaders.paths import CATALOG_PATH

Kind = Literal["flow", "stock", "rate", "index"]
Measure = Literal["level", "yoy", "yoy_2y", "cagr", "share", "index", "price"]
# Measures no figure of which can be below zero: an amount or count, a share, a diffusion
# index, a price. Growth rates (yoy, yoy_2y, cagr) fall as often as they rise.
NONNEGATIVE_MEASURES = frozenset({"level", "share", "index", "price"})


class CatalogError(ValueError):
    """A catalog file that cannot be used; the message names file, indicator and field."""


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

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        if not units.is_series_unit(unit):
            raise ValueError(f"unknown unit {unit!r}; expected {units.series_units_help()}")
        return unit


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    indicators: tuple[Indicator, ...] = Field(min_length=1)

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
        return Catalog(indicators=(*kept, *replaced.values()))


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


def parse_catalog(text: str, path: Path = CATALOG_PATH) -> Catalog:
    """Validate catalog YAML text; errors name the file, the indicator and the field."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: expected a mapping with an 'indicators' list")
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
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    return parse_catalog(text, path)


def load_catalogs(extra: Sequence[Path | str] = (), base: Path | str = CATALOG_PATH) -> Catalog:
    """The base catalog with each extra file's indicators laid over it, in order."""
    catalog = load_catalog(base)
    for path in extra:
        catalog = catalog.with_overlay(load_catalog(path))
    return catalog
