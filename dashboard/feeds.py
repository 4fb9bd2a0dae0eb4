"""Atom 1.0 documents (RFC 4287) for feed readers: the issues committed, and the changes of
one series. Pure: rows in, bytes out (no Streamlit, no store).

Every element an Atom reader needs is written: the feed's id, title, updated, self and
alternate links and author; each entry's id (a urn:uuid derived from the store's changeset
and its time, so it stays the same on every fetch), title, updated, link and content (HTML,
escaped as Atom asks).
"""

from __future__ import annotations

import html
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
AUTHOR = "产业创新动态 指标看板"
# One namespace for every id this app mints: a changeset's entry id is uuid5 of its number
# and time, stable across fetches and distinct between two stores.
_ID_NAMESPACE = uuid.UUID("7c1f3e0a-5a7e-4e57-9d3c-2f4d1b6f0a21")


@dataclass(frozen=True)
class Entry:
    """One entry: what happened (title), when, where to read it, and the lines saying it
    (each with its sentences)."""

    key: str  # what makes the entry unique within the feed (changeset number and time)
    title: str
    updated: datetime  # naive UTC, as the store keeps times
    link: str
    lines: Sequence[tuple[str, Sequence[str], str | None]]  # text, quotes, link


def entry_id(key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, key)}"


def _stamp(moment: datetime) -> str:
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat(timespec="seconds").replace("+00:00", "Z")


def _content(entry: Entry) -> str:
    items = []
    for text, quotes, link in entry.lines:
        head = html.escape(text)
        if link:
            head = f'<a href="{html.escape(link, quote=True)}">{head}</a>'
        said = "".join(f"<br/><small>{html.escape(quote)}</small>" for quote in quotes)
        items.append(f"<li>{head}{said}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else "<p>没有数值变化</p>"


def atom(
    *,
    feed_key: str,
    title: str,
    subtitle: str,
    self_url: str,
    alternate_url: str,
    entries: Sequence[Entry],
    empty_updated: datetime,
) -> bytes:
    """The feed as UTF-8 XML; updated is its newest entry's time (empty_updated when it has
    none)."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str):
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", entry_id(feed_key))
    sub(feed, "title", title)
    sub(feed, "subtitle", subtitle)
    newest = max((entry.updated for entry in entries), default=empty_updated)
    sub(feed, "updated", _stamp(newest))
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=alternate_url)
    author = sub(feed, "author")
    sub(author, "name", AUTHOR)
    sub(feed, "generator", "brief-indicators")
    for entry in entries:
        node = sub(feed, "entry")
        sub(node, "id", entry_id(entry.key))
        sub(node, "title", entry.title)
        sub(node, "updated", _stamp(entry.updated))
        sub(node, "link", rel="alternate", type="text/html", href=entry.link)
        sub(node, "content", _content(entry), type="html")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
