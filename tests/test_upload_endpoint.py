"""Streamlit's upload endpoint keeps no file for a session that may not upload.

`PUT /_stcore/upload_file/<session>/<file>` stores a file for any live session, uploader
widget or not, in server memory until the session ends. Against `streamlit run` of the
dashboard (password mode: a new session is a viewer), a client speaks the websocket as a
browser does (one page run, which tells the app who the session is), takes the XSRF cookie
and PUTs files; the server's own metrics (/_stcore/metrics) say what it holds.
"""

from __future__ import annotations

from bench.serve import APP, streamlit_server
from bench.upload_flood import MB, Session, held_upload_bytes
from loaders.store import open_store


def test_a_viewer_session_can_store_no_upload(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('editor_password = "s3cret-pw"\n', encoding="utf-8")
    db = tmp_path / "briefs.duckdb"
    open_store(db).close()
    with streamlit_server(
        APP,
        {"BRIEFS_DB": str(db)},
        tmp_path / "streamlit.log",
        options=["--secrets.files", str(secrets)],
    ) as server:
        viewer = Session(server.base)
        try:
            statuses = [viewer.put(1 * MB) for _ in range(3)]
            held = held_upload_bytes(server.base)
        finally:
            viewer.close()
    assert statuses == [403, 403, 403]
    assert held == 0


def test_an_editor_session_holds_at_most_its_share(tmp_path, monkeypatch):
    """Local mode (everyone edits): uploads are kept, up to the per-session budget."""
    db = tmp_path / "briefs.duckdb"
    open_store(db).close()
    monkeypatch.setenv("BRIEFS_UPLOAD_SESSION_MB", "3")
    with streamlit_server(APP, {"BRIEFS_DB": str(db)}, tmp_path / "streamlit.log") as server:
        editor = Session(server.base)
        try:
            statuses = [editor.put(1 * MB) for _ in range(4)]
            held = held_upload_bytes(server.base)
        finally:
            editor.close()
    assert statuses == [204, 204, 204, 413]
    assert held == 3 * MB
