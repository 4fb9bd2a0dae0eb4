"""The cached query layer between the pages and loaders.store.Store.

One Store per database file is shared by every session (st.cache_resource). Query results
are cached (st.cache_data) on small keys: the database path, the store's data_version and
ids. A committed ingest bumps data_version, so the next rerun misses the cache and shows the
new issue at once. st.cache_data hands each caller its own copy; pages still treat results
as read-only.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from dashboard.comparable import latest_cards
from loaders.paths import database_path
from loaders.store import Store

# Results are keyed on data_version, so the TTL only bounds memory held by old versions.
CACHE_TTL_SECONDS = 600


@st.cache_resource(show_spinner=False)
def _store_for(path: str) -> Store:
    return Store(path)


def get_store() -> Store:
    """The shared Store for $BRIEFS_DB (or data/briefs.duckdb). Raises StoreError if locked."""
    return _store_for(_path())


def _path() -> str:
    return str(database_path())


def data_version() -> int:
    return get_store().data_version()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _indicators(path: str, version: int) -> pd.DataFrame:
    return _store_for(path).indicators()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _series(path: str, version: int, indicator_ids: tuple[str, ...]) -> pd.DataFrame:
    return _store_for(path).series(list(indicator_ids))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _revisions(path: str, version: int, indicator_ids: tuple[str, ...]) -> pd.DataFrame:
    return _store_for(path).revisions(list(indicator_ids))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _issues(path: str, version: int) -> pd.DataFrame:
    return _store_for(path).issues()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _issue(path: str, version: int, issue_key: str) -> dict | None:
    return _store_for(path).issue(issue_key)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _articles(path: str, version: int, issue_key: str) -> pd.DataFrame:
    return _store_for(path).articles(issue_key)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _observations_for_issue(path: str, version: int, issue_key: str) -> pd.DataFrame:
    return _store_for(path).observations_for_issue(issue_key)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _unassigned_for_issue(path: str, version: int, issue_key: str) -> pd.DataFrame:
    return _store_for(path).unassigned_for_issue(issue_key)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _coverage(path: str, version: int) -> pd.DataFrame:
    return _store_for(path).coverage()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _overview_cards(path: str, version: int) -> pd.DataFrame:
    # Only the cards (one row per indicator) are cached, and they are computed one indicator
    # at a time: all indicators' rows at once (500,000 in a store of a million) peaked at
    # 1.4 GB of server memory. latest_cards works per indicator, so the result is the same.
    store = _store_for(path)
    cards = [latest_cards(store.series([i])) for i in store.indicators()["id"]]
    # Rebuilt from records, as latest_cards builds its frame, so the dtypes are the same.
    records = [record for card in cards for record in card.to_dict("records")]
    return pd.DataFrame(records, columns=cards[0].columns)


def indicators() -> pd.DataFrame:
    """Catalog indicators in catalog order: id, name_zh, name_en, category, unit, kind, …"""
    return _indicators(_path(), data_version())


def series(indicator_ids: Sequence[str]) -> pd.DataFrame:
    """Current-view rows for these indicators (Store.series)."""
    return _series(_path(), data_version(), tuple(indicator_ids))


def revisions(indicator_ids: Sequence[str]) -> pd.DataFrame:
    """Earlier statements that the current view superseded (Store.revisions)."""
    return _revisions(_path(), data_version(), tuple(indicator_ids))


def overview_cards() -> pd.DataFrame:
    """comparable.latest_cards of every indicator, computed once per data version."""
    return _overview_cards(_path(), data_version())


def all_series() -> pd.DataFrame:
    """Current-view rows of every catalog indicator (the overview's cards and sparklines)."""
    return series(list(indicators()["id"]))


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
