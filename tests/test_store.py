"""The DuckDB store: schema, ingest (new / unchanged / replaced), current view, reads, locking."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from loaders.catalog.indicators import Catalog
from loaders.models import Extraction
from loaders.series.comparable import latest_cards, with_plot_columns
from loaders.services.catalog import sync_catalog
from loaders.services.export import export_tables
from loaders.services.ingest import Overwrite, bulk_load, ingest, preview, retract
from loaders.store import Store, StoreError, connect, open_store, queries, writes
from loaders.store.schema import TABLES
from tests.support.builders import CATALOG
from tests.support.store import ISSUE_15, ISSUE_29, extraction, obs, snapshot


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "briefs.duckdb") as s:
        yield s


def test_schema_is_created_in_a_real_file_and_the_catalog_only_on_request(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "briefs.duckdb"
    with open_store(path) as s:
        assert path.exists()
        # Opening a store writes no catalog: that is sync_catalog's (or an ingest's) job.
        assert queries.indicators(s).empty
        assert sync_catalog(s, CATALOG) is True
        indicators = queries.indicators(s)
        assert indicators["id"].iloc[0] == "telecom_ma_value"
        assert {"name_zh", "unit", "kind", "measure", "description"} <= set(indicators.columns)
        version = queries.data_version(s)
    # Reopening, and syncing the same catalog again, changes nothing.
    with open_store(path) as again:
        assert sync_catalog(again, CATALOG) is False
        assert queries.data_version(again) == version
        assert len(queries.indicators(again)) == len(indicators)


def test_database_path_comes_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFS_DB", str(tmp_path / "env.duckdb"))
    with open_store() as s:
        assert s.path == tmp_path / "env.duckdb"
    assert (tmp_path / "env.duckdb").exists()


def test_ingest_new_then_same_file_is_unchanged(store: Store, tmp_path: Path) -> None:
    result = ingest(store, ISSUE_15, CATALOG, actor="test")
    assert result.status == "new"
    assert (result.new_points, result.observations, result.unassigned) == (3, 3, 1)
    before = snapshot(store, tmp_path / "a")
    version = queries.data_version(store)

    again = ingest(store, ISSUE_15, CATALOG, actor="test")
    assert again.status == "unchanged"
    assert again.unchanged_points == 3
    assert queries.data_version(store) == version
    assert snapshot(store, tmp_path / "b") == before


def test_second_issue_reports_new_revised_and_unchanged_points(store: Store) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="test")
    result = ingest(store, ISSUE_29, CATALOG, actor="test")
    assert result.status == "new"
    assert result.new_points == 1
    assert result.unchanged_points == 1
    assert [
        (r.indicator, r.period, r.old_value, r.new_value, r.old_issue) for r in result.revised
    ] == [("logistics_total", "2021-Q1", 69.9, 70.1, "2021-15")]


def test_corrected_file_replaces_the_issue_figures(store: Store) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="test")
    corrected = extraction(
        15,
        date(2021, 4, 26),
        [
            obs("logistics_total", "2021-Q1", 69.8, unit="万亿元"),
            obs("logistics_total_yoy", "2021-Q1", 24.2),
        ],
        salt="corrected",
    )
    assert preview(store, corrected, CATALOG).status == "replaced"
    kept = ingest(store, corrected, CATALOG, overwrite=Overwrite.NEVER, actor="test")
    assert (kept.status, kept.reason) == (
        "kept",
        "issue 2021-15 already stored with other content; confirm replace",
    )
    assert queries.series(store, ["logistics_total"])["value"].tolist() == [69.9]

    result = ingest(store, corrected, CATALOG, actor="test")
    assert result.status == "replaced"
    changes = {(d.indicator, d.period, d.change) for d in result.replaced_diff}
    assert changes == {
        ("logistics_total", "2021-Q1", "changed"),
        ("logistics_total_yoy", "2020", "removed"),
    }
    stored = queries.observations_for_issue(store, "2021-15")
    assert sorted(stored["value"]) == [24.2, 69.8]
    assert queries.unassigned_for_issue(store, "2021-15").empty
    assert len(queries.issues(store)) == 1
    assert queries.audit_log(store)["action"].tolist() == ["replace", "ingest"]


def test_current_view_takes_the_latest_issue_and_flags_disagreement(store: Store) -> None:
    # Ingest out of order: the later issue must still win.
    ingest(store, ISSUE_29, CATALOG, actor="test")
    ingest(store, ISSUE_15, CATALOG, actor="test")
    series = queries.series(store, ["logistics_total", "logistics_total_yoy"])
    rows = {(r.indicator, r.period): r for r in series.itertuples()}
    q1 = rows[("logistics_total", "2021-Q1")]
    assert (q1.value, q1.issue_key, q1.issue_label) == (70.1, "2021-29", "2021 年第 29 期")
    assert q1.revision_count == 1 and bool(q1.disagrees)
    # A restatement of the same value is no revision (loaders.vocab.revisions).
    restated = rows[("logistics_total_yoy", "2020")]
    assert restated.revision_count == 0 and not bool(restated.disagrees)
    assert q1.name_zh == "全国社会物流总额" and q1.period_kind == "quarter"
    # Ordered by indicator, then period end.
    assert series["indicator"].tolist() == sorted(series["indicator"].tolist())
    yoy = series[series["indicator"] == "logistics_total_yoy"]
    assert yoy["period"].tolist() == ["2020", "2021-Q1", "2021-H1"]
    assert queries.series(store, ["no_such_id"]).empty


def test_published_ties_fall_back_to_issue_number(store: Store) -> None:
    ingest(
        store,
        extraction(16, date(2021, 5, 1), [obs("logistics_total_yoy", "2020", 1.0)]),
        CATALOG,
        actor="test",
    )
    ingest(
        store,
        extraction(15, date(2021, 5, 1), [obs("logistics_total_yoy", "2020", 2.0)]),
        CATALOG,
        actor="test",
    )
    assert queries.series(store, ["logistics_total_yoy"])["value"].tolist() == [1.0]


def test_revised_statements_are_the_earlier_values_the_current_ones_revised(
    store: Store,
) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="test")
    ingest(store, ISSUE_29, CATALOG, actor="test")
    revised = queries.revised_statements(store, ["logistics_total", "logistics_total_yoy"])
    # 2020's yoy was restated with the same value: not listed.
    assert revised[["indicator", "period", "value", "issue_key"]].values.tolist() == [
        ["logistics_total", "2021-Q1", 69.9, "2021-15"]
    ]
    assert revised["issue_label"].tolist() == ["2021 年第 15 期"]


def test_latest_card_compares_with_the_previous_point_of_the_same_kind(store: Store) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="test")
    ingest(store, ISSUE_29, CATALOG, actor="test")
    ingest(
        store,
        extraction(
            30,
            date(2021, 9, 6),
            [
                obs("logistics_total_yoy", "2021-H2", 9.0, forecast=True),  # forecasts never latest
                obs("logistics_total_yoy", "2020-H1", -3.3),
            ],
        ),
        CATALOG,
        actor="test",
    )
    latest = latest_cards(queries.series(store, ["logistics_total", "logistics_total_yoy"]))
    latest = latest.set_index("indicator")
    yoy = latest.loc["logistics_total_yoy"]
    assert (yoy["period"], yoy["value"]) == ("2021-H1", 15.7)
    assert (yoy["prev_period"], yoy["prev_value"]) == ("2020-H1", -3.3)
    total = latest.loc["logistics_total"]
    assert total["period"] == "2021-Q1" and pd.isna(total["prev_value"])
    assert list(latest.index) == ["logistics_total", "logistics_total_yoy"]


def test_unknown_indicator_writes_nothing(store: Store, tmp_path: Path) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="test")
    before = snapshot(store, tmp_path / "a")
    bad = extraction(
        29,
        date(2021, 8, 30),
        [obs("logistics_total_yoy", "2021-H1", 15.7), obs("made_up_series", "2021", 1.0)],
    )
    with pytest.raises(StoreError, match="made_up_series"):
        ingest(store, bad, CATALOG, actor="test")
    assert snapshot(store, tmp_path / "b") == before


def test_failure_mid_ingest_rolls_everything_back(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="test")
    before = snapshot(store, tmp_path / "a")
    version = queries.data_version(store)

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    # Issue, articles and observations are inserted before unassigned figures.
    monkeypatch.setattr(writes, "_unassigned_frame", explode)
    corrected = extraction(
        15, date(2021, 4, 26), [obs("logistics_total_yoy", "2021-Q1", 1.0)], salt="x"
    )
    for attempt in (ISSUE_29, corrected):
        with pytest.raises(StoreError, match="nothing was changed.*disk on fire"):
            ingest(store, attempt, CATALOG, actor="test")
    assert snapshot(store, tmp_path / "b") == before
    assert queries.data_version(store) == version


def test_data_version_bumps_on_every_write_of_data(store: Store) -> None:
    versions = [queries.data_version(store)]
    ingest(store, ISSUE_15, CATALOG, actor="test")
    versions.append(queries.data_version(store))
    sync_catalog(store, Catalog(indicators=CATALOG.indicators[:3]))
    versions.append(queries.data_version(store))
    retract(store, "2021-15", actor="alice", role="editor")
    versions.append(queries.data_version(store))
    assert versions == sorted(set(versions))


def test_retract_issue_deletes_it_and_is_audited(store: Store) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="test")
    ingest(store, ISSUE_29, CATALOG, actor="test")
    assert retract(store, "2021-29", actor="alice", role="editor") is True
    assert retract(store, "2021-29", actor="alice", role="editor") is False
    assert queries.issues(store)["issue_key"].tolist() == ["2021-15"]
    assert queries.issue(store, "2021-29") is None
    assert queries.observations_for_issue(store, "2021-29").empty
    current = queries.series(store, ["logistics_total"])
    assert current["value"].tolist() == [69.9]
    assert int(current["revision_count"].iloc[0]) == 0
    log = queries.audit_log(store)
    assert log["action"].tolist() == ["retract", "ingest", "ingest"]
    assert log["actor"].iloc[0] == "alice"


def test_audit_log_rows(store: Store) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="bob")
    assert retract(store, "2021-15", actor="carol", role="editor")
    log = queries.audit_log(store)
    assert log[["action", "actor", "issue_key", "detail"]].values.tolist()[0] == [
        "retract",
        "carol",
        "2021-15",
        "issue and its figures deleted",
    ]
    first = log.iloc[1]
    assert (first["action"], first["actor"], first["sha256"]) == ("ingest", "bob", ISSUE_15.sha256)
    assert "3 observations" in first["detail"]


def test_issue_reads(store: Store) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="test")
    ingest(store, ISSUE_29, CATALOG, actor="test")
    issues = queries.issues(store)
    assert issues["issue_key"].tolist() == ["2021-29", "2021-15"]
    first = issues.set_index("issue_key").loc["2021-15"]
    assert (first["article_count"], first["figure_count"], first["unassigned_count"]) == (1, 3, 1)
    header = queries.issue(store, "2021-15")
    assert header is not None
    assert (header["title"], header["published"], header["clean_text"]) == (
        "产业创新动态",
        date(2021, 4, 26),
        "产业创新动态 正文",
    )
    articles = queries.articles(store, "2021-15")
    assert articles[["article_index", "title", "editor", "start", "end"]].values.tolist() == [
        [0, "物流运行", "张三", 0, 2]
    ]
    stored = queries.observations_for_issue(store, "2021-15")
    assert {"name_zh", "unit", "span_start", "span_end", "quote"} <= set(stored.columns)
    assert queries.unassigned_for_issue(store, "2021-15")["subject"].tolist() == ["某数"]


def test_coverage_lists_every_catalog_indicator(store: Store) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="test")
    ingest(store, ISSUE_29, CATALOG, actor="test")
    coverage = queries.coverage(store).set_index("id")
    assert len(coverage) == len(queries.indicators(store))
    yoy = coverage.loc["logistics_total_yoy"]
    assert (yoy["points"], yoy["first_period"], yoy["last_period"], yoy["last_issue"]) == (
        3,
        "2020",
        "2021-H1",
        "2021-29",
    )
    assert coverage.loc["telecom_ma_value", "points"] == 0


def test_the_latest_period_of_the_coverage_is_the_overview_cards(store: Store) -> None:
    """A five-year total ends with its last year: the catalog list's 最新期间 is the year, as
    the overview's card says, not 2016—2020 (the tie went either way before)."""
    issue = extraction(
        15,
        date(2021, 8, 10),
        [
            obs("telecom_ma_value", "2016/2020", 4500.0, "亿元"),
            obs("telecom_ma_value", "2020", 1750.0, "亿元"),
            obs("telecom_ma_value", "2020-H2", 900.0, "亿元"),
            obs("telecom_ma_deals", "2016/2020", 723.0, "笔"),
            obs("telecom_ma_deals", "2020", 148.0, "笔"),
        ],
    )
    ingest(store, issue, CATALOG, actor="test")
    coverage = queries.coverage(store).set_index("id")
    series = ["telecom_ma_value", "telecom_ma_deals"]
    cards = latest_cards(queries.series(store, series)).set_index("indicator")["period"]
    assert coverage.loc[series, "last_period"].to_dict() == cards.to_dict()
    assert cards.to_dict() == {"telecom_ma_value": "2020", "telecom_ma_deals": "2020"}
    counted = queries.coverage_of(store, series)
    assert {indicator: row[2] for indicator, row in counted.items()} == cards.to_dict()


