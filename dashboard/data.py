"""The cached query layer between the pages and the store.

One Store per database file is shared by every session (st.cache_resource), and so is the
catalog. Query results are cached (st.cache_data) on small keys: the database path, the
store's data_version and ids. A committed ingest bumps data_version, so the next rerun misses
the cache and shows the new issue at once. st.cache_data hands each caller its own copy;
pages still treat results as read-only. Pages read through this module (one issue's contents
through dashboard.issue_data, what changed and watchlists through dashboard.change_data, both
over this module's store and versions) and write through loaders.services; they never touch
the store themselves.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

import pandas as pd
import streamlit as st

from loaders.catalog.indicators import Catalog
from loaders.paths import database_location
from loaders.series.comparable import latest_cards
from loaders.series.derive import sources as derivation_sources
from loaders.services import catalog as catalog_service
from loaders.services.series import SeriesRequest, SeriesResult, read_series, resolve_as_of
from loaders.store import Store, open_store, queries
from loaders.store.queries import IssueRef

# Results are keyed on data or series versions, so the TTL only bounds memory held by old
# versions.
CACHE_TTL_SECONDS = 600
# Per-series entries kept: every series of a large catalog, at a couple of versions.
SERIES_ENTRIES = 512


@st.cache_resource(show_spinner=False)
def store_for(path: str) -> Store:
    """The Store of a path, opened once per process and shared: what every cached read reads."""
    store = open_store(path)
    try:
        # The store holds the catalog; a new store is seeded from data/catalog.yaml here.
        catalog_service.ensure_catalog(store)
    except BaseException:
        store.close()
        raise
    return store


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=4, show_spinner=False)
def _catalog(path: str, version: int) -> Catalog:
    return catalog_service.active_catalog(store_for(path))


def catalog() -> Catalog:
    """The store's catalog (every entry, retired ones too) as the upload review and the 指标
    page's editor use it; it changes with the data version."""
    return _catalog(_path(), data_version())


def get_store() -> Store:
    """The shared Store for $BRIEFS_DB (or data/briefs.duckdb). Raises StoreError if locked."""
    return store_for(_path())


def _path() -> str:
    return database_location()


def store_path() -> str:
    """The store's path as the caches key it."""
    return _path()


# How often a page run may look for a write that a killed writer left unpublished.
CATCH_UP_SECONDS = 5.0
_caught_up_at = 0.0


def _caught_up_store():
    global _caught_up_at
    store = get_store()
    if time.monotonic() - _caught_up_at > CATCH_UP_SECONDS:
        _caught_up_at = time.monotonic()
        store.catch_up()
    return store


def data_version() -> int:
    """The key of every cache of the data: moves when issues, figures or the catalog do."""
    return queries.data_version(_caught_up_store())


def write_version() -> int:
    """The key of caches of records (import progress, the audit log): moves on every write."""
    return queries.write_version(_caught_up_store())


def series_version(indicator: str) -> int:
    """The data version at which this series last changed: its caches' key."""
    return _series_versions(_path(), data_version()).get(indicator, 0)


def read_version(indicator: str) -> int:
    """The version of what a read of this series depends on: the series, and the series its
    derived values are read from (a growth series' level, loaders.series.derive.sources)."""
    versions = _series_versions(_path(), data_version())
    return read_version_of(indicator, versions, derivation_sources_of(indicator))


def read_version_of(indicator: str, versions: dict[str, int], sources: list[str]) -> int:
    """read_version from a map of series versions (the cache warmer's poll)."""
    return max(versions.get(name, 0) for name in [indicator, *sources])


def derivation_sources_of(indicator: str) -> list[str]:
    """The series a read of this one also reads to derive its values."""
    return list(_derivation_sources(_path(), data_version(), indicator))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _derivation_sources(path: str, version: int, indicator: str) -> tuple[str, ...]:
    return tuple(derivation_sources(_indicators(path, version), [indicator]))


def indicator_positions() -> dict[str, int]:
    """Each indicator's place in the catalog (retired ones too): what its colour follows, so
    a colour stays with its series whatever else a chart shows."""
    return _indicator_positions(_path(), data_version())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _indicator_positions(path: str, version: int) -> dict[str, int]:
    ids = queries.indicators(store_for(path), with_retired=True)["id"]
    return {indicator: position for position, indicator in enumerate(ids)}


