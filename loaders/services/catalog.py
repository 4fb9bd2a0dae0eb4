"""The catalog the store holds: versioned, grown by editors, seeded from data/catalog.yaml.

Every change (add, edit, retire, restore, import, undo) is a new version holding the whole
catalog as YAML, with who, when, what and why; the latest version is the catalog, and
`indicators` is its projection for the pages. An add or an edit re-maps every stored issue
from its stored text in the same transaction (loaders.services.remap), so a new series is
filled from the archive without a re-upload; figures an editor reviewed or typed in keep
their assignment. Undo makes the version before the latest the catalog again (and re-maps).

A store that never had a catalog is seeded from data/catalog.yaml. A store whose catalog
no editor has changed follows data/catalog.yaml when it changes (a code update that
describes the series better reaches it); once an editor changed it, the store's catalog is
the editors' and `python -m loaders catalog import` is the way to take a new file in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.catalog.canonical_yaml import dump_catalog
from loaders.catalog.form import FormError, IndicatorFormError, draft_catalog
from loaders.catalog.indicators import Catalog, CatalogError, load_catalog, parse_catalog
from loaders.paths import CATALOG_PATH
from loaders.services.export import ExportError, write_replacing
from loaders.services.permissions import require_editor
from loaders.services.remap import Preview, preview, remap_all
from loaders.services.storable import check_catalog, check_note, indicator_problems
from loaders.store import Store, StoreError, queries, writes

SEED_ACTOR = "data/catalog.yaml"
# Versions an editor made; a store whose versions are all seeds follows the seed file.
EDITOR_ACTIONS = ("add", "edit", "retire", "restore", "import", "undo", "ingest", "revert")


@dataclass(frozen=True)
class CatalogChange:
    """What a change of the catalog did."""

    version: int
    remapped_issues: int = 0
    figures_before: int = 0
    figures_after: int = 0


def _latest(cur) -> queries.CatalogVersion | None:
    versions = queries.catalog_versions(cur, newest=1)
    return versions[0] if versions else None


def record_catalog(
    cur,
    catalog: Catalog,
    *,
    actor: str,
    action: str,
    indicator: str | None = None,
    reason: str = "",
    source: str = "目录",
) -> int | None:
    """Make catalog the store's catalog in this transaction: a new version and the
    projection, unless it already is (None then). The caller bumps the data version.
    Every catalog write comes here: the gate (loaders.services.storable) checks the text of
    a new version, a refusal naming source (a file) and the indicator and field."""
    definition = dump_catalog(catalog)
    latest = _latest(cur)
    if latest is not None and latest.definition == definition:
        writes.replace_catalog(cur, catalog)  # a projection left behind by an old release
        return None
    check_catalog(catalog, source)
    version = writes.insert_catalog_version(
        cur, definition, actor=actor, action=action, indicator=indicator, reason=reason
    )
    writes.replace_catalog(cur, catalog)
    return version


def stored_catalog(store: Store) -> Catalog | None:
    """The store's catalog, or None for a store never given one."""
    with store.read() as cur:
        latest = _latest(cur)
    return None if latest is None else _parse_version(latest)


RECOVERY_HINT = (
    "用 python -m loaders catalog versions 列出各版本，"
    "python -m loaders catalog restore N 回到一个可读的版本"
)


def _parse_version(version: queries.CatalogVersion) -> Catalog:
    """A stored version's catalog; a version that cannot be read (written by a release whose
    YAML writer broke on some words) is a CatalogError that says how to recover."""
    try:
        return parse_catalog(
            version.definition, Path(f"(store: catalog version {version.version})")
        )
    except CatalogError as exc:
        raise CatalogError(
            f"目录第 {version.version} 版无法读取（{exc}）；{RECOVERY_HINT}"
        ) from exc


@dataclass(frozen=True)
class VersionInfo:
    """A catalog version as `catalog versions` lists it: who, when, what, and whether it
    can be read (problem is None) and so restored."""

    version: int
    created_at: Any
    actor: str
    action: str
    indicator: str | None
    reason: str
    indicators: int
    problem: str | None


