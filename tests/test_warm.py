"""The cache warmer builds what a commit touched before a visitor asks (dashboard/warm.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import streamlit as st

from dashboard import data, trend_view, warm
from loaders.services.ingest import ingest
from loaders.store import open_store, queries
from tests.support.builders import CATALOG
from tests.support.store import extraction, obs


@pytest.fixture
def counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple]]:
    """Every series read the dashboard makes, by query and indicators."""
    reads: list[tuple[str, tuple]] = []
    for name in ("series", "series_points", "revised_statements"):
        real = getattr(queries, name)

        def counting(store, ids, *args, _real=real, _name=name):
            reads.append((_name, tuple(ids)))
            return _real(store, ids, *args)

        monkeypatch.setattr(queries, name, counting)
    return reads


def test_a_warmed_card_is_served_without_reading_it_again(app_db: Path, counted_reads) -> None:
    st.cache_resource.clear()
    st.cache_data.clear()
    path = data.store_path()
    try:
        version = data.all_series_versions(path)["logistics_total"]
        warm.warm(path, "logistics_total", version)
        assert ("series_points", ("logistics_total",)) in counted_reads
        # Only the card: a series' Trends parts wait until someone opens a view of it.
        assert ("series", ("logistics_total",)) not in counted_reads
        counted_reads.clear()
        data.card(path, "logistics_total", version)  # what the overview asks for
        assert counted_reads == []
        # A commit that touches another series leaves this one's parts in place.
        kinds = list(trend_view.plot_frame(["logistics_total"])["form"].unique())
        trend_view.trend_view(["logistics_total"], kinds)
        with open_store(app_db) as store:
            ingest(
                store,
                extraction(40, date(2021, 12, 1), [obs("l2_penetration", "2021", 31.0)]),
                CATALOG,
                actor="t",
            )
        versions = data.all_series_versions(path)
        assert versions["logistics_total"] == version
        counted_reads.clear()
        trend_view.trend_view(["logistics_total"], kinds)
        data.card(path, "logistics_total", version)
        assert counted_reads == []
    finally:
        data.get_store().close()
        st.cache_resource.clear()
        st.cache_data.clear()


def test_views_asked_for_lately_are_rebuilt_after_a_commit(app_db: Path, counted_reads) -> None:
    """A view of two series shares no parts with either alone: the warmer rebuilds the views
    pages asked for that show a series a commit changed, and leaves the others."""
    st.cache_resource.clear()
    st.cache_data.clear()
    path = data.store_path()
    pair = ["logistics_total", "l2_penetration"]
    try:
        kinds = list(trend_view.plot_frame(pair)["form"].unique())
        trend_view.trend_view(pair, kinds)
        with open_store(app_db) as store:
            ingest(
                store,
                extraction(41, date(2021, 12, 1), [obs("l2_penetration", "2021", 31.0)]),
                CATALOG,
                actor="t",
            )
        versions = data.all_series_versions(path)
        counted_reads.clear()
        trend_view.warm_recent(path, versions, {"l2_penetration"})
        assert ("series", ("l2_penetration",)) in counted_reads
        assert ("series", ("logistics_total",)) not in counted_reads  # its parts are kept
        counted_reads.clear()
        view = trend_view.trend_view(pair, kinds)
        assert counted_reads == []  # the visitor after the commit is served from the cache
        assert 31.0 in set(view.plotted["value"])
        counted_reads.clear()
        trend_view.warm_recent(path, versions, {"telecom_ma_value"})
        assert counted_reads == []  # no recent view shows it
    finally:
        data.get_store().close()
        st.cache_resource.clear()
        st.cache_data.clear()


def test_the_warmer_is_off_when_configured_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(warm.WARM_ENV_VAR, "0")
    assert not warm.enabled()
    monkeypatch.setenv(warm.WARM_ENV_VAR, "1")
    assert warm.enabled()


def test_coverage_after_a_commit_counts_only_the_series_it_changed(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages' coverage is queries.coverage, built per series version: a commit that
    touches one series counts that series again and no other."""
    st.cache_resource.clear()
    st.cache_data.clear()
    counted: list[tuple[str, ...]] = []
    real = queries.coverage_of

    def counting(store, ids):
        counted.append(tuple(ids))
        return real(store, ids)

    monkeypatch.setattr(queries, "coverage_of", counting)
    with open_store(app_db, read_only=True) as store:
        assert data.coverage().equals(queries.coverage(store))
    assert len(counted) == 1 and len(counted[0]) == len(CATALOG.indicators)
    with open_store(app_db) as store:
        ingest(
            store,
            extraction(41, date(2021, 12, 2), [obs("l2_penetration", "2030", 55.0)]),
            CATALOG,
            actor="t",
        )
    with open_store(app_db, read_only=True) as store:
        after = data.coverage()
        assert after.equals(queries.coverage(store))
    assert counted[1:] == [("l2_penetration",)]
    assert after.set_index("id").loc["l2_penetration", "last_period"] == "2030"
