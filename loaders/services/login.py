"""Editor password login: how many wrong guesses, how long to wait, when to lock out.

Guesses are counted per browser session and per client address (a guesser who opens new
sessions is still one address; many addresses on one session are still one session). An
attempt is allowed only when every key allows it. After a wrong password a key must wait
FIRST_DELAY_SECONDS, doubling with each further failure up to MAX_DELAY_SECONDS; at
LOCKOUT_FAILURES failures within FAILURE_WINDOW_SECONDS it is locked for LOCKOUT_SECONDS, the
right password included. A right password clears the keys. An attempt refused for waiting
or a lockout is not checked and not counted, so a guesser cannot learn anything from it.

Every checked failure, every lockout and every success is an audit row (written through the
store, in one transaction with a write_version bump, so the audit log shows it at once).

The API token is a password programs send with every request, and follows the same rules
(attempt_token): wrong tokens are counted per client address, each must wait before the
next is checked, ten lock the address out, and every wrong one and every lockout is an audit
row (a right token is not: that would be a write per request). A token shorter than
MIN_API_TOKEN_CHARS is refused when the dashboard starts (api_token_problem).

The counts live in this process's memory (LoginThrottle): a restart forgets them, and with
several dashboard processes (make run WORKERS=N) each counts its own; docs/deploy.md says
what a proxy in front adds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from loaders.store import Store, writes

FIRST_DELAY_SECONDS = 1.0
# 16 random characters are ~95 bits; a short token could be guessed even at the throttle's
# pace, and nobody types it (programs send it), so length costs nothing.
MIN_API_TOKEN_CHARS = 16
MAX_DELAY_SECONDS = 60.0
LOCKOUT_FAILURES = 10
FAILURE_WINDOW_SECONDS = 15 * 60.0
LOCKOUT_SECONDS = 15 * 60.0
# Records kept before expired ones are dropped (a guesser rotating sessions makes many).
_PRUNE_ABOVE = 10_000

Key = tuple[str, str]  # ("session", id) or ("address", ip)


@dataclass
class _Record:
    failures: int = 0
    first_failure_at: float = 0.0
    next_attempt_at: float = 0.0
    locked_until: float = 0.0


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may be checked now; if not, how long until it may."""

    allowed: bool
    wait_seconds: float = 0.0
    locked: bool = False


