"""An indicator as an editor types it (loaders.catalog.form): the catalog's own rules, the
form's field names in every message, and the queue's grouping of unassigned subjects."""

from __future__ import annotations

from datetime import date

import pytest

from loaders.catalog.canonical_yaml import dump_catalog
from loaders.catalog.form import (
    FIELD_HELP,
    FIELD_LABELS,
    IndicatorFormError,
    draft_catalog,
    form_values,
    split_words,
    suggest_id,
    values_from_figure,
)
from loaders.catalog.indicators import Catalog, parse_catalog
from loaders.figures.subjects import subject_group
from tests.support.builders import CATALOG

EXPRESS = form_values(None) | {
    "id": "express_volume",
    "name_zh": "快递业务量",
    "name_en": "Express parcels",
    "category": "快递",
    "unit": "亿件",
    "aliases": "快递业务量、快递量\n快递件量",
    "exclude": "同城，异地",
    "description": "全国快递服务企业业务量",
    "source": "国家邮政局",
}


def _errors(catalog: Catalog, values: dict, editing: str | None = None) -> dict[str, str]:
    with pytest.raises(IndicatorFormError) as caught:
        draft_catalog(catalog, values, editing=editing)
    return {error.field: error.message for error in caught.value.errors}


def test_a_new_indicator_is_added_at_the_end_with_its_words_split():
    catalog, indicator = draft_catalog(CATALOG, EXPRESS)
    assert catalog.ids() == [*CATALOG.ids(), "express_volume"]
    assert indicator.aliases == ("快递业务量", "快递量", "快递件量")
    assert indicator.exclude == ("同城", "异地")
    assert (indicator.unit, indicator.kind, indicator.measure) == ("亿件", "flow", "level")
    assert indicator.source == "国家邮政局"


def test_an_unchanged_form_gives_back_the_same_catalog():
    for indicator in CATALOG.indicators:
        catalog, _ = draft_catalog(CATALOG, form_values(indicator), editing=indicator.id)
        assert dump_catalog(catalog) == dump_catalog(CATALOG)


def test_an_edit_keeps_the_position_and_the_other_entries():
    target = CATALOG.indicators[3]
    values = form_values(target) | {"aliases": form_values(target)["aliases"] + "\n新说法"}
    catalog, indicator = draft_catalog(CATALOG, values, editing=target.id)
    assert catalog.ids() == CATALOG.ids()
    assert indicator.aliases[-1] == "新说法"
    assert [i for i in catalog.indicators if i.id != target.id] == [
        i for i in CATALOG.indicators if i.id != target.id
    ]


def test_an_unknown_unit_is_refused_naming_the_known_bases():
    errors = _errors(CATALOG, EXPRESS | {"unit": "亿箱"})
    assert set(errors) == {"unit"}
    assert "亿箱" in errors["unit"] and "件" in errors["unit"] and "万亿" in errors["unit"]


def test_missing_and_malformed_fields_are_named_by_the_form_field():
    errors = _errors(CATALOG, EXPRESS | {"id": "Express-Volume", "name_en": " ", "aliases": "、"})
    assert set(errors) == {"id", "name_en", "aliases"}
    assert "小写" in errors["id"]
    assert errors["name_en"] == "必填"


def test_an_id_taken_or_changed_is_refused():
    taken = CATALOG.indicators[0].id
    assert "已存在" in _errors(CATALOG, EXPRESS | {"id": taken})["id"]
    editing = CATALOG.indicators[0]
    values = form_values(editing) | {"id": "renamed"}
    assert "不能改编号" in _errors(CATALOG, values, editing=editing.id)["id"]


