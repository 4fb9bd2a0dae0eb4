"""Command line: `python -m loaders extract|ingest|import-run|evaluate|catalog|migrate-store|
maintain|export ...` (build_parser declares them; the README shows each).

Every failure a user can act on prints one line on stderr (no traceback) and
exits 1; `ingest` keeps going past a bad file and names it.
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from loaders.catalog.indicators import Catalog, CatalogError, load_catalogs
from loaders.errors import BriefError
from loaders.models import Extraction
from loaders.services.export import export_tables
from loaders.services.ingest import Overwrite
from loaders.store import StoreError, open_store, queries
from loaders.vocab.periods import PeriodError, period_label_zh
from loaders.vocab.qualifiers import WORD_ZH

# Long enough to recognise the sentence, short enough to keep one row per line.
QUOTE_WIDTH = 36


class CliError(Exception):
    """A failure to report as one line on stderr."""


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _shorten(text: str, width: int = QUOTE_WIDTH) -> str:
    text = " ".join(text.split())
    if _width(text) <= width:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def _snippet(quote: str, figure: str, width: int = QUOTE_WIDTH) -> str:
    """The part of the quote around the figure: a sentence often holds several figures."""
    quote = " ".join(quote.split())
    at = quote.find(figure) if figure else -1
    if at < 0 or _width(quote) <= width:
        return _shorten(quote, width)
    start = max(0, at - width // 3)
    lead = "…" if start else ""
    return _shorten(lead + quote[start:], width)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _period_zh(period: str | None) -> str:
    if not period:
        return ""
    try:
        return period_label_zh(period)
    except PeriodError:
        return period


def _value_text(value: float, high: float | None, unit: str, qualifier: str) -> str:
    amount = _number(value) if high is None else f"{_number(value)}–{_number(high)}"
    return f"{WORD_ZH.get(qualifier, '')}{amount} {unit}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [
        max(_width(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)
    ]
    lines = [
        "  ".join(_pad(str(cell), w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_extraction(extraction: Extraction, catalog: Catalog) -> str:
    """The readable form of `extract`: header, figures table, unassigned figures."""
    issue = extraction.issue
    by_id = catalog.by_id()
    total = f"（总第 {issue.total_number} 期）" if issue.total_number else ""
    out = [
        f"{issue.title} {issue.label_zh}{total}  {issue.published.isoformat()}  [{extraction.source_name}]",
        f"{len(extraction.articles)} 篇文章，{len(extraction.observations)} 个指标数据，"
        f"{len(extraction.unassigned)} 个未归类数字",
        "",
    ]
    rows = []
    for o in extraction.observations:
        indicator = by_id.get(o.indicator)
        rows.append(
            [
                indicator.name_zh if indicator else o.indicator,
                _value_text(o.value, o.value_high, o.unit, o.qualifier),
                _period_zh(o.period)
                + ("（预测）" if o.forecast else "")
                + ("（推算）" if o.derived else ""),
                _snippet(o.quote, o.figure_text),
            ]
        )
    if rows:
        out.append(_table(["指标", "数值", "期间", "原文"], rows))
    else:
        out.append("（未找到指标数据）")
    if extraction.unassigned:
        out += ["", "未归类数字："]
        urows = [
            [
                _shorten(u.subject, 16) or "—",
                _value_text(u.value, u.value_high, u.unit, u.qualifier),
                _period_zh(u.period) + ("（预测）" if u.forecast else ""),
                _snippet(u.quote, u.figure_text),
            ]
            for u in extraction.unassigned
        ]
        out.append(_table(["主语", "数值", "期间", "原文"], urows))
    return "\n".join(out)


def format_numbers(extraction) -> str:
    """Every number of the text with its state and reason, as a table."""
    from loaders.figures.number_states import REASONS, account_for_numbers

    states = {"observation": "观测值", "unassigned": "待归类", "ignored": "忽略"}
    rows = [
        [
            n.text,
            str(n.start),
            states[n.state],
            REASONS.get(n.reason, n.reason),
            n.indicator or n.suggested_indicator or "",
            n.period or "",
        ]
        for n in account_for_numbers(extraction)
    ]
    return "\n数字（每个数字的去向）\n" + _table(
        ["数字", "位置", "状态", "原因", "指标", "期间"], rows
    )


def cmd_extract(args: argparse.Namespace) -> int:
    from loaders.intake.pipeline import (
        read_file,  # the readers load only for the commands that read
    )

    catalog = load_catalogs(args.catalog)
    extraction = read_file(Path(args.file), catalog)
    if args.json:
        shape = extraction.to_public_json()
        if args.explain:
            from loaders.figures.number_states import explained

            shape["numbers"] = explained(extraction)
        print(json.dumps(shape, ensure_ascii=False, indent=2))
    else:
        print(format_extraction(extraction, catalog))
        if args.explain:
            print(format_numbers(extraction))
    return 0


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


def cmd_catalog(args: argparse.Namespace) -> int:
    """The store's catalog as YAML, a YAML file as the store's catalog, the catalog's versions,
    or an earlier version as the catalog again."""
    from loaders.services import catalog as catalog_service

    wanted = {"export": "FILE", "import": "FILE", "restore": "N"}.get(args.action)
    if wanted and args.target is None:
        raise CliError(f"catalog {args.action} needs {wanted}")
    if args.action == "versions" and args.target is not None:
        raise CliError("catalog versions takes no argument")
    with open_store(args.db, read_only=args.action in ("export", "versions")) as store:
        if args.action == "versions":
            return _print_versions(catalog_service.versions(store, limit=args.limit), store)
        if args.action == "export":
            if store.read_only and catalog_service.stored_catalog(store) is None:
                raise CliError(f"{store.path} has no catalog yet; it is seeded on first write")
            path = catalog_service.export_catalog(store, args.target)
            print(path)
            return 0
        if args.action == "restore":
            try:
                number = int(args.target)
            except ValueError:
                raise CliError(f"catalog restore: {args.target!r} 不是版本号") from None
            change = catalog_service.restore_version(
                store, number, role="editor", actor=args.actor, reason=args.reason
            )
        else:
            # A store with versions keeps them (its latest may be one that cannot be read,
            # which an import replaces); a new one is seeded first, so undo has a way back.
            if not catalog_service.versions(store, limit=1):
                catalog_service.ensure_catalog(store)
            change = catalog_service.import_catalog(
                store, args.target, role="editor", actor=args.actor, reason=args.reason
            )
    print(
        f"catalog version {change.version}: {change.remapped_issues} issues re-mapped, "
        f"{change.figures_before} -> {change.figures_after} figures"
    )
    return 0


def _print_versions(versions, store) -> int:
    if not versions:
        print(f"{store.path} 还没有目录 (no catalog yet; it is seeded on first write)")
        return 0
    rows = [
        [
            str(v.version),
            f"{v.created_at:%Y-%m-%d %H:%M}" if v.created_at is not None else "",
            v.action,
            v.indicator or "",
            _shorten(v.actor, 16),
            _shorten(v.reason, 24),
            f"{v.indicators} 个指标" if v.problem is None else "无法读取",
        ]
        for v in versions
    ]
    print(_table(["版本", "时间", "操作", "指标", "操作人", "原因", "状态"], rows))
    for v in versions:
        if v.problem is not None:
            print(f"第 {v.version} 版无法读取：{_shorten(v.problem, 120)}")
    if versions[0].problem is not None:
        readable = next((v.version for v in versions if v.problem is None), None)
        hint = f"python -m loaders catalog restore {readable}" if readable else "catalog import"
        print(f"当前目录（第 {versions[0].version} 版）无法读取：用 {hint} 恢复")
    return 0


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

    printer = _Printer()

    def report(position: int, name: str, outcome: imports.FileResult) -> None:
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
                f"{_number(revision.old_value)} ({revision.old_issue}) -> "
                f"{_number(revision.new_value)}"
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


def cmd_evaluate(args: argparse.Namespace) -> int:
    from loaders.evaluation.evaluate import evaluate_dir, format_report

    folder = Path(args.dir)
    if not folder.is_dir():
        raise CliError(f"{folder}: not a directory")
    report = evaluate_dir(folder, load_catalogs(args.catalog))
    if args.json:
        payload = report.to_json()
        print(
            payload
            if isinstance(payload, str)
            else json.dumps(payload, ensure_ascii=False, indent=2)
        )
    else:
        print(format_report(report))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    # Read-only: exporting must never create a database or change its catalog.
    with open_store(args.db, read_only=True) as store:
        written = export_tables(store, args.outdir)
    for path in written:
        print(path)
    return 0


def cmd_migrate_store(args: argparse.Namespace) -> int:
    """An embedded store into a team store and back (BRIEFS_DATA_PATH for the lake)."""
    from loaders.services.migrate import migrate_store

    with open_store(args.source, read_only=True) as source, open_store(args.target) as target:
        copied = migrate_store(source, target)
    for table, rows in copied.items():
        print(f"{table}: {rows} rows")
    return 0


def cmd_maintain(args: argparse.Namespace) -> int:
    """The store's housekeeping now (the team store's compaction; nothing for a file)."""
    with open_store(args.db) as store:
        done = store.maintain(force=True)
    print("compacted" if done else "nothing to do (or a writer was busy: run it again later)")
    return 0


def _version_count(text: str) -> int:
    """--limit of catalog versions: a count the store can take (-1 or 10**20 reached the
    query as a DuckDB binder or conversion error)."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} 不是整数 (not a whole number)") from None
    if not 1 <= count <= 10_000:
        raise argparse.ArgumentTypeError(f"{count} 不在 1—10000 之间 (between 1 and 10000)")
    return count


