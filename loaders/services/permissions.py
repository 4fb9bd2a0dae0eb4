"""Who may write. Every use case that writes calls require_editor first, with the role the
caller read at the moment of writing: hiding a page or a button is not a permission check.
"""

from __future__ import annotations

from typing import Literal

Role = Literal["editor", "viewer"]


class NotAllowed(PermissionError):
    """A write refused for the caller's role; str() is the message to show."""


def may_write(role: str) -> bool:
    return role == "editor"


def require_editor(role: str) -> None:
    """Raise NotAllowed unless role is "editor"."""
    if not may_write(role):
        raise NotAllowed(f"只有编辑可以写入数据库（当前角色：{role}） Only editors may write")


def require_identity(identity: str | None) -> None:
    """Raise NotAllowed unless the caller has a login identity. The one thing a viewer
    writes is their own: a watchlist, the mark of a visit, where digests are mailed
    (loaders.services.watch); without an identity there is nobody to keep them for."""
    if not identity:
        raise NotAllowed("登录后才能关注指标 Log in to keep a watchlist")
