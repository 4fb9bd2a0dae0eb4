"""One stored issue as the 期刊 page shows it, cached as dashboard.data caches every read
(keyed on the store's path and data version): its header, articles, figures, unassigned
figures and the state of every number of its text.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data import CACHE_TTL_SECONDS, data_version, store_for, store_path
from loaders.figures.number_states import account_for_stored
from loaders.models import NumberState
from loaders.store import queries
from loaders.vocab.frames import records


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _issue(path: str, version: int, issue_key: str) -> dict | None:
    return queries.issue(store_for(path), issue_key)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _articles(path: str, version: int, issue_key: str) -> pd.DataFrame:
    return queries.articles(store_for(path), issue_key)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _observations_for_issue(path: str, version: int, issue_key: str) -> pd.DataFrame:
    return queries.observations_for_issue(store_for(path), issue_key)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _unassigned_for_issue(path: str, version: int, issue_key: str) -> pd.DataFrame:
    return queries.unassigned_for_issue(store_for(path), issue_key)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _issue_numbers(path: str, version: int, issue_key: str) -> list[NumberState]:
    header = _issue(path, version, issue_key)
    if header is None:
        return []
    return account_for_stored(
        header["clean_text"],
        header["published"],
        records(_articles(path, version, issue_key)),
        records(_observations_for_issue(path, version, issue_key)),
        records(_unassigned_for_issue(path, version, issue_key)),
    )


def issue(issue_key: str) -> dict | None:
    return _issue(store_path(), data_version(), issue_key)


def articles(issue_key: str) -> pd.DataFrame:
    return _articles(store_path(), data_version(), issue_key)


def observations_for_issue(issue_key: str) -> pd.DataFrame:
    return _observations_for_issue(store_path(), data_version(), issue_key)


def unassigned_for_issue(issue_key: str) -> pd.DataFrame:
    return _unassigned_for_issue(store_path(), data_version(), issue_key)


def issue_numbers(issue_key: str) -> list[NumberState]:
    """Every number of a stored issue's text with its state and reason, from what the store
    holds (loaders.figures.number_states.account_for_stored: the issue is not read again)."""
    return _issue_numbers(store_path(), data_version(), issue_key)
