"""`ingest` (files, folders and zips as one import job) and `import-run` (an import the app
staged): every file gets a line, printed by a thread of its own, and the summary is printed
whatever stopped the import."""

from __future__ import annotations

import argparse
import queue
import sys
import threading
from pathlib import Path

from loaders.cli.printing import number_text
from loaders.services.ingest import Overwrite
from loaders.store import StoreError, open_store, queries


def cmd_ingest(args: argparse.Namespace) -> int:
    """Files, folders and zips, stored as one import job (seen in the app's 导入 page)."""
    from loaders.services import imports

    sources = imports.path_sources(Path(p) for p in args.files)
    with open_store(args.db) as store:
        print(f"store: {store.path}")
        catalog = _store_catalog(store, args)
        label = f"命令行导入：{' '.join(args.files)}"[:200]
        tally = _Tally([source.name for source in sources])
        try:
            job_id = imports.create_job(
                store, sources, role="editor", actor=args.actor, label=label, stage=False
            )
        except StoreError as exc:  # a full disk: not one file is read
            return tally.finish(interrupted=exc)
        return _run_import(store, job_id, catalog, args, sources, tally)


def cmd_import_run(args: argparse.Namespace) -> int:
    """Run (or resume) an import staged by the app; the app starts this in the background."""

    with open_store(args.db) as store:
        tally = _Tally([file.name for file in queries.import_files(store, args.job)])
        return _run_import(store, args.job, _store_catalog(store, args), args, None, tally)


def _store_catalog(store, args: argparse.Namespace):
    """The store's catalog (seeded from data/catalog.yaml when new), with each --catalog
    file's indicators added to it as a new catalog version (stored issues re-mapped)."""
    from loaders.catalog.indicators import load_catalog
    from loaders.services import catalog as catalog_service

    catalog = catalog_service.ensure_catalog(store)
    for path in args.catalog:
        catalog = catalog.with_overlay(load_catalog(path))
    if args.catalog and catalog != catalog_service.stored_catalog(store):
        catalog_service.change(
            store,
            catalog,
            action="import",
            indicator=None,
            reason=f"ingest --catalog {' '.join(args.catalog)}",
            role="editor",
            actor=args.actor,
        )
    return catalog


class _Printer:
    """Progress lines printed by a thread of their own. run_job reports each file while the
    store's write lock may be held (a batch keeps the store up to a second), and a print
    that blocks (a pipe nobody reads yet, a paused pager) must not keep every other writer
    of the store waiting: the lines queue up here instead, and close() prints the rest."""

    def __init__(self) -> None:
        self._lines: queue.SimpleQueue[tuple[str, bool] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._print, name="import-progress", daemon=True)
        self._thread.start()

    def say(self, text: str, *, to_stderr: bool = False) -> None:
        self._lines.put((text, to_stderr))

    def close(self) -> None:
        self._lines.put(None)
        self._thread.join()

    def _print(self) -> None:
        while (line := self._lines.get()) is not None:
            text, to_stderr = line
            print(text, file=sys.stderr if to_stderr else sys.stdout, flush=True)


def _overwrite(args: argparse.Namespace) -> Overwrite:
    if getattr(args, "replace", False):
        return Overwrite.ALWAYS
    return Overwrite.SHIPPED if getattr(args, "shipped", False) else Overwrite.BATCH


class _Tally:
    """What an import did, file by file, and its summary: every file of it gets a line,
    those a failing store left unread too (a full disk), and the summary is printed
    whatever stopped the import."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.issues = {"new": 0, "replaced": 0, "unchanged": 0, "kept": 0, "failed": 0}
        self.points = {"new": 0, "revised": 0, "unchanged": 0}
        self.failed: list[str] = []
        self.reported: set[int] = set()

    def prefix(self, position: int, name: str) -> str:
        return f"[{position + 1}/{len(self.names)}] {Path(name).name} …"

    def finish(self, *, stopped: bool = False, interrupted: StoreError | None = None) -> int:
        unread = [
            (position, name)
            for position, name in enumerate(self.names)
            if position not in self.reported and interrupted is not None
        ]
        for position, name in unread:
            print(f"{self.prefix(position, name)} not stored")
        if interrupted is not None:
            print(f"error: {interrupted}", file=sys.stderr)
        issues, points = self.issues, self.points
        print(
            f"issues: {issues['new']} new, {issues['replaced']} revised, "
            f"{issues['unchanged']} unchanged"
            + (f", {issues['kept']} kept" if issues["kept"] else "")
            + (f", {len(self.failed)} failed" if self.failed else "")
            + (f", {len(unread)} not stored (the store could not be written)" if unread else "")
            + f"; points: {points['new']} new, {points['revised']} revised, "
            f"{points['unchanged']} unchanged" + ("; stopped on request" if stopped else "")
        )
        not_stored = self.failed + [name for _, name in unread]
        if not_stored:
            print(
                f"error: {len(not_stored)} file(s) not stored: {', '.join(not_stored)}",
                file=sys.stderr,
            )
        return 1 if not_stored or interrupted is not None else 0


def _run_import(store, job_id, catalog, args, sources, tally: _Tally) -> int:
    from loaders.services import imports
    from loaders.services.import_files import FileResult

    printer = _Printer()

    def report(position: int, name: str, outcome: FileResult) -> None:
        tally.reported.add(position)
        prefix = tally.prefix(position, name)
        tally.issues[outcome.status] = tally.issues.get(outcome.status, 0) + 1
        if outcome.status == "failed":
            tally.failed.append(name)
            printer.say(f"{prefix} failed")
            detail = (
                outcome.detail if Path(name).name in outcome.detail else f"{name}: {outcome.detail}"
            )
            printer.say(f"error: {detail}", to_stderr=True)
            return
        result = outcome.result
        if result is None:
            printer.say(f"{prefix} {outcome.status}: {outcome.detail}")
            return
        tally.points["new"] += result.new_points
        tally.points["revised"] += len(result.revised)
        tally.points["unchanged"] += result.unchanged_points
        printer.say(f"{prefix} {result.summary()}")
        for revision in result.revised:
            printer.say(
                f"    revised {revision.indicator} {revision.period}: "
                f"{number_text(revision.old_value)} ({revision.old_issue}) -> "
                f"{number_text(revision.new_value)}"
            )

    try:
        progress = imports.run_job(
            store,
            job_id,
            catalog,
            actor=args.actor,
            sources=sources,
            overwrite=_overwrite(args),
            force=getattr(args, "force", False),
            confirmed=getattr(args, "confirm", False),
            on_file=report,
        )
    except StoreError as exc:  # a full disk, a store that went away: the rest is unread
        printer.close()
        return tally.finish(interrupted=exc)
    printer.close()
    return tally.finish(stopped=progress.stopped)
