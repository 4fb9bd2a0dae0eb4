"""A store written by an older release opens with today's code, data and catalog intact.

tests/data/store/schema1 is an EXPORT DATABASE of a store the first release wrote, and
tests/data/store/schema4 one of the last release whose catalog lived only in
data/catalog.yaml (their READMEs say how); each test rebuilds the file from the text and
opens it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from loaders.catalog.form import form_values
from loaders.catalog.indicators import load_catalog
from loaders.intake.pipeline import extract_file
from loaders.services import catalog as catalog_service
from loaders.services.export import export_tables
from loaders.services.ingest import Overwrite, ingest, retract
from loaders.store import StoreError, open_store, queries
from loaders.store.migrations import SCHEMA_VERSION
from tests.support.builders import CATALOG, issue_2021_15
from tests.support.store import ISSUE_15, ISSUE_29

SCHEMA1 = Path(__file__).parent / "data" / "store" / "schema1"
SCHEMA4 = Path(__file__).parent / "data" / "store" / "schema4"


def build_old_store(path: Path, export: Path = SCHEMA1) -> Path:
    """The old file, rebuilt from its schema.sql and CSV tables."""
    with duckdb.connect(str(path)) as raw:
        raw.execute((export / "schema.sql").read_text(encoding="utf-8"))
        load = (export / "load.sql").read_text(encoding="utf-8")
        raw.execute(load.replace(f"'{export.name}/", f"'{export}/"))
    return path


def build_schema1_store(path: Path) -> Path:
    return build_old_store(path, SCHEMA1)


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    return build_schema1_store(tmp_path / "schema1.duckdb")


def _counts(path: Path, read_only: bool = True) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=read_only) as raw:
        return {
            table: raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("issues", "articles", "observations", "unassigned", "audit_log")
        } | {"indicators": raw.execute("SELECT count(*) FROM indicators").fetchone()[0]}


def test_the_fixture_is_the_old_schema(old_store: Path) -> None:
    with duckdb.connect(str(old_store), read_only=True) as raw:
        assert raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            "1",
        )
        columns = {row[0] for row in raw.execute("DESCRIBE observations").fetchall()}
    assert "origin" not in columns


def test_an_old_store_opens_upgraded_with_its_data_and_catalog_intact(old_store: Path) -> None:
    before = _counts(old_store)
    with duckdb.connect(str(old_store), read_only=True) as raw:
        old_current = raw.execute(
            "SELECT indicator, period, forecast, value, issue_key FROM current ORDER BY ALL"
        ).fetchall()
        old_catalog = raw.execute("SELECT * FROM indicators ORDER BY position").fetchall()
    # Read-only, the old file is refused with a way out rather than misread.
    with pytest.raises(StoreError, match="schema 1; open it once for writing"):
        open_store(old_store, read_only=True)
    with open_store(old_store) as store:
        assert _counts_via(store) == before
        current = queries.series(store, CATALOG.ids())
        assert sorted(
            zip(
                current["indicator"],
                current["period"],
                current["forecast"],
                current["value"],
                current["issue_key"],
                strict=True,
            )
        ) == sorted(old_current)
        upgraded = queries.indicators(store)
        assert [tuple(row)[:9] for row in upgraded.itertuples(index=False)] == [
            row[1:] for row in old_catalog
        ]
        assert not upgraded["retired"].any()
        issues = queries.issues(store).set_index("issue_key")
    # What the old file knew about each issue's history becomes its origin.
    assert issues["committed_via"].to_dict() == {
        "2021-15": "batch",
        "2021-29": "batch",
        "2022-05": "review",
        "2021-30": "review",
    }
    with duckdb.connect(str(old_store), read_only=True) as raw:
        origins = dict(
            raw.execute(
                "SELECT issue_key, list(DISTINCT origin ORDER BY origin) FROM observations "
                "GROUP BY issue_key"
            ).fetchall()
        )
        version = raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert origins["2021-30"] == ["typed"] and origins["2021-15"] == ["extracted"]
    assert version == (str(SCHEMA_VERSION),)
    # Now current: read-only opens work, and a second writable open changes nothing.
    open_store(old_store, read_only=True).close()
    version_before = int(_meta(old_store, "data_version"))
    with open_store(old_store) as again:
        assert queries.data_version(again) == version_before


def _meta(path: Path, key: str) -> str:
    with duckdb.connect(str(path), read_only=True) as raw:
        return raw.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()[0]


def _counts_via(store) -> dict[str, int]:
    tables = {}
    for table in ("issues", "articles", "observations", "unassigned", "audit_log", "indicators"):
        tables[table] = len(queries.table(store, table))
    return tables


def test_an_upgraded_store_keeps_the_editors_work_from_a_batch(old_store: Path) -> None:
    """The old file's reviewed 2022-05 and retracted 2023-07 survive a batch re-read."""
    from loaders.intake.pipeline import extract_file

    root = Path(__file__).parent / "data" / "eval"
    with open_store(old_store) as store:
        kept = ingest(store, extract_file(root / "2022-05.txt", CATALOG), CATALOG, actor="make")
        retracted = ingest(
            store, extract_file(root / "2023-07.txt", CATALOG), CATALOG, actor="make"
        )
        assert (kept.status, retracted.status) == ("kept", "kept")
        assert "2023-07" not in set(queries.issues(store)["issue_key"])


