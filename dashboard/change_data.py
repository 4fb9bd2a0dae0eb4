"""What changed and who watches it, cached as dashboard.data caches every read: the digest
since an issue or a visit (loaders.services.changes), each login's watchlist and digest
settings (loaders.services.watch). Watchlists and visits are records: their caches follow
the write version, the digest the data version.
"""

from __future__ import annotations

import streamlit as st

from dashboard.data import CACHE_TTL_SECONDS, data_version, store_for, store_path, write_version
from loaders.services import changes, watch


def latest_changeset() -> int:
    return _latest_changeset(store_path(), data_version())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _latest_changeset(path: str, version: int) -> int:
    return changes.latest_changeset(store_for(path))


def digest(
    since: changes.Since, indicators: tuple[str, ...] | None, watched: tuple[str, ...]
) -> changes.Digest:
    """The changes after since (loaders.services.changes), of these indicators when given,
    with the unassigned figures on the watched topics (read-only, shared)."""
    return _digest(store_path(), data_version(), since.after, since.label, indicators, watched)


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=256, show_spinner=False)
def _digest(
    path: str,
    version: int,
    after: int,
    label: str,
    indicators: tuple[str, ...] | None,
    watched: tuple[str, ...],
) -> changes.Digest:
    return changes.digest(
        store_for(path),
        changes.Since(after, label),
        list(indicators) if indicators is not None else None,
        watched=list(watched),
    )


def since_issue(issue_key: str) -> changes.Since:
    return _since(store_path(), data_version(), issue_key)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _since(path: str, version: int, text: str) -> changes.Since:
    return changes.resolve_since(store_for(path), text)


def first_visit_since() -> changes.Since:
    return _first_visit(store_path(), data_version())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _first_visit(path: str, version: int) -> changes.Since:
    return changes.since_previous_issue(store_for(path))


def watchlist(identity: str | None) -> list[str]:
    # Watchlists and visits are records (their writes move write_version, not data_version).
    return list(_watchlist(store_path(), write_version(), identity))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _watchlist(path: str, version: int, identity: str | None) -> tuple[str, ...]:
    return tuple(watch.watchlist(store_for(path), identity))


def watcher(identity: str | None):
    """The identity's digest settings (loaders.store.watchers.Watcher), or None."""
    return _watcher(store_path(), write_version(), identity)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _watcher(path: str, version: int, identity: str | None):
    return watch.watcher(store_for(path), identity)
