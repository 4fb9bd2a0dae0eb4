"""The catalog as stored: its projection (indicators) and its versions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from loaders.store.queries.results import Source, frame, reading


def indicator_ids(source: Source) -> list[str]:
    """The ids indicators() lists (not retired), in catalog order: what a read checks a
    request against, without building a frame of the catalog (3 ms of every series read)."""
    with reading(source) as cur:
        rows = cur.execute(
            "SELECT id FROM indicators WHERE NOT coalesce(retired, false) ORDER BY position"
        ).fetchall()
    return [row[0] for row in rows]


def indicators(source: Source, *, with_retired: bool = False) -> pd.DataFrame:
    """The catalog as stored: id, name_zh, name_en, category, unit, kind, measure,
    description, aliases (joined by 、), source, retired, in catalog order; retired series
    only when asked for."""
    return frame(
        source,
        "SELECT id, name_zh, name_en, category, unit, kind, measure, description, aliases, "
        "source, retired FROM indicators "
        + ("" if with_retired else "WHERE NOT coalesce(retired, false) ")
        + "ORDER BY position",
    )


@dataclass(frozen=True)
class CatalogVersion:
    version: int
    created_at: Any
    actor: str
    action: str
    indicator: str | None
    reason: str
    definition: str


def catalog_versions(source: Source, newest: int = 2) -> list[CatalogVersion]:
    """The newest catalog versions, newest first (the catalog is the first one)."""
    with reading(source) as cur:
        rows = cur.execute(
            "SELECT version, created_at, actor, action, indicator, reason, definition "
            "FROM catalog_versions ORDER BY version DESC LIMIT ?",
            [newest],
        ).fetchall()
        return [CatalogVersion(*row) for row in rows]


def catalog_version(source: Source, version: int) -> CatalogVersion | None:
    """One catalog version by its number, or None when there is none of that number."""
    with reading(source) as cur:
        rows = cur.execute(
            "SELECT version, created_at, actor, action, indicator, reason, definition "
            "FROM catalog_versions WHERE version = ?",
            [version],
        ).fetchall()
    return CatalogVersion(*rows[0]) if rows else None


def catalog_history(source: Source, limit: int = 50) -> pd.DataFrame:
    """The catalog's versions without their definitions, newest first."""
    return frame(
        source,
        "SELECT version, created_at, actor, action, indicator, reason FROM catalog_versions "
        "ORDER BY version DESC LIMIT ?",
        [limit],
    )


def catalog_versions_by(source: Source, actions: Sequence[str]) -> int:
    """How many catalog versions these actions made."""
    with reading(source) as cur:
        return cur.execute(
            "SELECT count(*) FROM catalog_versions WHERE list_contains(?, action)", [list(actions)]
        ).fetchall()[0][0]
