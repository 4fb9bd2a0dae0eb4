"""The digest-mail job of this dashboard process (loaders.services.mail): a thread started
once per process, as the cache warmer is, that queues and sends digest mails after each
commit. Settings come from secrets ([smtp] host, port, sender, tls, username, password,
public_url) or the environment (loaders.services.mail.ENV_VARS); without a host and a
sender it sends nothing. Set BRIEFS_DIGEST_MAILS=0 to switch the job off in this process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import AsyncIterator

import streamlit as st

from dashboard import digest_view
from loaders.paths import database_location
from loaders.services import mail
from loaders.services.changes import Digest
from loaders.store import Store, StoreError, open_store, queries

MAILS_ENV_VAR = "BRIEFS_DIGEST_MAILS"
_LOGGER = logging.getLogger(__name__)
_started: set[str] = set()
_guard = threading.Lock()


def enabled() -> bool:
    return os.environ.get(MAILS_ENV_VAR, "1").strip() not in ("0", "false", "no", "off")


def settings() -> mail.SmtpSettings | None:
    """The SMTP settings now (secrets first, then the environment); None: no mails."""
    try:
        secrets = st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    except Exception:  # noqa: BLE001 - unreadable secrets read as "not configured"
        secrets = {}
    return mail.smtp_settings(secrets, os.environ)


def compose_for(store: Store):
    """The mail wording (dashboard.digest_view) with the store's indicator names now."""

    def compose(digest: Digest, smtp: mail.SmtpSettings) -> tuple[str, str]:
        catalog = queries.indicators(store, with_retired=True)
        names = dict(zip(catalog["id"], catalog["name_zh"], strict=True))
        return digest_view.mail_text(digest, names, smtp.public_url)

    return compose


def start() -> None:
    """Start this process's mail job for its store ($BRIEFS_DB), once; a no-op when switched
    off. It opens the store itself, so it can start with the server, before any page run."""
    if not enabled():
        return
    path = database_location()
    with _guard:
        if path in _started:
            return
        _started.add(path)
    threading.Thread(target=_run, args=(path,), name="briefs-digest-mails", daemon=True).start()


def _run(path: str) -> None:
    while True:
        try:
            store = open_store(path)
            break
        except StoreError as exc:  # not built yet, or busy: try again
            _LOGGER.info("digest mails waiting for the store: %s", exc)
            time.sleep(mail.POLL_SECONDS)
    mail.run_forever(store, settings, compose_for(store), threading.Event())


@contextlib.asynccontextmanager
async def lifespan(app: object) -> AsyncIterator[None]:
    """st.App's lifespan: the job starts with the server."""
    start()
    yield
