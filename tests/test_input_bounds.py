"""Memory a hostile file can make the CLI and the upload page use, measured as the peak
resident size GNU time (`/usr/bin/time -v`) reports for a process of its own.

The files: a DOCX whose body declares 1 KB and inflates to 1 GiB, a zip of briefs with such
a member, and a 1 GiB text file. Before the bounds (issue 24) the first two reached 2.2 GB
(zipfile inflates a whole member before it checks its size) and the third 1.2 GB (the file
was read whole before its size was checked).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.hostile_files import GiB, lying_brief_zip, lying_docx

ROOT = Path(__file__).resolve().parent.parent
TIME = Path("/usr/bin/time")
MB = 1024 * 1024
# The targets.
ARCHIVE_PEAK_MB = 400
TEXT_PEAK_MB = 300

pytestmark = pytest.mark.skipif(
    not TIME.exists(), reason="GNU time (/usr/bin/time, Debian package time) is not installed"
)


def peak_mb(command: list[str], cwd: Path = ROOT) -> tuple[float, subprocess.CompletedProcess]:
    """Run command under GNU time; its peak resident size in MB, and the process."""
    done = subprocess.run(
        [str(TIME), "-v", *command], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert found, done.stderr
    return int(found.group(1)) / 1024, done


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "lying.docx").write_bytes(lying_docx(GiB))
    (folder / "lying.zip").write_bytes(lying_brief_zip(GiB))
    with open(folder / "huge.txt", "wb") as huge:
        huge.truncate(GiB)  # sparse: 1 GiB to read, no disk taken
    return folder


def _ingest(path: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "loaders", "ingest", str(path), "--db", str(db)]


def test_the_cli_on_a_docx_that_lies_about_its_size(hostile: Path, tmp_path: Path):
    peak, done = peak_mb(_ingest(hostile / "lying.docx", tmp_path / "s.duckdb"))
    assert done.returncode == 1
    assert "word/document.xml 解压出的数据与 zip 目录所记不符" in done.stderr
    print(f"peak {peak:.0f} MB")
    assert peak < ARCHIVE_PEAK_MB, f"peak {peak:.0f} MB"


def test_the_cli_on_a_zip_whose_member_lies_about_its_size(hostile: Path, tmp_path: Path):
    peak, done = peak_mb(_ingest(hostile / "lying.zip", tmp_path / "s.duckdb"))
    assert done.returncode == 1
    assert "issues: 2 new" in done.stdout
    assert "2021-16.txt 解压出的数据与 zip 目录所记不符" in done.stderr
    print(f"peak {peak:.0f} MB")
    assert peak < ARCHIVE_PEAK_MB, f"peak {peak:.0f} MB"


@pytest.mark.parametrize("command", ["ingest", "extract"])
def test_the_cli_checks_a_file_size_before_reading_it(hostile: Path, tmp_path: Path, command):
    argv = _ingest(hostile / "huge.txt", tmp_path / "s.duckdb")
    if command == "extract":
        argv = [sys.executable, "-m", "loaders", "extract", str(hostile / "huge.txt")]
    peak, done = peak_mb(argv)
    assert done.returncode == 1
    assert "huge.txt: 文件过大（1024.0 MB），上限 20 MB" in done.stderr
    print(f"peak {peak:.0f} MB")
    assert peak < TEXT_PEAK_MB, f"peak {peak:.0f} MB"


@pytest.mark.parametrize("command", ["catalog import", "ingest --catalog"])
def test_the_cli_checks_a_catalog_file_size_before_reading_it(
    hostile: Path, tmp_path: Path, command
):
    """A catalog file is read only up to its cap (2 MB; the shipped one is 14 KB): the 1 GiB
    file was read whole by `catalog import` and `--catalog` before YAML refused it."""
    huge, db = str(hostile / "huge.txt"), str(tmp_path / "s.duckdb")
    argv = [sys.executable, "-m", "loaders", "catalog", "import", huge, "--db", db]
    if command == "ingest --catalog":
        brief = str(ROOT / "data" / "briefs" / "2021-15.txt")
        argv = [sys.executable, "-m", "loaders", "ingest", brief, "--catalog", huge, "--db", db]
    peak, done = peak_mb(argv)
    assert done.returncode == 1
    assert "huge.txt: 目录文件过大（1024.0 MB 以上，上限 2 MB）" in done.stderr, done.stderr
    print(f"peak {peak:.0f} MB")
    assert peak < TEXT_PEAK_MB, f"peak {peak:.0f} MB"


UPLOAD_SCRIPT = """
import re
import sys
from pathlib import Path
from streamlit.testing.v1 import AppTest

at = AppTest.from_file(sys.argv[1], default_timeout=120)
at.run()
at.switch_page("app_pages/upload.py")
at.run()
data = Path(sys.argv[2]).read_bytes()
at.file_uploader(key="upload_file").set_value(("lying.docx", data, "application/octet-stream"))
del data
at.run()
assert not at.exception, [e.value for e in at.exception]
# User text reaches markdown backslash-escaped.
print(re.sub(r"\\\\(.)", r"\\1", "\\n".join(str(e.value) for e in at.error)))
"""


def test_the_upload_page_survives_a_docx_that_lies_about_its_size(
    hostile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The page's process, under GNU time: AppTest runs the app in it, as the server would."""
    script = tmp_path / "upload.py"
    script.write_text(UPLOAD_SCRIPT, encoding="utf-8")
    monkeypatch.setenv("BRIEFS_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.delenv("BRIEFS_EDITOR_PASSWORD", raising=False)
    monkeypatch.setenv("BRIEFS_WARM_CACHES", "0")
    app = ROOT / "dashboard" / "streamlit_app.py"
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # this checkout's code, whatever is installed
    peak, done = peak_mb([sys.executable, str(script), str(app), str(hostile / "lying.docx")])
    assert done.returncode == 0, done.stderr[-3000:]
    assert "lying.docx" in done.stdout and "zip 目录所记不符" in done.stdout, done.stdout
    print(f"peak {peak:.0f} MB")
    assert peak < ARCHIVE_PEAK_MB, f"peak {peak:.0f} MB"
