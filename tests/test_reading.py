"""Reading briefs from TXT/MD (UTF-8, BOMs, GB18030), PDF and DOCX, and refusing the rest."""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from loaders.errors import BriefReadError
from loaders.text.cleaning import clean_text
from loaders.text.decoding import decode_text
from loaders.text.docx_text import MAX_DOCX_XML_BYTES
from loaders.text.reading import MAX_TEXT_BYTES, MAX_UPLOAD_BYTES, read_brief_text
from loaders.text.structure import parse_structure
from tests.support.hostile_files import lying_docx

ROOT = Path(__file__).resolve().parent.parent
READ = ROOT / "tests" / "data" / "read"
BRIEF_15 = ROOT / "data" / "briefs" / "2021-15.txt"
BRIEF_29 = ROOT / "tests" / "data" / "eval" / "2021-29.txt"


def make_pdf(pages: list[list[str]]) -> bytes:
    """A text PDF, one line per string, whose font maps glyphs to characters via a ToUnicode CMap.

    No font program is embedded (a viewer shows boxes), but the text layer is
    exactly what pypdf extracts from a real issue: lines, pages, Chinese text.
    """
    chars = sorted({c for page in pages for line in page for c in line})
    cid = {c: i + 1 for i, c in enumerate(chars)}
    entries = "\n".join(f"<{cid[c]:04X}> <{ord(c):04X}>" for c in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{len(chars)} beginbfchar\n{entries}\nendbfchar\n"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode()
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes) -> bytes:
        return f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"

    catalog = add(b"")
    pages_obj = add(b"")
    tounicode = add(stream(cmap))
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /Test /Flags 4 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>"
    )
    cidfont = add(
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Test /CIDSystemInfo "
        f"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {descriptor} 0 R /DW 1000 >>".encode()
    )
    font = add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /Test /Encoding /Identity-H "
        f"/DescendantFonts [{cidfont} 0 R] /ToUnicode {tounicode} 0 R >>".encode()
    )
    kids = []
    for page in pages:
        ops = ["BT", "/F1 10 Tf", "14 TL", "40 800 Td"]
        ops += ["<" + "".join(f"{cid[c]:04X}" for c in line) + "> Tj T*" for line in page]
        ops.append("ET")
        content = add(stream("\n".join(ops).encode()))
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 595 842] "
                f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode()
    refs = " ".join(f"{k} 0 R" for k in kids)
    objects[pages_obj - 1] = f"<< /Type /Pages /Kids [{refs}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def wrap(paragraph: str, width: int) -> list[str]:
    """Break a paragraph at a fixed width like a PDF does, never inside a Latin word or number."""
    lines, current = [], ""
    tokens = []
    for char in paragraph:
        if (
            tokens
            and char.isascii()
            and char.isalnum()
            and tokens[-1][-1:].isascii()
            and tokens[-1][-1:].isalnum()
        ):
            tokens[-1] += char
        elif tokens and char in ".," and tokens[-1][-1:].isdigit():
            tokens[-1] += char
        else:
            tokens.append(char)
    for token in tokens:
        if len(current) + len(token) > width and current.strip():
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    if current.strip():
        lines.append(current.rstrip())
    return lines


def pdf_of(text: str, width: int = 34, lines_per_page: int = 30) -> bytes:
    """The brief laid out as a PDF would extract: wrapped lines, running header, page numbers."""
    body = []
    for paragraph in text.split("\n"):
        if paragraph.strip():
            body += wrap(paragraph.strip(), width)
    pages = []
    for n, start in enumerate(range(0, len(body), lines_per_page), start=1):
        head = [] if n == 1 else ["产业创新动态"]
        pages.append(head + body[start : start + lines_per_page] + [f"- {n} -"])
    return make_pdf(pages)


def _structure_of(text: str):
    header, articles = parse_structure(clean_text(text))
    return header, [(a.title, a.editor) for a in articles]


