"""Page state in the URL (?indicators=a,b&kinds=year): parsing and writing, no Streamlit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def parse_list(raw: str | Sequence[str] | None) -> list[str]:
    """ "a,b" or ["a", "b,c"] -> ["a", "b", "c"]: trimmed, empty parts and repeats dropped."""
    if raw is None:
        return []
    parts = [raw] if isinstance(raw, str) else list(raw)
    items = [item.strip() for part in parts for item in str(part).split(",")]
    return list(dict.fromkeys(item for item in items if item))


def split_known(requested: Iterable[str], known: Iterable[str]) -> tuple[list[str], list[str]]:
    """(ids we know, in the requested order; ids we don't)."""
    known_set = set(known)
    valid = [item for item in requested if item in known_set]
    unknown = [item for item in requested if item not in known_set]
    return valid, unknown


def join_list(items: Iterable[str]) -> str:
    return ",".join(items)
