"""The benchmark generator makes briefs and stores the real loaders and store accept."""

from __future__ import annotations

import pytest

from bench.synthetic import (
    SYNTHETIC_MARK,
    brief_text,
    observation_frames,
    sentence_count,
    synthetic_extraction,
    write_briefs,
)
from loaders.intake.pipeline import extract_bytes, extract_file
from loaders.services.ingest import bulk_load, ingest
from loaders.store import open_store, queries
from tests.support.builders import CATALOG

# Spread over the months (periods in words differ by month) and the years of the series.
SAMPLE = [0, 1, 5, 11, 17, 23, 29, 35, 40, 47, 48, 95, 230, 461, 777, 999]


@pytest.mark.parametrize("index", SAMPLE)
def test_synthetic_brief_parses_to_its_own_figures(index):
    issue = brief_text(index)
    extraction = extract_bytes(issue.text.encode("utf-8"), issue.filename, CATALOG)
    header = extraction.issue
    assert (header.year, header.number, header.total_number, header.published) == (
        issue.year,
        issue.number,
        issue.total_number,
        issue.published,
    )
    assert header.key == issue.key
    assert [a.editor for a in extraction.articles] == list(issue.editors)
    assert all(SYNTHETIC_MARK in a.title for a in extraction.articles)
    found = {(o.indicator, o.period, o.forecast): o.value for o in extraction.observations}
    expected = {(f.indicator, f.period, f.forecast): f.value for f in issue.expected}
    assert found.keys() == expected.keys()
    for key, value in expected.items():
        assert found[key] == pytest.approx(value, rel=0.005), key


def test_briefs_are_written_as_files_and_differ(tmp_path):
    paths = write_briefs(tmp_path, count=3)
    assert [p.name for p in paths] == [
        "synthetic-1981-01.txt",
        "synthetic-1981-02.txt",
        "synthetic-1981-03.txt",
    ]
    texts = {p.read_text(encoding="utf-8") for p in paths}
    assert len(texts) == 3
    assert all("1981 年第" in t and "（产业所 " in t and "synthetic" in t for t in texts)
    assert extract_file(paths[1], CATALOG).issue.key == "1981-02"


def test_sentence_count_counts_sentences_and_lines():
    assert sentence_count("标题\n一句。两句！三句？\n\n（产业所 某某 整理）") == 5


def test_direct_extraction_has_exactly_n_observations_on_fresh_keys(tmp_path):
    with open_store(tmp_path / "s.duckdb") as store:
        for seq in range(3):
            assert (
                ingest(store, synthetic_extraction(seq, 25), CATALOG, actor="test").new_points == 25
            )
        rows = queries.series(store, CATALOG.ids())
        assert rows.groupby("issue_key").size().to_dict() == {
            "1981-01": 25,
            "1981-02": 25,
            "1981-03": 25,
        }
        assert (rows["revision_count"] == 0).all()
        replaced = ingest(store, synthetic_extraction(1, 25, variant=1), CATALOG, actor="test")
        assert replaced.status == "replaced"


def test_bulk_frames_load_into_the_store_with_restatements(tmp_path):
    issues, observations = observation_frames(4_000)
    assert len(observations) == 4_000
    assert observations["indicator"].nunique() == len(CATALOG.ids())
    with open_store(tmp_path / "bulk.duckdb") as store:
        assert bulk_load(store, issues, observations, CATALOG) == 4_000
        stored = queries.issues(store)
        assert len(stored) == len(issues)
        assert stored["figure_count"].sum() == 4_000
        series = queries.series(store, ["logistics_total"])
        # Every key is stated twice: the series shows each once, counted as revised where
        # the two values differ (every other key's restatement repeats its first value).
        assert len(series) == 4_000 // 20 // 2
        stated = queries.statements(store, ["logistics_total"])
        assert (stated.groupby("period").size() == 2).all()
        values_per_period = stated.groupby("period")["value"].nunique()
        revised = (values_per_period > 1).astype(int).rename("revision_count")
        assert (
            series.set_index("period")["revision_count"]
            .sort_index()
            .equals(revised.sort_index().astype(series["revision_count"].dtype))
        )
        assert 0 < revised.sum() < len(series)  # both kinds occur
        assert series["period"].is_unique