def versions(store: Store, limit: int = 50) -> list[VersionInfo]:
    """The newest catalog versions, newest first, each checked for whether it reads."""
    with store.read() as cur:
        stored = queries.catalog_versions(cur, newest=limit)
    listed = []
    for version in stored:
        try:
            count, problem = len(_parse_version(version).indicators), None
        except CatalogError as exc:
            count, problem = 0, str(exc.__cause__ or exc)
        listed.append(
            VersionInfo(
                version.version,
                version.created_at,
                version.actor,
                version.action,
                version.indicator,
                version.reason,
                count,
                problem,
            )
        )
    return listed


def restore_version(
    store: Store, number: int, *, role: str, actor: str, reason: str = ""
) -> CatalogChange:
    """Catalog version `number` becomes the catalog again (a new version, every stored issue
    re-mapped), whatever the latest one holds: the way back from a catalog that cannot be
    read. Editors only."""
    require_editor(role)
    with store.read() as cur:
        wanted = queries.catalog_version(cur, number)
    if wanted is None:
        raise StoreError(f"目录没有第 {number} 版 (no catalog version {number})")
    return change(
        store,
        _parse_version(wanted),
        action="revert",
        indicator=None,
        reason=reason or f"restore version {number}",
        role=role,
        actor=actor,
    )


def ensure_catalog(store: Store, seed: Path | str = CATALOG_PATH) -> Catalog:
    """The store's catalog, seeded from the seed file when it has none, or following the seed
    file while no editor has changed it."""
    wanted = load_catalog(seed)

    def seed_it(cur) -> Catalog:
        latest = _latest(cur)
        edited = queries.catalog_versions_by(cur, EDITOR_ACTIONS)
        if latest is not None and edited:
            return _parse_version(latest)
        # The seed's file name only: the history is shown to viewers, the server's folders not.
        reason = f"种子目录 {Path(seed).name}"
        if record_catalog(cur, wanted, actor=SEED_ACTOR, action="seed", reason=reason):
            if latest is not None:
                # The seed file changed under a store that follows it: its stored issues
                # are re-mapped in the same transaction, so catalog and figures agree.
                remap_all(cur, wanted, actor=SEED_ACTOR)
            writes.bump_version(cur, series=None)
        return wanted

    return store.write("seed the catalog", seed_it)


def active_catalog(store: Store, seed: Path | str = CATALOG_PATH) -> Catalog:
    """The catalog extraction uses for this store (its own; the seed for a new store)."""
    return stored_catalog(store) or load_catalog(seed)


def change(
    store: Store,
    catalog: Catalog,
    *,
    action: str,
    indicator: str | None,
    reason: str,
    role: str,
    actor: str,
    remap: bool = True,
    source: str = "目录",
) -> CatalogChange:
    """Make catalog the store's catalog (a new version) and, with remap, re-map every
    stored issue under it, all in one transaction; editors only. The reason and the
    catalog's text pass the gate (loaders.services.storable) before anything is written."""
    require_editor(role)
    check_note(reason)

    def apply(cur) -> CatalogChange:
        version = record_catalog(
            cur,
            catalog,
            actor=actor,
            action=action,
            indicator=indicator,
            reason=reason,
            source=source,
        )
        if version is None:
            raise StoreError("目录没有变化，无需保存 (the catalog is unchanged)")
        counts = remap_all(cur, catalog, actor=actor) if remap else (0, 0, 0)
        writes.insert_audit(
            cur,
            f"catalog_{action}",
            actor,
            None,
            None,
            f"version {version}: {indicator or ''} {reason}".strip(),
        )
        writes.bump_version(cur, series=None)
        return CatalogChange(version, *counts)

    return store.write(f"change the catalog ({action})", apply)


