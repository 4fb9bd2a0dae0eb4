"""An indicator as an editor writes it in a form: text fields in, a validated Indicator out.

The 指标 page's form and anything else that takes an indicator from people (not from YAML)
goes through here, so the rules are the catalog's own (loaders.catalog.indicators, pydantic) and the
messages name the field as the form labels it. Word lists are typed one per line or
separated by commas or 、; "@name" uses a shared word list of the catalog.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from loaders.catalog.indicators import (
    LIST_FIELDS,
    NONNEGATIVE_MEASURES,
    Catalog,
    CatalogError,
    Checks,
    Indicator,
)
from loaders.vocab import units

# Form labels, in the order the form shows them.
FIELD_LABELS: dict[str, str] = {
    "id": "编号 id",
    "name_zh": "中文名称",
    "name_en": "英文名称",
    "category": "类别",
    "unit": "单位",
    "kind": "类型",
    "measure": "口径",
    "aliases": "别名",
    "context": "语境词",
    "exclude": "排除词",
    "generic_aliases": "泛称",
    "description": "定义",
    "source": "来源",
}
# What each field asks for, shown beside its label ("" for a label that says it all). The
# form adds what it knows at the time (the categories already in use).
FIELD_HELP: dict[str, str] = {
    "id": "小写英文、数字和下划线，如 express_volume；保存后不能改",
    "name_zh": "页面上显示的名称，如 快递业务量",
    "name_en": "英文名称，如 Express parcels",
    "category": "指标所属的类别",
    "unit": "数量级加基本单位，如 亿元、万亿元、亿件、万辆、亿户、%、元/吨",
    "kind": "流量：一段时间的量；存量：某一时点的水平；比率：百分比；指数：扩散指数等",
    "measure": "数字须说明的内容：水平值、同比、占比……",
    "aliases": "简报中指代该指标的说法，每行一个（或用顿号、逗号分隔）；@名称 引用共享词表",
    "context": "别名有歧义时，文章或句中须出现其中之一",
    "exclude": "出现在数字前表示说的是别的对象，如 同城、异地",
    "generic_aliases": "过于笼统、须有语境词才算的说法，如 市场规模",
    "description": "该指标的定义与口径，读者在指标页看到",
    "source": "数据来源，如 国家邮政局",
}
KIND_LABELS = {
    "flow": "流量 flow",
    "stock": "存量 stock",
    "rate": "比率 rate",
    "index": "指数 index",
}
MEASURE_LABELS = {
    "level": "水平值 level",
    "yoy": "同比 yoy",
    "yoy_2y": "两年平均增速 yoy_2y",
    "cagr": "复合增长率 cagr",
    "share": "占比/渗透率 share",
    "index": "指数 index",
    "price": "价格 price",
}
_WORD_SEPARATORS = re.compile(r"[\n,，、;；]+")
_ID_CLEANER = re.compile(r"[^a-z0-9_]+")


def split_words(text: str) -> tuple[str, ...]:
    """ "快递业务量、快递量\n快递件量" -> the words, stripped, without repeats or blanks."""
    words = (word.strip() for word in _WORD_SEPARATORS.split(text or ""))
    return tuple(dict.fromkeys(word for word in words if word))


def join_words(words: tuple[str, ...] | list[str]) -> str:
    return "\n".join(words)


def form_values(indicator: Indicator | None) -> dict[str, str]:
    """The form's text for an indicator (word lists as written, one word per line), or the
    blank form."""
    if indicator is None:
        return {field: "" for field in FIELD_LABELS} | {"kind": "flow", "measure": "level"}
    values = {field: str(getattr(indicator, field)) for field in FIELD_LABELS}
    for field in LIST_FIELDS:
        values[field] = join_words(indicator.as_written(field))
    return values


@dataclass(frozen=True)
class FormError:
    field: str  # a FIELD_LABELS key, or "" for the whole entry
    message: str

    def __str__(self) -> str:
        label = FIELD_LABELS.get(self.field, "")
        return f"{label}：{self.message}" if label else self.message


class IndicatorFormError(CatalogError):
    """A form that does not make an indicator; errors name each field by its label."""

    def __init__(self, errors: list[FormError]):
        self.errors = errors
        super().__init__("；".join(str(error) for error in errors))


def draft_catalog(
    catalog: Catalog, values: dict[str, Any], *, editing: str | None = None
) -> tuple[Catalog, Indicator]:
    """The catalog with the form's indicator added (editing=None) or replacing `editing`,
    validated as the catalog validates YAML; IndicatorFormError otherwise."""
    raw: dict[str, Any] = {}
    for field in FIELD_LABELS:
        value = values.get(field, "")
        if field in LIST_FIELDS:
            raw[field] = list(split_words(str(value or "")))
        else:
            raw[field] = str(value or "").strip()
    errors: list[FormError] = []
    if editing is None and raw["id"] in catalog.by_id():
        errors.append(FormError("id", f"{raw['id']} 已存在，请换一个编号或修改该指标"))
    if editing is not None and raw["id"] != editing:
        errors.append(FormError("id", "修改指标时不能改编号（数据按编号保存）"))
    if raw["unit"] and not units.is_series_unit(raw["unit"]):
        errors.append(
            FormError(
                "unit",
                f"不认识的单位 {raw['unit']}：应为数量级（{'、'.join(units.MAGNITUDES)} 或无）"
                f"加基本单位（{'、'.join(units.SERIES_BASE_UNITS)}）",
            )
        )
    current = catalog.get(editing) if editing else None
    entry = {key: value for key, value in raw.items() if value not in ("", [])}
    entry.setdefault("aliases", [])
    if current is not None:
        # What the form does not show stays as the entry has it: retired, the second look's
        # checks, a nonnegative the entry states against its measure's default (an edit of
        # an alias dropped the checks an imported catalog set).
        if current.retired:
            entry["retired"] = True
        if current.checks != Checks():
            entry["checks"] = current.checks.model_dump(exclude_none=True)
        if current.nonnegative != (current.measure in NONNEGATIVE_MEASURES):
            entry["nonnegative"] = current.nonnegative
    # The whole catalog is validated again: word lists ("@name") resolve against it.
    others = [{**_entry_of(ind)} for ind in catalog.indicators if ind.id != (editing or raw["id"])]
    position = next(
        (i for i, ind in enumerate(catalog.indicators) if ind.id == editing), len(others)
    )
    others.insert(position, entry)
    try:
        updated = Catalog.model_validate(
            {"word_lists": dict(catalog.word_lists), "indicators": others}
        )
    except ValidationError as exc:
        named = {error.field for error in errors}
        found = [_form_error(error, position) for error in exc.errors()]
        errors += [error for error in found if error.field not in named]
    except ValueError as exc:  # an unknown word list, raised before pydantic's fields
        errors.append(FormError("", str(exc)))
    if errors:
        raise IndicatorFormError(errors)
    return updated, updated.indicators[position]


def _entry_of(indicator: Indicator) -> dict[str, Any]:
    entry = indicator.model_dump()
    for field in LIST_FIELDS:
        entry[field] = list(indicator.as_written(field))
    return entry


_PYDANTIC_MESSAGES = {
    "string_too_short": "必填",
    "too_short": "至少填一个",
    "string_pattern_mismatch": "只能用小写英文字母、数字和下划线，并以字母开头",
    "literal_error": "请选择列表中的一项",
    "missing": "必填",
}


def _form_error(error: dict, position: int) -> FormError:
    location = list(error["loc"])
    message = _PYDANTIC_MESSAGES.get(error["type"], str(error["msg"]).removeprefix("Value error, "))
    if location[:2] != ["indicators", position]:
        return FormError("", message)
    field = str(location[2]) if len(location) > 2 else ""
    return FormError(field if field in FIELD_LABELS else "", message)


def suggest_id(name_en: str, catalog: Catalog) -> str:
    """ "Express delivery volume" -> express_delivery_volume (made unique in the catalog)."""
    base = _ID_CLEANER.sub("_", (name_en or "").strip().lower()).strip("_")
    base = base if base[:1].isalpha() else f"indicator_{base}".rstrip("_")
    candidate, n = base, 2
    while candidate in catalog.by_id():
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def values_from_figure(subject: str, figure_units: Sequence[str]) -> dict[str, str]:
    """The form prefilled from unassigned figures about one subject (as the work queue
    groups them, loaders.figures.subjects.subject_group): the subject as name and alias, and the
    unit most of them are in that a series may be kept in, an amount's before a
    percentage's (快递业务量 comes with 亿件 and its growth in %)."""
    values = form_values(None)
    subject = (subject or "").strip()
    values["name_zh"] = subject
    values["aliases"] = subject
    usable = [unit for unit in figure_units if units.is_series_unit(unit or "")]
    amounts = [unit for unit in usable if unit != "%"]
    unit = Counter(amounts or usable).most_common(1)[0][0] if usable else ""
    values["unit"] = unit
    if unit == "%":
        values["kind"], values["measure"] = "rate", "share"
    return values