def test_export_csv_writes_every_table_with_a_bom(store: Store, tmp_path: Path) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="test")
    paths = export_tables(store, tmp_path / "out")
    assert [p.name for p in paths] == [f"{t}.csv" for t in TABLES]
    raw = (tmp_path / "out" / "indicators.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "全国社会物流总额" in raw.decode("utf-8-sig")
    assert "69.9" in (tmp_path / "out" / "observations.csv").read_text(encoding="utf-8-sig")


def test_open_while_another_process_holds_the_file(tmp_path: Path) -> None:
    path = tmp_path / "held.duckdb"
    open_store(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError) as caught:
            open_store(path)
        message = str(caught.value)
        assert str(path) in message
        assert "in use by another program" in message and "BRIEFS_DB" in message
    finally:
        holder.communicate("")
    open_store(path).close()  # usable again once the other program is gone


def test_read_only_store_reads_but_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "ro.duckdb"
    with open_store(path) as s:
        ingest(s, ISSUE_15, CATALOG, actor="test")
    with open_store(path, read_only=True) as ro:
        assert len(queries.series(ro, ["logistics_total"])) == 1
        with pytest.raises(StoreError, match="read-only"):
            ingest(ro, ISSUE_29, CATALOG, actor="test")
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "missing.duckdb", read_only=True)