class LoginThrottle:
    """Failures per key, in memory, safe to share between sessions (threads)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._records: dict[Key, _Record] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def check(self, keys: Sequence[Key]) -> Verdict:
        """May an attempt from these keys be checked now?"""
        now = self.clock()
        with self._lock:
            records = [self._records[key] for key in keys if key in self._records]
        until = max((max(r.locked_until, r.next_attempt_at) for r in records), default=0.0)
        if until <= now:
            return Verdict(allowed=True)
        locked = any(r.locked_until > now for r in records)
        return Verdict(allowed=False, wait_seconds=until - now, locked=locked)

    def failed(self, keys: Sequence[Key]) -> tuple[Verdict, int, bool]:
        """Count a checked wrong password. Returns (what the next attempt must wait for,
        the most failures any key now has, whether this failure started a lockout)."""
        now = self.clock()
        started_lockout = False
        most = 0
        with self._lock:
            self._prune(now)
            for key in keys:
                record = self._records.setdefault(key, _Record())
                if now - record.first_failure_at > FAILURE_WINDOW_SECONDS:
                    record.failures, record.first_failure_at = 0, now
                record.failures += 1
                delay = min(FIRST_DELAY_SECONDS * 2 ** (record.failures - 1), MAX_DELAY_SECONDS)
                record.next_attempt_at = now + delay
                if record.failures >= LOCKOUT_FAILURES and record.locked_until <= now:
                    record.locked_until = now + LOCKOUT_SECONDS
                    record.failures, record.first_failure_at = 0, now
                    started_lockout = True
                most = max(most, record.failures)
        return self.check(keys), most, started_lockout

    def succeeded(self, keys: Sequence[Key]) -> None:
        with self._lock:
            for key in keys:
                self._records.pop(key, None)

    def _prune(self, now: float) -> None:
        if len(self._records) <= _PRUNE_ABOVE:
            return
        for key, record in list(self._records.items()):
            expired = now - record.first_failure_at > FAILURE_WINDOW_SECONDS
            if expired and record.locked_until <= now and record.next_attempt_at <= now:
                del self._records[key]


@dataclass(frozen=True)
class LoginOutcome:
    status: Literal["granted", "wrong", "wait", "locked"]
    message: str

    @property
    def granted(self) -> bool:
        return self.status == "granted"


def _keys(session: str, address: str | None) -> list[Key]:
    # No address means the local machine (Streamlit reports localhost as None).
    return [("session", session), ("address", address or "local")]


def _wait_words(seconds: float) -> str:
    seconds = max(1, round(seconds))
    return f"{seconds} 秒" if seconds < 120 else f"{round(seconds / 60)} 分钟"


def attempt_password(
    store: Store,
    throttle: LoginThrottle,
    *,
    given: str,
    is_right: Callable[[str], bool],
    session: str,
    address: str | None,
) -> LoginOutcome:
    """One password attempt from a session and an address: refused unchecked while a key
    must wait or is locked; otherwise checked, counted and audited."""
    keys = _keys(session, address)
    who = f"anonymous from {address or 'local'}"
    verdict = throttle.check(keys)
    if not verdict.allowed:
        words = _wait_words(verdict.wait_seconds)
        if verdict.locked:
            return LoginOutcome(
                "locked", f"密码错误次数过多，登录已锁定：请 {words}后再试。 Locked out."
            )
        return LoginOutcome("wait", f"尝试过于频繁：请 {words}后再试。 Too many attempts.")
    if is_right(given):
        throttle.succeeded(keys)
        _audit(store, "login", who, f"editor password accepted; session {session[:8]}")
        return LoginOutcome("granted", "")
    verdict, failures, locked = throttle.failed(keys)
    detail = (
        f"wrong editor password; session {session[:8]}; {failures} failures in a row; "
        f"next attempt in {verdict.wait_seconds:.0f} s"
    )
    _audit(store, "login_failed", who, detail)
    if locked:
        _audit(store, "login_locked", who, f"locked for {LOCKOUT_SECONDS / 60:.0f} min")
        return LoginOutcome(
            "locked",
            f"密码不正确；错误次数过多，登录已锁定 {_wait_words(LOCKOUT_SECONDS)}。 Locked out.",
        )
    return LoginOutcome(
        "wrong",
        f"密码不正确，请 {_wait_words(verdict.wait_seconds)}后再试。 Wrong password.",
    )


def api_token_problem(token: str | None) -> str | None:
    """Why a configured API token may not be used (too short), or None."""
    if token is None or len(token) >= MIN_API_TOKEN_CHARS:
        return None
    return (
        f"API 令牌（BRIEFS_API_TOKEN 或 secrets 的 api_token）只有 {len(token)} 个字符，"
        f"至少要 {MIN_API_TOKEN_CHARS} 个：请换一个更长的随机令牌 "
        f"(the API token is {len(token)} characters; at least {MIN_API_TOKEN_CHARS})"
    )


@dataclass(frozen=True)
class TokenOutcome:
    status: Literal["granted", "wrong", "wait", "locked"]
    wait_seconds: float = 0.0

    @property
    def granted(self) -> bool:
        return self.status == "granted"


def attempt_token(
    store: Callable[[], Store],
    throttle: LoginThrottle,
    *,
    given: str,
    is_right: Callable[[str], bool],
    address: str | None,
) -> TokenOutcome:
    """One API request's token from an address: refused unchecked while the address must
    wait or is locked (so a guesser learns nothing from it); otherwise checked, and a wrong
    one counted and audited. store: the store to audit in (opened only then)."""
    keys = [("address", address or "local")]
    verdict = throttle.check(keys)
    if not verdict.allowed:
        return TokenOutcome("locked" if verdict.locked else "wait", verdict.wait_seconds)
    if is_right(given):
        throttle.succeeded(keys)
        return TokenOutcome("granted")
    verdict, failures, locked = throttle.failed(keys)
    who = f"API client at {address or 'local'}"
    _audit(
        store(),
        "token_failed",
        who,
        f"wrong API token; {failures} failures in a row; "
        f"next attempt in {verdict.wait_seconds:.0f} s",
    )
    if locked:
        _audit(store(), "token_locked", who, f"locked for {LOCKOUT_SECONDS / 60:.0f} min")
        return TokenOutcome("locked", verdict.wait_seconds)
    return TokenOutcome("wrong", verdict.wait_seconds)


def _audit(store: Store, action: str, actor: str, detail: str) -> None:
    """One audit row and a write_version bump (a record: no data changed), in one
    transaction."""
    with store.transaction(f"record {action}") as cur:
        writes.insert_audit(cur, action, actor, None, None, detail)
        writes.bump_records(cur)
