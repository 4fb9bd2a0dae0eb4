"""Extraction speed over 1,000 synthetic issues, the time to ingest each into a store, and
the share of a clean archive's values the second look from the series holds for review.

Files are written to a temp dir first; the timed loop is `extract_file` per file, the
path an upload or `python -m loaders ingest` takes. The floor is reading and decoding the
same files (what any extractor must pay), measured in the same run for context.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.common import Result
from bench.synthetic import sentence_count, write_briefs
from loaders.catalog.indicators import load_catalog
from loaders.intake.pipeline import extract_file
from loaders.services.ingest import ingest
from loaders.store import open_store

CATALOG = load_catalog()


TARGET_MS_PER_ISSUE = 30.0
ISSUES = 1000
# The second look (loaders.series.plausibility) must leave a clean archive almost alone: the share of
# its values it holds back for review, over an archive this long, read one issue at a time.
SECOND_LOOK_ISSUES = 500
# Ingest must not slow down as the store grows: the mean of the first and of the last this
# many issues are reported and each held to the target.
EDGE_ISSUES = 100
TARGET_FLAGGED_SHARE = 0.01


def run(workdir: Path, issues: int = ISSUES) -> list[Result]:
    briefs = workdir / "briefs"
    paths = write_briefs(briefs, count=issues)
    catalog = CATALOG
    extract_file(paths[0], catalog)  # warm the regex caches and imports

    started = time.perf_counter()
    texts = [p.read_bytes().decode("utf-8") for p in paths]
    floor = time.perf_counter() - started
    sentences = sum(sentence_count(t) for t in texts)

    started = time.perf_counter()
    extractions = [extract_file(p, catalog) for p in paths]
    elapsed = time.perf_counter() - started
    observations = sum(len(e.observations) for e in extractions)

    with open_store(workdir / "ingest.duckdb") as store:
        # As the CLI and an archive import write: one batch (Store.batch). Each issue's time
        # includes the publishes and hand-overs its commit triggered; the batch's last publish
        # (finish) is in the total only.
        per_issue: list[float] = []
        started = time.perf_counter()
        with store.batch():
            for extraction in extractions:
                issue_started = time.perf_counter()
                ingest(store, extraction, CATALOG, actor="bench")
                per_issue.append(time.perf_counter() - issue_started)
        ingest_seconds = time.perf_counter() - started
    edge = min(EDGE_ISSUES, len(per_issue))
    first_ms = sum(per_issue[:edge]) / edge * 1000
    last_ms = sum(per_issue[-edge:]) / edge * 1000

    # A batch import nobody reviewed looks twice: every value against the series stored so far.
    archive = extractions[: min(SECOND_LOOK_ISSUES, issues)]
    offered = sum(len(e.observations) for e in archive)
    kept = 0
    with open_store(workdir / "second_look.duckdb") as store:
        started = time.perf_counter()
        # In one batch, as the CLI's ingest and the 导入 page run it.
        with store.batch():
            for extraction in archive:
                result = ingest(store, extraction, CATALOG, actor="bench", second_look=True)
                kept += result.observations
        second_look_seconds = time.perf_counter() - started
    flagged = offered - kept
    second_look_result = Result(
        name=f"Second look, {len(archive)} clean issues: share of values held for review",
        measured=(
            f"{flagged / offered:.2%} ({flagged} of {offered}; "
            f"{second_look_seconds / len(archive) * 1000:.1f} ms/issue with the look)"
        ),
        value=flagged / offered * 100,
        target=TARGET_FLAGGED_SHARE * 100,
        unit=" %",
    )

    ms_per_issue = elapsed / issues * 1000
    extraction_result = Result(
        name=f"Extraction, {issues} synthetic issues",
        measured=(
            f"{ms_per_issue:.1f} ms/issue, {sentences / elapsed:,.0f} sentences/s, "
            f"{observations} observations (read+decode floor {floor / issues * 1000:.2f} ms/issue)"
        ),
        value=ms_per_issue,
        target=TARGET_MS_PER_ISSUE,
        unit=" ms",
    )
    ingest_result = Result(
        name=f"Ingest, {issues} issues one by one",
        measured=(
            f"{ingest_seconds / issues * 1000:.1f} ms/issue ({ingest_seconds:.1f} s in all; "
            f"first {edge} {first_ms:.1f}, last {edge} {last_ms:.1f} ms/issue)"
        ),
        value=ingest_seconds / issues * 1000,
        target=TARGET_MS_PER_ISSUE,
        unit=" ms",
    )
    edge_results = [
        Result(
            name=f"Ingest, the {which} {edge} of {issues} issues",
            measured=f"{ms:.1f} ms/issue",
            value=ms,
            target=TARGET_MS_PER_ISSUE,
            unit=" ms",
        )
        for which, ms in (("first", first_ms), ("last", last_ms))
    ]
    results = [extraction_result, ingest_result, *edge_results, second_look_result]
    for result in results:
        print(result.line())
    return results
