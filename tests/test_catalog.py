"""The catalog YAML is validated at load; bad entries name file, indicator and field."""

from pathlib import Path

import pytest

from loaders.catalog import CatalogError, load_catalog
from tests.conftest import CATALOG

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