def series_result(
    indicator: str,
    transform: str = "level",
    base: str | None = None,
    as_of: str | None = None,
    frequency: str | None = None,
    derived: str = "include",
) -> SeriesResult:
    """One series as stored now, through the read service the API uses: current, or as of
    an issue key, with its derived values (or without), at a frequency, transformed as
    asked; with why it is empty and which periods a conversion refused. Raises
    SeriesRequestError for a request the service refuses (an unknown issue, a bad base).
    Not cached: the Trends page caches what it draws from it (dashboard.trend_view), and a
    second cached copy of every series drawn held ~9 MB per series at 1e6 observations."""
    request = SeriesRequest(
        indicators=(indicator,),
        as_of=as_of,
        transform=transform,
        base=base,
        frequency=frequency,
        derived=derived,
    )
    return read_series(get_store(), request)


def revisions_of(
    indicator: str, version: int, periods: tuple[str, ...], as_of: str | None = None
) -> pd.DataFrame:
    """The earlier values the current ones revised, of these periods of one series
    (queries.revised_statements; read-only, shared), as of an issue key when given."""
    return _revisions_of(_path(), indicator, version, periods, as_of)


def vintage(as_of: str) -> IssueRef:
    """The issue an as_of (issue key or date) names; SeriesRequestError when none."""
    return _vintage(_path(), data_version(), as_of)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _indicators(path: str, version: int) -> pd.DataFrame:
    return queries.indicators(store_for(path))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _series_versions(path: str, version: int) -> dict[str, int]:
    return queries.series_versions(store_for(path))


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=SERIES_ENTRIES, show_spinner=False)
def _revisions_of(
    path: str, indicator: str, version: int, periods: tuple[str, ...], as_of: str | None
) -> pd.DataFrame:
    return queries.revised_statements(store_for(path), [indicator], list(periods), as_of)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _vintage(path: str, version: int, as_of: str) -> IssueRef:
    return resolve_as_of(store_for(path), as_of)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _issues(path: str, version: int) -> pd.DataFrame:
    return queries.issues(store_for(path))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _coverage(path: str, version: int) -> pd.DataFrame:
    """queries.coverage, built from the catalog and each series' counts at its own version:
    after a commit only the series it changed are counted again."""
    catalog = _indicators(path, version)
    versions = _series_versions(path, version)
    wanted = [(indicator, versions.get(indicator, 0)) for indicator in catalog["id"]]
    with _coverage_guard:
        missing = [key for key in wanted if (path, *key) not in _series_coverage]
    if missing:
        counted = queries.coverage_of(store_for(path), [indicator for indicator, _ in missing])
        with _coverage_guard:
            for key in missing:
                _series_coverage[(path, *key)] = counted.get(key[0], _NO_COVERAGE)
                _series_coverage.move_to_end((path, *key))
            while len(_series_coverage) > SERIES_ENTRIES:
                _series_coverage.popitem(last=False)
    with _coverage_guard:
        stats = [_series_coverage.get((path, *key), _NO_COVERAGE) for key in wanted]
    frame = catalog.loc[
        :, ["id", "name_zh", "name_en", "category", "unit", "kind", "measure", "description"]
    ].reset_index(drop=True)
    for position, column in enumerate(queries.COVERAGE_COLUMNS):
        values = [row[position] for row in stats]
        frame[column] = pd.Series(values, dtype="int64") if column == "points" else values
    return frame


# (path, indicator, series version) -> coverage_of's counts, newest last.
_series_coverage: OrderedDict[tuple[str, str, int], tuple] = OrderedDict()
_coverage_guard = threading.Lock()
_NO_COVERAGE = (0, None, None, None)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _audit_log(path: str, version: int) -> pd.DataFrame:
    return queries.audit_log(store_for(path))


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=SERIES_ENTRIES, show_spinner=False)
def _card(path: str, indicator: str, version: int) -> pd.DataFrame:
    # One indicator at a time: all indicators' rows at once (500,000 in a store of a
    # million) peaked at 1.4 GB of server memory; latest_cards works per indicator anyway.
    store = store_for(path)
    catalog = queries.indicators(store, with_retired=True)
    kinds = dict(zip(catalog["id"], catalog["kind"], strict=True))
    points = queries.series_points(store, [indicator])
    # The name tells a cumulative stock (since launch) from a level at a moment.
    names = dict(zip(catalog["id"], catalog["name_zh"], strict=True))
    return latest_cards(points.assign(name_zh=points["indicator"].map(names)), kinds)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _import_jobs(path: str, version: int) -> list[queries.ImportJob]:
    return queries.import_jobs(store_for(path))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _import_files(path: str, version: int, job_id: str) -> list[queries.ImportFile]:
    return queries.import_files(store_for(path), job_id)


