"""Digest mails against a real SMTP server the test starts itself (aiosmtpd on 127.0.0.1):
one mail per watcher per committed issue that touched their watchlist, with the right lines;
nothing without SMTP settings; a failure is kept and retried, never lost.
"""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from dashboard import digest_view
from loaders.services import changes, mail, watch
from loaders.services.ingest import Overwrite, ingest
from loaders.store import open_store, queries
from loaders.store import watchers as log
from tests.support.browser import serve_dashboard
from tests.support.builders import CATALOG, issue_2021_15, issue_2021_29
from tests.support.changes import NEW_REVENUE, OLD_REVENUE, corrected_2021_15

REVISED_Q1 = "修订 全国社会物流总额 2021年一季度：75 万亿元 → 75.1 万亿元（2021 年第 15 期 → 2021 年第 29 期）"


class Inbox:
    """An aiosmtpd handler keeping every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], object]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def by_recipient(self) -> dict[str, list[object]]:
        out: dict[str, list[object]] = {}
        with self.lock:
            for recipients, message in self.messages:
                for address in recipients:
                    out.setdefault(address, []).append(message)
        return out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def _settings(port: int) -> mail.SmtpSettings:
    return mail.smtp_settings(
        {
            "smtp": {
                "host": "127.0.0.1",
                "port": port,
                "sender": "briefs@example.org",
                "tls": "none",
            }
        },
        {"BRIEFS_PUBLIC_URL": "http://briefs.example.org"},
    )


def _compose(store):
    names = dict(zip(*[queries.indicators(store)[c] for c in ("id", "name_zh")], strict=True))
    return lambda digest, settings: digest_view.mail_text(digest, names, settings.public_url)


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "mail.duckdb") as opened:
        ingest(opened, issue_2021_15(), CATALOG, actor="test")
        watch.set_watchlist(opened, "a@example.org", ["logistics_total"])
        watch.set_watchlist(opened, "b@example.org", ["logistics_revenue"])
        watch.set_watchlist(opened, "c@example.org", ["telecom_ma_value"])
        watch.set_watchlist(opened, "local", ["logistics_total", "logistics_revenue"])
        watch.set_email(opened, "local", "desk@example.org")
        watch.set_watchlist(opened, "editor", ["logistics_total"])  # no address: no mail
        yield opened


def _commit_two_issues(store) -> None:
    ingest(store, issue_2021_29(), CATALOG, actor="test")
    ingest(store, corrected_2021_15(), CATALOG, actor="test", overwrite=Overwrite.ALWAYS)


def test_one_mail_per_watcher_per_committed_issue_with_the_right_lines(store, smtp) -> None:
    inbox, port = smtp
    settings, compose = _settings(port), _compose(store)
    # The first round after SMTP is configured starts from now: nothing of the past.
    assert mail.run_once(store, settings, compose) == (0, 0)
    _commit_two_issues(store)
    queued, sent = mail.run_once(store, settings, compose)
    assert (queued, sent) == (4, 4)
    assert mail.run_once(store, settings, compose) == (0, 0)  # nothing twice

    received = inbox.by_recipient()
    assert {address: len(messages) for address, messages in received.items()} == {
        "a@example.org": 1,
        "b@example.org": 1,
        "desk@example.org": 2,
    }
    [to_a] = received["a@example.org"]
    assert to_a["Subject"] == "产业创新动态 2021 年第 29 期：关注的指标有 3 处变化"
    assert to_a["From"] == "briefs@example.org"
    body = to_a.get_content()
    assert REVISED_Q1 in body
    assert "原：「2021 年一季度，全国社会物流总额为 75.0 万亿元" in body
    assert "新：「2021 年一季度全国社会物流总额修订为 75.1 万亿元。」" in body
    assert "趋势：http://briefs.example.org/trends?indicators=logistics_total" in body
    assert "物流业总收入" not in body  # not on a's list
    [to_b] = received["b@example.org"]
    assert to_b["Subject"] == "产业创新动态 2021 年第 15 期更正版：关注的指标有 1 处变化"
    assert f"原：「{OLD_REVENUE}」" in to_b.get_content()
    assert f"新：「{NEW_REVENUE}」" in to_b.get_content()
    assert sorted(m["Subject"] for m in received["desk@example.org"]) == sorted(
        [to_a["Subject"], "产业创新动态 2021 年第 15 期更正版：关注的指标有 1 处变化"]
    )
    assert [m.state for m in mail.outbox(store)] == ["sent"] * 4


def test_mails_visits_and_watchlists_are_records_that_change_no_data_version(store, smtp) -> None:
    """After a commit the mail job queues, leases and marks its mails, and each viewer's visit
    is recorded: writes of records, as an import's progress is. Had they moved data_version,
    every cache of the data and every API ETag would be thrown away by each of them."""
    inbox, port = smtp
    settings, compose = _settings(port), _compose(store)
    mail.run_once(store, settings, compose)
    ingest(store, issue_2021_29(), CATALOG, actor="test")
    data_before = queries.data_state(store)
    writes_before = queries.write_version(store)

    assert mail.run_once(store, settings, compose) == (2, 2)
    assert watch.mark_seen(store, "local", changes.latest_changeset(store))
    watch.set_watchlist(store, "a@example.org", ["logistics_total", "logistics_revenue"])
    watch.set_email(store, "local", "desk2@example.org")

    assert queries.data_state(store) == data_before  # the version and the time of the change
    assert queries.write_version(store) > writes_before  # readers still see them
    assert len(inbox.messages) == 2
    assert watch.watchlist(store, "a@example.org") == ["logistics_total", "logistics_revenue"]
    assert log.watcher(store, "local").email == "desk2@example.org"
    assert log.watcher(store, "local").seen_changeset == changes.latest_changeset(store)


def test_without_smtp_settings_nothing_is_queued_or_sent(store, smtp) -> None:
    inbox, _ = smtp
    assert mail.smtp_settings({}, {}) is None
    assert mail.run_once(store, None, _compose(store)) == (0, 0)
    _commit_two_issues(store)
    assert mail.run_once(store, None, _compose(store)) == (0, 0)
    assert inbox.messages == [] and mail.outbox(store) == []
    with store.read() as cur:
        assert log.mail_cursor(cur) is None


def test_a_failure_is_kept_logged_and_retried(store, caplog) -> None:
    port = _free_port()  # nothing listens there yet
    settings, compose = _settings(port), _compose(store)
    mail.run_once(store, settings, compose)
    ingest(store, issue_2021_29(), CATALOG, actor="test")
    assert mail.run_once(store, settings, compose) == (2, 0)
    waiting = mail.outbox(store)
    assert {m.state for m in waiting} == {"pending"}
    assert all(m.attempts == 1 and "ConnectionRefused" in m.last_error for m in waiting)
    assert "retried later" in caplog.text
    # Not due yet: nothing is tried again at once.
    assert mail.send_due(store, settings) == 0

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        later = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=mail.RETRY_SECONDS + 1)
        assert mail.send_due(store, settings, now=later) == 2
    finally:
        controller.stop()
    assert {address: len(m) for address, m in inbox.by_recipient().items()} == {
        "a@example.org": 1,
        "desk@example.org": 1,
    }
    assert {m.state for m in mail.outbox(store)} == {"sent"}


def test_a_mail_that_keeps_failing_is_kept_as_failed(store, caplog) -> None:
    settings, compose = _settings(_free_port()), _compose(store)
    mail.run_once(store, settings, compose)
    ingest(store, issue_2021_29(), CATALOG, actor="test")
    mail.run_once(store, settings, compose)  # queued, and the first attempt failed
    moment = datetime.now(UTC).replace(tzinfo=None)
    for _ in range(mail.MAX_ATTEMPTS - 1):
        moment += timedelta(seconds=mail.MAX_RETRY_SECONDS + 1)
        mail.run_once(store, settings, compose, now=moment)
    kept = mail.outbox(store)
    assert len(kept) == 2 and {m.state for m in kept} == {"failed"}
    assert all(m.attempts == mail.MAX_ATTEMPTS and m.last_error for m in kept)
    assert "given up" in caplog.text


def test_the_dashboard_sends_them_after_a_commit(tmp_path: Path, smtp) -> None:
    """The job as `make run` runs it: the server's background thread, settings from the
    environment; the commit comes from another process (this one)."""
    inbox, port = smtp
    db = tmp_path / "briefs.duckdb"
    with open_store(db) as store:
        ingest(store, issue_2021_15(), CATALOG, actor="test")
        watch.set_watchlist(store, "local", ["logistics_total"])
        watch.set_email(store, "local", "desk@example.org")
    env = {
        "BRIEFS_DIGEST_MAILS": "1",
        "BRIEFS_SMTP_HOST": "127.0.0.1",
        "BRIEFS_SMTP_PORT": str(port),
        "BRIEFS_SMTP_SENDER": "briefs@example.org",
        "BRIEFS_SMTP_TLS": "none",
    }
    with serve_dashboard(db, env):
        # No page is opened: the job starts with the server.
        with open_store(db) as store:
            _wait(lambda: _cursor(store) is not None, "the job's first round")
            ingest(store, issue_2021_29(), CATALOG, actor="test")
            _wait(lambda: len(inbox.messages) >= 1, "the digest mail")
            time.sleep(3 * mail.POLL_SECONDS)  # a few more rounds: still one mail
    [(recipients, message)] = inbox.messages
    assert recipients == ["desk@example.org"]
    assert REVISED_Q1 in message.get_content()


def _cursor(store):
    with store.read() as cur:
        return log.mail_cursor(cur)


def _wait(condition, what: str, attempts: int = 600) -> None:
    for _ in range(attempts):
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"gave up waiting for {what}")
