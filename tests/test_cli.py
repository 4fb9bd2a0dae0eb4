"""`python -m loaders`: extract, ingest, evaluate, export; one clear error line per failure."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import loaders.__main__ as cli
import loaders.intake.pipeline as pipeline
from loaders.errors import BriefStructureError
from loaders.models import Extraction
from loaders.store import open_store, queries
from tests.support.store import ISSUE_15, ISSUE_29, extraction, obs

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "briefs" / "2021-15.txt"
EVAL_DIR = ROOT / "tests" / "data" / "eval"
# A text file that is not an issue of the brief (no masthead, no issue line).
NOT_A_BRIEF = ROOT / "tests" / "data" / "store" / "not_a_brief.txt"


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Files named like the built Extractions; the CLI logic is tested apart from extraction."""
    outcomes: dict[str, Extraction | Exception] = {}
    real_extract = pipeline.extract_bytes

    def fake_extract(data: bytes, filename: str, catalog) -> Extraction:
        if filename not in outcomes:
            return real_extract(data, filename, catalog)
        outcome = outcomes[filename]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def add(name: str, outcome: Extraction | Exception) -> str:
        outcomes[name] = outcome
        (tmp_path / name).write_text(f"placeholder for {name}", encoding="utf-8")
        return str(tmp_path / name)

    monkeypatch.setattr(pipeline, "extract_bytes", fake_extract)
    return add


@pytest.mark.slow
def test_ingest_reports_progress_and_summary(fake_pipeline, tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "cli.duckdb")
    files = [fake_pipeline("2021-15.txt", ISSUE_15), fake_pipeline("2021-29.txt", ISSUE_29)]
    assert cli.main(["ingest", *files, "--db", db]) == 0
    out = capsys.readouterr().out
    assert "[1/2] 2021-15.txt … new: 3 points" in out
    assert "[2/2] 2021-29.txt … new: 1 points, 1 revised, 1 unchanged" in out
    assert "revised logistics_total 2021-Q1: 69.9 (2021-15) -> 70.1" in out
    assert "issues: 2 new, 0 revised, 0 unchanged; points: 4 new, 1 revised, 1 unchanged" in out

    assert cli.main(["ingest", *files, "--db", db]) == 0
    assert "issues: 0 new, 0 revised, 2 unchanged" in capsys.readouterr().out
    with open_store(db) as store:
        assert queries.issues(store)["issue_key"].tolist() == ["2021-29", "2021-15"]
        assert queries.audit_log(store)["actor"].tolist() == ["cli", "cli"]


@pytest.mark.slow
def test_ingest_force_restores_an_unchanged_file(fake_pipeline, tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "cli.duckdb")
    file = fake_pipeline("2021-15.txt", ISSUE_15)
    cli.main(["ingest", file, "--db", db])
    assert cli.main(["ingest", file, "--db", db, "--force", "--actor", "make"]) == 0
    assert "issues: 0 new, 1 revised" in capsys.readouterr().out
    with open_store(db) as store:
        assert queries.audit_log(store)[["action", "actor"]].values.tolist()[0] == [
            "replace",
            "make",
        ]


def test_bad_files_are_named_and_the_rest_are_stored(fake_pipeline, tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "cli.duckdb")
    unknown = extraction(30, date(2021, 9, 6), [obs("logistics_totl", "2021", 1.0)])
    files = [
        fake_pipeline(
            "broken.txt", BriefStructureError("no issue header found", source="broken.txt")
        ),
        fake_pipeline("2021-15.txt", ISSUE_15),
        fake_pipeline("2021-30.txt", unknown),
        str(tmp_path / "missing.txt"),
    ]
    assert cli.main(["ingest", *files, "--db", db]) == 1
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert errors[0] == "error: broken.txt: no issue header found"
    assert "2021-30.txt" in errors[1]
    assert "未知指标 'logistics_totl'（目录中没有这个 id；最接近的：logistics_total" in errors[1]
    assert "catalog.yaml" not in errors[1]
    assert "missing.txt: no such file" in errors[2]
    assert errors[3].startswith("error: 3 file(s) not stored")
    assert "Traceback" not in captured.err
    assert "issues: 1 new, 0 revised, 0 unchanged, 3 failed" in captured.out
    with open_store(db) as store:
        assert queries.issues(store)["issue_key"].tolist() == ["2021-15"]