def test_the_upgrade_is_all_or_nothing(old_store: Path, tmp_path: Path, monkeypatch) -> None:
    from loaders.store import migrations as schema

    broken = schema.Migration(2, "broken", (*schema.MIGRATIONS[1].statements, "SELECT nonsense"))
    monkeypatch.setattr(schema, "MIGRATIONS", (schema.MIGRATIONS[0], broken))
    with pytest.raises(
        StoreError, match="could not upgrade the store to schema 2.*nothing was changed"
    ):
        open_store(old_store)
    with duckdb.connect(str(old_store), read_only=True) as raw:
        columns = {row[0] for row in raw.execute("DESCRIBE issues").fetchall()}
        assert raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            "1",
        )
    assert "committed_via" not in columns


def test_a_new_store_and_an_upgraded_one_have_the_same_shape(old_store: Path, tmp_path) -> None:
    with open_store(tmp_path / "new.duckdb") as new:
        ingest(new, issue_2021_15(), CATALOG, actor="t")
        retract(new, "2021-15", role="editor", actor="t")
        ingest(new, issue_2021_15(), CATALOG, actor="t", overwrite=Overwrite.ALWAYS)
        fresh = {
            p.name: p.read_text(encoding="utf-8-sig").splitlines()[0]
            for p in export_tables(new, tmp_path / "a")
        }
    with open_store(old_store) as old:
        upgraded = {
            p.name: p.read_text(encoding="utf-8-sig").splitlines()[0]
            for p in export_tables(old, tmp_path / "b")
        }
    assert fresh == upgraded


def test_a_store_written_by_duckdb_2_is_converted_once_and_upgraded(tmp_path: Path) -> None:
    """The first release ran DuckDB 2.0, whose files DuckDB 1.5 cannot read: the schema-1
    store rebuilt by DuckDB 2.0 itself opens, converted, with its data and catalog intact."""
    from loaders.store import convert

    legacy = convert.legacy_dir()
    if not (legacy / "duckdb").is_dir():
        pytest.fail(f"DuckDB 2.0 is missing from {legacy}: make installs it (make test)")
    path = tmp_path / "written-by-2.0.duckdb"
    script = (
        "import sys, duckdb\n"
        "assert duckdb.__version__.startswith('2.')\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "con.execute(open(sys.argv[2] + '/schema.sql').read())\n"
        "con.execute(open(sys.argv[2] + '/load.sql').read().replace(\"'schema1/\", \"'\" + sys.argv[2] + '/'))\n"
        "con.close()\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(path), str(SCHEMA1)],
        env={**os.environ, "PYTHONPATH": str(legacy)},
        check=True,
    )
    with pytest.raises(duckdb.IOException, match="newer version of DuckDB"):
        duckdb.connect(str(path), read_only=True)
    reference = build_schema1_store(tmp_path / "reference.duckdb")
    with open_store(reference) as expected_store:
        expected = queries.series(expected_store, CATALOG.ids())
        expected_issues = queries.issues(expected_store)[["issue_key", "committed_via"]]
    with open_store(path) as store:
        assert queries.series(store, CATALOG.ids()).equals(expected)
        assert queries.issues(store)[["issue_key", "committed_via"]].equals(expected_issues)
    backup = path.with_name(path.name + convert.BACKUP_SUFFIX)
    assert backup.exists()  # the original, untouched
    with duckdb.connect(str(path), read_only=True) as raw:
        assert raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),
        )


