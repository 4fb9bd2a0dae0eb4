"""Entry script: `streamlit run dashboard/streamlit_app.py`. A router, nothing more.

Pages live in dashboard/app_pages/ (not pages/, which would trigger Streamlit's legacy
auto-discovery), in three sections of the navigation: 看板 (overview, trends, issues), 指标
(the catalog's list, and for editors its edit, queue and history pages) and 编辑 (上传 and
导入). Editors' pages are only routed for editors (dashboard.auth).

The file is read twice. `streamlit run` finds `app` below (an st.App) and imports this file
as a module to serve it: the dashboard and the HTTP API (dashboard.api, /api/v1/) on one
port. Each session then runs the file as `__main__`, which draws the pages.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import api, mailer

# The tab's icon is a file of ours: without it each page's :material/...: icon becomes the
# favicon, fetched from fonts.gstatic.com (offline it fails; online it tells Google who
# opened which page).
FAVICON = Path(__file__).parent / "static" / "favicon.png"


def route() -> None:
    """Draw the navigation, the sidebar and the page of this session's URL."""
    # Imported here, not above: `streamlit run` imports this file before Streamlit's runtime
    # exists, and st.cache_data functions (dashboard.data) decorated then log warnings.
    from dashboard import auth, data, embed, warm
    from dashboard.components import guard_uploads, show_error
    from dashboard.formatting import few_issues_hint
    from loaders.paths import database_location, demo_mode, display_name
    from loaders.services import StoreError, imports

    demo = demo_mode()
    title = "产业创新动态 指标看板" + ("（示例数据）" if demo else "")
    st.set_page_config(layout="wide", page_title=title, page_icon=str(FAVICON))

    role = auth.current_role()
    # Streamlit's upload endpoint keeps files only for the sessions this says may upload.
    guard_uploads(role)
    editor = role == "editor"
    pages = {
        "看板": [
            # The default page is served at / whatever its url_path, and Streamlit answers its
            # url_path with "Page not found"; so /overview is a second, hidden page running the
            # same file (the default's own url_path only names it, and must differ).
            st.Page(
                "app_pages/overview.py",
                title="概览",
                url_path="overview-home",
                icon=":material/dashboard:",
                default=True,
            ),
            st.Page(
                "app_pages/overview.py",
                title="概览",
                url_path="overview",
                icon=":material/dashboard:",
                visibility="hidden",
            ),
            st.Page(
                "app_pages/trends.py", title="趋势", url_path="trends", icon=":material/show_chart:"
            ),
            st.Page(
                "app_pages/issues.py", title="期刊", url_path="issues", icon=":material/article:"
            ),
        ],
        # The catalog: its list for everyone, the editors' pages beside it.
        "指标": [
            st.Page(
                "app_pages/catalog.py", title="指标", url_path="catalog", icon=":material/list_alt:"
            ),
            st.Page(
                "app_pages/table_format.py",
                title="数据表格式",
                url_path="format",
                icon=":material/table_view:",
            ),
        ],
    }
    if editor:
        pages["指标"] += [
            st.Page(
                "app_pages/catalog_edit.py",
                title="编辑指标",
                url_path="catalog-edit",
                icon=":material/edit:",
            ),
            st.Page(
                "app_pages/catalog_queue.py",
                title="待归类",
                url_path="catalog-queue",
                icon=":material/inbox:",
            ),
            st.Page(
                "app_pages/catalog_history.py",
                title="目录历史",
                url_path="catalog-history",
                icon=":material/history:",
            ),
        ]
        pages["编辑"] = [
            st.Page(
                "app_pages/upload.py",
                title="上传",
                url_path="upload",
                icon=":material/upload_file:",
            ),
            st.Page(
                "app_pages/imports.py",
                title="导入",
                url_path="imports",
                icon=":material/drive_folder_upload:",
            ),
        ]
    # A chart embedded in another page (dashboard.embed) shows no navigation and no sidebar.
    embedded = embed.is_embed()
    page = st.navigation(pages, position="hidden" if embedded else "sidebar")
    if embedded:
        warm.start()
        page.run()
        return

    with st.sidebar:
        st.markdown(f"**{title}**")
        try:
            version = data.data_version()
        except StoreError as exc:
            show_error(f"无法打开数据库：{exc}")
            st.stop()
        warm.start()  # once per process: rebuilds what a commit touched before anyone asks
        mailer.start()  # once per process: digest mails after each commit, when SMTP is set
        # The file name only: viewers need not see the server's directories.
        st.caption(f"数据库：{display_name(database_location())} · 数据版本 {version}")
        # Counted from the issue choices (shared, warmed after a commit): data.issues() counts
        # every issue's articles and figures, most of a second at 1e6 observations.
        hint = None if demo else few_issues_hint(len(data.issue_choices()), editor)
        if hint:
            st.caption(hint)
        if editor:
            # An import in the background shows on every page, for every editor.
            running = [
                job
                for job in data.import_jobs()
                if imports.job_state(job) in ("running", "stopping")
            ]
            for job in running:
                st.caption(f"导入进行中：{job.done}/{job.total} 个文件")
                st.progress(job.done / job.total if job.total else 1.0)
            if running:
                st.page_link("app_pages/imports.py", label="查看导入", icon=":material/sync:")
        # Viewers log in here (the 上传 page, which has its own login box, is hidden from them).
        if role == "viewer":
            auth.render_login()

    if demo:
        # Every page, above its own title: these figures are made up (bench/demo.py).
        st.warning(
            "示例数据：本页的期刊与数字都是生成的（标题带“合成”），只用于演示，"
            "不是真实简报；真实数据请用 `make run`。",
            icon=":material/science:",
        )
    page.run()


if __name__ == "__main__":
    route()
else:
    app = st.App(__file__, routes=api.routes(), lifespan=mailer.lifespan)
