"""The catalog YAML is validated at load; bad entries name file, indicator and field."""

from pathlib import Path

import pytest

from loaders.catalog.indicators import (
    LIST_FIELDS,
    CatalogError,
    load_catalog,
    load_catalogs,
    parse_catalog,
)
from tests.support.builders import CATALOG

FIXTURES = Path(__file__).parent / "data" / "catalog"

# Ids the product issue requires, with their storage units.
REQUIRED_UNITS = {
    "telecom_ma_value": "亿元",
    "telecom_ma_deals": "笔",
    "logistics_total": "万亿元",
    "logistics_total_yoy": "%",
    "logistics_total_yoy_2y": "%",
    "logistics_revenue": "万亿元",
    "logistics_revenue_yoy": "%",
    "logistics_revenue_yoy_2y": "%",
    "logistics_business_index": "%",
    "logistics_new_orders_index": "%",
    "carbon_pilot_cum_volume": "亿吨",
    "carbon_pilot_cum_turnover": "亿元",
    "carbon_pilot_enterprises": "家",
    "carbon_national_units": "家",
    "carbon_national_cum_volume": "亿吨",
    "carbon_national_cum_turnover": "亿元",
    "carbon_national_price": "元/吨",
    "ai_rd_platform_market": "亿美元",
    "ai_rd_platform_cagr": "%",
    "l2_penetration": "%",
}


def test_project_catalog_has_every_required_indicator_with_its_unit():
    catalog = CATALOG
    assert {i.id: i.unit for i in catalog.indicators if i.id in REQUIRED_UNITS} == REQUIRED_UNITS


def test_every_indicator_is_described_in_both_languages():
    for indicator in CATALOG.indicators:
        assert indicator.name_zh and indicator.name_en and indicator.description
        assert indicator.aliases, indicator.id


@pytest.mark.parametrize(
    ("fixture", "expected_parts"),
    [
        ("missing_name_zh.yaml", ["'logistics_total'", "'name_zh'", "Field required"]),
        ("unknown_unit.yaml", ["'logistics_total'", "'unit'", "兆元"]),
        ("bad_kind.yaml", ["'l2_penetration'", "'kind'"]),
        ("duplicate_id.yaml", ["'indicators'", "duplicate indicator id 'telecom_ma_deals'"]),
        ("empty_aliases.yaml", ["'carbon_national_price'", "'aliases'"]),
        ("unknown_field.yaml", ["'telecom_ma_value'", "'colour'"]),
        ("not_yaml.yaml", ["not valid YAML"]),
        ("bad_nonnegative.yaml", ["'logistics_total'", "'nonnegative'"]),
    ],
)
def test_bad_catalog_entry_names_file_indicator_and_field(fixture, expected_parts):
    path = FIXTURES / fixture
    with pytest.raises(CatalogError) as excinfo:
        load_catalog(path)
    message = str(excinfo.value)
    assert str(path) in message
    for part in expected_parts:
        assert part in message


NEW_INDICATOR = """indicators:
  - id: express_volume
    name_zh: 快递业务量
    name_en: Express delivery volume
    category: 物流
    unit: 亿件
    kind: flow
    measure: level
    description: 全国快递服务企业业务量。
    aliases: [快递业务量]
  - id: logistics_total
    name_zh: 社会物流总额（改）
    name_en: Total value of social logistics
    category: 物流
    unit: 万亿元
    kind: flow
    measure: level
    description: 改写的条目。
    aliases: [社会物流总额]
"""


def test_an_overlay_adds_new_indicators_and_replaces_same_ids_in_place(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(NEW_INDICATOR, encoding="utf-8")
    merged = load_catalogs([extra])
    assert merged.ids()[: len(CATALOG.ids())] == CATALOG.ids()
    assert merged.ids()[-1] == "express_volume"
    assert merged.get("express_volume").unit == "亿件"
    assert merged.get("logistics_total").name_zh == "社会物流总额（改）"
    assert CATALOG.get("logistics_total").name_zh == "全国社会物流总额"


@pytest.mark.parametrize("unit", ["万辆", "亿件", "亿户", "万人", "台", "千瓦时", "亿千瓦时"])
def test_any_magnitude_and_known_base_is_a_unit(unit):
    text = NEW_INDICATOR.replace("unit: 亿件", f"unit: {unit}")
    assert parse_catalog(text).get("express_volume").unit == unit


@pytest.mark.parametrize("unit", ["兆元", "万%", "亿个百分点", "件件", ""])
def test_an_unknown_unit_names_the_known_ones(unit):
    text = NEW_INDICATOR.replace("unit: 亿件", f"unit: '{unit}'")
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, Path("extra.yaml"))
    message = str(caught.value)
    assert "extra.yaml: indicator 'express_volume', field 'unit'" in message
    assert "万亿" in message and "辆" in message and "件" in message


