"""The text of a DOCX brief: only the document's main part, read through the archive's
bounded stream; paragraphs, tables (cells apart by tabs) and text boxes in document order."""

from __future__ import annotations

import re
from collections.abc import Iterator

from loaders.errors import BriefReadError
from loaders.guards.archive import DOCX_LIMITS, Archive, ArchiveError, open_archive

# The body of a DOCX (word/document.xml) is parsed into an XML tree about ten times its size;
# an issue's is well under 1 MB.
MAX_DOCX_XML_BYTES = 10 * 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _run_text(element) -> Iterator[str]:
    """Text of a paragraph's runs in order, leaving out text boxes and fallback copies."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag == _MC_FALLBACK or tag == f"{_W}txbxContent":
            continue
        if tag == f"{_W}t":
            yield child.text or ""
        elif tag == f"{_W}tab":
            yield "\t"
        elif tag in (f"{_W}br", f"{_W}cr"):
            yield "\n"
        elif tag == f"{_W}noBreakHyphen":
            yield "-"
        elif tag in (f"{_W}del", f"{_W}moveFrom", f"{_W}instrText", f"{_W}delText"):
            continue
        else:
            yield from _run_text(child)


def _text_boxes(element) -> Iterator:
    """Text boxes anchored in a paragraph (their primary copy, not the VML fallback)."""
    for child in element:
        if not isinstance(child.tag, str) or child.tag == _MC_FALLBACK:
            continue
        if child.tag == f"{_W}txbxContent":
            yield child
        else:
            yield from _text_boxes(child)


def _cell_lines(cell) -> list[str]:
    return [line for line in _block_lines(cell) if line.strip()]


def _block_lines(container) -> list[str]:
    """Lines of a body, cell or text box: paragraphs and tables in document order."""
    lines: list[str] = []
    for child in container:
        tag = child.tag
        if tag == f"{_W}p":
            for box in _text_boxes(child):
                lines.extend(_block_lines(box))
            lines.extend("".join(_run_text(child)).split("\n"))
        elif tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                if row.getparent() is not child:
                    continue  # rows of nested tables are read through their cell
                cells = [_cell_lines(tc) for tc in row if tc.tag == f"{_W}tc"]
                cells = [c for c in cells if c]
                if len(cells) == 1:
                    lines.extend(cells[0])
                elif cells:
                    # One line per row, cells apart by tabs: cleaning keeps table rows
                    # on their own lines and the cells distinct.
                    lines.append("\t".join(" ".join(c) for c in cells))
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                lines.extend(_block_lines(content))
    return lines


_MAIN_DOCUMENT = "word/document.xml"
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_OFFICE_DOCUMENT = re.compile(rb'\bType="[^"]*/officeDocument"')
_TARGET = re.compile(rb"\bTarget=\"([^\"]+)\"")
# The package's relationships (_rels/.rels) are a few hundred bytes.
_RELS_BYTES = 64 * 1024


def _main_part(archive: Archive) -> str:
    """The document's main part, as the package's relationships name it (word/document.xml
    for every Word version; another name only from a few generators)."""
    if archive.member("_rels/.rels") is None:
        return _MAIN_DOCUMENT
    rels = archive.head("_rels/.rels", _RELS_BYTES)
    main = next((tag for tag in _RELATIONSHIP.findall(rels) if _OFFICE_DOCUMENT.search(tag)), b"")
    target = _TARGET.search(main)
    if target is None:
        return _MAIN_DOCUMENT
    name = target.group(1).decode("utf-8", "replace").lstrip("/")
    return name if archive.member(name) is not None else _MAIN_DOCUMENT


def read_docx(data: bytes, filename: str) -> str:
    """Only the document's main part is read, through the archive's bounded stream, and
    only that part is parsed (python-docx's own XML parser): images, fonts and the other
    parts are never inflated."""
    try:
        with open_archive(data, DOCX_LIMITS) as archive:
            part = _main_part(archive)
            body = archive.member(part)
            if body.file_size > MAX_DOCX_XML_BYTES:
                raise BriefReadError(
                    f"正文（{part}）有 {body.file_size / 1024 / 1024:.0f} MB 的 XML；"
                    f"一期简报最多 {MAX_DOCX_XML_BYTES // (1024 * 1024)} MB",
                    source=filename,
                )
            xml = archive.read(body)
    except ArchiveError as exc:
        raise BriefReadError(str(exc), source=filename) from exc
    import docx  # noqa: F401 - registers python-docx's element classes with its parser
    from docx.oxml.parser import parse_xml

    try:
        root = parse_xml(xml)
    except Exception as exc:  # lxml's XMLSyntaxError, a document of another encoding…
        line, column = getattr(exc, "position", None) or (None, None)
        where = f"第 {line} 行第 {column} 列" if line else ""
        raise BriefReadError(
            f"Word 文档已损坏：{part} {where}的 XML 无法解析（{getattr(exc, 'msg', exc)}）",
            source=filename,
        ) from exc
    element = root.find(f"{_W}body")
    if root.tag != f"{_W}document" or element is None:
        raise BriefReadError(
            f"Word 文档已损坏：{part} 中没有正文（w:document/w:body）",
            source=filename,
        )
    text = "\n".join(_block_lines(element))
    if not text.strip():
        raise BriefReadError("Word 文档中没有文字", source=filename)
    return text
