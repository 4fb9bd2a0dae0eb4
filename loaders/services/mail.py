"""Digest mails: after each committed issue, one mail to each watcher whose watchlist it
touched, sent by a background job (never in the request path), only when SMTP is set up.

The job runs in every dashboard process (dashboard/mailer.py starts it) and does two things
each round:

1. queue: for every changeset that stored an issue (ingest or replace) since the last one
   queued (meta `mailed_changeset`), and every watcher with an address whose watched
   indicators it changed, one mail in the outbox (mail_outbox), written with the new mark
   in one transaction, so two processes never queue a mail twice. The first round after
   SMTP is configured starts from the latest changeset: nothing of the past is mailed;
2. send: each due mail is leased (its next attempt moved LEASE_SECONDS on) in one write,
   sent, then marked sent. A failure is logged, and retried later (RETRY_SECONDS, doubling),
   up to MAX_ATTEMPTS; then the mail stays in the outbox as failed, with its error, and an
   error is logged. A process killed between sending and marking sends it again when the
   lease ends: a mail is never lost, at worst sent twice.

Without SMTP settings the job does nothing at all: nothing queued, nothing sent.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Literal

from loaders.services import changes
from loaders.services.watch import recipient
from loaders.store import Store, StoreError, writes
from loaders.store import watchers as log
from loaders.store.changes import changesets

_LOGGER = logging.getLogger(__name__)

# Settings in the environment (credentials rather in secrets: [smtp] username, password).
ENV_VARS = {
    "host": "BRIEFS_SMTP_HOST",
    "port": "BRIEFS_SMTP_PORT",
    "sender": "BRIEFS_SMTP_SENDER",
    "tls": "BRIEFS_SMTP_TLS",
    "username": "BRIEFS_SMTP_USERNAME",
    "password": "BRIEFS_SMTP_PASSWORD",
    "public_url": "BRIEFS_PUBLIC_URL",
}
TLS_CHOICES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
POLL_SECONDS = 2.0
LEASE_SECONDS = 120.0
RETRY_SECONDS = 30.0
MAX_RETRY_SECONDS = 3600.0
MAX_ATTEMPTS = 8
SEND_TIMEOUT_SECONDS = 30.0
BATCH = 20


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    tls: Literal["starttls", "ssl", "none"]
    username: str | None = None
    password: str | None = None
    # Where the dashboard is reached, for the links in mails (none: the mail has no links).
    public_url: str | None = None


class SettingsError(ValueError):
    """SMTP settings that cannot be used; str() names the setting."""


def smtp_settings(
    secrets: Mapping[str, Any] | None, environ: Mapping[str, str]
) -> SmtpSettings | None:
    """The SMTP settings from the secrets' [smtp] section, else the environment (ENV_VARS);
    None when no host and sender are configured. SettingsError for a bad port or tls."""
    section = (secrets or {}).get("smtp") or {}

    def setting(name: str) -> str | None:
        value = section.get(name) if hasattr(section, "get") else None
        if value is None or str(value).strip() == "":
            value = environ.get(ENV_VARS[name], "")
        text = str(value).strip()
        return text or None

    host, sender = setting("host"), setting("sender")
    if host is None or sender is None:
        return None
    tls = (setting("tls") or "starttls").lower()
    if tls not in TLS_CHOICES:
        raise SettingsError(f"smtp tls: {tls!r}; choose one of {', '.join(TLS_CHOICES)}")
    port_text = setting("port")
    try:
        port = int(port_text) if port_text else DEFAULT_PORTS[tls]
    except ValueError:
        raise SettingsError(f"smtp port: {port_text!r} is not a number") from None
    return SmtpSettings(
        host=host,
        port=port,
        sender=sender,
        tls=tls,  # type: ignore[arg-type]
        username=setting("username"),
        password=setting("password"),
        public_url=(setting("public_url") or "").rstrip("/") or None,
    )


# compose(digest of one changeset for one watcher, settings) -> (subject, body)
Compose = Callable[[changes.Digest, SmtpSettings], tuple[str, str]]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def queue_digests(store: Store, settings: SmtpSettings, compose: Compose) -> int:
    """Queue the mails of the changesets committed since the last round; returns how many."""
    with store.read() as cur:
        mark = log.mail_cursor(cur)
    latest = changes.latest_changeset(store)
    if mark is not None and latest <= mark:
        return 0
    pending: list[tuple[int, str, str, str, str]] = []
    if mark is not None:
        commits = changesets(store, mark, with_issue=True)
        commits = commits[commits["changeset"] <= latest]
        watchers = [
            (watcher, watched, recipient(watcher.identity, watcher.email))
            for watcher, watched in log.watchers(store)
        ]
        for number, action in zip(commits["changeset"], commits["action"], strict=True):
            if action not in ("ingest", "replace"):
                continue
            for watcher, watched, address in watchers:
                if not watched or address is None:
                    continue
                digest = changes.digest(
                    store, changes.Since(int(number) - 1, ""), watched, through=int(number)
                )
                if not digest.points:
                    continue
                subject, body = compose(digest, settings)
                pending.append((int(number), watcher.identity, address, subject, body))

    def write(cur) -> int:
        if log.mail_cursor(cur) != mark:
            return 0  # another process queued this round first
        for number, identity, address, subject, body in sorted(pending):
            log.queue_mail(cur, number, identity, address, subject, body)
        log.set_mail_cursor(cur, latest)
        _records_written(cur)
        return len(pending)

    return store.write("queue digest mails", write)


def send_mail(settings: SmtpSettings, mail: log.Mail) -> None:
    """One mail over SMTP (smtplib); raises on any failure."""
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = settings.sender
    message["To"] = mail.recipient
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message.set_content(mail.body)
    context = ssl.create_default_context()
    if settings.tls == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=SEND_TIMEOUT_SECONDS, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=SEND_TIMEOUT_SECONDS)
    with client:
        if settings.tls == "starttls":
            client.starttls(context=context)
        if settings.username:
            client.login(settings.username, settings.password or "")
        client.send_message(message)


def _retry_after(attempts: int) -> timedelta:
    return timedelta(seconds=min(RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS))


def send_due(
    store: Store,
    settings: SmtpSettings,
    *,
    now: datetime | None = None,
    send: Callable[[SmtpSettings, log.Mail], None] = send_mail,
) -> int:
    """Send the mails due now (leased first, so two processes never send one at once);
    returns how many were sent."""
    moment = now or _now()

    def lease(cur) -> list[log.Mail]:
        due = log.due_mails(cur, moment, BATCH)
        for mail in due:
            log.mark_mail(
                cur,
                mail.mail_id,
                state="pending",
                attempts=mail.attempts + 1,
                error=mail.last_error,
                next_attempt_at=moment + timedelta(seconds=LEASE_SECONDS),
            )
        if due:
            _records_written(cur)
        return due

    sent = 0
    for mail in store.write("lease digest mails", lease):
        attempts = mail.attempts + 1
        try:
            send(settings, mail)
        except (OSError, smtplib.SMTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            if attempts >= MAX_ATTEMPTS:
                _LOGGER.error(
                    "digest mail %s to %s failed %s times, given up: %s",
                    mail.mail_id,
                    mail.recipient,
                    attempts,
                    error,
                )
                state, retry = "failed", None
            else:
                _LOGGER.warning(
                    "digest mail %s to %s failed (attempt %s), retried later: %s",
                    mail.mail_id,
                    mail.recipient,
                    attempts,
                    error,
                )
                state, retry = "pending", moment + _retry_after(attempts)
            _mark(store, mail.mail_id, state=state, attempts=attempts, error=error, retry=retry)
            continue
        _mark(store, mail.mail_id, state="sent", attempts=attempts, error="", retry=None)
        sent += 1
    return sent


def _mark(store: Store, mail_id: int, *, state: str, attempts: int, error: str, retry) -> None:
    def write(cur) -> None:
        log.mark_mail(
            cur, mail_id, state=state, attempts=attempts, error=error, next_attempt_at=retry
        )
        _records_written(cur)

    store.write(f"record digest mail {mail_id}", write)


def _records_written(cur) -> None:
    # Records, no data: readers see them (the outbox) on the next published copy, and no
    # cache of the data (nor the API's ETags) is thrown away by a mail's progress.
    writes.bump_records(cur)


def run_once(
    store: Store,
    settings: SmtpSettings | None,
    compose: Compose,
    *,
    now: datetime | None = None,
    send: Callable[[SmtpSettings, log.Mail], None] = send_mail,
) -> tuple[int, int]:
    """One round of the job: (mails queued, mails sent); (0, 0) without settings."""
    if settings is None:
        return 0, 0
    queued = queue_digests(store, settings, compose)
    return queued, send_due(store, settings, now=now, send=send)


def run_forever(
    store: Store,
    settings: Callable[[], SmtpSettings | None],
    compose: Compose,
    stop: threading.Event,
    poll_seconds: float = POLL_SECONDS,
) -> None:
    """The background job: a round every poll_seconds until stop is set. settings is read
    each round (secrets may be added while the server runs)."""
    while not stop.is_set():
        try:
            run_once(store, settings(), compose)
        except (StoreError, SettingsError) as exc:
            _LOGGER.warning("digest mails paused: %s", exc)
        except Exception:  # noqa: BLE001 - the job must outlive any one failure
            _LOGGER.exception("digest mail round failed")
        stop.wait(poll_seconds)


def outbox(store: Store, limit: int = 200) -> list[log.Mail]:
    """The outbox, newest first: what was sent, what waits, what failed and why."""
    return log.mails(store, limit)