def test_one_store_shared_by_threads(store: Store) -> None:
    errors: list[BaseException] = []
    issues = [
        extraction(n, date(2021, 1, 1 + n), [obs("logistics_total_yoy", f"20{n:02d}", float(n))])
        for n in range(1, 9)
    ]

    def work(item: Extraction) -> None:
        try:
            ingest(store, item, CATALOG, actor="test")
            queries.series(store, ["logistics_total_yoy"])
            queries.data_version(store)
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(item,)) for item in issues]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(queries.issues(store)) == 8
    assert len(queries.series(store, ["logistics_total_yoy"])) == 8


def _bulk_frames(keys: list[str], indicator: str = "logistics_total_yoy"):
    issues = pd.DataFrame(
        {
            "issue_key": keys,
            "title": "产业创新动态",
            "year": [int(k[:4]) for k in keys],
            "number": [int(k[5:]) for k in keys],
            "total_number": None,
            "published": [date(int(k[:4]), 1, int(k[5:])) for k in keys],
            "issue_label": [f"{k[:4]} 年第 {int(k[5:])} 期" for k in keys],
            "source_name": [f"{k}.txt" for k in keys],
            "sha256": keys,
            "ingested_at": pd.Timestamp("2026-01-01"),
            "clean_text": "",
        }
    )
    observations = pd.DataFrame(
        {
            "issue_key": keys,
            "seq": 0,
            "indicator": indicator,
            "period": "2019",
            "period_kind": "year",
            "period_start": date(2019, 1, 1),
            "period_end": date(2019, 12, 31),
            "value": [float(i) for i in range(len(keys))],
            "value_high": None,
            "unit": "%",
            "qualifier": "exact",
            "forecast": False,
            "derived": False,
            "figure_text": "",
            "period_text": "",
            "quote": "合成",
            "span_start": 0,
            "span_end": 2,
            "article_index": 0,
            "article": "合成文章",
            "editor": None,
        }
    )
    return issues, observations