def test_a_store_from_before_the_catalog_moved_in_keeps_data_and_catalog(tmp_path: Path):
    """Schema 4 kept the catalog in data/catalog.yaml: after the upgrade the store holds it,
    versioned, with every series the old store had, and editors' figures outlive a change."""
    path = build_old_store(tmp_path / "schema4.duckdb", SCHEMA4)
    with duckdb.connect(str(path), read_only=True) as raw:
        assert raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            "4",
        )
        old_indicators = raw.execute(
            "SELECT id, name_zh, unit, kind, measure FROM indicators ORDER BY position"
        ).fetchall()
        old_current = raw.execute(
            "SELECT indicator, period, forecast, value, issue_key FROM current ORDER BY ALL"
        ).fetchall()
        editors = raw.execute(
            "SELECT issue_key, indicator, period, value, origin FROM observations "
            "WHERE origin <> 'extracted' ORDER BY ALL"
        ).fetchall()
    before = _counts(path)
    with open_store(path) as store:
        assert _counts_via(store) == before
        catalog = catalog_service.ensure_catalog(store)
        held = {i.id: (i.id, i.name_zh, i.unit, i.kind, i.measure) for i in catalog.indicators}
        assert all(held.get(row[0]) == row for row in old_indicators)
        assert list(queries.catalog_history(store)["action"]) == ["seed"]
        current = queries.series(store, catalog.ids())
        assert (
            sorted(
                zip(
                    current["indicator"],
                    current["period"],
                    current["forecast"],
                    current["value"],
                    current["issue_key"],
                    strict=True,
                )
            )
            == old_current
        )
        # A catalog change re-maps the old issues from their text (their figures have no
        # stored offsets); the reviewed and typed figures stay as the editors left them.
        assert len(editors) == 4
        change = catalog_service.save_indicator(
            store,
            form_values(None)
            | {
                "id": "express_volume",
                "name_zh": "快递业务量",
                "name_en": "Express parcels",
                "category": "快递",
                "unit": "亿件",
                "aliases": "快递业务量",
                "description": "全国快递服务企业业务量",
            },
            role="editor",
            actor="test editor",
        )
        assert change.remapped_issues == 2  # the figures table (2021-30) has no text to read
        kept = queries.table(store, "observations")
        kept = kept[kept["origin"] != "extracted"]
        assert sorted(
            zip(
                kept["issue_key"],
                kept["indicator"],
                kept["period"],
                kept["value"],
                kept["origin"],
                strict=True,
            )
        ) == sorted(editors)
        catalog_service.undo(store, role="editor", actor="test editor")
        assert "express_volume" not in set(queries.indicators(store)["id"])


def test_counts_of_a_store_that_counted_restatements_as_revisions_are_recomputed(
    tmp_path: Path,
) -> None:
    """Up to schema 7 revision_count counted every other issue that restated a point, equal
    values included; the upgrade recomputes the counts with loaders.vocab.revisions' meaning."""
    path = tmp_path / "schema7.duckdb"
    with open_store(path) as store:
        for issue in (ISSUE_15, ISSUE_29):
            ingest(store, issue, CATALOG, actor="test")
    with duckdb.connect(str(path)) as raw:
        # As schema 7 left it: 2020's yoy was restated with the same value and counted.
        raw.execute(
            "UPDATE current_points SET revision_count = 1 "
            "WHERE indicator = 'logistics_total_yoy' AND period = '2020'"
        )
        # Nor the columns later migrations added (schema 11: source_org).
        for table in ("observations", "unassigned", "current_points"):
            raw.execute(f"ALTER TABLE {table} DROP COLUMN source_org")
        raw.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    with open_store(path) as store:
        counts = queries.series(store, ["logistics_total", "logistics_total_yoy"])
    assert {(row.indicator, row.period): row.revision_count for row in counts.itertuples()} == {
        ("logistics_total", "2021-Q1"): 1,
        ("logistics_total_yoy", "2020"): 0,
        ("logistics_total_yoy", "2021-Q1"): 0,
        ("logistics_total_yoy", "2021-H1"): 0,
    }


def test_a_schema_10_store_gains_each_figures_source_and_a_rereading_fills_it(
    tmp_path: Path,
) -> None:
    """Schema 11 adds source_org (loaders.figures.sources): empty for figures stored before, filled
    when the issue is read again (ingest --force)."""
    path = tmp_path / "schema10.duckdb"
    catalog = load_catalog()
    sample = extract_file(Path(__file__).parent.parent / "data" / "briefs" / "2021-15.txt", catalog)
    with open_store(path) as store:
        ingest(store, sample, catalog, actor="test")
    with duckdb.connect(str(path)) as raw:
        for table in ("observations", "unassigned", "current_points"):
            raw.execute(f"ALTER TABLE {table} DROP COLUMN source_org")
        raw.execute("UPDATE meta SET value = '10' WHERE key = 'schema_version'")
    with open_store(path) as store:
        before = queries.series(store, ["logistics_total", "telecom_ma_value"])
        assert len(before) and before["source_org"].isna().all()
        ingest(store, sample, catalog, actor="test", force=True)
        after = queries.series(store, ["logistics_total", "telecom_ma_value"])
    assert set(after["source_org"]) == {"中物联", "普华永道"}
    with duckdb.connect(str(path), read_only=True) as raw:
        assert raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),
        )
