"""The one guard for ZIP-based files (DOCX, XLSX): refuse a broken archive, a file of another
kind, and a "zip bomb" (small compressed parts that inflate to gigabytes), before any parser
opens it. Each kind of file has its own limits; the check and its messages are shared.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

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
        "a ZIP archive but not a Word document (no word/document.xml); Excel and other "
        "files cannot be read"
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


def check_archive(data: bytes, limits: ArchiveLimits) -> list[zipfile.ZipInfo]:
    """The archive's members when it is a sound file of limits.kind; ArchiveError otherwise.
    Only the central directory is read: nothing is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveError(
            f"zip 损坏，无法打开 (damaged ZIP/{limits.kind} archive, cannot be opened: {exc})"
        ) from exc
    if limits.required_member is not None and limits.required_member not in {
        member.filename for member in members
    }:
        raise ArchiveError(limits.wrong_kind_message)
    if len(members) > limits.max_members:
        raise ArchiveError(
            f"{limits.kind} 含 {len(members)} 个部件，上限 {limits.max_members} "
            f"(the {limits.kind} holds {len(members)} parts; at most {limits.max_members})"
        )
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        too_big = member.file_size > limits.max_member_bytes
        too_packed = member.file_size > limits.ratio_check_min_bytes and ratio > limits.max_ratio
        if too_big or too_packed or total > limits.max_total_bytes:
            raise ArchiveError(
                f"{limits.kind} 部件 {member.filename} 解压后 {member.file_size / MB:.0f} MB"
                f"（压缩比 {ratio:.0f}:1；上限 {limits.max_member_bytes // MB} MB、"
                f"{limits.max_ratio:.0f}:1），疑似 zip 炸弹，已拒绝 (possible zip bomb)"
            )
    return members
