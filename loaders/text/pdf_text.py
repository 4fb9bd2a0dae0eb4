"""The text layer of a PDF brief (pypdf), within a page count and a deadline; every
problem pypdf reports said in our words, naming the file."""

from __future__ import annotations

import io
import logging
import re
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from loaders.errors import BriefReadError
from loaders.text.decoding import prose_problem

# An issue has 4 to 20 pages; a 200-page PDF is not a brief, and pypdf, pure
# Python, would take minutes on it.
MAX_PDF_PAGES = 200
# Text extraction is checked against this deadline between pages, so a
# hostile or pathological PDF cannot hold a worker for long.
PDF_EXTRACT_SECONDS = 20.0

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


def read_pdf(data: bytes, filename: str) -> str:
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
            raise BriefReadError("PDF 有密码保护；请另存一份未加密的副本", source=filename)
        pages = reader.pages
        count = len(pages)
    except BriefReadError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise BriefReadError(f"PDF 已损坏，无法打开：{_pdf_problem(exc)}", source=filename) from exc
    if count == 0:
        raise BriefReadError("PDF 没有页面", source=filename)
    if count > MAX_PDF_PAGES:
        raise BriefReadError(f"PDF 有 {count} 页；一期简报最多 {MAX_PDF_PAGES} 页", source=filename)

    texts = []
    for number in range(count):
        if time.monotonic() - started > PDF_EXTRACT_SECONDS:
            raise BriefReadError(
                f"读取 PDF 文字超过 {PDF_EXTRACT_SECONDS:.0f} 秒"
                f"（停在第 {number + 1} 页，共 {count} 页）",
                source=filename,
            )
        try:
            texts.append(pages[number].extract_text() or "")
        except Exception as exc:
            raise BriefReadError(
                f"PDF 第 {number + 1} 页无法读取：{_pdf_problem(exc)}",
                source=filename,
            ) from exc
    text = "\n".join(texts)
    if not text.strip():
        raise BriefReadError(
            "PDF 没有文字层（扫描件？）；只能读取文字可以选中的 PDF",
            source=filename,
        )
    problem = prose_problem(text)
    if problem is not None:
        raise BriefReadError(
            f"PDF 的文字无法识读：{problem}（字体缺少 Unicode 映射？）", source=filename
        )
    return text
