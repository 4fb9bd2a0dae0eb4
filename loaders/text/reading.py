"""Turn the bytes of an uploaded brief into text: TXT/MD, PDF or DOCX.

The type is decided by the content, not the name: `%PDF-` starts a PDF, a ZIP
archive holding `word/document.xml` is a DOCX, anything else must decode as
text. Text is decoded strictly (a byte-order mark first, then UTF-8, then
GB18030, which covers GBK and GB2312) and the result must look like Chinese or
English prose; nothing is ever decoded "with replacement" into mojibake.
Every refusal is a BriefReadError whose message names the file and the problem.

The caps below protect the upload page: a brief is a few pages, so anything
far bigger is a mistake or an attack, and is refused before it can use up
memory or time.
"""

from __future__ import annotations

import io
import logging
import os
import re
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from loaders.errors import BriefReadError
from loaders.guards.archive import DOCX_LIMITS, Archive, ArchiveError, open_archive

# A PDF of one issue is well under 2 MB; 20 MB leaves room for scans with a
# text layer and still bounds the memory one upload can take.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# An issue's text is a few dozen KB. A text file is held, decoded and cleaned in memory a few
# times over: it may take 2 MB, not the 20 MB a PDF with its fonts and images may.
MAX_TEXT_BYTES = 2 * 1024 * 1024
# The same bound on the text a PDF or DOCX yields (a million characters: fifty long issues).
MAX_TEXT_CHARS = 1_000_000
# The body of a DOCX (word/document.xml) is parsed into an XML tree about ten times its size;
# an issue's is well under 1 MB.
MAX_DOCX_XML_BYTES = 10 * 1024 * 1024
# An issue has 4 to 20 pages; a 200-page PDF is not a brief, and pypdf, pure
# Python, would take minutes on it.
MAX_PDF_PAGES = 200
# Text extraction is checked against this deadline between pages, so a
# hostile or pathological PDF cannot hold a worker for long.
PDF_EXTRACT_SECONDS = 20.0
# Share of characters that must be ordinary prose characters (CJK, ASCII,
# common punctuation) for decoded text to be accepted as text.
MIN_PROSE_SHARE = 0.95
# Mojibake signatures: accented Latin letters in a text without any Chinese
# character, and Chinese characters wedged between Latin letters.
MAX_ACCENTED_SHARE = 0.05
MAX_WEDGED_SHARE = 0.2
# Chinese prose draws over 99 % of its characters from the common ones
# (GB2312 level 1, or Big5 level 1 for traditional text); bytes decoded with
# the wrong Chinese codec land all over the rare ranges (15-73 % in tests).
MIN_COMMON_HANZI_SHARE = 0.85
# A short text (a figures table, a header) may have one rare character, a name, and no more.
RARE_HANZI_ALLOWED = 1
# Japanese text in Shift-JIS: kana make up much of what it decodes to (Chinese GBK read as
# Shift-JIS gives half-width katakana, which are not counted).
MIN_KANA_SHARE = 0.2

# How the codecs report a multi-byte character cut off at the end of the data.
_TRUNCATED = ("unexpected end of data", "incomplete multibyte sequence")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
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

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


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
        return _bounded(_read_pdf(data, filename), filename)
    if data.startswith(_ZIP_MAGIC):
        return _bounded(_read_docx(data, filename), filename)
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


# --- text ---------------------------------------------------------------


