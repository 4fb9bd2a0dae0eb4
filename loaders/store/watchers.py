"""Who is told of changes: watchlists, visits and the digest mails' outbox (SQL only).

These are records of people, not data: no data version moves for them. What changed is
loaders.store.changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pandas as pd

from loaders.store.connection import Store


def _now() -> datetime:
    # Naive UTC, as loaders.store.writes stamps every row.
    return datetime.now(UTC).replace(tzinfo=None)


# ------------------------------------------------------------------ watchlists, visits


@dataclass(frozen=True)
class Watcher:
    """One login identity's digest settings: where its mail goes (None: no mail) and the
    last changeset its digest showed (0: never visited)."""

    identity: str
    email: str | None
    seen_changeset: int


def watchlist(store: Store, identity: str) -> list[str]:
    """The indicators identity watches, in the order they were added."""
    with store.read() as cur:
        rows = cur.execute(
            "SELECT indicator FROM watchlists WHERE identity = ? ORDER BY added_at, indicator",
            [identity],
        ).fetchall()
    return [row[0] for row in rows]


def watchers(store: Store) -> list[tuple[Watcher, list[str]]]:
    """Every identity with a watchlist or a visit, and what it watches."""
    with store.read() as cur:
        return watchers_in(cur)


def watchers_in(cur: duckdb.DuckDBPyConnection) -> list[tuple[Watcher, list[str]]]:
    rows = cur.execute(
        """SELECT coalesce(w.identity, l.identity), w.email, coalesce(w.seen_changeset, 0),
            coalesce(l.indicators, [])
        FROM watchers w FULL JOIN (
            SELECT identity, list(indicator ORDER BY added_at, indicator) AS indicators
            FROM watchlists GROUP BY identity) l ON l.identity = w.identity
        ORDER BY 1"""
    ).fetchall()
    return [(Watcher(row[0], row[1], int(row[2])), list(row[3])) for row in rows]


def watcher(store: Store, identity: str) -> Watcher | None:
    with store.read() as cur:
        rows = cur.execute(
            "SELECT identity, email, seen_changeset FROM watchers WHERE identity = ?",
            [identity],
        ).fetchall()
    return Watcher(rows[0][0], rows[0][1], int(rows[0][2])) if rows else None


def set_watchlist(cur: duckdb.DuckDBPyConnection, identity: str, indicators: Sequence[str]) -> None:
    """identity watches exactly these indicators (those it watched already keep their
    place)."""
    wanted = list(dict.fromkeys(indicators))
    cur.execute(
        "DELETE FROM watchlists WHERE identity = ? AND NOT list_contains(?, indicator)",
        [identity, wanted],
    )
    kept = {
        row[0]
        for row in cur.execute(
            "SELECT indicator FROM watchlists WHERE identity = ?", [identity]
        ).fetchall()
    }
    now = _now()
    for offset, indicator in enumerate(i for i in wanted if i not in kept):
        cur.execute(
            "INSERT INTO watchlists VALUES (?, ?, ?)",
            [identity, indicator, now + pd.Timedelta(microseconds=offset).to_pytimedelta()],
        )


def save_watcher(
    cur: duckdb.DuckDBPyConnection,
    identity: str,
    *,
    email: str | None = None,
    keep_email: bool = True,
    seen_changeset: int | None = None,
) -> None:
    """Create or update identity's row: its email (kept when keep_email and none given),
    the changeset its digest last showed (kept when None). Delete and insert: the team
    store has no keys to upsert on."""
    rows = cur.execute(
        "SELECT email, seen_changeset FROM watchers WHERE identity = ?", [identity]
    ).fetchall()
    old_email, old_seen = (rows[0][0], int(rows[0][1])) if rows else (None, 0)
    new_email = email if (email is not None or not keep_email) else old_email
    new_seen = old_seen if seen_changeset is None else max(old_seen, seen_changeset)
    cur.execute("DELETE FROM watchers WHERE identity = ?", [identity])
    cur.execute("INSERT INTO watchers VALUES (?, ?, ?, ?)", [identity, new_email, new_seen, _now()])


# ------------------------------------------------------------------ digest mails

MAIL_CURSOR_KEY = "mailed_changeset"


@dataclass(frozen=True)
class Mail:
    """One digest mail in the outbox."""

    mail_id: int
    changeset: int
    identity: str
    recipient: str
    subject: str
    body: str
    state: str
    attempts: int
    last_error: str


def mail_cursor(cur: duckdb.DuckDBPyConnection) -> int | None:
    """The last changeset whose mails were queued; None before the first run."""
    rows = cur.execute("SELECT value FROM meta WHERE key = ?", [MAIL_CURSOR_KEY]).fetchall()
    return int(rows[0][0]) if rows else None


def set_mail_cursor(cur: duckdb.DuckDBPyConnection, changeset: int) -> None:
    cur.execute("DELETE FROM meta WHERE key = ?", [MAIL_CURSOR_KEY])
    cur.execute("INSERT INTO meta VALUES (?, ?)", [MAIL_CURSOR_KEY, str(changeset)])


def queue_mail(
    cur: duckdb.DuckDBPyConnection,
    changeset: int,
    identity: str,
    recipient: str,
    subject: str,
    body: str,
) -> None:
    now = _now()
    cur.execute(
        "INSERT INTO mail_outbox SELECT coalesce(max(mail_id), 0) + 1, ?, ?, ?, ?, ?, "
        "'pending', 0, '', ?, ?, NULL FROM mail_outbox",
        [
            changeset,
            identity,
            recipient,
            subject,
            body,
            now,
            now,
        ],
    )


def due_mails(cur: duckdb.DuckDBPyConnection, now: datetime, limit: int) -> list[Mail]:
    """Pending mails whose next attempt is due, oldest first."""
    rows = cur.execute(
        "SELECT mail_id, changeset, identity, recipient, subject, body, state, attempts, "
        "last_error FROM mail_outbox WHERE state = 'pending' AND next_attempt_at <= ? "
        "ORDER BY mail_id LIMIT ?",
        [now, limit],
    ).fetchall()
    return [Mail(*row) for row in rows]


def mark_mail(
    cur: duckdb.DuckDBPyConnection,
    mail_id: int,
    *,
    state: str,
    attempts: int,
    error: str = "",
    next_attempt_at: datetime | None = None,
) -> None:
    """A mail's outcome: sent, pending again (with when to retry), or failed."""
    now = _now()
    cur.execute(
        "UPDATE mail_outbox SET state = ?, attempts = ?, last_error = ?, "
        "next_attempt_at = coalesce(?, next_attempt_at), sent_at = ? WHERE mail_id = ?",
        [state, attempts, error, next_attempt_at, now if state == "sent" else None, mail_id],
    )


def mails(store: Store, limit: int = 200) -> list[Mail]:
    """The outbox, newest first."""
    with store.read() as cur:
        rows = cur.execute(
            "SELECT mail_id, changeset, identity, recipient, subject, body, state, attempts, "
            "last_error FROM mail_outbox ORDER BY mail_id DESC LIMIT ?",
            [limit],
        ).fetchall()
    return [Mail(*row) for row in rows]
