"""From a brief file to an Extraction: read, clean, split, find figures."""

from __future__ import annotations

import hashlib
from pathlib import Path

from loaders.catalog.indicators import Catalog
from loaders.errors import BriefError
from loaders.figures.find import extract_figures
from loaders.figures.sources import with_sources
from loaders.guards.text_safety import strip_unsafe
from loaders.models import Extraction
from loaders.text.cleaning import clean_text
from loaders.text.reading import read_brief_text, read_capped
from loaders.text.structure import parse_structure


def extract_bytes(data: bytes, filename: str, catalog: Catalog) -> Extraction:
    """Run the whole extraction on a file's bytes; BriefError subclasses on bad input."""
    raw = read_brief_text(data, filename)
    text = clean_text(raw)
    header, articles = parse_structure(text, source=filename)
    found = extract_figures(header, articles, catalog)
    return Extraction(
        source_name=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        issue=header,
        articles=articles,
        # The organisation each figure's text cites (loaders.figures.sources), article by article.
        observations=with_sources(articles, found.observations),
        unassigned=with_sources(articles, found.unassigned),
        repeats=with_sources(articles, found.repeats),
        clean_text=text,
    )


def extract_file(path: Path | str, catalog: Catalog) -> Extraction:
    path = Path(path)
    return extract_bytes(read_capped(path, name=path.name), path.name, catalog)


def read_file(path: Path, catalog: Catalog) -> Extraction:
    """The extraction of one brief file a user named; BriefError (naming the file) when it
    cannot be read. The name becomes the issue's source: controls and bidi overrides are
    dropped from it."""
    if path.is_dir():
        raise BriefError(
            f"is a folder; pass the brief files in it (e.g. {path}/*)", source=str(path)
        )
    try:
        data = read_capped(path)
    except FileNotFoundError as exc:
        raise BriefError("no such file", source=str(path)) from exc
    except OSError as exc:
        raise BriefError(f"cannot read ({exc.strerror or exc})", source=str(path)) from exc
    return extract_bytes(data, strip_unsafe(path.name), catalog)