def test_series_that_cannot_be_negative_follow_their_measure_unless_the_entry_says():
    by_id = CATALOG.by_id()
    assert by_id["logistics_total"].nonnegative  # level
    assert by_id["l2_penetration"].nonnegative  # share
    assert by_id["logistics_business_index"].nonnegative  # index
    assert by_id["carbon_national_price"].nonnegative  # price
    assert not by_id["logistics_total_yoy"].nonnegative  # growth rates can fall
    assert not by_id["ai_rd_platform_cagr"].nonnegative
    entry = CATALOG.indicators[0].model_dump(exclude={"nonnegative"})
    explicit = parse_catalog(
        __import__("yaml").safe_dump({"indicators": [{**entry, "nonnegative": False}]})
    )
    assert explicit.indicators[0].nonnegative is False


def test_the_shipped_catalog_names_shared_words_once():
    """The logistics sub-totals and the local carbon markets are word lists, and no entry
    spells a list out again (a copy would drift from the list)."""
    catalog = load_catalog()
    assert {"logistics_subtotals", "local_carbon_markets"} <= set(catalog.word_lists)
    for indicator in catalog.indicators:
        for field in LIST_FIELDS:
            written = set(indicator.as_written(field))
            for name, words in catalog.word_lists.items():
                assert not set(words) <= written, (indicator.id, field, name)
    used = {
        word
        for indicator in catalog.indicators
        for field in LIST_FIELDS
        for word in indicator.as_written(field)
    }
    assert {f"@{name}" for name in catalog.word_lists} <= used


# Words an editor may type that YAML reads as syntax: flow-list marks ([]{},?), comments,
# anchors, tags, quotes, booleans, numbers, line breaks of every kind, invisible characters
# (the big list of naughty strings, and the aliases that made a store unreadable).
NAUGHTY_WORDS = [
    "x]",
    "a?b",
    "{x}",
    "(含港澳]",
    "[x",
    "? x",
    "?x",
    "a, b",
    "a,b",
    "}",
    "#x",
    "a #b",
    "- x",
    "-",
    "yes",
    "null",
    "~",
    "1.5",
    "0x1F",
    "'",
    '"',
    "it's",
    'say "hi"',
    "a: b",
    "a:b",
    "%x",
    "*x",
    "&x",
    "!x",
    "!!python/object:os.system",
    "|x",
    ">x",
    "`x",
    " lead",
    "trail ",
    "a\nb",
    "a\r\nb",
    "\u2028",
    "x\x85y",
    "\u2029",
    "\ufeff",
    "\t",
    "\\",
    "<script>alert(1)</script>",
    "${HOME}",
    "𝕏",
    "٠١٢",
]


@pytest.mark.parametrize("word", NAUGHTY_WORDS, ids=[repr(w) for w in NAUGHTY_WORDS])
def test_any_word_round_trips_through_the_catalog_yaml(word):
    from loaders.catalog.canonical_yaml import dump_catalog

    first = CATALOG.indicators[0]
    changed = first.model_copy(
        update={
            "aliases": (*first.aliases, word),
            "context": (word, "电信"),
            "exclude": (word,),
            "generic_aliases": (word,),
            "name_zh": f"{word}名",
            "description": word,
            "source": word,
        }
    )
    catalog = CATALOG.replacing(changed).model_copy(
        update={"word_lists": {**CATALOG.word_lists, "naughty": (word, "x]")}}
    )
    text = dump_catalog(catalog)
    assert parse_catalog(text) == catalog
    assert dump_catalog(parse_catalog(text)) == text


@pytest.mark.parametrize("name", NAUGHTY_WORDS, ids=[repr(w) for w in NAUGHTY_WORDS])
def test_any_word_list_name_round_trips_through_the_catalog_yaml(name):
    """A word list's name is a mapping key in the YAML: written plain, "x: y", "#a", "@x"
    or "" did not read back (a catalog file naming such a list could not be imported)."""
    from loaders.catalog.canonical_yaml import dump_catalog

    catalog = CATALOG.model_copy(update={"word_lists": {**CATALOG.word_lists, name: ("词",)}})
    text = dump_catalog(catalog)
    assert parse_catalog(text) == catalog
    assert dump_catalog(parse_catalog(text)) == text