def _is_common_hanzi(char: str) -> bool:
    """One of the frequent characters: GB2312 level 1 (simplified) or Big5 level 1 (traditional)."""
    try:
        gb = char.encode("gb2312")
        if len(gb) == 2 and 0xB0 <= gb[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        big5 = char.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(big5) == 2 and (0xA4 <= big5[0] < 0xC6 or (big5[0] == 0xC6 and big5[1] <= 0x7E))


_WEDGED_HANZI = re.compile(r"(?<=[A-Za-z])[\u4e00-\u9fff](?=[A-Za-z])")


def _prose_problem(text: str) -> str | None:
    """Why the decoded text does not look like Chinese/English prose, or None if it does.

    Works on the counts of distinct characters (a few thousand), never on a list of every
    character: a list of 6 million one-character strings cost 500 MB on a 19 MB upload.
    """
    counts = Counter(text)
    total = sum(n for c, n in counts.items() if not c.isspace())
    if not total:
        return None
    if "\ufffd" in counts:
        return "含有替换字符（\ufffd），文字在此之前已经损坏"
    bad = letters = accented = cjk = common = 0
    for c, n in counts.items():
        if c.isspace():
            continue
        code = ord(c)
        cat = unicodedata.category(c)
        if 0xC0 <= code <= 0x2FF:
            accented += n
        if 0x4E00 <= code <= 0x9FFF:
            cjk += n
            common += n if _is_common_hanzi(c) else 0
        if cat.startswith("C"):  # controls, private use, unassigned, surrogates
            bad += n
        elif 0x3400 <= code <= 0x4DBF or 0x20000 <= code:
            # Rare ideographs (Extension A and beyond) are what mojibake is made of.
            bad += n
        elif (
            c.isascii()
            or 0x4E00 <= code <= 0x9FFF
            or 0x3000 <= code <= 0x303F
            or 0xFF00 <= code <= 0xFFEF
        ):
            letters += n if c.isalnum() else 0
        elif cat[0] in "PSN" or cat == "Lm" or 0x80 <= code <= 0x24F:
            pass  # punctuation, symbols, Latin with accents: prose, but not evidence of it
        else:
            bad += n
    share = 1 - bad / total
    if share < MIN_PROSE_SHARE:
        return f"只有 {share:.0%} 的字符是正常的中文或英文"
    if letters == 0:
        return "没有汉字、字母或数字"
    if not cjk and accented > MAX_ACCENTED_SHARE * total:
        # "äº§ä¸šåˆ›æ–°" is UTF-8 Chinese read as Latin-1/cp1252 somewhere upstream.
        return "像是按西文编码解码的中文（出现 ä、å、æ …而不是汉字）"
    if cjk:
        # Short text too: every Shift-JIS byte sequence is also valid GB18030, and decodes to
        # rare characters. One rare character (a name) is allowed in a short text.
        if cjk - common > max(RARE_HANZI_ALLOWED, (1 - MIN_COMMON_HANZI_SHARE) * cjk):
            return f"汉字中只有 {common / cjk:.0%} 是常用字，像是用错了编码"
        # Latin-1 bytes read as GB18030 give single characters wedged between
        # Latin letters ("r閟um閟"); Chinese prose almost never does that.
        wedged = sum(1 for _ in _WEDGED_HANZI.finditer(text))
        if wedged > MAX_WEDGED_SHARE * cjk:
            return "汉字夹在拉丁字母之间，像是用错了编码"
    return None


def _looks_like_text(data: bytes) -> bool:
    try:
        decode_text(data)
    except ValueError:
        return False
    return True


def _looks_japanese(data: bytes) -> bool:
    """The bytes are Shift-JIS text with kana in it: Japanese, whatever GB18030 makes of it."""
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        return False
    wide = [c for c in text if ord(c) > 0x7F]
    kana = sum(1 for c in wide if 0x3040 <= ord(c) <= 0x30FF)
    return bool(wide) and kana >= MIN_KANA_SHARE * len(wide)


def decode_text(data: bytes) -> str:
    """Strictly decoded text; ValueError saying why when no encoding gives sensible text."""
    candidates: list[tuple[str, bytes]]
    if data.startswith(_UTF8_BOM):
        candidates = [("UTF-8", data[len(_UTF8_BOM) :])]
        codecs = {"UTF-8": "utf-8"}
    elif data.startswith(_UTF32_BOMS):
        candidates, codecs = [("UTF-32", data)], {"UTF-32": "utf-32"}
    elif data.startswith(_UTF16_BOMS):
        candidates, codecs = [("UTF-16", data)], {"UTF-16": "utf-16"}
    else:
        candidates = [("UTF-8", data), ("GB18030", data)]
        codecs = {"UTF-8": "utf-8", "GB18030": "gb18030"}
        # UTF-16 without a byte-order mark: every other byte of ASCII-range text is zero.
        if data.count(b"\x00") > len(data) // 4:
            candidates = [("UTF-16-LE", data), ("UTF-16-BE", data)]
            codecs = {"UTF-16-LE": "utf-16-le", "UTF-16-BE": "utf-16-be"}
    problems = []
    for name, payload in candidates:
        try:
            text = payload.decode(codecs[name], errors="strict")
        except UnicodeDecodeError as exc:
            # A file cut off inside its last character (an interrupted copy)
            # is still that encoding: drop the incomplete tail, nothing else.
            if exc.reason in _TRUNCATED and exc.start >= len(payload) - 3:
                try:
                    text = payload[: exc.start].decode(codecs[name], errors="strict")
                except UnicodeDecodeError:
                    problems.append(f"不是有效的 {name}")
                    continue
            else:
                problems.append(f"不是有效的 {name}")
                continue
        if name == "GB18030" and _looks_japanese(payload):
            # Checked before the prose test, which a short Japanese text can pass.
            problem = "像是 Shift-JIS 编码的日文，不是中文"
        else:
            problem = _prose_problem(text)
        if problem is None:
            return text.lstrip("\ufeff")
        problems.append(f"按 {name} 解码，{problem}")
    if len(candidates) == 1:
        raise ValueError(
            f"无法解码文字：有 {candidates[0][0]} 字节顺序标记（BOM），但{problems[0]}"
        )
    raise ValueError(
        "无法按 UTF-8、GB18030/GBK 或 UTF-16 解码文字（"
        + "；".join(problems)
        + "）；请另存为 UTF-8 文本、PDF 或 DOCX"
    )


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


# --- PDF ------------------------------------------------------------------


# pypdf's own warnings (warnings.warn, as its logged ones below) are for its programmers: a
# brief's reader hears of a problem once, in our words. One process-wide filter, set here:
# catch_warnings() is not safe in the dashboard's threads.
warnings.filterwarnings("ignore", module=r"pypdf(\.|$)")


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs every repair it makes ("EOF marker not found"); the user gets
    our one clear message instead."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _read_pdf(data: bytes, filename: str) -> str:
    with _quiet_pypdf():
        return _extract_pdf(data, filename)


# pypdf's words for what is wrong with a file, in ours. Its own text is about pypdf (its
# versions, its API: "The filter name /AHx is deprecated and has been removed in pypdf
# 7.0.0"), not about the brief, and is never shown as it is.
_PDF_PROBLEMS = (
    ("startxref not found", "找不到交叉引用表（startxref），文件不完整或不是 PDF"),
    ("EOF marker not found", "缺少文件结尾标记 %%EOF，文件不完整"),
    ("Stream has ended unexpectedly", "数据在中途结束，文件不完整（下载或复制被中断？）"),
    ("Unexpected end of stream", "数据在中途结束，文件不完整（下载或复制被中断？）"),
    ("is deprecated", "用了 PDF 规范不允许的写法（如内容流的压缩方式用了简写名）"),
    ("Could not read", "有无法解析的对象"),
    ("not been decrypted", "已加密，无法解密"),
    ("limit", "某个数据流或映射表超出读取上限（疑似构造的炸弹文件）"),
    ("cycle", "页面目录自相引用（循环）"),
    ("Invalid Elementary Object", "有无法解析的对象"),
    ("Cannot find Root object", "找不到文档目录（Root 对象），文件已损坏"),
    ("xref", "交叉引用表（xref）有误，文件已损坏"),
    ("not found", "引用的对象不存在，文件已损坏"),
)


_FILTER_NAME = re.compile(r"filter name (?P<old>/\w+) is deprecated.*?Use (?P<new>/\w+)")


def _pdf_problem(exc: BaseException) -> str:
    """What is wrong with a PDF, in our words, from the exception pypdf raised."""
    from pypdf import errors

    if isinstance(exc, RecursionError):
        return "对象嵌套过深"
    if isinstance(exc, errors.EmptyFileError):
        return "文件是空的"
    if isinstance(exc, errors.DependencyError):
        return "用了本程序无法解密的加密方式"
    if isinstance(exc, MemoryError):
        return "解开后的数据过大"
    text = str(exc)
    renamed = _FILTER_NAME.search(text)
    if renamed:
        return (
            f"内容流的压缩方式写作简写名 {renamed['old']}（PDF 规范要求 {renamed['new']}，"
            "简写只用于内嵌图片）"
        )
    for words, problem in _PDF_PROBLEMS:
        if words.lower() in text.lower():
            return problem
    if isinstance(exc, errors.LimitReachedError):
        return "某个数据流或映射表超出读取上限（疑似构造的炸弹文件）"
    if isinstance(exc, errors.DeprecationError):
        return "用了 PDF 规范不允许的写法"
    # Anything else: what pypdf raised stays in the exception chain (the log), not the message.
    return "结构无法解析"


def _extract_pdf(data: bytes, filename: str) -> str:
    from pypdf import PdfReader

    started = time.monotonic()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _refuse("PDF 有密码保护；请另存一份未加密的副本", filename)
        pages = reader.pages
        count = len(pages)
    except BriefReadError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise _refuse(f"PDF 已损坏，无法打开：{_pdf_problem(exc)}", filename) from exc
    if count == 0:
        raise _refuse("PDF 没有页面", filename)
    if count > MAX_PDF_PAGES:
        raise _refuse(f"PDF 有 {count} 页；一期简报最多 {MAX_PDF_PAGES} 页", filename)

    texts = []
    for number in range(count):
        if time.monotonic() - started > PDF_EXTRACT_SECONDS:
            raise _refuse(
                f"读取 PDF 文字超过 {PDF_EXTRACT_SECONDS:.0f} 秒"
                f"（停在第 {number + 1} 页，共 {count} 页）",
                filename,
            )
        try:
            texts.append(pages[number].extract_text() or "")
        except Exception as exc:
            raise _refuse(
                f"PDF 第 {number + 1} 页无法读取：{_pdf_problem(exc)}",
                filename,
            ) from exc
    text = "\n".join(texts)
    if not text.strip():
        raise _refuse(
            "PDF 没有文字层（扫描件？）；只能读取文字可以选中的 PDF",
            filename,
        )
    problem = _prose_problem(text)
    if problem is not None:
        raise _refuse(f"PDF 的文字无法识读：{problem}（字体缺少 Unicode 映射？）", filename)
    return text


# --- DOCX -----------------------------------------------------------------


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


def _read_docx(data: bytes, filename: str) -> str:
    """Only the document's main part is read, through the archive's bounded stream, and
    only that part is parsed (python-docx's own XML parser): images, fonts and the other
    parts are never inflated."""
    try:
        with open_archive(data, DOCX_LIMITS) as archive:
            part = _main_part(archive)
            body = archive.member(part)
            if body.file_size > MAX_DOCX_XML_BYTES:
                raise _refuse(
                    f"正文（{part}）有 {body.file_size / 1024 / 1024:.0f} MB 的 XML；"
                    f"一期简报最多 {MAX_DOCX_XML_BYTES // (1024 * 1024)} MB",
                    filename,
                )
            xml = archive.read(body)
    except ArchiveError as exc:
        raise _refuse(str(exc), filename) from exc
    import docx  # noqa: F401 - registers python-docx's element classes with its parser
    from docx.oxml.parser import parse_xml

    try:
        root = parse_xml(xml)
    except Exception as exc:  # lxml's XMLSyntaxError, a document of another encoding…
        line, column = getattr(exc, "position", None) or (None, None)
        where = f"第 {line} 行第 {column} 列" if line else ""
        raise _refuse(
            f"Word 文档已损坏：{part} {where}的 XML 无法解析（{getattr(exc, 'msg', exc)}）",
            filename,
        ) from exc
    element = root.find(f"{_W}body")
    if root.tag != f"{_W}document" or element is None:
        raise _refuse(
            f"Word 文档已损坏：{part} 中没有正文（w:document/w:body）",
            filename,
        )
    text = "\n".join(_block_lines(element))
    if not text.strip():
        raise _refuse("Word 文档中没有文字", filename)
    return text