def import_jobs() -> list[queries.ImportJob]:
    """The latest archive imports with their progress (each step of an import is a write)."""
    return _import_jobs(_path(), write_version())


def import_files(job_id: str) -> list[queries.ImportFile]:
    return _import_files(_path(), write_version(), job_id)


def indicators() -> pd.DataFrame:
    """Catalog indicators in catalog order: id, name_zh, name_en, category, unit, kind, …"""
    return _indicators(_path(), data_version())


def warm_store_reads(path: str) -> None:
    """Build the reads every page makes at this data version (catalog, indicators, coverage,
    the issue choices): the cache warmer runs it after a commit, so the first visitor does not
    pay for them (the issue choices of a 20,000-issue archive take most of a second)."""
    version = queries.data_version(store_for(path))
    _catalog(path, version)
    _indicators(path, version)
    _coverage(path, version)
    _issue_years(path, version)
    _issue_choices(path, version)


def all_series_versions(path: str) -> dict[str, int]:
    """Every catalog series' version, read now (not cached): the cache warmer's poll."""
    store = store_for(path)
    versions = queries.series_versions(store)
    return {indicator: versions.get(indicator, 0) for indicator in queries.indicators(store)["id"]}


def card(path: str, indicator: str, version: int) -> pd.DataFrame:
    """The overview card of one series at a version (read-only, shared)."""
    return _card(path, indicator, version)


def overview_cards() -> pd.DataFrame:
    """loaders.series.comparable.latest_cards of every indicator, each computed once per series version."""
    ids = list(indicators()["id"])
    cards = [_card(_path(), indicator, series_version(indicator)) for indicator in ids]
    cards = [card for card in cards if not card.empty]
    if not cards:
        return latest_cards(pd.DataFrame())
    # Rebuilt from records, as latest_cards builds its frame, so the dtypes are the same.
    records = [record for card in cards for record in card.to_dict("records")]
    return pd.DataFrame(records, columns=cards[0].columns)


def issues() -> pd.DataFrame:
    return _issues(_path(), data_version())


def issue_choices() -> dict[str, str]:
    """Every stored issue's key -> "2021 年第 15 期（2021-09-13）", newest first, for the
    selectors that pick an issue. Shared by every session and never copied: a selector keeps
    its options and labels for as long as its session lives, and an archive has thousands."""
    return _issue_choices(_path(), data_version())


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=4, show_spinner=False)
def _issue_choices(path: str, version: int) -> dict[str, str]:
    return queries.issue_choices(store_for(path))


def issue_years() -> list[int]:
    """The years with stored issues, newest first: the first step of picking an issue where
    a selector of every issue would be too long to use (and to keep per session)."""
    return _issue_years(_path(), data_version())


def issues_of_year(year: int) -> dict[str, str]:
    """issue_choices() of one year (read-only, shared)."""
    return _issues_of_year(_path(), data_version(), year)


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=4, show_spinner=False)
def _issue_years(path: str, version: int) -> list[int]:
    return queries.issue_years(store_for(path))


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=64, show_spinner=False)
def _issues_of_year(path: str, version: int, year: int) -> dict[str, str]:
    return queries.issue_choices(store_for(path), year)


def indicator_names() -> dict[str, str]:
    """Indicator id -> Chinese name, every indicator of the catalog (retired ones too)."""
    return {indicator.id: indicator.name_zh for indicator in catalog().indicators}


def coverage() -> pd.DataFrame:
    return _coverage(_path(), data_version())


def audit_log() -> pd.DataFrame:
    return _audit_log(_path(), write_version())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _catalog_history(path: str, version: int) -> pd.DataFrame:
    return queries.catalog_history(store_for(path))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _unassigned_all(path: str, version: int) -> pd.DataFrame:
    return queries.unassigned_all(store_for(path))


def catalog_history() -> pd.DataFrame:
    """The catalog's versions, newest first (who, when, what, why)."""
    return _catalog_history(_path(), data_version())


def unassigned_all() -> pd.DataFrame:
    """Every issue's unassigned figures, newest issue first: the editors' work queue."""
    return _unassigned_all(_path(), data_version())
