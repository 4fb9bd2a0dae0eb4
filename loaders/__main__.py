"""Command line: `python -m loaders extract|ingest|import-run|evaluate|catalog|migrate-store|
maintain|export ...` (build_parser declares them; the README shows each; loaders/cli/ holds
each command group).

Every failure a user can act on prints one line on stderr (no traceback) and
exits 1; `ingest` keeps going past a bad file and names it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from loaders.catalog.indicators import CatalogError
from loaders.cli.catalog_commands import cmd_catalog, version_count
from loaders.cli.extraction_commands import cmd_evaluate, cmd_extract
from loaders.cli.import_commands import cmd_import_run, cmd_ingest
from loaders.cli.printing import CliError
from loaders.cli.store_commands import cmd_export, cmd_maintain, cmd_migrate_store
from loaders.errors import BriefError
from loaders.store import StoreError


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
    # ingest and import-run add FILE to the store's catalog instead (cli.import_commands).
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
        type=version_count,
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
