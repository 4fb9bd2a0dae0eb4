"""From a brief file to an Extraction: read, clean, split, find figures."""

from __future__ import annotations

import hashlib
from pathlib import Path

from loaders.catalog import Catalog
from loaders.cleaning import clean_text
from loaders.figures import extract_figures
from loaders.models import Extraction
from loaders.reading import read_brief_text, read_capped
from loaders.structure import parse_structure


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
        observations=found.observations,
        unassigned=found.unassigned,
        repeats=found.repeats,
        clean_text=text,
    )


def extract_file(path: Path | str, catalog: Catalog) -> Extraction:
    path = Path(path)
    return extract_bytes(read_capped(path, name=path.name), path.name, catalog)
