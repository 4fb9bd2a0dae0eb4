"""Turn the bytes of an uploaded brief into text: TXT/MD, PDF or DOCX.

The type is decided by the content, not the name: `%PDF-` starts a PDF
(loaders.text.pdf_text), a ZIP archive holding `word/document.xml` is a DOCX
(loaders.text.docx_text), anything else must decode as text (loaders.text.decoding:
strictly, and it must look like Chinese or English prose; never "with replacement"
into mojibake). Every refusal is a BriefReadError whose message names the file and
the problem.

The caps below protect the upload page: a brief is a few pages, so anything
far bigger is a mistake or an attack, and is refused before it can use up
memory or time.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from loaders.errors import BriefReadError
from loaders.text.decoding import decode_text
from loaders.text.docx_text import read_docx
from loaders.text.pdf_text import read_pdf

# A PDF of one issue is well under 2 MB; 20 MB leaves room for scans with a
# text layer and still bounds the memory one upload can take.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# An issue's text is a few dozen KB. A text file is held, decoded and cleaned in memory a few
# times over: it may take 2 MB, not the 20 MB a PDF with its fonts and images may.
MAX_TEXT_BYTES = 2 * 1024 * 1024
# The same bound on the text a PDF or DOCX yields (a million characters: fifty long issues).
MAX_TEXT_CHARS = 1_000_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"

# Formats that are recognisable but not readable as a brief.
_OTHER_FORMATS = (
    (b"\x89PNG", "PNG 图片（扫描件没有可读的文字）"),
    (b"\xff\xd8\xff", "JPEG 图片（扫描件没有可读的文字）"),
    (b"GIF8", "GIF 图片"),
    (b"II*\x00", "TIFF 图片（扫描件没有可读的文字）"),
    (b"MM\x00*", "TIFF 图片（扫描件没有可读的文字）"),
    (b"{\\rtf", "RTF 文档（请另存为 DOCX 或 PDF）"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7-Zip 压缩包"),
)

# Names that promise a binary format, and how to tell the content is not it.
_NAMED_KINDS = {
    "pdf": ("PDF", "开头不是 %PDF-"),
    "docx": ("Word 文档", "不是 ZIP 格式"),
}


def _refuse(message: str, filename: str) -> BriefReadError:
    return BriefReadError(message, source=filename)


def _suffix(filename: str) -> str:
    name = filename.lower().rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1] if "." in name else ""


def _too_large(size: int, filename: str) -> BriefReadError:
    return _refuse(
        f"文件过大（{size / 1024 / 1024:.1f} MB），上限 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
        filename,
    )


def read_capped(path: Path, limit: int = MAX_UPLOAD_BYTES, *, name: str | None = None) -> bytes:
    """A file's bytes for reading as a brief, its size checked by stat before anything is
    read (a 1 GiB text file cost 1.2 GB of memory before "too large"); and never more than
    limit + 1 bytes are read, whatever stat said (a file that grows, a pipe, /dev/zero).
    BriefReadError (naming the file as `name`, default the path) when too large."""
    shown = name or str(path)
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise _too_large(size, shown)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _refuse(f"文件过大（超过上限 {limit // (1024 * 1024)} MB）", shown)
    return data


def read_brief_text(data: bytes, filename: str) -> str:
    """The text of a brief file (TXT, MD, PDF or DOCX), refused with BriefReadError otherwise."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large(len(data), filename)
    if not data.strip():
        raise _refuse("空文件：没有可读的文字", filename)

    suffix = _suffix(filename)
    if data.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return _bounded(read_pdf(data, filename), filename)
    if data.startswith(_ZIP_MAGIC):
        return _bounded(read_docx(data, filename), filename)
    if data.startswith(_OLE_MAGIC):
        raise _refuse(
            "这是旧版二进制 Word（.doc）或 Excel 文件，无法读取；请另存为 .docx 或 PDF",
            filename,
        )
    kind = next((name for magic, name in _OTHER_FORMATS if data.startswith(magic)), None)
    if suffix in _NAMED_KINDS:
        # The name promised a PDF or a Word document and the content is something else: say
        # what it is, so the editor renames or re-exports it (text is not read as a brief
        # under a .pdf name: the name is usually right and the file damaged or mixed up).
        named, missing = _NAMED_KINDS[suffix]
        what = kind or ("文本文件" if _looks_like_text(data) else "二进制数据")
        raise _refuse(
            f"文件名是 .{suffix}，内容却不是 {named}：是{what}（{missing}）"
            + ("；要按文本读取，请改名为 .txt" if what == "文本文件" else ""),
            filename,
        )
    if kind:
        raise _refuse(f"这是{kind}，不是简报；请上传 PDF、DOCX 或文本格式的简报", filename)
    if len(data) > MAX_TEXT_BYTES:
        raise _refuse(
            f"文本简报最多 {MAX_TEXT_BYTES // (1024 * 1024)} MB，这个文件有 "
            f"{len(data) / 1024 / 1024:.1f} MB；一期简报的文字只有几十 KB",
            filename,
        )
    try:
        text = decode_text(data)
    except ValueError as exc:
        raise _refuse(str(exc), filename) from exc
    if suffix in {"md", "markdown"}:
        text = _strip_markdown(text)
    if not text.strip():
        raise _refuse("空文件：只有空白", filename)
    return text


def _bounded(text: str, filename: str) -> str:
    """The text of a PDF or DOCX, refused when longer than any brief."""
    if len(text) > MAX_TEXT_CHARS:
        raise _refuse(
            f"文字有 {len(text):,} 个字符；一期简报最多 {MAX_TEXT_CHARS:,} 个",
            filename,
        )
    return text


def _looks_like_text(data: bytes) -> bool:
    try:
        decode_text(data)
    except ValueError:
        return False
    return True


_MD_HEADING = re.compile(r"^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+(?=\S))", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_RULE = re.compile(r"^[ \t]{0,3}(?:[-*_][ \t]*){3,}$", re.MULTILINE)


# A pipe table: "| 指标 | 1—10 月 |" rows and the "|---|:---:|" line under its header.
_MD_TABLE_ROW = re.compile(r"^[ \t]{0,3}\|(?P<cells>.*)\|[ \t]*$", re.MULTILINE)
_MD_TABLE_RULE = re.compile(
    r"^[ \t]{0,3}\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*(?::?-{3,}:?)?[ \t]*$", re.MULTILINE
)


def _md_table_row(match: re.Match[str]) -> str:
    """A pipe-table row as a table row of the brief: cells apart by tabs (as DOCX rows)."""
    return "\t".join(cell.strip() or "—" for cell in match["cells"].split("|"))


def _strip_markdown(text: str) -> str:
    """Markdown marks are not part of the brief: '## 标题' → '标题', '**2021年**' → '2021年';
    a pipe table becomes rows of cells, as a DOCX table does."""
    text = _MD_TABLE_RULE.sub("", text)
    text = _MD_TABLE_ROW.sub(_md_table_row, text)
    text = _MD_RULE.sub("", text)
    text = _MD_HEADING.sub("", text)
    return _MD_EMPHASIS.sub(r"\2", text)
