"""The one guard for ZIP-based files (DOCX, XLSX, zips of briefs): refuse a broken archive, a
file of another kind, and a "zip bomb" (small compressed parts that inflate to gigabytes),
before any parser opens it. Each kind of file has its own limits; the check and its messages
are shared.

The central directory is checked first (open_archive); every member is then read through one
bounded stream (Archive.read), never through zipfile's read(), which inflates a whole member
before it notices the member is larger than it declared (a 1 MB DOCX asked for 2.2 GB).
Parsers are given only bytes read here: python-docx the document part, openpyxl a repacked,
uncompressed copy (Archive.repacked).
"""

from __future__ import annotations

import copy
import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


class ArchiveError(ValueError):
    """An archive refused; str() is the reason, to be prefixed with the file's name."""


@dataclass(frozen=True)
class ArchiveLimits:
    kind: str  # as named in messages: "DOCX", "XLSX", "ZIP"
    required_member: str | None  # the part every file of this kind has (None: any zip)
    wrong_kind_message: str  # when that part is missing
    max_members: int
    max_member_bytes: int
    max_total_bytes: int
    # XML compresses about 10:1 and rarely beyond 100:1; 200:1 on a part larger than 1 MB
    # is the signature of a bomb, not of a document.
    max_ratio: float = 200
    ratio_check_min_bytes: int = 1 * MB


# An issue as DOCX holds well under 5 MB uncompressed, images included.
DOCX_LIMITS = ArchiveLimits(
    kind="DOCX",
    required_member="word/document.xml",
    wrong_kind_message=(
        "是 ZIP 压缩包，但不是 Word 文档（缺少 word/document.xml）；Excel 等其他文件无法读取"
    ),
    max_members=1000,
    max_member_bytes=50 * MB,
    max_total_bytes=100 * MB,
)
# A figures table is at most a few thousand rows: its sheet XML stays in single megabytes.
XLSX_LIMITS = ArchiveLimits(
    kind="XLSX",
    required_member="xl/workbook.xml",
    wrong_kind_message="不是 Excel 工作簿（缺少 xl/workbook.xml）",
    max_members=200,
    max_member_bytes=25 * MB,
    max_total_bytes=50 * MB,
)


# Office files and zip tools use these two; both inflate a chunk at a time. bzip2 and LZMA
# members are refused: zipfile inflates a whole compressed chunk of theirs at once (4 KB of
# bzip2 can be gigabytes), so no read of theirs is bounded.
_BOUNDED_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
_METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "Deflate64"}
# What a bounded read asks zipfile for at a time: zipfile inflates at most this much (its
# read(-1) inflates the whole member in one go, whatever the member declares).
READ_CHUNK = 64 * 1024


