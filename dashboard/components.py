"""Streamlit pieces shared by pages: widgets only; what they do is decided in loaders.services."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import data
from dashboard.auth import current_actor, current_role
from dashboard.highlight import CITED_ID
from dashboard.markup import hide_server_paths, plain_markdown
from dashboard.upload_guard import UploadGuard
from loaders.guards.csv_safety import csv_bytes
from loaders.services import StoreError
from loaders.services.ingest import retract
from loaders.services.reports import MEDIA_TYPE as WORKBOOK_MEDIA_TYPE
from loaders.services.reports import table_workbook

_FLASH_KEY = "issue_admin_flash"


@st.cache_resource(show_spinner=False)
def _upload_guard() -> UploadGuard | None:
    """One guard per server process; None where no Streamlit server runs (AppTest)."""
    if not runtime.exists():
        return None
    instance = runtime.get_instance()
    return UploadGuard(instance.uploaded_file_mgr, instance)


def guard_uploads(role: str) -> None:
    """Tell the upload guard (dashboard.upload_guard) what this session may do."""
    guard = _upload_guard()
    ctx = get_script_run_ctx()
    if guard is not None and ctx is not None:
        guard.note(ctx.session_id, role)


def show_error(message: str) -> None:
    """An error a user caused or can act on, as text: no markup, no server path."""
    st.error(plain_markdown(hide_server_paths(message)))


def csv_download(
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    file_name: str,
    key: str,
    title: str | None = None,
) -> None:
    """The table as our CSV (loaders.guards.csv_safety: BOM, formula cells escaped) and as Excel
    (loaders.services.reports: numbers as numbers, a 说明 sheet). The grids' own download is
    switched off (client.disableDataExport): it writes cells raw.

    The buttons keep what they are given for as long as the session lives: pass a function
    that builds the table from the cached reads for tables that grow with the archive (the
    issue list, the audit log), a frame only for small ones."""
    build = table if callable(table) else lambda: table
    stem = file_name.removesuffix(".csv")
    with st.container(horizontal=True):
        st.download_button(
            "下载 CSV",
            # Built on the click, not on every run of the page.
            lambda: csv_bytes(build()),
            file_name=file_name,
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
            key=key,
        )
        st.download_button(
            "下载 Excel",
            lambda: table_workbook(build(), title or stem),
            file_name=f"{stem}.xlsx",
            mime=WORKBOOK_MEDIA_TYPE,
            on_click="ignore",
            icon=":material/table_view:",
            key=f"{key}_xlsx",
        )


def render_issue_admin(issue_key: str | None) -> None:
    """Editors only: retract this issue (after a confirmation) and read the audit log."""
    if current_role() != "editor":
        return
    flash = st.session_state.pop(_FLASH_KEY, None)
    if flash:
        st.success(flash)
    with st.expander("管理：撤回本期 / 审计日志", expanded=False):
        if issue_key:
            confirm = st.checkbox(
                f"我确认撤回 {issue_key}：删除本期及其全部数据（不可恢复）",
                key=f"retract_confirm_{issue_key}",
            )
            if st.button(
                "撤回本期", disabled=not confirm, key=f"retract_{issue_key}", type="primary"
            ):
                # The role is read again at the moment of writing, not trusted from render time.
                try:
                    retracted = retract(
                        data.get_store(), issue_key, role=current_role(), actor=current_actor()
                    )
                except (StoreError, PermissionError) as exc:
                    show_error(str(exc))
                else:
                    if retracted:
                        # Rerun so the page no longer lists the issue; the message survives it.
                        st.session_state[_FLASH_KEY] = f"已撤回 {issue_key}"
                        st.rerun()
                    st.warning(f"{plain_markdown(issue_key)} 不存在（可能已被撤回）")
        st.markdown("**审计日志**")
        st.dataframe(_audit_table(), hide_index=True)
        csv_download(_audit_table, "audit_log.csv", key="audit_log_csv")


def _audit_table() -> pd.DataFrame:
    return data.audit_log().rename(
        columns={
            "at": "时间 (UTC)",
            "action": "操作",
            "actor": "操作人",
            "issue_key": "期号",
            "sha256": "文件哈希",
            "detail": "详情",
        }
    )


# Scrolls the page to the cited sentence (dashboard.highlight.CITED_ID) once it is drawn:
# the component's frame is the page's own origin, so it may reach the page.
_SCROLL_TO_CITED = """<script>
let tries = 0;
const find = () => {
  const mark = window.parent.document.getElementById("%s");
  if (mark) { mark.scrollIntoView({block: "center"}); }
  else if (tries++ < 40) { setTimeout(find, 150); }
};
find();
</script>"""


def scroll_to_cited() -> None:
    """Bring the sentence a citation's link names into view."""
    components.html(_SCROLL_TO_CITED % CITED_ID, height=0)