def test_a_shared_word_list_is_used_by_name_and_kept_as_written():
    with_list = parse_catalog(
        dump_catalog(CATALOG).replace(
            "\nword_lists:\n", "\nword_lists:\n  parcels: [快递业务量, 快递量]\n", 1
        )
    )
    assert "parcels" in with_list.word_lists
    catalog, indicator = draft_catalog(with_list, EXPRESS | {"aliases": "@parcels\n快件量"})
    assert indicator.aliases == ("快递业务量", "快递量", "快件量")
    assert "aliases: ['@parcels', 快件量]" in dump_catalog(catalog)
    assert parse_catalog(dump_catalog(catalog)) == catalog
    errors = _errors(with_list, EXPRESS | {"aliases": "@boxes"})
    assert "@boxes" in errors[""]


def test_a_retired_indicator_stays_retired_when_edited():
    target = CATALOG.indicators[0]
    retired = CATALOG.replacing(target.model_copy(update={"retired": True}))
    _, indicator = draft_catalog(retired, form_values(retired.get(target.id)), editing=target.id)
    assert indicator.retired


def test_what_the_form_does_not_show_is_kept_when_an_entry_is_edited():
    """The second look's checks and a nonnegative against the measure's default come from a
    catalog file (catalog import, --catalog); editing the entry's aliases on the page dropped
    them."""
    from loaders.catalog.indicators import Checks

    target = CATALOG.indicators[0]
    checks = Checks(max_ratio=2.0, minimum=1.0, growth_of="logistics_total")
    special = target.model_copy(update={"checks": checks, "nonnegative": not target.nonnegative})
    catalog = CATALOG.replacing(special)
    values = form_values(special) | {"aliases": form_values(special)["aliases"] + "\n新说法"}
    edited, indicator = draft_catalog(catalog, values, editing=target.id)
    assert indicator.aliases[-1] == "新说法"
    assert indicator.checks == checks
    assert indicator.nonnegative is special.nonnegative
    unchanged, _ = draft_catalog(catalog, form_values(special), editing=target.id)
    assert dump_catalog(unchanged) == dump_catalog(catalog)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("快递业务量、快递量", ("快递业务量", "快递量")),
        ("a, b，c;d；e\n\n a ", ("a", "b", "c", "d", "e")),
        ("", ()),
    ],
)
def test_words_are_split_on_commas_enumeration_marks_and_lines(text, words):
    assert split_words(text) == words


def test_a_suggested_id_is_lowercase_and_unused():
    assert suggest_id("Express delivery volume!", CATALOG) == "express_delivery_volume"
    taken = CATALOG.indicators[0].id
    assert suggest_id(taken, CATALOG) == f"{taken}_2"
    assert suggest_id("5G users", CATALOG) == "indicator_5g_users"


def test_a_form_from_queue_figures_takes_the_amount_unit_before_the_rate():
    values = values_from_figure("快递业务量", ["%", "亿件", "亿件", "%", "%"])
    assert (values["name_zh"], values["aliases"], values["unit"]) == (
        "快递业务量",
        "快递业务量",
        "亿件",
    )
    assert (values["kind"], values["measure"]) == ("flow", "level")
    share = values_from_figure("新能源汽车市场占有率", ["%"])
    assert (share["unit"], share["kind"], share["measure"]) == ("%", "rate", "share")
    assert values_from_figure("新订单指数", ["个百分点"])["unit"] == ""


@pytest.mark.parametrize(
    ("subject", "group"),
    [
        ("全国快递服务企业业务量累计完成", "快递业务量"),
        ("10月份快递业务量为", "快递业务量"),
        ("1—10月，全国快递业务量同比增长", "快递业务量"),
        ("2021年上半年中国人工智能研发平台市场规模为", "中国人工智能研发平台市场规模"),
        ("其中，5G用户达", "5G用户"),
        ("carbon_volume: 地方碳市场成交量", "地方碳市场成交量"),
        ("", ""),
    ],
)
def test_queue_subjects_group_on_what_they_name(subject, group):
    assert subject_group(subject, date(2021, 11, 1)) == group


def test_every_field_is_labelled_and_explained_in_one_place():
    """The form's labels and help texts are data beside each other (the page only lays them
    out), one of each per field of a catalog entry."""
    assert list(FIELD_HELP) == list(FIELD_LABELS)
    assert all(text.strip() for text in FIELD_HELP.values())