def build_parser() -> argparse.ArgumentParser:
    """Every command and option of the CLI, declared in one place (so --help and the README
    list the same things); a list of declarations, long but without decisions."""
    parser = argparse.ArgumentParser(
        prog="python -m loaders",
        description="Read issues of 产业创新动态, store their figures, export them.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    catalog_flag = ("--catalog",)
    catalog_options = {
        "action": "append",
        "default": [],
        "metavar": "FILE",
        "help": "add FILE's indicators to data/catalog.yaml (an id present is replaced); repeatable",
    }
    # ingest and import-run add FILE to the store's catalog instead (_store_catalog).
    store_catalog_options = {
        **catalog_options,
        "help": "add FILE's indicators to the store's catalog, as a new catalog version "
        "(an id present is replaced); repeatable",
    }

    confirm_flag = ("--confirm",)
    confirm_options = {
        "action": "store_true",
        "help": "store values the stored series doubt (a total since launch that falls, a "
        "value 5x its neighbours …) instead of setting them aside in the unassigned queue",
    }

    extract = commands.add_parser("extract", help="show the figures found in one brief file")
    extract.add_argument("file", help="a brief: .txt, .md, .pdf or .docx")
    extract.add_argument("--json", action="store_true", help="print JSON (the upload format)")
    extract.add_argument(
        "--explain",
        action="store_true",
        help="also every number of the text: observation, unassigned or ignored, and why",
    )
    extract.add_argument(*catalog_flag, **catalog_options)
    extract.set_defaults(handler=cmd_extract)

    db_help = (
        "the store: a DuckDB file or a ducklake: string (default: $BRIEFS_DB or data/briefs.duckdb)"
    )
    ingest = commands.add_parser(
        "ingest", help="store brief files, folders of them or zips (one import job)"
    )
    ingest.add_argument("files", nargs="+", metavar="PATH", help="a brief, a folder or a .zip")
    ingest.add_argument("--db", default=None, help=db_help)
    ingest.add_argument("--actor", default="cli", help="name written to the audit log")
    ingest.add_argument(*catalog_flag, **store_catalog_options)
    ingest.add_argument(
        "--force",
        action="store_true",
        help="re-store files already stored unchanged (after the extraction rules improved)",
    )
    ingest.add_argument(
        "--replace",
        action="store_true",
        help="also overwrite issues an editor committed after review, and store retracted ones",
    )
    ingest.add_argument(*confirm_flag, **confirm_options)
    ingest.add_argument(
        "--shipped",
        action="store_true",
        help="the files are the shipped sample (make db): replace only issues stored from "
        "these very files, keep every other version (a corrected copy, an editor's commit)",
    )
    ingest.set_defaults(handler=cmd_ingest)

    run = commands.add_parser(
        "import-run", help="run or resume an import the app staged (the app starts it)"
    )
    run.add_argument("job", help="the import's id, as the 导入 page shows it")
    run.add_argument("--db", default=None, help=db_help)
    run.add_argument("--actor", default="import", help="name written to the audit log")
    run.add_argument(*catalog_flag, **store_catalog_options)
    run.add_argument(*confirm_flag, **confirm_options)
    run.set_defaults(handler=cmd_import_run)

    evaluate = commands.add_parser("evaluate", help="score extraction against *.expected.json")
    evaluate.add_argument("dir", help="folder of briefs with NAME.expected.json beside each")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.add_argument(*catalog_flag, **catalog_options)
    evaluate.set_defaults(handler=cmd_evaluate)

    catalog = commands.add_parser(
        "catalog",
        help="export the store's catalog as YAML, import a YAML file as it, list its "
        "versions, or restore one",
    )
    catalog.add_argument(
        "action",
        choices=["export", "import", "versions", "restore"],
        help="export FILE: write the store's catalog to FILE; import FILE: make FILE the "
        "store's catalog; versions: list the catalog's versions and whether each can be "
        "read; restore N: make version N the catalog again (import and restore make a new "
        "version and re-map every stored issue)",
    )
    catalog.add_argument(
        "target", nargs="?", metavar="FILE|N", help="the YAML file, or the version number"
    )
    catalog.add_argument("--db", default=None, help=db_help)
    catalog.add_argument("--actor", default="cli", help="name written to the audit log")
    catalog.add_argument("--reason", default="", help="why, for the catalog's history")
    catalog.add_argument(
        "--limit",
        type=_version_count,
        default=50,
        help="versions: how many of the newest to list (1 to 10000)",
    )
    catalog.set_defaults(handler=cmd_catalog)

    migrate = commands.add_parser(
        "migrate-store", help="copy a store into another (a file into a team store, or back)"
    )
    migrate.add_argument("source", help="a DuckDB file or a ducklake: attach string")
    migrate.add_argument("target", help="an empty store: a file path or a ducklake: string")
    migrate.set_defaults(handler=cmd_migrate_store)

    maintain = commands.add_parser(
        "maintain", help="compact a team store now (cron it at night; a file needs none)"
    )
    maintain.add_argument("--db", default=None, help=db_help)
    maintain.set_defaults(handler=cmd_maintain)

    export = commands.add_parser("export", help="write every table as CSV (UTF-8 with BOM)")
    export.add_argument("outdir", help="folder for the CSV files (made if missing)")
    export.add_argument("--db", default=None, help=db_help)
    export.set_defaults(handler=cmd_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (CliError, BriefError, StoreError, CatalogError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
