"""Which sessions Streamlit's upload endpoint may keep files for, and how many bytes.

`PUT /_stcore/upload_file/<session>/<file>` stores a file for any live session, whether or
not that session has an uploader widget, in this process's memory until the session ends:
an anonymous viewer could park 40 x 19 MB and keep it there. Streamlit offers no setting
for it, so the app wraps the process's upload manager once (its add_file):

- a session whose last page run found it a viewer (or that never ran a page) keeps no file:
  the PUT is answered 403 and nothing is held; a session that turns viewer (logout) loses
  what it held;
- an editor session holds at most BRIEFS_UPLOAD_SESSION_MB (default 200) at a time: the PUT
  beyond is answered 413;
- file names lose control characters and bidi overrides on the way in (loaders.guards.text_safety):
  Streamlit fails the whole page on a NUL in a name.

This reaches into Streamlit's runtime (Runtime.uploaded_file_mgr and the memory manager's
add_file and file_storage): tests/test_upload_endpoint.py fails if an upgrade changes them.
What a proxy in front should add is in docs/deploy.md.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from loaders.guards.text_safety import strip_unsafe

UPLOAD_BUDGET_ENV_VAR = "BRIEFS_UPLOAD_SESSION_MB"
DEFAULT_SESSION_BUDGET_MB = 200
# Session roles remembered before the ones of ended sessions are dropped.
_PRUNE_ABOVE = 1000

logger = logging.getLogger(__name__)


def session_budget_bytes() -> int:
    """What one editor session may hold in uploads (BRIEFS_UPLOAD_SESSION_MB)."""
    raw = os.environ.get(UPLOAD_BUDGET_ENV_VAR, "")
    try:
        megabytes = float(raw) if raw.strip() else DEFAULT_SESSION_BUDGET_MB
    except ValueError:
        logger.warning("%s=%r is not a number; using %s", UPLOAD_BUDGET_ENV_VAR, raw, 200)
        megabytes = DEFAULT_SESSION_BUDGET_MB
    return int(megabytes * 1024 * 1024)


def _refusal(status: int, detail: str) -> Exception:
    """An error the upload route turns into an HTTP answer (Starlette serves it)."""
    try:
        from starlette.exceptions import HTTPException
    except ImportError:  # another server: the PUT fails all the same
        return PermissionError(detail)
    return HTTPException(status_code=status, detail=detail)


class UploadGuard:
    """Wraps one upload manager: roles per session, a byte budget per editor session."""

    def __init__(self, manager: Any, runtime: Any):
        self._manager = manager
        self._runtime = runtime
        self._roles: dict[str, str] = {}
        self._lock = threading.Lock()
        self._store_file = manager.add_file
        # An instance attribute shadows the method for every caller, the upload route too.
        manager.add_file = self.add_file

    def note(self, session_id: str, role: str) -> None:
        """The role a page run found for a session; a viewer holds no uploads."""
        with self._lock:
            self._roles[session_id] = role
            if len(self._roles) > _PRUNE_ABOVE:
                for known in list(self._roles):
                    if not self._runtime.is_active_session(known):
                        del self._roles[known]
        if role != "editor":
            self._manager.remove_session_files(session_id)

    def add_file(self, session_id: str, file: Any) -> None:
        with self._lock:
            role = self._roles.get(session_id)
        if role != "editor":
            logger.warning("upload refused: session %s is not an editor's", session_id[:8])
            raise _refusal(403, "uploads are for editors")
        held = sum(
            len(other.data)
            for other in self._manager.file_storage.get(session_id, {}).values()
            if other.file_id != file.file_id
        )
        budget = session_budget_bytes()
        if held + len(file.data) > budget:
            logger.warning("upload refused: session %s over %d bytes", session_id[:8], budget)
            raise _refusal(413, "this session holds too many uploads; remove some first")
        self._store_file(session_id, file._replace(name=strip_unsafe(file.name)))