class Archive:
    """A checked archive (see open_archive). Its members are read only through read() and
    head(): a bounded stream that never gives more than a member declares in the central
    directory, and refuses a member whose content does not match what it declares (the
    "lying" member whose declared size is small and whose data inflates to gigabytes)."""

    def __init__(
        self, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], limits: ArchiveLimits
    ):
        self._archive = archive
        self.members = members
        self.limits = limits
        self._by_name = {member.filename: member for member in members}

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._archive.close()

    def member(self, name: str) -> zipfile.ZipInfo | None:
        return self._by_name.get(name)

    def files(self) -> list[zipfile.ZipInfo]:
        return [member for member in self.members if not member.is_dir()]

    def read(self, member: str | zipfile.ZipInfo) -> bytes:
        """The whole member, read through the bounded stream; ArchiveError when its content
        does not match its declared size and checksum (damaged, or lying about its size)."""
        return self._read(self._info(member), None)

    def head(self, member: str | zipfile.ZipInfo, size: int) -> bytes:
        """The first `size` bytes of a member (its checksum is not checked: the rest is not
        read)."""
        return self._read(self._info(member), size)

    def repacked(self) -> bytes:
        """A copy of the archive whose members were all read here, within the caps, and are
        stored uncompressed: what a parser that reads members its own way (openpyxl) is
        given, so it inflates nothing."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as copy:
            for member in self.files():
                copy.writestr(member.filename, self.read(member))
        return buffer.getvalue()

    def _info(self, member: str | zipfile.ZipInfo) -> zipfile.ZipInfo:
        if isinstance(member, zipfile.ZipInfo):
            return member
        found = self._by_name.get(member)
        if found is None:
            raise ArchiveError(f"{self.limits.kind} 中没有部件 {member}")
        return found

    def _read(self, member: zipfile.ZipInfo, head: int | None) -> bytes:
        kind, name = self.limits.kind, member.filename
        declared = member.file_size
        if head is None:
            # zipfile stops inflating at the size a member declares, and only checks the data
            # when it gets there: asked for one byte more, it tells a member with more data
            # than it declares (a lie, even with a checksum made to match) from an honest one.
            member = copy.copy(member)
            member.file_size = declared + 1
            wanted = declared + 1
        else:
            wanted = min(head, declared)
        chunks: list[bytes] = []
        got = 0
        try:
            with self._archive.open(member) as stream:
                while got < wanted:
                    chunk = stream.read(min(READ_CHUNK, wanted - got))
                    if not chunk:
                        break
                    got += len(chunk)
                    chunks.append(chunk)
        except zipfile.BadZipFile as exc:
            if "CRC" in str(exc):
                raise ArchiveError(_lying(kind, name, declared)) from exc
            raise ArchiveError(_damaged(kind, name, exc)) from exc
        except (OSError, EOFError, ValueError, zlib.error) as exc:
            raise ArchiveError(_damaged(kind, name, exc)) from exc
        except RuntimeError as exc:  # an encrypted member
            raise ArchiveError(f"{kind} 部件 {name} 已加密，无法读取") from exc
        if head is None and got > declared:
            raise ArchiveError(_lying(kind, name, declared))
        if got < min(wanted, declared):
            raise ArchiveError(_damaged(kind, name, f"{got} of {declared} bytes"))
        return b"".join(chunks)


def _lying(kind: str, name: str, declared: int) -> str:
    return (
        f"{kind} 部件 {name} 解压出的数据与 zip 目录所记不符（声明解压后 {declared:,} 字节）："
        "文件已损坏，或是谎报大小的 zip 炸弹，已拒绝"
    )


def _damaged(kind: str, name: str, problem: object) -> str:
    return f"{kind} 部件 {name} 已损坏，无法解压（{problem}）"


def open_archive(source: bytes | str | Path, limits: ArchiveLimits) -> Archive:
    """The archive (bytes, or a file on disk, which is then not read whole) once it is a
    sound file of limits.kind: its central directory within the caps, every member
    compressed in a way that can be read a chunk at a time; ArchiveError otherwise. Only the
    central directory is read here: nothing is inflated until a member is read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ArchiveError(f"zip 损坏，无法打开（{limits.kind}：{exc}）") from exc
    try:
        members = _checked_members(archive.infolist(), limits)
    except ArchiveError:
        archive.close()
        raise
    return Archive(archive, members, limits)


def check_archive(data: bytes, limits: ArchiveLimits) -> list[zipfile.ZipInfo]:
    """The archive's members when it is a sound file of limits.kind; ArchiveError otherwise.
    Only the central directory is read: nothing is inflated."""
    with open_archive(data, limits) as archive:
        return archive.members


def _checked_members(
    members: list[zipfile.ZipInfo], limits: ArchiveLimits
) -> list[zipfile.ZipInfo]:
    if limits.required_member is not None and limits.required_member not in {
        member.filename for member in members
    }:
        raise ArchiveError(limits.wrong_kind_message)
    if len(members) > limits.max_members:
        raise ArchiveError(f"{limits.kind} 含 {len(members)} 个部件，上限 {limits.max_members} 个")
    total = 0
    for member in members:
        if member.compress_type not in _BOUNDED_METHODS and not member.is_dir():
            method = _METHOD_NAMES.get(member.compress_type, f"#{member.compress_type}")
            raise ArchiveError(
                f"{limits.kind} 部件 {member.filename} 用 {method} 压缩，无法安全解压；"
                "请用普通 zip（deflate）重新打包"
            )
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        too_big = member.file_size > limits.max_member_bytes
        too_packed = member.file_size > limits.ratio_check_min_bytes and ratio > limits.max_ratio
        if too_big or too_packed or total > limits.max_total_bytes:
            raise ArchiveError(
                f"{limits.kind} 部件 {member.filename} 解压后 {member.file_size / MB:.0f} MB"
                f"（压缩比 {ratio:.0f}:1；上限 {limits.max_member_bytes // MB} MB、"
                f"{limits.max_ratio:.0f}:1），疑似 zip 炸弹，已拒绝"
            )
    return members
