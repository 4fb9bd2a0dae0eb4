"""`catalog export|import|versions|restore`: the store's versioned catalog from the command
line."""

from __future__ import annotations

import argparse

from loaders.cli.printing import CliError, shorten, text_table
from loaders.store import open_store


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
            shorten(v.actor, 16),
            shorten(v.reason, 24),
            f"{v.indicators} 个指标" if v.problem is None else "无法读取",
        ]
        for v in versions
    ]
    print(text_table(["版本", "时间", "操作", "指标", "操作人", "原因", "状态"], rows))
    for v in versions:
        if v.problem is not None:
            print(f"第 {v.version} 版无法读取：{shorten(v.problem, 120)}")
    if versions[0].problem is not None:
        readable = next((v.version for v in versions if v.problem is None), None)
        hint = f"python -m loaders catalog restore {readable}" if readable else "catalog import"
        print(f"当前目录（第 {versions[0].version} 版）无法读取：用 {hint} 恢复")
    return 0


def version_count(text: str) -> int:
    """--limit of catalog versions: a count the store can take (-1 or 10**20 reached the
    query as a DuckDB binder or conversion error)."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} 不是整数 (not a whole number)") from None
    if not 1 <= count <= 10_000:
        raise argparse.ArgumentTypeError(f"{count} 不在 1—10000 之间 (between 1 and 10000)")
    return count