def test_bulk_load_observations(store: Store, tmp_path: Path) -> None:
    version = queries.data_version(store)
    assert bulk_load(store, *_bulk_frames(["2020-01", "2020-02"]), CATALOG) == 2
    assert queries.data_version(store) > version
    current = queries.series(store, ["logistics_total_yoy"])
    assert current[["value", "issue_key", "revision_count"]].values.tolist() == [
        [1.0, "2020-02", 1]
    ]
    assert bool(current["disagrees"].iloc[0])
    assert queries.audit_log(store)["action"].tolist() == ["bulk_load"]

    before = snapshot(store, tmp_path / "a")
    with pytest.raises(StoreError, match="already stored"):
        bulk_load(store, *_bulk_frames(["2020-03", "2020-02"]), CATALOG)
    with pytest.raises(StoreError, match="made_up"):
        bulk_load(store, *_bulk_frames(["2020-04"], indicator="made_up"), CATALOG)
    assert snapshot(store, tmp_path / "b") == before


@pytest.mark.slow
def test_latest_cards_hold_their_rule_on_mixed_periods(store: Store) -> None:

    rng = random.Random(7)
    periods = [
        "2019",
        "2020",
        "2020-H1",
        "2020-H2",
        "2020-Q4",
        "2020-12",
        "2021-Q1",
        "2021-03",
        "2016/2020",
        "2021-01/2021-03",
        "2021-03-31",
        "2021-02",
        "2019-Q4",
    ]
    indicators = ["logistics_total_yoy", "logistics_revenue_yoy", "l2_penetration"]
    for number in range(1, 13):
        chosen = [
            obs(
                rng.choice(indicators),
                rng.choice(periods),
                float(rng.randint(1, 9)),
                forecast=rng.random() < 0.2,
            )
            for _ in range(8)
        ]
        ingest(store, extraction(number, date(2021, 1, 1 + number), chosen), CATALOG, actor="test")
    series = with_plot_columns(queries.series(store, indicators))
    actual = series[~series["forecast"].astype(bool)]
    cards = latest_cards(queries.series(store, indicators)).set_index("indicator")
    assert sorted(cards.index) == sorted(actual["indicator"].unique())
    for indicator, card in cards.iterrows():
        rows = actual[actual["indicator"] == indicator]
        ends = pd.to_datetime(rows["period_end"])
        # Nothing actual ends later; the card is one of the points that end last.
        assert pd.Timestamp(card["period_end"]) == ends.max()
        assert card["period"] in set(rows.loc[ends == ends.max(), "period"])
        # The previous point is the latest earlier one of the same comparable group.
        earlier = rows[(rows["group"] == card["group"]) & (ends < ends.max())]
        if earlier.empty:
            assert pd.isna(card["prev_value"])
        else:
            last = earlier.loc[pd.to_datetime(earlier["period_end"]).idxmax()]
            assert pd.Timestamp(last["period_end"]) == max(pd.to_datetime(earlier["period_end"]))
            assert card["prev_period"] in set(
                earlier.loc[
                    pd.to_datetime(earlier["period_end"]) == pd.Timestamp(last["period_end"]),
                    "period",
                ]
            )