# --- text encodings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("encode", "name"),
    [
        (lambda t: t.encode("utf-8"), "plain.txt"),
        (lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "bom.txt"),
        (lambda t: t.encode("gbk"), "gbk.txt"),
        (lambda t: t.encode("gb18030"), "gb18030.md"),
        (lambda t: t.encode("utf-16"), "utf16.txt"),
        (lambda t: b"\xfe\xff" + t.encode("utf-16-be"), "utf16be.txt"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16-le-bom", "utf16-be-bom"],
)
@pytest.mark.parametrize("brief", [BRIEF_15, BRIEF_29], ids=["2021-15", "2021-29"])
def test_text_encodings_give_the_same_text(brief, encode, name):
    text = brief.read_text(encoding="utf-8")
    assert read_brief_text(encode(text), name) == text


def test_gbk_copy_runs_to_the_same_structure():
    text = BRIEF_29.read_text(encoding="utf-8")
    header, articles = _structure_of(read_brief_text(text.encode("gbk"), "2021-29.gbk.txt"))
    assert header.key == "2021-29"
    assert [editor for _, editor in articles] == ["王罗汉", "陈健", "刘如", "苏楠"]


def test_markdown_marks_are_dropped():
    data = "# 产业创新动态\n\n**2021 年第 15 期**\n\n## 普华永道：并购回顾\n\n> 正文。\n".encode()
    text = read_brief_text(data, "brief.md")
    assert text.split("\n") == [
        "产业创新动态",
        "",
        "2021 年第 15 期",
        "",
        "普华永道：并购回顾",
        "",
        "正文。",
        "",
    ]


def test_text_cut_inside_its_last_character_is_read():
    data = "产业创新动态，2021 年第 15 期".encode()
    assert decode_text(data[:-1]) == "产业创新动态，2021 年第 15 "
    assert decode_text("中文内容，截断".encode("gbk")[:-1]) == "中文内容，截"


def test_decode_text_prefers_utf8_then_gb18030():
    assert decode_text("中文".encode()) == "中文"
    assert decode_text("中文内容".encode("gbk")) == "中文内容"
    traditional = "據中國物流與採購聯合會消息，一季度物流業總收入達到2.6萬億元，同比增長36.8%。"
    assert decode_text(traditional.encode("utf-8")) == traditional
    assert decode_text(traditional.encode("gb18030")) == traditional


@pytest.mark.parametrize(
    ("wrong", "name"),
    [
        (
            lambda b: (
                b.decode("utf-8").encode("gbk").decode("big5", errors="ignore").encode("utf-8")
            ),
            "gbk-read-as-big5",
        ),
        (
            lambda b: (
                b.decode("utf-8").encode("utf-8").decode("gb18030", errors="ignore").encode("utf-8")
            ),
            "utf8-read-as-gbk",
        ),
    ],
)
def test_mojibake_of_a_whole_brief_is_refused(wrong, name):
    with pytest.raises(BriefReadError, match="无法按 UTF-8、GB18030"):
        read_brief_text(wrong(BRIEF_15.read_bytes()), f"{name}.txt")


# --- PDF ----------------------------------------------------------------------------


def test_pdf_text_is_extracted_in_page_order():
    data = make_pdf([["产业创新动态", "物流业总收入达到 2.6 万亿"], ["元，同比增长 36.8%。"]])
    text = read_brief_text(data, "two-pages.pdf")
    assert text.split("\n") == [
        "产业创新动态",
        "物流业总收入达到 2.6 万亿",
        "",
        "元，同比增长 36.8%。",
        "",
    ]


@pytest.mark.parametrize(("width", "per_page"), [(20, 17), (34, 30), (46, 20)])
@pytest.mark.parametrize("brief", [BRIEF_15, BRIEF_29], ids=["2021-15", "2021-29"])
def test_pdf_copy_reads_like_the_text(brief, width, per_page):
    text = brief.read_text(encoding="utf-8")
    data = pdf_of(text, width=width, lines_per_page=per_page)
    from_pdf = read_brief_text(data, brief.stem + ".pdf")
    # The PDF really is laid out in narrow lines with page furniture; at width
    # 20 some article titles wrap onto a second line too.
    assert "- 2 -" in from_pdf
    assert max(len(line) for line in from_pdf.split("\n")) <= width + 6
    assert _structure_of(from_pdf) == _structure_of(text)
    # Same words in the same order; only paragraph breaks (and the spaces a
    # line break swallowed between Latin words) may differ.
    assert re.sub(r"\s", "", clean_text(from_pdf)) == re.sub(r"\s", "", clean_text(text))


def test_pdf_header_split_over_two_lines():
    pages = [
        ["产 业 创 新 动 态", "2021 年第 15 期", "（总第 460 期）", "2021 年 4 月 26 日"]
        + [
            "标题一",
            "第一段正文，一季度物流业总收入达到 2.6 万亿",
            "元，同比增长 36.8%。",
            "（产业所 王罗汉 整理）",
        ]
    ]
    header, articles = _structure_of(read_brief_text(make_pdf(pages), "split.pdf"))
    assert (header.title, header.number, header.total_number) == ("产业创新动态", 15, 460)
    assert articles == [("标题一", "王罗汉")]


# --- DOCX ---------------------------------------------------------------------------


def _docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_of(text: str) -> bytes:
    """The brief as a Word file: the masthead in a two-column table, paragraphs after it."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    document = docx.Document()
    masthead = document.add_table(rows=1, cols=2)
    masthead.cell(0, 0).text = lines[0]
    right = masthead.cell(0, 1)
    right.text = lines[1]
    right.add_paragraph(lines[4])
    for line in lines[2:4] + lines[5:]:
        document.add_paragraph(line)
    return _docx_bytes(document)


@pytest.mark.parametrize("brief", [BRIEF_15, BRIEF_29], ids=["2021-15", "2021-29"])
def test_docx_copy_reads_like_the_text(brief):
    text = brief.read_text(encoding="utf-8")
    from_docx = read_brief_text(docx_of(text), brief.stem + ".docx")
    assert _structure_of(from_docx) == _structure_of(text)
    body = clean_text(text).split("\n", 5)[5]
    assert clean_text(from_docx).endswith(body)


def test_docx_tables_are_read_in_document_order():
    document = docx.Document()
    document.add_paragraph("表前的段落。")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate(
        [["指标", "2020 年", "2021 年"], ["物流业总收入", "14.9 万亿元", "16.7 万亿元"]]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    merged = document.add_table(rows=1, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并单元格的一段文字。"
    document.add_paragraph("表后的段落。")
    text = read_brief_text(_docx_bytes(document), "tables.docx")
    assert text.split("\n") == [
        "表前的段落。",
        "指标\t2020 年\t2021 年",
        "物流业总收入\t14.9 万亿元\t16.7 万亿元",
        "合并单元格的一段文字。",
        "表后的段落。",
    ]
    assert clean_text(text).split("\n")[1:3] == [
        "指标 | 2020年 | 2021年",
        "物流业总收入 | 14.9万亿元 | 16.7万亿元",
    ]


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TEXT_BOX = f"""<w:p xmlns:w="{W}"
  xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
  xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
  xmlns:v="urn:schemas-microsoft-com:vml"><w:r><mc:AlternateContent>
  <mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>
    <w:p><w:r><w:t>产业创新动态</w:t></w:r></w:p>
    <w:p><w:r><w:t>2021 年第 15 期（总第 460 期）</w:t></w:r></w:p>
  </w:txbxContent></wps:txbx></w:drawing></mc:Choice>
  <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>
    <w:p><w:r><w:t>产业创新动态</w:t></w:r></w:p>
    <w:p><w:r><w:t>2021 年第 15 期（总第 460 期）</w:t></w:r></w:p>
  </w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
</mc:AlternateContent></w:r></w:p>"""


def test_docx_text_boxes_are_read_once():
    from lxml import etree

    document = docx.Document()
    document.element.body.insert(0, etree.fromstring(TEXT_BOX))
    document.add_paragraph("2021 年 4 月 26 日")
    paragraph = document.add_paragraph("标题")
    paragraph.add_run().add_break()
    paragraph.add_run("正文。")
    text = read_brief_text(_docx_bytes(document), "textbox.docx")
    assert text.split("\n") == [
        "产业创新动态",
        "2021 年第 15 期（总第 460 期）",
        "",
        "2021 年 4 月 26 日",
        "标题",
        "正文。",
    ]


# --- refusals -----------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with_abbreviated_filter(pdf: bytes) -> bytes:
    """The PDF with its page's content stream ASCII-hex encoded under the abbreviated filter
    name /AHx, which the PDF standard allows only in inline images."""
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    page = writer.pages[0]
    stream = StreamObject()
    stream.set_data(page["/Contents"].get_object().get_data().hex().encode() + b">")
    stream[NameObject("/Filter")] = NameObject("/AHx")
    page[NameObject("/Contents")] = writer._add_object(stream)  # noqa: SLF001
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _bzip2_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_docx_is_read_from_its_body_alone():
    """Only word/document.xml is inflated and parsed: a lying image beside it is never read."""
    text = read_brief_text(lying_docx(64 * 2**20, part="docProps/app.xml"), "lying-app.docx")
    assert "产业创新动态" in text


def _encrypted(pdf: bytes, password: str) -> bytes:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_encrypted_without_a_user_password_is_read():
    assert (
        read_brief_text(_encrypted(make_pdf([["产业创新动态"]]), ""), "open.pdf").strip()
        == "产业创新动态"
    )


def test_pdf_extraction_stops_at_the_deadline(monkeypatch):
    # The deadline is checked between pages; a negative budget trips it at once.
    monkeypatch.setattr("loaders.text.pdf_text.PDF_EXTRACT_SECONDS", -1.0)
    with pytest.raises(
        BriefReadError, match=r"slow.pdf: 读取 PDF 文字超过 .* 秒（停在第 1 页，共 2 页）"
    ):
        read_brief_text(make_pdf([["第一页"], ["第二页"]]), "slow.pdf")


def _zip_bomb() -> bytes:
    # 60 MB of zeros deflate to about 60 KB: over the per-member cap and 1000:1.
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(60 * 1024 * 1024)})


def _ratio_bomb() -> bytes:
    # Small enough for the size caps, but compressed far beyond any real document.
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(8 * 1024 * 1024)})


GENERATED = {
    "zip-bomb.docx": _zip_bomb,
    "ratio-bomb.docx": _ratio_bomb,
    "spreadsheet.docx": lambda: _zip({"xl/workbook.xml": b"<workbook/>"}),
    "broken-word.docx": lambda: _zip({"word/document.xml": b"<not-closed"}),
    "scanned.pdf": lambda: make_pdf([[], []]),
    "too-many-pages.pdf": lambda: make_pdf([["页"]] * 201),
    "too-large.txt": lambda: "产业创新动态".encode() * (MAX_UPLOAD_BYTES // 18 + 1),
    "locked.pdf": lambda: _encrypted(make_pdf([["产业创新动态"]]), "secret"),
    # A text brief is a few dozen KB: far below the 20 MB a PDF with images may take.
    "too-large-text.txt": lambda: "产业创新动态。\n".encode() * (MAX_TEXT_BYTES // 22 + 1),
    "too-large-document.docx": lambda: _zip(
        {"word/document.xml": b"<w:document>" + b" " * MAX_DOCX_XML_BYTES + b"</w:document>"}
    ),
    # Its body declares 1 KB and inflates to 64 MB (the CLI's memory is measured on 1 GiB in
    # test_input_bounds.py); zipfile's read() inflated all of it before checking.
    "lying-size.docx": lambda: lying_docx(64 * 2**20),
    # bzip2 is inflated a whole chunk at a time (4 KB can be gigabytes): never read.
    "bzip2.docx": lambda: _bzip2_zip({"word/document.xml": b"<w:document/>"}),
    # pypdf's own words for these were about pypdf ("deprecated … removed in pypdf 7.0.0").
    "abbreviated-filter.pdf": lambda: _with_abbreviated_filter(make_pdf([["产业创新动态"]])),
    "truncated.pdf": lambda: make_pdf([["产业创新动态"], ["第二页"]])[:600],
    # A stream declaring more bytes than the file holds: pypdf lost the document's Root and
    # the message was 结构无法解析（pypdf PdfReadError）, the library's name and class.
    "lying-stream-length.pdf": lambda: re.sub(
        rb"/Length \d+", b"/Length 99999999", make_pdf([["产业创新动态"]]), count=1
    ),
}

REFUSALS = [
    ("empty.txt", "空文件"),
    ("blank.txt", "空文件"),
    ("binary-renamed.pdf", "文件名是 .pdf，内容却不是 PDF"),
    ("corrupt.pdf", "PDF 已损坏"),
    ("latin1.txt", "无法按 UTF-8、GB18030/GBK 或 UTF-16 解码"),
    ("random-bytes.txt", "无法按 UTF-8、GB18030/GBK 或 UTF-16 解码"),
    ("mojibake.txt", "用错了编码"),
    ("old-word.doc", "旧版二进制 Word（.doc）"),
    ("zip-bomb.docx", "疑似 zip 炸弹"),
    ("ratio-bomb.docx", "疑似 zip 炸弹"),
    ("spreadsheet.docx", "不是 Word 文档"),
    ("broken-word.docx", "Word 文档已损坏"),
    ("scanned.pdf", "没有文字层"),
    ("too-many-pages.pdf", "PDF 有 201 页"),
    ("too-large.txt", "文件过大"),
    ("locked.pdf", "密码保护"),
    ("scan.png", "这是PNG 图片"),
    ("brief.rtf", "这是RTF 文档"),
    ("text-named.pdf", "文件名是 .pdf，内容却不是 PDF：是文本文件"),
    ("too-large-text.txt", "文本简报最多 2 MB"),
    ("too-large-document.docx", "word/document.xml"),
    ("lying-size.docx", "word/document.xml 解压出的数据与 zip 目录所记不符"),
    ("bzip2.docx", "用 bzip2 压缩"),
    ("abbreviated-filter.pdf", "PDF 第 1 页无法读取：内容流的压缩方式写作简写名 /AHx"),
    ("truncated.pdf", "文件不完整"),
    ("lying-stream-length.pdf", "PDF 已损坏，无法打开：找不到文档目录（Root 对象）"),
    ("shift-jis-short.txt", "无法按 UTF-8、GB18030/GBK 或 UTF-16 解码"),
]


@pytest.mark.parametrize(("name", "problem"), REFUSALS, ids=[name for name, _ in REFUSALS])
def test_unreadable_files_are_refused_with_a_clear_message(name, problem):
    data = GENERATED[name]() if name in GENERATED else (READ / name).read_bytes()
    with pytest.raises(BriefReadError) as info:
        read_brief_text(data, name)
    message = str(info.value)
    assert message.startswith(f"{name}: ")
    assert problem in message
    assert info.value.source == name
    # The reason in our words: never a library's text about itself.
    assert not re.search(r"pypdf|deprecated|Error:", message), message


def test_every_committed_failure_fixture_is_exercised():
    committed = {p.name for p in READ.iterdir()} - {"pdf-dump.txt"}
    assert committed <= {name for name, _ in REFUSALS}


def test_type_is_decided_by_content_not_name():
    text = BRIEF_29.read_text(encoding="utf-8")
    assert "产业创新动态" in read_brief_text(pdf_of(text), "brief.txt")
    assert "产业创新动态" in read_brief_text(docx_of(text), "brief.bin")


def reportlab_pdf_of(text: str) -> bytes:
    """The brief typeset by a real layout engine with a built-in Chinese CID font.

    reportlab wraps paragraphs at the page width, indents first lines, adds a
    running header and page numbers: the PDF a real issue resembles.
    """
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle(
        "body", fontName="STSong-Light", fontSize=12, leading=18, wordWrap="CJK", firstLineIndent=24
    )
    heading = ParagraphStyle(
        "heading", parent=body, fontSize=16, leading=22, alignment=1, firstLineIndent=0
    )

    def furniture(canvas, document):
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(72, 800, "产业创新动态")
        canvas.drawCentredString(297, 30, f"- {document.page} -")

    buffer = io.BytesIO()
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    story = [Paragraph(line, heading if len(line) < 40 else body) for line in lines]
    SimpleDocTemplate(buffer, pagesize=A4).build(
        story, onFirstPage=furniture, onLaterPages=furniture
    )
    return buffer.getvalue()


@pytest.mark.parametrize("brief", [BRIEF_15, BRIEF_29], ids=["2021-15", "2021-29"])
def test_typeset_pdf_reads_like_the_text(brief):
    text = brief.read_text(encoding="utf-8")
    from_pdf = read_brief_text(reportlab_pdf_of(text), brief.stem + ".pdf")
    # Running header and page number come before the masthead on page 1.
    assert from_pdf.startswith("产业创新动态\n- 1 -\n")
    assert _structure_of(from_pdf) == _structure_of(text)
    assert re.sub(r"\s", "", clean_text(from_pdf)) == re.sub(r"\s", "", clean_text(text))


def _pdf_dump(text: str, seed: int) -> str:
    """What pypdf might give for a random layout: width, page length, running header,
    page-number style, and now and then a page whose glyphs come spaced apart."""
    rng = random.Random(seed)
    width, per_page = rng.randint(16, 60), rng.randint(10, 45)
    number = rng.choice(["- {} -", "第 {} 页", "{}", "— {} —", "{}/9"])
    running = rng.choice(
        ["产业创新动态", "产业创新动态 2021年第15期", "", "中国科学技术发展战略研究院"]
    )
    body = [
        line
        for paragraph in text.split("\n")
        if paragraph.strip()
        for line in wrap(paragraph.strip(), width)
    ]
    pages = []
    for n, start in enumerate(range(0, len(body), per_page), start=1):
        lines = body[start : start + per_page]
        if rng.random() < 0.3:
            lines = [" ".join(line) if rng.random() < 0.2 else line for line in lines]
        head = [running] if running and n > 1 else []
        pages.append("\n".join(head + lines + [number.format(n)]))
    return "\n".join(pages)


@pytest.mark.parametrize("seed", range(15))
@pytest.mark.parametrize("brief", [BRIEF_15, BRIEF_29], ids=["2021-15", "2021-29"])
def test_random_pdf_layouts_clean_to_the_same_issue(brief, seed):
    text = brief.read_text(encoding="utf-8")
    dump = _pdf_dump(text, seed)
    assert _structure_of(dump) == _structure_of(text)
    assert re.sub(r"\s", "", clean_text(dump)) == re.sub(r"\s", "", clean_text(text))


def test_short_japanese_text_is_not_taken_for_chinese():
    """Every Shift-JIS byte sequence is valid GB18030: decoded so, it is a string of rare
    Chinese characters. Short text too must be refused, and the reason say why."""
    with pytest.raises(ValueError, match="用错了编码"):
        decode_text("産業革新動向\n2021年第15期\n".encode("shift_jis"))
    with pytest.raises(ValueError, match="Shift-JIS 编码的日文"):
        decode_text("物流の総額は75兆円です".encode("shift_jis"))
    with pytest.raises(ValueError, match="Shift-JIS 编码的日文"):
        decode_text("テスト".encode("shift_jis"))
    # Short Chinese text, with one rare character (a name), still reads.
    assert decode_text("产业创新动态 王罗汉 堃".encode("gbk")) == "产业创新动态 王罗汉 堃"


def test_a_text_file_named_docx_says_it_is_text():
    with pytest.raises(BriefReadError, match="文件名是 .docx，内容却不是 Word 文档：是文本文件"):
        read_brief_text(BRIEF_29.read_bytes(), "brief.docx")


def test_text_beyond_any_brief_is_refused_whatever_the_format(monkeypatch):
    monkeypatch.setattr("loaders.text.reading.MAX_TEXT_CHARS", 10)
    with pytest.raises(BriefReadError, match="个字符；一期简报最多 10 个"):
        read_brief_text(make_pdf([["产业创新动态，第十五期，二〇二一年"]]), "long.pdf")


def test_reading_a_brief_holds_a_few_times_its_size_in_memory():
    """Memory per upload is bounded by the text's size: no list of every character (a
    19 MB text once cost 800 MB). Measured with tracemalloc: allocations, not time."""
    import tracemalloc

    from loaders.services.review import read_upload
    from tests.support.builders import CATALOG

    head, _, _ = BRIEF_29.read_text(encoding="utf-8").partition("前三季度物流运行稳中有进")
    line = (
        "中国物流与采购联合会日前发布数据显示，全国社会物流需求规模稳步增长，行业运行保持平稳。\n"
    )
    body = line * (256 * 1024 // len(line.encode()))
    data = (head + "前三季度物流运行稳中有进\n" + body + "（产业所 王罗汉 整理）\n").encode()
    tracemalloc.start()
    try:
        extraction = read_upload(data, "long.txt", CATALOG)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(extraction.articles[0].text) > 80_000
    assert peak < 12 * len(data), f"peak {peak / 2**20:.1f} MB for {len(data) / 2**20:.2f} MB"