def test_extract_json_prints_the_public_shape(fake_pipeline, capsys) -> None:
    file = fake_pipeline("2021-15.txt", ISSUE_15)
    assert cli.main(["extract", file, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["issue"] == {
        "title": "产业创新动态",
        "year": 2021,
        "number": 15,
        "total_number": None,
        "published": "2021-04-26",
    }
    first = payload["observations"][0]
    assert set(first) == {
        "indicator",
        "period",
        "value",
        "unit",
        "qualifier",
        "forecast",
        "derived",
        "quote",
        "article",
    }
    assert (first["indicator"], first["value"], first["unit"]) == (
        "logistics_total",
        69.9,
        "万亿元",
    )
    assert payload["unassigned"][0]["subject"] == "某数"


def test_extract_table_is_readable_chinese(fake_pipeline, capsys) -> None:
    long_quote = "一季度全国社会物流总额为69.9万亿元，按可比价格计算，同比增长24.2%，两年平均增长7.5%，增速比上年同期提高很多。"
    issue = extraction(
        15,
        date(2021, 4, 26),
        [
            obs("logistics_total", "2021-Q1", 69.9, unit="万亿元", quote=long_quote),
            obs("logistics_total_yoy", "2021", 6.0, qualifier="approx", forecast=True),
        ],
    )
    assert cli.main(["extract", fake_pipeline("2021-15.txt", issue)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("产业创新动态 2021 年第 15 期  2021-04-26")
    table = "\n".join(lines)
    assert "全国社会物流总额" in table and "69.9 万亿元" in table and "2021年一季度" in table
    assert "约6 %" in table and "2021年（预测）" in table
    assert long_quote not in table and "…" in table  # quotes are shortened


def test_export_writes_csv_with_bom(fake_pipeline, tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "cli.duckdb")
    cli.main(["ingest", fake_pipeline("2021-15.txt", ISSUE_15), "--db", db])
    capsys.readouterr()
    assert cli.main(["export", str(tmp_path / "csv"), "--db", db]) == 0
    listed = capsys.readouterr().out.split()
    assert str(tmp_path / "csv" / "observations.csv") in listed
    assert (tmp_path / "csv" / "observations.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    missing = tmp_path / "missing.duckdb"
    assert cli.main(["export", str(tmp_path / "csv2"), "--db", str(missing)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"error: {missing} does not exist; ingest some issues first"
    )
    assert not missing.exists()


@pytest.mark.slow
def test_a_foreign_program_holding_the_file_blocks_writes_in_one_clear_line(
    tmp_path: Path,
) -> None:
    """Our own processes take turns (loaders.store.connection); a DuckDB shell that keeps the
    file open is a foreign program: reads go on from the published copy, writes say why not."""
    db = tmp_path / "held.duckdb"
    open_store(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        export = subprocess.run(
            [sys.executable, "-m", "loaders", "export", str(tmp_path / "csv"), "--db", str(db)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        ingest_run = subprocess.run(
            [sys.executable, "-m", "loaders", "ingest", str(SAMPLE), "--db", str(db)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    finally:
        holder.communicate("")
    assert export.returncode == 0 and (tmp_path / "csv" / "issues.csv").exists()
    assert ingest_run.returncode == 1
    assert ingest_run.stderr.strip().splitlines()[0] == (
        f"error: {db} is in use by another program (e.g. a DuckDB shell); "
        "close it or set BRIEFS_DB to another file"
    )


def test_missing_file_for_extract(tmp_path: Path, capsys) -> None:
    assert cli.main(["extract", str(tmp_path / "nope.txt")]) == 1
    assert capsys.readouterr().err.strip() == f"error: {tmp_path / 'nope.txt'}: no such file"


@pytest.mark.slow
def test_real_sample_brief_through_the_cli(tmp_path: Path) -> None:
    db = tmp_path / "real.duckdb"
    env_run = dict(capture_output=True, text=True, cwd=ROOT)
    first = subprocess.run(
        [sys.executable, "-m", "loaders", "ingest", str(SAMPLE), "--db", str(db)], **env_run
    )
    assert first.returncode == 0, first.stderr
    assert "[1/1] 2021-15.txt … new:" in first.stdout
    second = subprocess.run(
        [sys.executable, "-m", "loaders", "ingest", str(SAMPLE), "--db", str(db)], **env_run
    )
    assert "issues: 0 new, 0 revised, 1 unchanged" in second.stdout
    with open_store(db) as store:
        header = queries.issue(store, "2021-15")
        assert header is not None and header["total_number"] == 460
        assert len(queries.observations_for_issue(store, "2021-15")) > 0


def test_real_bad_file_is_named_and_the_good_one_stored(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "real.duckdb")
    assert cli.main(["ingest", str(NOT_A_BRIEF), str(SAMPLE), "--db", db]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines()[0].startswith("error: not_a_brief.txt: ")
    assert "[2/2] 2021-15.txt … new:" in captured.out
    with open_store(db) as store:
        assert queries.issues(store)["issue_key"].tolist() == ["2021-15"]


def test_a_file_that_stores_nothing_changes_no_data_version(tmp_path: Path, capsys) -> None:
    """A refused file (and an unchanged one) stores nothing: the data version, the time of
    the last change and every series' version stay, so no dashboard cache is thrown away.
    The import's own record is still written, and seen (the write version moves)."""
    db = tmp_path / "real.duckdb"
    assert cli.main(["ingest", str(SAMPLE), "--db", str(db)]) == 0
    with open_store(db, read_only=True) as store:
        before = (queries.data_state(store), queries.series_versions(store))
    assert cli.main(["ingest", str(NOT_A_BRIEF), "--db", str(db)]) == 1
    assert cli.main(["ingest", str(SAMPLE), "--db", str(db)]) == 0
    with open_store(db, read_only=True) as store:
        assert (queries.data_state(store), queries.series_versions(store)) == before
        jobs = queries.import_jobs(store)
        assert [(job.done, job.failed) for job in jobs[:2]] == [(1, 0), (1, 1)]
        assert queries.write_version(store) > before[0].version


def test_real_extract_table_and_json(capsys) -> None:
    assert cli.main(["extract", str(SAMPLE)]) == 0
    table = capsys.readouterr().out
    assert table.startswith("产业创新动态 2021 年第 15 期（总第 460 期）  2021-04-26")
    assert "指标" in table and "万亿元" in table
    assert cli.main(["extract", str(SAMPLE), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["issue"]["total_number"] == 460
    assert payload["observations"] and set(payload["observations"][0]) >= {"indicator", "quote"}


def test_evaluate_prints_a_report_or_json(capsys) -> None:
    assert cli.main(["evaluate", str(EVAL_DIR)]) == 0
    report = capsys.readouterr().out
    assert "precision" in report and "2021-29.txt" in report
    assert cli.main(["evaluate", str(EVAL_DIR), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert "2021-29.txt" in [f["name"] for f in payload["files"]]
    assert 0.0 <= payload["recall"] <= 1.0
    assert cli.main(["evaluate", str(EVAL_DIR / "nope")]) == 1
    assert "not a directory" in capsys.readouterr().err


def test_folder_instead_of_file(tmp_path: Path, capsys) -> None:
    assert cli.main(["extract", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"error: {tmp_path}: is a folder; pass the brief files in it (e.g. {tmp_path}/*)"
    )


def test_extract_with_an_extra_catalog_maps_its_indicators(tmp_path: Path, capsys) -> None:
    brief = tmp_path / "brief.txt"
    brief.write_text(
        "产业创新动态\n2022 年第 18 期（总第 487 期）\n2022 年 7 月 25 日\n快递业务运行情况\n"
        "国家邮政局数据显示，上半年全国快递业务量累计完成 512.2 亿件，同比增长 3.7%。\n"
        "（产业所 王罗汉 整理）\n",
        encoding="utf-8",
    )
    extra = tmp_path / "express.yaml"
    extra.write_text(
        "indicators:\n  - {id: express_volume, name_zh: 快递业务量, name_en: Express volume,"
        " category: 物流, unit: 亿件, kind: flow, measure: level, description: 快递,"
        " aliases: [快递业务量]}\n",
        encoding="utf-8",
    )
    assert cli.main(["extract", str(brief), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["observations"] == []
    assert cli.main(["extract", str(brief), "--json", "--catalog", str(extra)]) == 0
    (found,) = json.loads(capsys.readouterr().out)["observations"]
    assert (found["indicator"], found["period"], found["value"]) == (
        "express_volume",
        "2022-H1",
        512.2,
    )
    assert cli.main(["extract", str(brief), "--catalog", str(tmp_path / "missing.yaml")]) == 1
    assert "missing.yaml: cannot read" in capsys.readouterr().err


@pytest.mark.parametrize("limit", ["-1", "0", "99999999999999999999", "x"])
def test_catalog_versions_refuses_a_limit_the_store_cannot_take(limit, tmp_path, capsys):
    """-1 and 10**20 reached the query as a DuckDB binder or conversion error."""
    db = str(tmp_path / "s.duckdb")
    with pytest.raises(SystemExit) as stopped:
        cli.main(["catalog", "versions", "--limit", limit, "--db", db])
    assert stopped.value.code == 2
    assert "argument --limit" in capsys.readouterr().err
    assert not Path(db).exists()


# In a process of its own: its file size limit (RLIMIT_FSIZE) fails every write past 4 KB
# with EFBIG part-way, as a full disk does.
_EXPORT_ON_A_FULL_DISK = """
import resource, signal, sys
from loaders import __main__ as cli
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
sys.exit(cli.main(["export", sys.argv[1], "--db", sys.argv[2]]))
"""


def test_an_export_on_a_full_disk_keeps_each_file_whole_or_as_it_was(tmp_path: Path) -> None:
    """export cut the file it was writing off part-way and ended in a traceback; a file named
    as the folder was a traceback too."""
    db, out, fresh = tmp_path / "real.duckdb", tmp_path / "csv", tmp_path / "fresh"
    assert cli.main(["ingest", str(SAMPLE), "--db", str(db)]) == 0
    assert cli.main(["export", str(fresh), "--db", str(db)]) == 0
    assert max(path.stat().st_size for path in fresh.iterdir()) > 4096  # some write fails
    assert cli.main(["export", str(out), "--db", str(db)]) == 0
    for path in out.iterdir():
        path.write_bytes(b"old\n")
    done = subprocess.run(
        [sys.executable, "-c", _EXPORT_ON_A_FULL_DISK, str(out), str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert ".csv: 无法写入，未导出" in done.stderr
    for path in out.iterdir():
        assert path.read_bytes() in (b"old\n", (fresh / path.name).read_bytes()), path.name
    assert cli.main(["export", str(db), "--db", str(db)]) == 1  # a file, not a folder
