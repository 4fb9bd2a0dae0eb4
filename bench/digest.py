"""Latency from a commit to the digest, the feed and the digest mail.

    python -m bench --only digest     (also part of `make bench`)

`make run`'s server (python -m dashboard.serve, the cache warmer and the digest-mail job on)
on a copy of the largest store, with SMTP pointed at a local aiosmtpd server and the
machine's watchlist ('local', local mode) on the series the commits touch. Each round this
process commits a new synthetic issue (services.ingest, as the CLI and the upload page do)
and then measures, from the moment the commit returned:

- feed: until GET /api/v1/feed.atom lists the issue (polled every 50 ms);
- digest: until a fresh browser page of 概览 (headless Chromium, a new context: a new
  session, a new visit) shows the issue in its digest; the same visit made again at once,
  with nothing new, says how much of that is the page load itself;
- mail: until the SMTP server has received the digest mail of the issue.

Target: each under 10 s. Loopback only; every wait is bounded.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path

from bench.common import Result
from bench.serve import CHROMIUM, CHROMIUM_ARGS, free_port
from bench.synthetic import FRAMES_FREE_YEAR, synthetic_extraction
from bench.team import dashboard

TARGET_S = 10.0
ROUNDS = 3
QUICK_ROUNDS = 2
GIVE_UP_S = 60.0
# Synthetic issue n states indicators (3n .. 3n+2) % 20; these give 3, 4, 5 then 6, 7, 8 ...
FIRST_SEQ = 40001


def _issue(seq: int, number: int):
    """A new issue (of the one year the bench stores leave free) touching three series."""
    extraction = synthetic_extraction(seq, 3)
    header = extraction.issue.model_copy(
        update={
            "year": FRAMES_FREE_YEAR,
            "number": number,
            "published": date(FRAMES_FREE_YEAR, 6, 1),
        }
    )
    return extraction.model_copy(update={"issue": header})


class _Inbox:
    def __init__(self) -> None:
        self.subjects: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.subjects.append((time.perf_counter(), str(message["Subject"])))
        return "250 OK"

    def arrived(self, label: str) -> float | None:
        with self.lock:
            return next((at for at, subject in self.subjects if label in subject), None)


def _until(check, started: float) -> float:
    while time.perf_counter() - started < GIVE_UP_S:
        if check():
            return time.perf_counter() - started
        time.sleep(0.05)
    raise RuntimeError(f"not visible after {GIVE_UP_S:.0f} s")


def _feed_has(base: str, label: str) -> bool:
    with urllib.request.urlopen(f"{base}/api/v1/feed.atom", timeout=30) as response:
        return label in response.read().decode("utf-8")


def _visit(browser, base: str, text: str) -> float:
    """A new session opens 概览; when its digest shows text (perf_counter)."""
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(base, timeout=120_000)
        page.get_by_text(text).first.wait_for(timeout=GIVE_UP_S * 1000)
        return time.perf_counter()
    finally:
        context.close()


def run(stores: dict[int, Path], workdir: Path, quick: bool = False) -> list[Result]:
    import shutil

    from aiosmtpd.controller import Controller
    from playwright.sync_api import sync_playwright

    from loaders.catalog.indicators import load_catalog
    from loaders.services import watch
    from loaders.services.ingest import ingest
    from loaders.store import open_store

    size = max(stores)
    db = workdir / "digest.duckdb"
    shutil.copyfile(stores[size], db)
    catalog = load_catalog()
    rounds = QUICK_ROUNDS if quick else ROUNDS
    touched = [
        indicator.id
        for indicator in catalog.indicators
        if indicator.id
        in {o.indicator for r in range(rounds) for o in _issue(FIRST_SEQ + r, 1).observations}
    ]
    with open_store(db) as store:
        watch.set_watchlist(store, "local", touched)
        watch.set_email(store, "local", "desk@example.org")

    inbox = _Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    os.environ.update(
        {
            "BRIEFS_SMTP_HOST": "127.0.0.1",
            "BRIEFS_SMTP_PORT": str(smtp.port),
            "BRIEFS_SMTP_SENDER": "bench@example.org",
            "BRIEFS_SMTP_TLS": "none",
            "BRIEFS_DIGEST_MAILS": "1",
        }
    )
    times: dict[str, list[float]] = {"commit": [], "feed": [], "digest": [], "page": [], "mail": []}
    try:
        with dashboard(db, port, 1, workdir / "serve-digest.log"), sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(base, timeout=120_000)  # a first visit: the machine's marker
                page.get_by_text("有什么变化").wait_for(timeout=120_000)
                page.close()
                time.sleep(3)  # the mail job's first round marks where mails start
                for round_no in range(rounds):
                    extraction = _issue(FIRST_SEQ + round_no, 20 + round_no)
                    label = extraction.issue.label_zh
                    started = time.perf_counter()
                    with open_store(db) as store:
                        ingest(store, extraction, catalog, actor="bench")
                    committed = time.perf_counter()
                    times["commit"].append(committed - started)
                    times["feed"].append(
                        _until(lambda label=label: _feed_has(base, label), committed)
                    )
                    times["digest"].append(_visit(browser, base, f"提交：{label}") - committed)
                    # Another visit at once, nothing new since: what the page load takes.
                    again = time.perf_counter()
                    times["page"].append(_visit(browser, base, "没有数值变化") - again)
                    _until(lambda label=label: inbox.arrived(label) is not None, committed)
                    times["mail"].append(inbox.arrived(label) - committed)
            finally:
                browser.close()
    finally:
        smtp.stop()
        for name in (
            "BRIEFS_SMTP_HOST",
            "BRIEFS_SMTP_PORT",
            "BRIEFS_SMTP_SENDER",
            "BRIEFS_SMTP_TLS",
            "BRIEFS_DIGEST_MAILS",
        ):
            os.environ.pop(name, None)
    commit = statistics.median(times["commit"])
    page_load = statistics.median(times["page"])
    results = []
    for what, title in (
        ("feed", "feed.atom lists it"),
        ("digest", "a new 概览 page shows it in the digest"),
        ("mail", "the digest mail arrives"),
    ):
        worst = max(times[what])
        results.append(
            Result(
                name=f"Commit to {title}, {size:.0e} obs",
                measured=f"median {statistics.median(times[what]):.2f} s, max {worst:.2f} s over "
                f"{rounds} commits (the commit itself {commit:.2f} s"
                + (f"; the page load alone {page_load:.2f} s)" if what == "digest" else ")"),
                value=worst,
                target=TARGET_S,
                unit=" s",
            )
        )
        print(results[-1].line())
    return results
