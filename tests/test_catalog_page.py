"""The 指标 section (dashboard/app_pages/catalog*.py) through AppTest on a real DuckDB file
of two real issues: an editor adds an indicator with a preview first (编辑指标), a bad form
is named field by field, retire hides a series from the list, the work queue groups the
unassigned figures (待归类), undo takes a change back (目录历史); viewers get the list only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders.catalog.form import FIELD_LABELS
from loaders.intake.pipeline import extract_file
from loaders.services import catalog as catalog_service
from loaders.services.ingest import ingest
from loaders.store import open_store, queries
from tests.support.builders import CATALOG

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "streamlit_app.py")
EVAL = ROOT / "tests" / "data" / "eval"
NEW_FORM = "new_0"  # the form's widget keys end with what it was opened on


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("catalog_page") / "two.duckdb"
    with open_store(path) as store:
        catalog_service.ensure_catalog(store)
        for name in ("2021-35.txt", "2021-15.txt"):
            ingest(store, extract_file(EVAL / name, CATALOG), CATALOG, actor="test")
    return path


@pytest.fixture
def db(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "store.duckdb"
    shutil.copyfile(built, copy)
    monkeypatch.setenv("BRIEFS_DB", str(copy))
    monkeypatch.delenv("BRIEFS_EDITOR_PASSWORD", raising=False)
    return copy


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


PAGES = {
    "指标": "app_pages/catalog.py",
    "编辑指标": "app_pages/catalog_edit.py",
    "待归类": "app_pages/catalog_queue.py",
    "目录历史": "app_pages/catalog_history.py",
}


def _catalog_page(**secrets) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets.update(secrets)
    _run(at)
    at.switch_page(PAGES["指标"])
    return _run(at)


def _section(at: AppTest, name: str) -> AppTest:
    """Another page of the 指标 section, as the navigation reaches it."""
    at.switch_page(PAGES[name])
    return _run(at)


def _fill(at: AppTest, **fields: str) -> None:
    for field, value in fields.items():
        widgets = at.text_area if field in ("aliases", "description") else at.text_input
        widgets(key=f"catalog_{field}_{NEW_FORM}").set_value(value)


def _click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return _run(at)


def _texts(at: AppTest, kind: str) -> str:
    return " ".join(str(element.value) for element in at.get(kind))


def test_editor_adds_an_indicator_after_a_preview_and_can_undo_it(db: Path):
    at = _section(_catalog_page(), "编辑指标")
    _fill(
        at,
        id="express_volume",
        category="快递",
        name_zh="快递业务量",
        name_en="Express parcels",
        unit="亿件",
        aliases="快递业务量",
        description="全国快递服务企业业务量",
    )
    at.button[0].click()  # 预览, the form's submit button
    _run(at)
    joins = at.dataframe[0].value
    assert sorted(joins["数值"]) == ["100.4 亿件", "867.2 亿件"]
    assert set(joins["期刊"]) == {"2021 年第 35 期"}
    with open_store(db, read_only=True) as store:
        assert queries.series(store, ["express_volume"]).empty  # nothing saved yet

    _click(at, "catalog_save")
    assert "已新增指标" in _texts(at, "success")
    links = [element.proto for element in at.get("page_link")]
    assert [(link.page, link.query_string) for link in links] == [
        ("trends", "indicators=express_volume")
    ]
    with open_store(db, read_only=True) as store:
        assert len(queries.series(store, ["express_volume"])) == 2

    at = _section(at, "目录历史")
    assert at.dataframe[0].value.iloc[0]["操作"] == "新增"
    _click(at, "catalog_undo")
    assert "已撤销" in _texts(at, "success")
    with open_store(db, read_only=True) as store:
        assert queries.series(store, ["express_volume"]).empty
        assert "express_volume" not in set(queries.indicators(store)["id"])


def test_a_bad_form_names_its_fields_and_saves_nothing(db: Path):
    at = _section(_catalog_page(), "编辑指标")
    _fill(at, id="Bad Id", name_zh="快递业务量", unit="亿箱", aliases="快递业务量")
    at.button[0].click()
    _run(at)
    errors = _texts(at, "error")
    for label in ("编号", "英文名称", "单位", "类别", "定义"):
        assert label in errors
    assert all(button.key != "catalog_save" for button in at.button)
    with open_store(db, read_only=True) as store:
        assert len(queries.catalog_history(store)) == 1


def test_retire_hides_a_series_from_the_list(db: Path):
    at = _section(_catalog_page(), "编辑指标")
    target = CATALOG.ids()[0]
    at.selectbox(key="catalog_retire_target").set_value(target)
    _run(at)
    _click(at, "catalog_retire_button")
    assert "已停用" in _texts(at, "success")
    at = _section(at, "指标")
    assert target not in set(at.dataframe[0].value["编号"])
    at = _section(at, "编辑指标")
    at.selectbox(key="catalog_retire_target").set_value(target)
    _run(at)
    _click(at, "catalog_retire_button")
    assert "已恢复" in _texts(at, "success")
    at = _section(at, "指标")
    assert target in set(at.dataframe[0].value["编号"])


def test_the_work_queue_groups_unassigned_figures_by_subject(db: Path):
    at = _section(_catalog_page(), "待归类")
    groups = at.dataframe[0].value
    parcels = groups[groups["所指"] == "快递业务量"].iloc[0]
    assert (parcels["数字个数"], parcels["期刊数"]) == (4, 1)
    assert set(parcels["单位"].split("、")) == {"亿件", "%"}


def test_viewers_see_the_list_and_no_edit_controls(db: Path):
    at = _catalog_page(editor_password="s3cret-pw")
    assert len(at.dataframe) == 1
    assert not at.get("page_link")  # no way to the editors' pages
    assert [button.label for button in at.button] == ["登录"]
    assert "catalog_retire_target" not in {box.key for box in at.selectbox}
    for name in ("编辑指标", "待归类", "目录历史"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(PAGES[name])


def test_every_field_of_the_form_is_explained_beside_its_label(db: Path):
    at = _section(_catalog_page(), "编辑指标")
    widgets = [*at.text_input, *at.text_area, *at.selectbox]
    helped = {widget.label: widget.help for widget in widgets}
    for field, label in FIELD_LABELS.items():
        assert helped.get(label), f"{field} ({label}) has no help text"
    assert "已有类别：" in helped[FIELD_LABELS["category"]]


def test_an_alias_of_yaml_syntax_saved_on_the_page_keeps_every_page_readable(db: Path):
    """Issue 24: aliases such as x], a?b, {x} or (含港澳] were saved by this page, and the
    stored catalog no longer parsed: every page showed only 无法打开数据库, undo unreachable."""
    at = _section(_catalog_page(), "编辑指标")
    _fill(
        at,
        id="express_volume",
        category="快递",
        name_zh="快递业务量",
        name_en="Express parcels",
        unit="亿件",
        aliases="快递业务量\nx]\na?b\n{x}\n(含港澳]",
        description="全国快递服务企业业务量",
    )
    at.button[0].click()  # 预览
    _run(at)
    _click(at, "catalog_save")
    assert "已新增指标" in _texts(at, "success")
    with open_store(db, read_only=True) as store:
        stored = catalog_service.stored_catalog(store)
    assert stored.get("express_volume").aliases == ("快递业务量", "x]", "a?b", "{x}", "(含港澳]")

    again = _section(_catalog_page(), "目录历史")  # a new session reads the stored catalog
    assert "无法打开数据库" not in _texts(again, "error")
    _click(again, "catalog_undo")
    assert "已撤销" in _texts(again, "success")
    with open_store(db, read_only=True) as store:
        assert catalog_service.stored_catalog(store).get("express_volume") is None
