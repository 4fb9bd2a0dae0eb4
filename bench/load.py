"""Load: 10 concurrent browser sessions on the Trends page while an editor commits an issue.

    python -m bench --only load     (also part of `make bench`)

The write happens inside the app process, as in production: DuckDB lets one process hold
the file, so the editor drives the 上传 page in its own browser context (upload a synthetic
brief, press 提交 Commit) while the viewers reload the Trends page. Errors are visits that
time out, show a Streamlit exception, or raise in the page; the target is zero. The p95 of
time-to-chart over all visits is reported. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bench.common import BENCH_INDICATOR, Result, percentile
from bench.serve import APP, CHART_DRAWN_JS, CHROMIUM, CHROMIUM_ARGS, streamlit_server
from bench.synthetic import brief_text
from loaders.store import open_store, queries

VIEWERS = 10
ROUNDS = 2
QUICK_ROUNDS = 1
VISIT_TIMEOUT_MS = 120_000
# An issue of the synthetic series that no bulk store holds (their keys start at 1950).
EDITOR_ISSUE = 7
TARGET_ERRORS = 0


async def _visit(context, url: str, errors: list[str], who: str) -> float | None:
    page = await context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    try:
        started = time.perf_counter()
        await page.goto(url)
        await page.wait_for_function(CHART_DRAWN_JS, timeout=VISIT_TIMEOUT_MS)
        elapsed = time.perf_counter() - started
        if await page.locator('[data-testid="stException"]').count():
            errors.append(f"{who}: the page shows a Streamlit exception")
            return None
        if page_errors:
            errors.append(f"{who}: page error {page_errors[0][:200]}")
            return None
        return elapsed
    except Exception as exc:  # every failure counts as an error, reported below
        errors.append(f"{who}: {type(exc).__name__}: {str(exc)[:200]}")
        return None
    finally:
        await page.close()


async def _viewer(browser, url: str, rounds: int, times: list[float], errors: list[str], n: int):
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        for round_no in range(rounds):
            elapsed = await _visit(context, url, errors, f"viewer {n} round {round_no}")
            if elapsed is not None:
                times.append(elapsed)
    finally:
        await context.close()


async def _editor(browser, base: str, brief: Path, key: str, label: str, log: dict, errors: list):
    context = await browser.new_context(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
    page = await context.new_page()
    page.set_default_timeout(VISIT_TIMEOUT_MS)
    try:
        # Let the viewers get going first: the commit should land in the middle of the load.
        await asyncio.sleep(2)
        await page.goto(f"{base}/upload")
        await page.locator("input[type=file]").set_input_files(str(brief))
        await page.get_by_text(f"将写入 {label}").wait_for()
        started = time.perf_counter()
        await page.get_by_role("button", name="提交 Commit").click()
        await page.get_by_text(f"已写入 {key}").wait_for()
        log["commit_s"] = time.perf_counter() - started
    except Exception as exc:
        errors.append(f"editor: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        await context.close()


async def _run(base: str, brief: Path, key: str, label: str, rounds: int) -> dict:
    from playwright.async_api import async_playwright

    url = f"{base}/trends?indicators={BENCH_INDICATOR}"
    times: list[float] = []
    errors: list[str] = []
    log: dict = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            # One warm-up visit so the first compile of the page is not in the figures.
            await _viewer(browser, url, 1, [], errors, -1)
            started = time.perf_counter()
            await asyncio.gather(
                *(_viewer(browser, url, rounds, times, errors, n) for n in range(VIEWERS)),
                _editor(browser, base, brief, key, label, log, errors),
            )
            log["wall_s"] = time.perf_counter() - started
        finally:
            await browser.close()
    log.update(times=times, errors=errors)
    return log


def run(stores: dict[int, Path], workdir: Path, quick: bool = False) -> list[Result]:
    # The middle store: big enough to matter, small enough that 2 cores serve 10 sessions.
    sizes = sorted(stores)
    size = sizes[len(sizes) // 2]
    db = workdir / f"load-{size}.duckdb"
    db.write_bytes(stores[size].read_bytes())  # the editor's commit must not touch the others
    issue = brief_text(EDITOR_ISSUE)
    brief = workdir / issue.filename
    brief.write_text(issue.text, encoding="utf-8")
    label = f"{issue.year} 年第 {issue.number} 期"
    rounds = QUICK_ROUNDS if quick else ROUNDS
    with streamlit_server(APP, {"BRIEFS_DB": str(db)}, workdir / "load.log") as app:
        outcome = asyncio.run(_run(app.base, brief, issue.key, label, rounds))
    with open_store(db, read_only=True) as store:
        landed = issue.key in set(queries.issues(store)["issue_key"])
    if not landed:
        outcome["errors"].append(f"editor: issue {issue.key} is not in the store afterwards")
    times, errors = outcome["times"], outcome["errors"]
    for error in errors[:10]:
        print(f"  error: {error}")
    visits = VIEWERS * rounds
    commit = f"{outcome['commit_s']:.1f} s" if "commit_s" in outcome else "failed"
    result = Result(
        name=f"Load: {VIEWERS} sessions x {rounds} visit(s) + 1 commit, {size:.0e} obs",
        measured=(
            f"{len(errors)} errors in {visits} visits + 1 commit; time-to-chart p50 "
            f"{percentile(times, 50):.1f} s, p95 {percentile(times, 95):.1f} s; commit {commit} "
            f"(landed: {'yes' if landed else 'no'}); {outcome.get('wall_s', 0):.0f} s in all"
        ),
        value=float(len(errors)),
        target=TARGET_ERRORS,
        unit=" errors",
    )
    print(result.line())
    return [result]