@pytest.mark.slow
def test_two_stores_on_one_file_share_the_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "shared.duckdb"
    first, second = open_store(path), open_store(path)
    errors: list[BaseException] = []

    def work(store: Store, offset: int) -> None:
        try:
            for n in range(offset, offset + 4):
                ingest(
                    store,
                    extraction(n, date(2021, 2, n), [obs("l2_penetration", "2020", n)]),
                    CATALOG,
                    actor="test",
                )
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=(first, 1)),
        threading.Thread(target=work, args=(second, 11)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first.close()
    second.close()
    assert errors == []
    with open_store(path) as store:
        assert len(queries.issues(store)) == 8
        assert len(queries.audit_log(store)) == 8


def test_file_from_a_newer_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    open_store(path).close()
    with duckdb.connect(str(path)) as raw:
        # What a newer release would write and publish.
        raw.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        raw.execute("UPDATE meta SET value = '1000' WHERE key = 'data_version'")
        raw.execute("UPDATE meta SET value = '1000' WHERE key = 'write_version'")
    assert connect(path).publish_if_behind()
    for read_only in (False, True):
        with pytest.raises(StoreError, match="schema 99, newer than this version"):
            open_store(path, read_only=read_only)


def test_unusable_paths_are_clear_errors(tmp_path: Path) -> None:
    not_duckdb = tmp_path / "notes.duckdb"
    not_duckdb.write_text("这不是数据库", encoding="utf-8")
    with pytest.raises(StoreError, match=f"cannot open {not_duckdb} as a DuckDB database"):
        open_store(not_duckdb)
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot create the folder"):
        open_store(blocker / "sub" / "briefs.duckdb")


def test_preview_writes_nothing(store: Store, tmp_path: Path) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="test")
    before = snapshot(store, tmp_path / "a")
    planned = preview(store, ISSUE_29, CATALOG)
    assert (planned.status, planned.new_points, len(planned.revised)) == ("new", 1, 1)
    assert snapshot(store, tmp_path / "b") == before


