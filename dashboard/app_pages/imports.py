"""导入 Import: many briefs at once (files or zips), run in the background.

Thin page over loaders.services.imports: the files are staged and an import process is
started; every editor (in any dashboard process) sees each import's progress here, file by
file, and may stop or resume it. The progress refreshes on its own every two seconds.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.auth import current_actor, current_role, render_login
from dashboard.components import show_error
from dashboard.formatting import import_state_label
from dashboard.markup import plain_markdown
from loaders.guards.text_safety import strip_unsafe
from loaders.services import StoreError, imports
from loaders.services.permissions import NotAllowed

STATUS_LABELS = {
    "pending": "等待",
    "new": "新增",
    "replaced": "修订",
    "unchanged": "未变",
    "kept": "保留（编辑版本/已撤回）",
    "failed": "失败",
}

st.title("导入")
render_login()
if current_role() != "editor":
    st.warning("只有编辑可以批量导入。")
    st.stop()

st.caption(
    "一次导入多期简报：选择多个文件（.txt .md .pdf .docx）或 zip 压缩包。导入在后台进行，"
    f"离开本页不会中断；已导入的文件按内容（sha256）自动跳过。每次最多 {imports.MAX_ARCHIVE_FILES} "
    "个文件。"
)

with st.form("import_form", clear_on_submit=True):
    # No type= filter: Streamlit fails the whole page on a NUL in a filtered upload's name (a
    # forged upload) before this script runs. Each file's reading says what it is instead.
    dropped = st.file_uploader(
        "简报文件（.txt .md .pdf .docx）或 zip", accept_multiple_files=True, key="import_files"
    )
    submitted = st.form_submit_button("开始导入", type="primary")

if submitted:
    if not dropped:
        st.info("请先选择文件。")
    else:
        try:
            sources = imports.upload_sources([(f.name, f.getvalue()) for f in dropped])
            names = [strip_unsafe(f.name) for f in dropped]
            label = "、".join(names[:3]) + (" 等" if len(names) > 3 else "")
            store = data.get_store()
            job_id = imports.create_job(
                store, sources, role=current_role(), actor=current_actor(), label=label, stage=True
            )
            imports.start_runner(store, job_id, role=current_role(), actor=current_actor())
            st.success(f"已开始导入 {len(sources)} 个文件（{job_id}）。")
        except (imports.ArchiveRefused, StoreError, NotAllowed) as exc:
            show_error(str(exc))


def _job_controls(job: imports.ImportJob, state: str) -> None:
    store = data.get_store()
    if state == "running":
        if st.button("停止", key=f"stop_{job.job_id}"):
            imports.request_stop(store, job.job_id, role=current_role())
            st.rerun()
    elif state in ("stopped", "interrupted") and job.staged_dir:
        if st.button("继续", key=f"resume_{job.job_id}", type="primary"):
            imports.start_runner(store, job.job_id, role=current_role(), actor=current_actor())
            st.rerun()


@st.fragment(run_every=2)
def _progress() -> None:
    jobs = data.import_jobs()
    if not jobs:
        st.info("还没有导入记录。选择文件后点“开始导入”。")
        return
    for job in jobs:
        state = imports.job_state(job)
        with st.container(border=True):
            st.markdown(
                f"**{plain_markdown(job.label)}** · {import_state_label(state)} · "
                f"{job.created_at:%Y-%m-%d %H:%M} · {plain_markdown(job.actor)}"
            )
            counted = f"{job.done}/{job.total} 个文件" + (
                f"，失败 {job.failed} 个" if job.failed else ""
            )
            if state == "done":
                # A finished import is a result, not progress: the bar is drawn in the theme's
                # red, which read as an error on an import where every file went in.
                if job.failed:
                    st.warning(f"已完成：{counted}（原因见“逐个文件”）", icon=":material/warning:")
                else:
                    st.success(f"已完成：{counted}", icon=":material/check_circle:")
            else:
                st.progress(job.done / job.total if job.total else 1.0, text=counted)
            _job_controls(job, state)
            with st.expander("逐个文件"):
                files = data.import_files(job.job_id)
                st.dataframe(
                    pd.DataFrame(
                        {
                            "文件": [f.name for f in files],
                            "结果": [STATUS_LABELS.get(f.status, f.status) for f in files],
                            "期号": [f.issue_key or "" for f in files],
                            "说明": [f.detail for f in files],
                        }
                    ),
                    hide_index=True,
                )


_progress()
