"""The cached query layer between the pages and the store.

One Store per database file is shared by every session (st.cache_resource), and so is the
catalog. Query results are cached (st.cache_data) on small keys: the database path, the
store's data_version and ids. A committed ingest bumps data_version, so the next rerun misses
the cache and shows the new issue at once. st.cache_data hands each caller its own copy;
pages still treat results as read-only. Pages read through this module and write through
loaders.services; they never touch the store themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from loaders.catalog import Catalog, load_catalog
from loaders.paths import database_path
from loaders.series import latest_cards
from loaders.services.catalog import sync_catalog
from loaders.store import Store, open_store, queries

# Results are keyed on data_version, so the TTL only bounds memory held by old versions.
CACHE_TTL_SECONDS = 600


@st.cache_resource(show_spinner=False)
def _catalog() -> Catalog:
    return load_catalog()


@st.cache_resource(show_spinner=False)
def _store_for(path: str) -> Store:
    store = open_store(path)
    try:
        # The pages list the indicators the store holds; a new store learns them here.
        sync_catalog(store, _catalog())
    except BaseException:
        store.close()
        raise
    return store


def catalog() -> Catalog:
    """The curated catalog the pages and the upload review use."""
    return _catalog()


def get_store() -> Store:
    """The shared Store for $BRIEFS_DB (or data/briefs.duckdb). Raises StoreError if locked."""
    return _store_for(_path())


def _path() -> str:
    return str(database_path())


def data_version() -> int:
    return queries.data_version(get_store())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _indicators(path: str, version: int) -> pd.DataFrame:
    return queries.indicators(_store_for(path))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _series(path: str, version: int, indicator_ids: tuple[str, ...]) -> pd.DataFrame:
    return queries.series(_store_for(path), list(indicator_ids))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _revisions(path: str, version: int, indicator_ids: tuple[str, ...]) -> pd.DataFrame:
    return queries.revisions(_store_for(path), list(indicator_ids))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _issues(path: str, version: int) -> pd.DataFrame:
    return queries.issues(_store_for(path))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _issue(path: str, version: int, issue_key: str) -> dict | None:
    return queries.issue(_store_for(path), issue_key)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _articles(path: str, version: int, issue_key: str) -> pd.DataFrame:
    return queries.articles(_store_for(path), issue_key)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _observations_for_issue(path: str, version: int, issue_key: str) -> pd.DataFrame:
    return queries.observations_for_issue(_store_for(path), issue_key)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _unassigned_for_issue(path: str, version: int, issue_key: str) -> pd.DataFrame:
    return queries.unassigned_for_issue(_store_for(path), issue_key)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _coverage(path: str, version: int) -> pd.DataFrame:
    return queries.coverage(_store_for(path))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _audit_log(path: str, version: int) -> pd.DataFrame:
    return queries.audit_log(_store_for(path))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _overview_cards(path: str, version: int) -> pd.DataFrame:
    # Only the cards (one row per indicator) are cached, and they are computed one indicator
    # at a time: all indicators' rows at once (500,000 in a store of a million) peaked at
    # 1.4 GB of server memory. latest_cards works per indicator, so the result is the same.
    store = _store_for(path)
    cards = [latest_cards(queries.series(store, [i])) for i in queries.indicators(store)["id"]]
    # Rebuilt from records, as latest_cards builds its frame, so the dtypes are the same.
    records = [record for card in cards for record in card.to_dict("records")]
    return pd.DataFrame(records, columns=cards[0].columns)


def indicators() -> pd.DataFrame:
    """Catalog indicators in catalog order: id, name_zh, name_en, category, unit, kind, …"""
    return _indicators(_path(), data_version())


def series(indicator_ids: Sequence[str]) -> pd.DataFrame:
    """Current-view rows for these indicators (queries.series)."""
    return _series(_path(), data_version(), tuple(indicator_ids))


def revisions(indicator_ids: Sequence[str]) -> pd.DataFrame:
    """Earlier statements that the current view superseded (queries.revisions)."""
    return _revisions(_path(), data_version(), tuple(indicator_ids))


def overview_cards() -> pd.DataFrame:
    """loaders.series.latest_cards of every indicator, computed once per data version."""
    return _overview_cards(_path(), data_version())


def issues() -> pd.DataFrame:
    return _issues(_path(), data_version())


def issue(issue_key: str) -> dict | None:
    return _issue(_path(), data_version(), issue_key)


def articles(issue_key: str) -> pd.DataFrame:
    return _articles(_path(), data_version(), issue_key)


def observations_for_issue(issue_key: str) -> pd.DataFrame:
    return _observations_for_issue(_path(), data_version(), issue_key)


def unassigned_for_issue(issue_key: str) -> pd.DataFrame:
    return _unassigned_for_issue(_path(), data_version(), issue_key)


def coverage() -> pd.DataFrame:
    return _coverage(_path(), data_version())


def audit_log() -> pd.DataFrame:
    return _audit_log(_path(), data_version())