def test_a_reader_sees_a_writers_commit_and_a_closed_store_is_a_store_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "briefs.duckdb"
    writer = open_store(path)
    reader = open_store(path, read_only=True)  # both at once, in one process or two
    ingest(writer, ISSUE_15, CATALOG, actor="test")
    deadline = time.monotonic() + 5
    while queries.series(reader, ["logistics_total"]).empty:
        assert time.monotonic() < deadline, "the reader never saw the commit"
        time.sleep(0.05)
    writer.close()
    reader.close()
    with pytest.raises(StoreError, match=f"{path}: the store is closed"):
        queries.series(writer, ["logistics_total"])


@pytest.mark.slow
def test_a_commit_in_this_process_hands_its_copy_to_the_readers_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from loaders.store import filestore

    path = tmp_path / "briefs.duckdb"
    writer = open_store(path)
    reader = open_store(path, read_only=True)
    assert queries.series(reader, ["logistics_total"]).empty  # the reader has a copy open
    ingest(writer, ISSUE_15, CATALOG, actor="test")

    # The commit opened its copy for the reader: the next read opens nothing (an open that
    # fails would leave the reader on its old copy, without the commit).
    def no_open(copy: Path) -> None:
        raise duckdb.IOException(f"the read path opened {copy}")

    monkeypatch.setattr(filestore, "_open_copy", no_open)
    assert not queries.series(reader, ["logistics_total"]).empty
    writer.close()
    reader.close()


def _current_points(path: Path, recomputed: bool) -> list[tuple]:
    from loaders.store.current_points import CURRENT_POINTS_SELECT

    with duckdb.connect(str(path), read_only=True) as raw:
        sql = (
            CURRENT_POINTS_SELECT.format(where="") if recomputed else "SELECT * FROM current_points"
        )
        return sorted(raw.execute(sql).fetchall(), key=repr)


@pytest.mark.slow
def test_kept_current_values_equal_a_full_recomputation_after_any_writes(tmp_path: Path) -> None:
    """current_points is refreshed per write for the keys it touches; random ingests,
    replacements and retractions leave it exactly as a recomputation from scratch."""
    path = tmp_path / "current.duckdb"
    rng = random.Random(11)
    periods = ["2020", "2021", "2021-Q1", "2021-H1", "2021-03", "2020/2021"]
    indicators = ["logistics_total_yoy", "logistics_revenue_yoy", "l2_penetration"]
    with open_store(path) as store:
        for step in range(40):
            number = rng.randint(1, 8)
            if rng.random() < 0.2:
                retract(store, f"2021-{number:02d}", role="editor", actor="t")
                continue
            chosen = {
                (rng.choice(indicators), rng.choice(periods), rng.random() < 0.2)
                for _ in range(rng.randint(1, 5))
            }
            observations = [
                obs(i, p, float(rng.randint(1, 9)), forecast=f) for i, p, f in sorted(chosen)
            ]
            issue = extraction(number, date(2021, 1 + number, 1), observations, salt=str(step))
            ingest(store, issue, CATALOG, actor="t", overwrite=Overwrite.ALWAYS)
    assert _current_points(path, recomputed=False) == _current_points(path, recomputed=True)
    assert len(_current_points(path, recomputed=False)) > 5


def test_a_write_marks_only_the_series_it_changed(store: Store) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="test")
    before = queries.series_versions(store)
    ingest(
        store,
        extraction(30, date(2021, 9, 6), [obs("l2_penetration", "2021", 7.0)]),
        CATALOG,
        actor="t",
    )
    after = queries.series_versions(store)
    changed = {i for i in set(before) | set(after) if before.get(i, 0) != after.get(i, 0)}
    assert changed == {"l2_penetration"}
    assert retract(store, "2021-30", role="editor", actor="t")
    assert queries.series_versions(store)["l2_penetration"] > after["l2_penetration"]


def test_series_points_are_the_series_without_its_words(store: Store) -> None:
    ingest(store, ISSUE_15, CATALOG, actor="test")
    ingest(store, ISSUE_29, CATALOG, actor="test")
    ids = ["logistics_total", "logistics_total_yoy", "l2_penetration"]
    full = queries.series(store, ids)
    points = queries.series_points(store, ids)
    assert list(points.columns) == list(queries.POINT_COLUMNS)
    assert points.equals(full[list(queries.POINT_COLUMNS)])
    assert latest_cards(points)[["indicator", "period", "value", "prev_value"]].equals(
        latest_cards(full)[["indicator", "period", "value", "prev_value"]]
    )
