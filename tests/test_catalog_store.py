"""The catalog the store holds (loaders.services.catalog, remap, queue) on a real DuckDB file
built from two real issues: add an indicator and its history fills from the stored text,
preview before saving, undo, retire, export and import, the work queue, and the role check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from loaders import __main__ as cli
from loaders.catalog.canonical_yaml import dump_catalog
from loaders.catalog.form import IndicatorFormError, form_values
from loaders.catalog.indicators import CatalogError, load_catalog
from loaders.intake.pipeline import extract_file
from loaders.paths import CATALOG_PATH
from loaders.services import StoreError
from loaders.services import catalog as catalog_service
from loaders.services.ingest import ingest
from loaders.services.permissions import NotAllowed
from loaders.services.queue import assign
from loaders.store import open_store, queries
from tests.support.builders import CATALOG

EVAL = Path(__file__).parent / "data" / "eval"
# 2021-35 says 1—10 月 全国快递服务企业业务量 867.2 亿件 and 10 月份 100.4 亿件; the seed
# catalog has no parcel series, so both wait in the unassigned table.
BRIEFS = ("2021-35.txt", "2021-15.txt")
EXPRESS = form_values(None) | {
    "id": "express_volume",
    "name_zh": "快递业务量",
    "name_en": "Express parcels",
    "category": "快递",
    "unit": "亿件",
    "aliases": "快递业务量",
    "description": "全国快递服务企业业务量",
}
EDITOR = {"role": "editor", "actor": "test editor"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("catalog") / "two.duckdb"
    with open_store(path) as store:
        catalog_service.ensure_catalog(store)
        for name in BRIEFS:
            ingest(store, extract_file(EVAL / name, CATALOG), CATALOG, actor="test")
    return path


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store.duckdb"
    shutil.copyfile(built, copy)
    return copy


def _express_points(store) -> list[tuple[str, float, str]]:
    rows = queries.series(store, ["express_volume"])
    return sorted(zip(rows["period"], rows["value"], rows["unit"], strict=True))


def _table_snapshot(store) -> dict[str, list]:
    names = ["observations", "unassigned", "indicators", "catalog_versions"]
    snapshot = {name: queries.table_rows(store, name).to_pylist() for name in names}
    series = queries.series(store, [*CATALOG.ids(), "express_volume"])
    snapshot["current"] = series.astype(str).to_dict("records")
    return snapshot


def test_adding_an_indicator_fills_its_history_from_the_stored_issues(db: Path):
    with open_store(db) as store:
        before = queries.data_version(store)
        preview = catalog_service.preview_indicator(store, EXPRESS)
        assert queries.data_version(store) == before  # a preview writes nothing
        assert sorted(zip(preview.joins["period"], preview.joins["value"], strict=True)) == [
            ("2021-01/2021-10", 867.2),
            ("2021-10", 100.4),
        ]
        assert set(preview.joins["issue_label"]) == {"2021 年第 35 期"}
        assert preview.taken.empty and preview.leaves.empty
        assert preview.issues == 2

        change = catalog_service.save_indicator(store, EXPRESS, reason="邮政局月报", **EDITOR)
        assert change.remapped_issues == 2
        assert change.figures_after == change.figures_before + 2
        assert _express_points(store) == [
            ("2021-01/2021-10", 867.2, "亿件"),
            ("2021-10", 100.4, "亿件"),
        ]
        assert "express_volume" in set(queries.indicators(store)["id"])
        quotes = queries.series(store, ["express_volume"])["quote"]
        assert all("快递" in quote for quote in quotes)
        history = queries.catalog_history(store)
        latest = history.iloc[0]
        assert (latest["action"], latest["indicator"], latest["actor"], latest["reason"]) == (
            "add",
            "express_volume",
            "test editor",
            "邮政局月报",
        )
        assert "catalog_add" in set(queries.audit_log(store)["action"])
        leftover = queries.unassigned_all(store)
        assert not any(leftover["figure_text"].isin(["867.2亿件", "100.4亿件"]))


def test_undo_restores_the_previous_catalog_and_its_figures(db: Path):
    with open_store(db) as store:
        snapshot = _table_snapshot(store)
        definition = queries.table_rows(store, "catalog_versions").to_pylist()[-1]["definition"]
        catalog_service.save_indicator(store, EXPRESS, **EDITOR)
        catalog_service.undo(store, **EDITOR)
        assert _express_points(store) == []
        assert "express_volume" not in set(queries.indicators(store)["id"])
        assert dump_catalog(catalog_service.active_catalog(store)) == definition
        after = _table_snapshot(store)
        for name in ("observations", "unassigned", "indicators", "current"):
            assert _without_times(after[name]) == _without_times(snapshot[name]), name
        actions = list(queries.catalog_history(store)["action"])
        assert actions[:2] == ["undo", "add"]


def _without_times(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in ("created_at", "stored_at")} for row in rows]


def test_an_editor_assignment_survives_a_catalog_change(db: Path):
    with open_store(db) as store:
        queue = queries.unassigned_all(store)
        monthly = queue[queue["figure_text"] == "100.4亿件"].iloc[0]
        catalog = catalog_service.active_catalog(store)
        # Put by hand on a series a later indicator would claim it from: the editor's call.
        parcels_by_hand = EXPRESS | {"id": "parcels_by_hand", "aliases": "包裹量"}
        catalog_service.save_indicator(store, parcels_by_hand, **EDITOR)
        catalog = catalog_service.active_catalog(store)
        assign(
            store,
            catalog,
            monthly["issue_key"],
            int(monthly["seq"]),
            indicator="parcels_by_hand",
            period="2021-10",
            **EDITOR,
        )
        preview = catalog_service.preview_indicator(store, EXPRESS)
        assert list(preview.joins["period"]) == ["2021-01/2021-10"]
        catalog_service.save_indicator(store, EXPRESS, **EDITOR)
        assert _express_points(store) == [("2021-01/2021-10", 867.2, "亿件")]
        by_hand = queries.series(store, ["parcels_by_hand"])
        assert list(zip(by_hand["period"], by_hand["value"], strict=True)) == [("2021-10", 100.4)]


def test_retire_hides_a_series_and_keeps_its_data_restore_brings_it_back(db: Path):
    with open_store(db) as store:
        shown = queries.coverage(store)
        target = shown[shown["points"] > 0].iloc[0]["id"]
        points = queries.series(store, [target])
        catalog_service.set_retired(store, target, True, reason="口径停更", **EDITOR)
        assert target not in set(queries.indicators(store)["id"])
        assert queries.indicator_ids(store) == list(queries.indicators(store)["id"])
        assert target not in set(queries.coverage(store)["id"])
        assert len(queries.series(store, [target])) == len(points)
        assert catalog_service.active_catalog(store).get(target).retired
        catalog_service.set_retired(store, target, False, **EDITOR)
        assert target in set(queries.indicators(store)["id"])
        assert list(queries.catalog_history(store)["action"][:2]) == ["restore", "retire"]


def test_viewers_change_nothing(db: Path):
    viewer = {"role": "viewer", "actor": "someone"}
    with open_store(db) as store:
        snapshot = _table_snapshot(store)
        unassigned = queries.unassigned_all(store).iloc[0]
        attempts = [
            lambda: catalog_service.save_indicator(store, EXPRESS, **viewer),
            lambda: catalog_service.undo(store, **viewer),
            lambda: catalog_service.set_retired(store, CATALOG.ids()[0], True, **viewer),
            lambda: catalog_service.import_catalog(store, CATALOG_PATH, **viewer),
            lambda: assign(
                store,
                CATALOG,
                unassigned["issue_key"],
                int(unassigned["seq"]),
                indicator=CATALOG.ids()[0],
                period="2021",
                **viewer,
            ),
        ]
        for attempt in attempts:
            with pytest.raises(NotAllowed):
                attempt()
        assert _table_snapshot(store) == snapshot


def test_a_bad_form_or_file_changes_nothing_and_says_where(db: Path, tmp_path: Path):
    with open_store(db) as store:
        snapshot = _table_snapshot(store)
        with pytest.raises(IndicatorFormError, match="单位"):
            catalog_service.save_indicator(store, EXPRESS | {"unit": "亿箱"}, **EDITOR)
        bad = tmp_path / "bad.yaml"
        bad.write_text(
            dump_catalog(CATALOG).replace("unit: 亿元", "unit: 亿箱", 1), encoding="utf-8"
        )
        with pytest.raises(CatalogError, match=r"bad\.yaml: indicator '.+', field 'unit'"):
            catalog_service.import_catalog(store, bad, **EDITOR)
        with pytest.raises(StoreError, match="没有可撤销|无需保存"):
            catalog_service.import_catalog(store, CATALOG_PATH, **EDITOR)
        assert _table_snapshot(store) == snapshot


@pytest.mark.slow
def test_export_then_import_is_exact_and_moves_a_catalog_between_stores(db: Path, tmp_path: Path):
    exported = tmp_path / "catalog.yaml"
    with open_store(db) as store:
        catalog_service.save_indicator(store, EXPRESS, **EDITOR)
        catalog_service.export_catalog(store, exported)
        assert load_catalog(exported) == catalog_service.active_catalog(store)
    second = tmp_path / "second.duckdb"
    with open_store(second) as store:
        catalog_service.ensure_catalog(store)
        ingest(store, extract_file(EVAL / "2021-35.txt", CATALOG), CATALOG, actor="test")
        catalog_service.import_catalog(store, exported, **EDITOR)
        assert _express_points(store) == [
            ("2021-01/2021-10", 867.2, "亿件"),
            ("2021-10", 100.4, "亿件"),
        ]
        again = tmp_path / "again.yaml"
        catalog_service.export_catalog(store, again)
    assert again.read_bytes() == exported.read_bytes()


def test_cli_exports_and_imports_the_store_catalog(db: Path, tmp_path: Path, capsys):
    exported = tmp_path / "out.yaml"
    assert cli.main(["catalog", "export", str(exported), "--db", str(db)]) == 0
    edited = exported.read_text(encoding="utf-8").replace(
        "indicators:\n",
        "indicators:\n  - id: express_volume\n    name_zh: 快递业务量\n"
        "    name_en: Express parcels\n    category: 快递\n    unit: 亿件\n    kind: flow\n"
        "    measure: level\n    description: 全国快递服务企业业务量\n"
        "    aliases: [快递业务量]\n    context: []\n    exclude: []\n",
        1,
    )
    exported.write_text(edited, encoding="utf-8")
    assert cli.main(["catalog", "import", str(exported), "--db", str(db)]) == 0
    assert "2 issues re-mapped" in capsys.readouterr().out
    with open_store(db, read_only=True) as store:
        assert len(_express_points(store)) == 2
        assert catalog_service.active_catalog(store).ids()[0] == "express_volume"


def test_ingest_with_a_catalog_file_records_it_and_maps_with_it(tmp_path: Path):
    db = tmp_path / "cli.duckdb"
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "indicators:\n  - id: express_volume\n    name_zh: 快递业务量\n"
        "    name_en: Express parcels\n    category: 快递\n    unit: 亿件\n    kind: flow\n"
        "    measure: level\n    description: 全国快递服务企业业务量\n"
        "    aliases: [快递业务量]\n",
        encoding="utf-8",
    )
    brief = str(EVAL / "2021-35.txt")
    assert cli.main(["ingest", brief, "--db", str(db), "--catalog", str(extra)]) == 0
    with open_store(db, read_only=True) as store:
        assert len(_express_points(store)) == 2
        assert queries.catalog_history(store)["action"].iloc[0] == "import"


SAME_FIGURE_TWICE = Path(__file__).parent / "data" / "catalog" / "same_figure_twice.txt"
LPI = form_values(None) | {
    "id": "logistics_lpi",
    "name_zh": "中国物流业景气指数",
    "name_en": "Logistics prosperity index",
    "category": "物流",
    "unit": "%",
    "kind": "index",
    "measure": "index",
    "aliases": "物流业景气指数",
    "description": "物流业景气指数（LPI），月度。",
}


@pytest.fixture
def twice(tmp_path: Path) -> Path:
    """An issue whose sentence states 53.5% twice: the LPI (no series yet) and its
    business-volume sub-index (a series of the seed catalog)."""
    path = tmp_path / "twice.duckdb"
    with open_store(path) as store:
        catalog_service.ensure_catalog(store)
        ingest(store, extract_file(SAME_FIGURE_TWICE, CATALOG), CATALOG, actor="test")
    return path


def test_the_same_figure_twice_in_a_sentence_is_two_figures(twice: Path):
    with open_store(twice) as store:
        preview = catalog_service.preview_indicator(store, LPI)
        assert list(zip(preview.joins["period"], preview.joins["value"], strict=True)) == [
            ("2021-07", 53.5)
        ]
        assert preview.taken.empty and preview.unsettled.empty
        catalog_service.save_indicator(store, LPI, **EDITOR)
        both = queries.series(store, ["logistics_lpi", "logistics_business_index"])
        assert sorted(zip(both["indicator"], both["value"], strict=True)) == [
            ("logistics_business_index", 53.5),
            ("logistics_lpi", 53.5),
        ]


def test_a_preview_shows_figures_another_series_would_lose(twice: Path):
    ambiguous = form_values(None) | {
        "id": "covered_entities",
        "name_zh": "重点排放单位",
        "name_en": "Covered entities",
        "category": "碳市场",
        "unit": "家",
        "kind": "stock",
        "aliases": "重点排放单位",
        "description": "纳入的重点排放单位数量",
    }
    with open_store(twice) as store:
        preview = catalog_service.preview_indicator(store, ambiguous)
    assert preview.unsettled[["from", "value", "unit"]].to_dict("records") == [
        {"from": "carbon_national_units", "value": 2162.0, "unit": "家"}
    ]


def test_the_team_store_grows_its_catalog_the_same_way(lake: str):
    with open_store(lake) as store:
        catalog_service.ensure_catalog(store)
        ingest(store, extract_file(EVAL / "2021-35.txt", CATALOG), CATALOG, actor="test")
        preview = catalog_service.preview_indicator(store, EXPRESS)
        assert len(preview.joins) == 2
        catalog_service.save_indicator(store, EXPRESS, **EDITOR)
        assert _express_points(store) == [
            ("2021-01/2021-10", 867.2, "亿件"),
            ("2021-10", 100.4, "亿件"),
        ]
        target = CATALOG.ids()[0]
        catalog_service.set_retired(store, target, True, **EDITOR)
        assert target not in set(queries.indicators(store)["id"])
        catalog_service.undo(store, **EDITOR)  # the retirement
        catalog_service.undo(store, **EDITOR)  # undoing an undo: retired again
        assert target not in set(queries.indicators(store)["id"])
        assert len(_express_points(store)) == 2


def test_a_store_following_its_seed_file_re_maps_when_the_file_changes(db: Path, tmp_path: Path):
    """No editor changed this store's catalog, so it follows data/catalog.yaml; a new entry
    there fills its series from the stored issues at the next open, as a save would."""
    from loaders.catalog.form import draft_catalog

    grown, _ = draft_catalog(load_catalog(CATALOG_PATH), EXPRESS)
    seed = tmp_path / "catalog.yaml"
    seed.write_text(dump_catalog(grown), encoding="utf-8")
    with open_store(db) as store:
        assert _express_points(store) == []
        catalog_service.ensure_catalog(store, seed)
        assert _express_points(store) == [
            ("2021-01/2021-10", 867.2, "亿件"),
            ("2021-10", 100.4, "亿件"),
        ]
        assert list(queries.catalog_history(store)["action"])[:2] == ["seed", "seed"]


# Aliases the 指标 page accepted and the old YAML writer put unquoted into a flow list: the
# stored catalog no longer parsed, and every page, ingest and catalog import failed.
SYNTAX_ALIASES = "快递业务量、x]、a?b、{x}、(含港澳]、? y、#z"


def test_an_alias_that_is_yaml_syntax_keeps_the_store_readable(db: Path, tmp_path: Path, capsys):
    with open_store(db) as store:
        catalog_service.save_indicator(store, EXPRESS | {"aliases": SYNTAX_ALIASES}, **EDITOR)
        stored = catalog_service.stored_catalog(store)
        assert stored.get("express_volume").aliases == (
            "快递业务量",
            "x]",
            "a?b",
            "{x}",
            "(含港澳]",
            "? y",
            "#z",
        )
        assert catalog_service.ensure_catalog(store) == stored
        catalog_service.undo(store, **EDITOR)  # the page's undo is reachable
        assert catalog_service.stored_catalog(store).get("express_volume") is None
    brief = str(EVAL / "2021-15.txt")
    assert cli.main(["ingest", "--force", brief, "--db", str(db)]) == 0
    exported = tmp_path / "out.yaml"
    assert cli.main(["catalog", "export", str(exported), "--db", str(db)]) == 0
    assert cli.main(["catalog", "import", str(exported), "--db", str(db)]) == 1  # unchanged


def _store_unreadable_catalog(store) -> tuple[int, int]:
    """What a store written by the old YAML writer holds after an editor saved the alias
    "x]": a latest catalog version whose YAML does not parse."""
    from loaders.store import writes

    with store.read() as cur:
        good = queries.catalog_versions(cur, newest=1)[0]
    broken = good.definition.replace("aliases: [", "aliases: [x]], ", 1)

    def write(cur) -> int:
        version = writes.insert_catalog_version(
            cur, broken, actor="old release", action="edit", indicator=None, reason="x]"
        )
        writes.bump_version(cur, series=None)
        return version

    return store.write("the old writer's version", write), good.version


def test_a_store_whose_catalog_cannot_be_read_is_recovered_from_the_cli(db: Path, capsys):
    with open_store(db) as store:
        broken, good = _store_unreadable_catalog(store)
        with pytest.raises(StoreError) as unreadable:
            catalog_service.ensure_catalog(store)
    assert f"目录第 {broken} 版无法读取" in str(unreadable.value)
    assert "python -m loaders catalog restore N" in str(unreadable.value)
    brief = str(EVAL / "2021-15.txt")
    assert cli.main(["ingest", "--force", brief, "--db", str(db)]) == 1
    capsys.readouterr()

    assert cli.main(["catalog", "versions", "--db", str(db)]) == 0
    listed = capsys.readouterr().out
    assert f"第 {broken} 版无法读取" in listed
    assert f"python -m loaders catalog restore {good}" in listed
    assert cli.main(["catalog", "restore", str(good), "--db", str(db)]) == 0
    assert f"catalog version {broken + 1}: 2 issues re-mapped" in capsys.readouterr().out
    with open_store(db) as store:
        assert catalog_service.ensure_catalog(store) == CATALOG
        history = queries.catalog_history(store)
        assert (history["action"].iloc[0], history["reason"].iloc[0]) == (
            "revert",
            f"restore version {good}",
        )
    assert cli.main(["ingest", "--force", brief, "--db", str(db)]) == 0
    assert cli.main(["catalog", "restore", str(broken), "--db", str(db)]) == 1
    assert cli.main(["catalog", "restore", "999", "--db", str(db)]) == 1
    assert "没有第 999 版" in capsys.readouterr().err


def test_a_catalog_import_replaces_a_catalog_that_cannot_be_read(db: Path):
    with open_store(db) as store:
        broken, _ = _store_unreadable_catalog(store)
    assert cli.main(["catalog", "import", str(CATALOG_PATH), "--db", str(db)]) == 0
    with open_store(db, read_only=True) as store:
        assert catalog_service.stored_catalog(store) == CATALOG


def test_the_seed_version_names_its_file_but_no_server_folder(tmp_path):
    with open_store(tmp_path / "s.duckdb") as store:
        catalog_service.ensure_catalog(store)
        history = queries.catalog_history(store)
    assert list(history["reason"]) == ["种子目录 catalog.yaml"]


# Run in a process of its own: its file size limit (RLIMIT_FSIZE) makes every write past
# 4 KB fail with EFBIG, as a full disk fails a write part-way.
_EXPORT_ON_A_FULL_DISK = """
import resource, signal, sys
from loaders import __main__ as cli
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
sys.exit(cli.main(["catalog", "export", sys.argv[1], "--db", sys.argv[2]]))
"""


def test_an_export_that_cannot_be_written_keeps_the_file_that_was_there(db: Path, tmp_path):
    """catalog export on a full disk cut the file it replaced off part-way and ended in a
    traceback; a folder or a missing folder as the target were tracebacks too."""
    import subprocess
    import sys

    target = tmp_path / "catalog.yaml"
    assert cli.main(["catalog", "export", str(target), "--db", str(db)]) == 0  # published
    target.write_bytes(b"# the editor's file\n")
    done = subprocess.run(
        [sys.executable, "-c", _EXPORT_ON_A_FULL_DISK, str(target), str(db)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert f"{target}: 无法写入，未导出" in done.stderr and "Traceback" not in done.stderr
    assert target.read_bytes() == b"# the editor's file\n"
    assert [p.name for p in tmp_path.iterdir() if "catalog" in p.name] == ["catalog.yaml"]

    for where, words in ((tmp_path, "是文件夹"), (tmp_path / "no" / "x.yaml", "无法写入")):
        with open_store(db, read_only=True) as store, pytest.raises(CatalogError) as refused:
            catalog_service.export_catalog(store, where)
        assert str(where) in str(refused.value) and words in str(refused.value)
    assert cli.main(["catalog", "export", str(target), "--db", str(db)]) == 0
    with open_store(db, read_only=True) as store:
        assert load_catalog(target) == catalog_service.stored_catalog(store)
