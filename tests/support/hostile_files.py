"""Hostile files made by hand, too big (or too binary) to commit as fixtures.

A "lying" zip member declares a small size in the zip's directories while its deflated data
inflates to far more: zipfile's read() inflates all of it before it notices (a 1 MB DOCX
asked for 2.2 GB). The zips are written byte by byte here, so the declared sizes say what
the test wants, not what zipfile's writer would compute.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

GiB = 1024**3


@functools.cache
def deflated_spaces(size: int) -> bytes:
    """Raw deflate data of `size` spaces (about 1 KB per MB: 1 GiB in about 1 MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b" " * (1 << 20)
    parts = [packer.compress(chunk) for _ in range(size >> 20)]
    parts.append(packer.compress(b" " * (size & ((1 << 20) - 1))))
    parts.append(packer.flush())
    return b"".join(parts)


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes  # as stored in the zip (deflated unless method is ZIP_STORED)
    declared_size: int
    crc: int
    method: int = zipfile.ZIP_DEFLATED


def honest(name: str, content: bytes) -> Member:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = packer.compress(content) + packer.flush()
    return Member(name, data, len(content), zlib.crc32(content))


def lying(name: str, inflates_to: int = GiB, declares: int = 1024) -> Member:
    """A member that declares `declares` bytes and inflates to `inflates_to` spaces."""
    return Member(name, deflated_spaces(inflates_to), declares, zlib.crc32(b" " * declares))


def build_zip(members: list[Member]) -> bytes:
    out = io.BytesIO()
    central = []
    for member in members:
        name = member.name.encode("utf-8")
        offset = out.tell()
        sizes = (member.crc, len(member.data), member.declared_size)
        header = (b"PK\x03\x04", 20, 0, member.method, 0, 0, *sizes, len(name), 0)
        out.write(struct.pack("<4sHHHHHIIIHH", *header))
        out.write(name)
        out.write(member.data)
        central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                member.method,
                0,
                0,
                *sizes,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    count = len(members)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))
    return out.getvalue()


def docx_members(docx_bytes: bytes) -> list[Member]:
    """The members of a real DOCX, honestly declared."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        return [honest(info.filename, archive.read(info)) for info in archive.infolist()]


def replaced(members: list[Member], name: str, member: Member) -> list[Member]:
    return [member if m.name == name else m for m in members]


ROOT = Path(__file__).resolve().parents[2]
BRIEF = ROOT / "data" / "briefs" / "2021-15.txt"
BRIEF_29 = ROOT / "tests" / "data" / "eval" / "2021-29.txt"


def brief_docx(brief: Path = BRIEF) -> bytes:
    """A shipped brief as a Word file, one paragraph a line."""
    import docx

    document = docx.Document()
    for line in brief.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def lying_docx(inflates_to: int = GiB, part: str = "word/document.xml") -> bytes:
    """A real DOCX of the brief whose `part` declares 1 KB and inflates to `inflates_to`
    (the hostile tester's 1 MB DOCX that reached 2.2 GB)."""
    members = docx_members(brief_docx())
    return build_zip(replaced(members, part, lying(part, inflates_to)))


def lying_brief_zip(inflates_to: int = GiB) -> bytes:
    """A zip of two briefs and, between them, a "brief" that declares 1 KB and inflates to
    `inflates_to`."""
    return build_zip(
        [
            honest("archive/2021-15.txt", BRIEF.read_bytes()),
            lying("archive/2021-16.txt", inflates_to),
            honest("archive/2021-29.txt", BRIEF_29.read_bytes()),
        ]
    )


def table_xlsx(rows: int = 1) -> bytes:
    """A good figures table as an Excel workbook (openpyxl writes shared strings)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["indicator", "period", "value", "title", "year", "number", "published"])
    for _ in range(rows):
        sheet.append(["logistics_total", "2021-Q3", 232.0, "产业创新动态", 2021, 29, "2021-10-25"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def lying_xlsx(inflates_to: int = GiB, part: str = "xl/styles.xml") -> bytes:
    """A good table whose styles (which openpyxl reads whole) declare 1 KB and inflate on."""
    members = docx_members(table_xlsx())
    return build_zip(replaced(members, part, lying(part, inflates_to)))


class Number(str):
    """A number cell's text, written as it is."""


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_ML = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def shared_strings_xlsx(extra_strings: int = 0, value: str = "232.0") -> bytes:
    """A good figures table whose text cells use the shared-strings table, as Excel writes
    them, with `extra_strings` more strings in that table that no cell uses (400,000 of
    them: a 1 MB file that held the upload page for 21 s); `value` is the number cell's XML
    text (5,000 digits: openpyxl's int() refuses them)."""
    header = ["indicator", "period", "value", "title", "year", "number", "published"]
    row = ["logistics_total", "2021-Q3", Number(value), "产业创新动态", 2021, 29, "2021-10-25"]
    strings = [cell for cell in header + row if type(cell) is str]

    def cells(values: list, number: int) -> str:
        out = []
        for column, value in enumerate(values):
            ref = f"{chr(ord('A') + column)}{number}"
            if isinstance(value, str) and not isinstance(value, Number):
                out.append(f'<c r="{ref}" t="s"><v>{strings.index(value)}</v></c>')
            else:
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
        return f'<row r="{number}">{"".join(out)}</row>'

    sheet = (
        f'<worksheet xmlns="{_MAIN_NS}"><dimension ref="A1:G2"/><sheetData>'
        f"{cells(header, 1)}{cells(row, 2)}</sheetData></worksheet>"
    )
    items = [f"<si><t>{text}</t></si>" for text in strings]
    items += [f"<si><t>s{i:07d}</t></si>" for i in range(extra_strings)]
    count = len(items)
    table = f'<sst xmlns="{_MAIN_NS}" count="{count}" uniqueCount="{count}">{"".join(items)}</sst>'
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{_TYPES_NS}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_ML}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_ML}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_ML}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL_NS}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": table,
    }
    return build_zip([honest(name, text.encode("utf-8")) for name, text in parts.items()])
