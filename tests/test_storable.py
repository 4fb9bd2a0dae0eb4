"""The one gate (loaders.services.storable): nothing with a formula sign or a direction
override is stored through any path that stores text, and a refusal writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest

from loaders.catalog.form import IndicatorFormError, form_values
from loaders.catalog.indicators import load_catalog
from loaders.errors import BriefError
from loaders.guards.csv_safety import formula_problem
from loaders.paths import CATALOG_PATH
from loaders.services import catalog as catalog_service
from loaders.services.ingest import ingest
from loaders.services.review import read_upload, rebuild_extraction
from loaders.services.review_frames import figures_frame, unassigned_frame
from loaders.services.storable import catalog_problems, text_problem
from loaders.services.upload_commit import commit_upload
from loaders.store import Store, StoreError, open_store, queries
from loaders.store.schema import STATE_TABLES, TABLES
from tests.support.builders import CATALOG, issue_2021_15

FORMULA = '=HYPERLINK("http://evil.example","点击")'
OVERRIDE = "报告\u202egpj.exe"
HOSTILE = (FORMULA, OVERRIDE)


def _stored_texts(store: Store) -> list[str]:
    texts = []
    for name in TABLES + STATE_TABLES:
        table = queries.table_rows(store, name)
        for column in table.columns:
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                texts += [text for text in column.to_pylist() if text]
    return texts


def _hostile(texts: list[str]) -> list[str]:
    """Stored texts that open as a formula or hold a direction override. Every text counts,
    briefs and the catalog's YAML too (none of ours starts with a sign)."""
    return [text for text in texts if "\u202e" in text or formula_problem(text)]


def _with_figure_text(field: str, text: str):
    issue = issue_2021_15()
    first = issue.observations[0].model_copy(update={field: text})
    return issue.model_copy(update={"observations": [first, *issue.observations[1:]]})


def _ingest(text: str) -> Callable[[Store, Path], object]:
    return lambda store, _: ingest(store, _with_figure_text("quote", text), CATALOG, actor="t")


def _review(text: str) -> Callable[[Store, Path], object]:
    def review_and_commit(store: Store, _: Path) -> object:
        extraction = issue_2021_15()
        figures = figures_frame(extraction, CATALOG)
        figures.loc[1, "unit"] = text
        review = rebuild_extraction(
            extraction,
            extraction.issue.model_dump(),
            figures,
            unassigned_frame(extraction),
            CATALOG,
        )
        assert not review.ok and review.errors, "the review names the problem"
        # A caller that commits anyway meets the gate again.
        return commit_upload(
            store, _with_figure_text("unit", text), CATALOG, role="editor", actor="t"
        )

    return review_and_commit


def _table(text: str) -> Callable[[Store, Path], object]:
    def upload_table(store: Store, _: Path) -> object:
        csv = (
            "indicator,period,value,qualifier,forecast,note,title,year,number,published\n"
            f'logistics_total,2021-Q3,80.1,exact,false,"{text.replace(chr(34), chr(34) * 2)}",'
            "产业创新动态,2021,30,2021-11-01\n"
        )
        extraction = read_upload(csv.encode("utf-8"), "table.csv", CATALOG)
        return commit_upload(store, extraction, CATALOG, role="editor", actor="t")

    return upload_table


def _form(field: str, text: str) -> Callable[[Store, Path], object]:
    def save(store: Store, _: Path) -> object:
        values = form_values(CATALOG.get("telecom_ma_value")) | {field: text}
        return catalog_service.save_indicator(
            store, values, editing="telecom_ma_value", role="editor", actor="t"
        )

    return save


def _import(text: str) -> Callable[[Store, Path], object]:
    def import_file(store: Store, tmp_path: Path) -> object:
        yaml = CATALOG_PATH.read_text(encoding="utf-8")
        first_name = CATALOG.indicators[0].name_en
        path = tmp_path / "hostile.yaml"
        path.write_text(yaml.replace(first_name, text.replace('"', "'"), 1), encoding="utf-8")
        return catalog_service.import_catalog(store, path, role="editor", actor="t")

    return import_file


def _overlay(text: str) -> Callable[[Store, Path], object]:
    """An ingest with a catalog laid over (--catalog FILE) stores that catalog too."""

    def ingest_with(store: Store, _: Path) -> object:
        first = CATALOG.indicators[0]
        catalog = CATALOG.replacing(first.model_copy(update={"aliases": (*first.aliases, text)}))
        return ingest(store, issue_2021_15(), catalog, actor="t")

    return ingest_with


def _note(text: str) -> Callable[[Store, Path], object]:
    return lambda store, _: catalog_service.set_retired(
        store, "telecom_ma_value", True, role="editor", actor="t", reason=text
    )


PATHS = {
    "ingest": _ingest,
    "review": _review,
    "figures table": _table,
    "catalog form, name": lambda text: _form("name_zh", text),
    "catalog form, description": lambda text: _form("description", text),
    "catalog form, alias": lambda text: _form("aliases", text),
    "catalog form, source": lambda text: _form("source", text),
    "catalog import": _import,
    "catalog overlay of an ingest": _overlay,
    "editor's note": _note,
}


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "gate.duckdb") as opened:
        catalog_service.ensure_catalog(opened)
        yield opened


@pytest.mark.parametrize("text", HOSTILE, ids=["formula", "override"])
@pytest.mark.parametrize("path", list(PATHS))
def test_no_path_stores_a_formula_or_a_direction_override(
    store: Store, tmp_path: Path, path: str, text: str
) -> None:
    version = queries.data_version(store)
    before = _stored_texts(store)
    try:
        PATHS[path](text)(store, tmp_path)
    except (StoreError, IndicatorFormError, BriefError) as exc:
        assert str(exc), "a refusal says why"
        assert queries.data_version(store) == version
        assert _stored_texts(store) == before
    else:
        # Only a figures table's override is dropped where the cell is read (and stored).
        assert (path, text) == ("figures table", OVERRIDE)
    assert _hostile(_stored_texts(store)) == []


def test_refusals_name_the_place() -> None:
    assert text_problem("-3.5% 同比") is None  # a negative number is data
    assert text_problem(OVERRIDE).startswith("含控制字符或文字方向控制符（U+202E")
    first = CATALOG.indicators[0]
    bad = CATALOG.replacing(first.model_copy(update={"name_en": FORMULA}))
    assert [str(problem) for problem in catalog_problems(bad)] == [
        f'指标 {first.id} 的英文名称：以 "=" 开头，可能是电子表格公式（如 =HYPERLINK(...)）'
    ]
    assert catalog_problems(load_catalog()) == []  # the seed passes (its "@lists" too)


def test_the_form_names_the_field_the_gate_refuses(store: Store) -> None:
    values = form_values(CATALOG.get("telecom_ma_value")) | {"name_zh": FORMULA}
    with pytest.raises(IndicatorFormError) as refused:
        catalog_service.preview_indicator(store, values, editing="telecom_ma_value")
    assert [error.field for error in refused.value.errors] == ["name_zh"]
    assert str(refused.value.errors[0]).startswith('中文名称：以 "=" 开头')


def test_an_imported_file_is_named(store: Store, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"hostile\.yaml: 指标 \w+ 的英文名称"):
        _import(FORMULA)(store, tmp_path)
