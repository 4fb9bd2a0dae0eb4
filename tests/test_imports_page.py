"""The 导入 page: editors follow every import's progress, stop and resume it; viewers see none."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bench.synthetic import brief_text
from loaders.services import imports
from loaders.store import open_store, queries
from tests.support.builders import CATALOG

APP = Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py"


def _open() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("app_pages/imports.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _progress_texts(at: AppTest) -> list[str]:
    return [p.proto.text for p in at.get("progress") if p.proto.text]


def _job(db: Path, count: int) -> str:
    files = [(f"{i}.txt", brief_text(i).text.encode()) for i in range(count)]
    with open_store(db) as store:
        return imports.create_job(
            store,
            imports.upload_sources(files),
            role="editor",
            actor="ed@x",
            label="周报.zip",
            stage=True,
        )


def test_an_editor_follows_stops_and_resumes_an_import(app_db: Path) -> None:
    job_id = _job(app_db, 3)
    at = _open()
    assert at.title[0].value == "导入"
    assert any("周报" in m.value and "进行中" in m.value for m in at.markdown)
    assert _progress_texts(at) == ["0/3 个文件"]
    assert any("导入进行中：0/3" in c.value for c in at.sidebar.caption)
    stop = next(b for b in at.button if b.key == f"stop_{job_id}")
    stop.click().run()
    with open_store(app_db) as store:
        assert queries.import_job(store, job_id).state == "stopping"
    # The runner honours it before its first file and reports the import stopped.
    with open_store(app_db) as store:
        imports.run_job(store, job_id, CATALOG, actor="ed@x")
    at.run()
    resume = next(b for b in at.button if b.key == f"resume_{job_id}")
    resume.click().run()
    with open_store(app_db) as store:
        job = imports.wait_for(store, job_id, timeout=120)
    assert job is not None and (job.state, job.done) == ("done", 3)
    at.run()
    assert any("已完成" in m.value for m in at.markdown)
    # Finished, it is a result in green, not a bar in the theme's red.
    assert _progress_texts(at) == []
    assert [s.value for s in at.success] == ["已完成：3/3 个文件"]


def test_a_finished_import_with_a_failed_file_says_so_as_a_warning(app_db: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(brief_text(0).filename, brief_text(0).text)
        archive.writestr("cover.png", b"\x89PNG")
    with open_store(app_db) as store:
        sources = imports.upload_sources([("周报.zip", buffer.getvalue())])
        job_id = imports.create_job(
            store, sources, role="editor", actor="ed@x", label="周报.zip", stage=True
        )
        imports.run_job(store, job_id, CATALOG, actor="ed@x")
    at = _open()
    assert _progress_texts(at) == []
    assert [w.value for w in at.warning] == ["已完成：2/2 个文件，失败 1 个（原因见“逐个文件”）"]


def test_viewers_get_no_import_page(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFS_EDITOR_PASSWORD", "secret")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/imports.py")
    # Reached anyway (the page file run on its own): a warning, no uploader, no controls.
    page = AppTest.from_file(str(APP.parent / "app_pages" / "imports.py"), default_timeout=60)
    page.run()
    assert any("只有编辑可以批量导入" in w.value for w in page.warning)
    assert not page.get("file_uploader")
    assert [b.label for b in page.button] == ["登录"]  # only the login form