def undo(store: Store, *, role: str, actor: str, reason: str = "") -> CatalogChange:
    """The catalog before the latest change becomes the catalog again (a new version), and
    every stored issue is re-mapped under it; editors only."""
    require_editor(role)
    with store.read() as cur:
        versions = queries.catalog_versions(cur, newest=2)
    if len(versions) < 2:
        raise StoreError("没有可撤销的目录修改 (nothing to undo)")
    latest, previous = versions
    return change(
        store,
        _parse_version(previous),
        action="undo",
        indicator=latest.indicator,
        reason=reason or f"undo version {latest.version} ({latest.action})",
        role=role,
        actor=actor,
    )


def set_retired(
    store: Store, indicator_id: str, retired: bool, *, role: str, actor: str, reason: str = ""
) -> CatalogChange:
    """Hide a series from the pages (its data stays, and it is still extracted, so it can
    come back) or bring it back; editors only."""
    catalog = active_catalog(store)
    current = catalog.get(indicator_id)
    if current is None:
        raise StoreError(f"未知指标 {indicator_id!r}")
    updated = catalog.replacing(current.model_copy(update={"retired": retired}))
    return change(
        store,
        updated,
        action="retire" if retired else "restore",
        indicator=indicator_id,
        reason=reason,
        role=role,
        actor=actor,
        remap=False,
    )


def preview_indicator(
    store: Store, values: dict[str, Any], *, editing: str | None = None
) -> Preview:
    """What saving the form's indicator would do across every stored issue (the figures
    that would join it, those it would take from another series or lose, and those left to
    review); nothing is written. IndicatorFormError names the fields a bad form gets wrong."""
    catalog, indicator = _drafted(store, values, editing)
    return preview(store, catalog, indicator.id)


def _drafted(store: Store, values: dict[str, Any], editing: str | None):
    """The catalog with the form's indicator, and the indicator; IndicatorFormError naming
    each field the form gets wrong, the gate's refusals (loaders.services.storable) too."""
    catalog, indicator = draft_catalog(active_catalog(store), values, editing=editing)
    refused = indicator_problems(indicator)
    if refused:
        raise IndicatorFormError([FormError(p.field, p.problem) for p in refused])
    return catalog, indicator


def save_indicator(
    store: Store,
    values: dict[str, Any],
    *,
    editing: str | None = None,
    reason: str = "",
    role: str,
    actor: str,
) -> CatalogChange:
    """Add the form's indicator (or replace `editing` with it) as a new catalog version and
    re-map every stored issue, in one transaction; editors only."""
    require_editor(role)
    catalog, indicator = _drafted(store, values, editing)
    return change(
        store,
        catalog,
        action="edit" if editing else "add",
        indicator=indicator.id,
        reason=reason,
        role=role,
        actor=actor,
    )


def export_catalog(store: Store, path: Path | str) -> Path:
    """The store's catalog as YAML (the file data/catalog.yaml is written in), replacing the
    file whole or keeping it (a full disk cut it off part-way); CatalogError naming a target
    that cannot be written."""
    path = Path(path)
    try:
        write_replacing(path, dump_catalog(active_catalog(store)).encode("utf-8"))
    except ExportError as exc:
        raise CatalogError(str(exc)) from exc
    return path


def import_catalog(
    store: Store, path: Path | str, *, role: str, actor: str, reason: str = ""
) -> CatalogChange:
    """A catalog file becomes the store's catalog (validated first: a bad file changes
    nothing and names the file, indicator and field), and every issue is re-mapped."""
    catalog = load_catalog(path)
    return change(
        store,
        catalog,
        action="import",
        indicator=None,
        reason=reason or f"imported {Path(path).name}",
        role=role,
        actor=actor,
        source=str(path),
    )


def sync_catalog(store: Store, catalog: Catalog) -> bool:
    """Record catalog as the store's catalog if it is not already (no re-mapping: callers
    that map issues with it, such as an ingest, do that); False when nothing changed."""

    def update(cur) -> bool:
        changed = record_catalog(cur, catalog, actor="loaders", action="ingest") is not None
        if changed:
            writes.bump_version(cur, series=None)
        return changed

    return store.write("update the catalog", update)
