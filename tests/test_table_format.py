"""Writing a figures table without guessing: the format page (loaders.intake.table_format.format_guide)
names every column, qualifier word, period form and indicator id, and its examples are what the
parser takes; ids show on the 指标 page and in the Trends picker's help."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from loaders.intake.table_format import (
    COLUMN_HELP,
    FIGURE_FIELDS,
    HEADER_FIELDS,
    OPTIONAL_FIELDS,
    PERIOD_EXAMPLES,
    format_guide,
)
from loaders.vocab.periods import parse_period
from loaders.vocab.qualifiers import QUALIFIERS, parse_qualifier
from tests.support.builders import CATALOG

APP = Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py"


def test_every_column_the_parser_reads_is_explained() -> None:
    assert set(COLUMN_HELP) == {*FIGURE_FIELDS, *HEADER_FIELDS, *OPTIONAL_FIELDS} - {
        "quote",
        "article",
    } | {"derived"}
    guide = format_guide([(i.id, i.name_zh, i.unit) for i in CATALOG.indicators])
    for name in COLUMN_HELP:
        assert f"| `{name}` |" in guide
    for indicator in CATALOG.indicators:
        assert f"| `{indicator.id}` | {indicator.name_zh} | {indicator.unit} |" in guide
    assert "2021 年第 99 期" in guide  # the template's example issue, to change


def test_the_examples_are_what_the_parser_takes() -> None:
    for text, _ in PERIOD_EXAMPLES:
        assert parse_period(text).text == text
    for word in ("exact", "approx", "约", "more_than", "超过", "less_than", "不足", ""):
        assert word in COLUMN_HELP["qualifier"]
        assert parse_qualifier(word) in QUALIFIERS


def _run(at: AppTest) -> AppTest:
    at.run(timeout=60)
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_format_page_lists_every_id_and_the_catalog_and_trends_show_them(app_db) -> None:
    at = _run(AppTest.from_file(str(APP), default_timeout=60))
    at.switch_page("app_pages/table_format.py")
    _run(at)
    page = " ".join(m.value for m in at.markdown)
    assert all(f"`{indicator_id}`" in page for indicator_id in CATALOG.ids())

    at.switch_page("app_pages/catalog.py")
    _run(at)
    assert list(at.dataframe[0].value.columns[:2]) == ["指标", "编号"]

    at.switch_page("app_pages/trends.py")
    _run(at)
    help_text = at.multiselect[0].help
    assert "`telecom_ma_value`" in help_text and "indicator 列" in help_text