@pytest.mark.parametrize(
    "checks",
    [
        {"max_ratio": 3.0, "minimum": -5.5, "maximum": 120.0, "cumulative": True},
        {"growth_of": "logistics_total", "growth_tolerance": 0.5},
        {"max_ratio": 1.23456789},
        {"minimum": 123456789.0, "maximum": 1e-07},
        {"cumulative": False, "max_ratio": 0.0},
        *({"growth_of": word} for word in ("a,b}", "x]", "{x}", "a: b", "a\nb", "#x")),
    ],
    ids=repr,
)
def test_an_entrys_checks_round_trip_through_the_catalog_yaml(checks):
    """The second look's thresholds are part of the catalog a store keeps: every value of
    them reads back as written (six significant digits made 123456789 read as 123457000 and
    refused the save; a growth_of of "a,b}" ended the flow mapping it is written in)."""
    from loaders.catalog.canonical_yaml import dump_catalog
    from loaders.catalog.indicators import Checks

    first = CATALOG.indicators[0]
    catalog = CATALOG.replacing(first.model_copy(update={"checks": Checks(**checks)}))
    text = dump_catalog(catalog)
    back = parse_catalog(text)
    assert back.get(first.id).checks == Checks(**checks)
    assert back == catalog
    assert dump_catalog(back) == text


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1e999"])
def test_checks_refuse_a_bound_that_is_no_number(value):
    """A NaN minimum switched the range check off unnoticed (nothing compares with NaN)."""
    text = _catalog_text_with_checks(f"{{minimum: {value}}}")
    with pytest.raises(CatalogError) as refused:
        parse_catalog(text)
    assert "checks.minimum" in str(refused.value)


def _catalog_text_with_checks(checks: str) -> str:
    from loaders.catalog.canonical_yaml import dump_catalog

    text = dump_catalog(CATALOG)
    first = CATALOG.indicators[0]
    line = f"    measure: {first.measure}\n"
    start = text.index(f"  - id: {first.id}\n")
    at = text.index(line, start) + len(line)
    return text[:at] + f"    checks: {checks}\n" + text[at:]


def test_a_dump_that_would_not_read_back_is_refused():
    """model_copy does not validate: an entry changed that way (as set_retired changes one)
    can hold what no catalog file may. The dump is parsed back before it is returned, so it
    is an error naming the indicator and field, never a stored version nobody can read."""
    from loaders.catalog.canonical_yaml import dump_catalog

    first = CATALOG.indicators[0]
    with pytest.raises(CatalogError) as refused:
        dump_catalog(CATALOG.replacing(first.model_copy(update={"unit": "兆元"})))
    message = str(refused.value)
    assert "目录写出后无法读回，未保存" in message
    assert repr(first.id) in message and "'unit'" in message and "兆元" in message


def test_an_entry_whose_word_list_changed_is_written_with_its_words(tmp_path):
    """An overlay that redefines a word list the base's entries name, or a catalog made of
    some entries without their lists: "@name" would read back as other words, or not at
    all, so the entry's own words are written, and the catalog reads back the same."""
    from loaders.catalog.canonical_yaml import dump_catalog
    from loaders.catalog.indicators import Catalog

    users = [i for i in CATALOG.indicators if any(w[:1] == "@" for w in i.as_written("exclude"))]
    assert users, "the shipped catalog names a word list in some exclude list"
    name = next(w for w in users[0].as_written("exclude") if w[:1] == "@")[1:]
    overlay = tmp_path / "overlay.yaml"
    express = NEW_INDICATOR.split("  - id: logistics_total")[0]
    overlay.write_text(f"word_lists:\n  {name}: [完全不同的词]\n{express}", encoding="utf-8")
    merged = load_catalogs([overlay])
    for catalog in (merged, Catalog(indicators=tuple(users))):
        back = parse_catalog(dump_catalog(catalog))
        assert back.get(users[0].id).exclude == users[0].exclude
        assert [i.model_dump() for i in back.indicators] == [
            i.model_dump() for i in catalog.indicators
        ]


@pytest.mark.parametrize(
    "deep", ["[" * 50_000 + "]" * 50_000, "[" + "{a: " * 5_000 + "1" + "}" * 5_000 + "]"]
)
def test_a_catalog_nested_too_deep_is_refused_naming_the_place(deep):
    """PyYAML builds nested lists recursively: a catalog file nested 50,000 deep was a
    RecursionError traceback from catalog import and --catalog."""
    with pytest.raises(CatalogError) as refused:
        parse_catalog(f"word_lists: {{}}\nindicators: {deep}\n", Path("deep.yaml"))
    assert "deep.yaml: 第 2 行第 " in str(refused.value)
    assert "嵌套超过 32 层" in str(refused.value)
