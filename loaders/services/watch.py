"""Watchlists, visits and where digests are mailed: the records a viewer keeps for
themself, per login identity ('local' in local mode: one list for the machine).

Anyone with an identity may change their own (permissions.require_identity); nobody writes
another's. Each change is one write of records only (writes.bump_records): no series and no
data version change, so a visit or a watchlist throws away no cache of the data and no API ETag.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from loaders.services.permissions import require_identity
from loaders.services.series import check_indicators
from loaders.store import Store, StoreError, writes
from loaders.store import watchers as log

# What a digest mail can be sent to: one address, no display name, no header tricks.
_EMAIL = re.compile(r"^[^@\s<>,;:\"']+@[^@\s<>,;:\"']+\.[^@\s<>,;:\"']+$")
MAX_WATCHED = 200


def watchlist(store: Store, identity: str | None) -> list[str]:
    """The indicators identity watches (none without an identity)."""
    return log.watchlist(store, identity) if identity else []


def watcher(store: Store, identity: str | None) -> log.Watcher | None:
    return log.watcher(store, identity) if identity else None


def set_watchlist(store: Store, identity: str | None, indicators: Sequence[str]) -> list[str]:
    """identity watches exactly these indicators (known ids, at most MAX_WATCHED); returns
    them."""
    require_identity(identity)
    wanted = list(dict.fromkeys(indicators))
    if len(wanted) > MAX_WATCHED:
        raise StoreError(f"最多关注 {MAX_WATCHED} 个指标 (at most {MAX_WATCHED} indicators)")
    check_indicators(store, wanted)

    def save(cur) -> None:
        log.set_watchlist(cur, identity, wanted)
        log.save_watcher(cur, identity)
        writes.bump_records(cur)

    store.write(f"save the watchlist of {identity}", save)
    return wanted


def set_email(store: Store, identity: str | None, email: str | None) -> str | None:
    """Where identity's digests are mailed (None or empty: no mail); returns it."""
    require_identity(identity)
    address = (email or "").strip() or None
    if address is not None and not _EMAIL.match(address):
        raise StoreError(f"不是有效的邮件地址：{address!r} (not an email address)")

    def save(cur) -> None:
        log.save_watcher(cur, identity, email=address, keep_email=False)
        writes.bump_records(cur)

    store.write(f"save where {identity}'s digests go", save)
    return address


def mark_seen(store: Store, identity: str | None, changeset: int) -> bool:
    """Record that identity's digest showed everything through changeset (a visit); False,
    with nothing written, when it had already (or without an identity)."""
    if not identity:
        return False
    known = log.watcher(store, identity)
    if known is not None and known.seen_changeset >= changeset:
        return False

    def save(cur) -> None:
        log.save_watcher(cur, identity, seen_changeset=changeset)
        writes.bump_records(cur)

    store.write(f"record the visit of {identity}", save)
    return True


def recipient(identity: str, email: str | None) -> str | None:
    """Where identity's digests go: the address it set, else the identity itself when it is
    an address (an OIDC login); None: no mail."""
    if email:
        return email
    return identity if _EMAIL.match(identity) else None
