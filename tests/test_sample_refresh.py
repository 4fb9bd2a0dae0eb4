"""`make run` re-reads the shipped briefs whenever the loaders or the catalog change
(`make db`: ingest --force --shipped data/briefs/*). That must never undo anyone's work: an
issue an editor committed or corrected, or a corrected copy ingested with the CLI, stays as
it was left, and a retracted one stays retracted; only versions stored from the shipped files
themselves are re-read."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

import loaders.__main__ as cli
from loaders.services.ingest import retract
from loaders.services.review import read_upload, rebuild_extraction
from loaders.services.review_frames import figures_frame, unassigned_frame
from loaders.services.upload_commit import commit_upload
from loaders.store import open_store, queries
from tests.support.builders import CATALOG

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "data" / "briefs").iterdir())


def make_db_arguments() -> list[str]:
    """The arguments the Makefile's $(DB) recipe passes to `python -m loaders`."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^\$\(DB\):.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "the Makefile has a $(DB) target"
    line = next(cmd for cmd in recipe.group(1).splitlines() if "-m loaders" in cmd)
    words = shlex.split(line.split("-m loaders", 1)[1].replace("data/briefs/*", "SAMPLES"))
    return [
        w for word in words for w in ([str(p) for p in SAMPLES] if word == "SAMPLES" else [word])
    ]


def refresh(db: Path) -> None:
    assert cli.main([*make_db_arguments(), "--db", str(db)]) == 0


def test_the_make_db_recipe_is_a_forced_shipped_ingest_of_the_samples():
    arguments = make_db_arguments()
    assert arguments[:3] == ["ingest", "--force", "--shipped"] and "--replace" not in arguments


def test_make_run_keeps_an_editors_correction_of_a_shipped_issue(tmp_path, capsys):
    db = tmp_path / "briefs.duckdb"
    refresh(db)
    sample = ROOT / "data" / "briefs" / "2021-15.txt"
    extraction = read_upload(sample.read_bytes(), sample.name, CATALOG)
    figures = figures_frame(extraction, CATALOG)
    corrected_value = float(figures.loc[1, "value"]) + 1
    figures.loc[1, "value"] = corrected_value
    review = rebuild_extraction(
        extraction,
        extraction.issue.model_dump(),
        figures,
        unassigned_frame(extraction),
        CATALOG,
    )
    with open_store(db) as store:
        commit_upload(store, review.extraction, CATALOG, role="editor", actor="ed", replace=True)
        edited = queries.observations_for_issue(store, "2021-15")
    assert corrected_value in set(edited["value"]) and "reviewed" in set(edited["origin"])
    capsys.readouterr()

    refresh(db)  # the loaders changed: make run re-reads the samples
    assert "kept the stored version" in capsys.readouterr().out
    with open_store(db) as store:
        after = queries.observations_for_issue(store, "2021-15")
        issue = queries.issue(store, "2021-15")
    assert after[["indicator", "period", "value"]].equals(edited[["indicator", "period", "value"]])
    assert issue["committed_via"] == "review"


@pytest.mark.slow
def test_make_run_does_not_bring_back_a_retracted_shipped_issue(tmp_path, capsys):
    db = tmp_path / "briefs.duckdb"
    refresh(db)
    with open_store(db) as store:
        assert retract(store, "2021-15", role="editor", actor="ed")
    refresh(db)
    with open_store(db) as store:
        assert "2021-15" not in set(queries.issues(store)["issue_key"])
        assert queries.audit_log(store)["action"].iloc[0] == "retract"
    # Asked for explicitly, the CLI stores it again.
    assert cli.main(["ingest", "--replace", *map(str, SAMPLES), "--db", str(db)]) == 0
    with open_store(db) as store:
        assert "2021-15" in set(queries.issues(store)["issue_key"])


def test_make_run_still_re_reads_an_issue_only_a_batch_stored(tmp_path, capsys):
    db = tmp_path / "briefs.duckdb"
    refresh(db)
    capsys.readouterr()
    refresh(db)
    assert "replaced:" in capsys.readouterr().out  # --force: better rules reach the samples


def _corrected_copy(tmp_path: Path) -> Path:
    """The shipped 2021-15 with one figure corrected (1,750 亿元 -> 1,760 亿元), saved under
    another name, as a user fixing the sample would."""
    sample = (ROOT / "data" / "briefs" / "2021-15.txt").read_text(encoding="utf-8")
    assert sample.count("1,750 亿元") == 1
    corrected = tmp_path / "corrected-2021-15.txt"
    corrected.write_text(sample.replace("1,750 亿元", "1,760 亿元"), encoding="utf-8")
    return corrected


def _telecom_2020(db: Path) -> float:
    with open_store(db, read_only=True) as store:
        rows = queries.observations_for_issue(store, "2021-15")
    (value,) = rows[(rows["indicator"] == "telecom_ma_value") & (rows["period"] == "2020")]["value"]
    return value


def test_make_run_keeps_a_corrected_copy_ingested_with_the_cli(tmp_path, capsys):
    db = tmp_path / "briefs.duckdb"
    refresh(db)
    assert _telecom_2020(db) == 1750
    assert cli.main(["ingest", str(_corrected_copy(tmp_path)), "--db", str(db)]) == 0
    assert "replaced:" in capsys.readouterr().out and _telecom_2020(db) == 1760

    refresh(db)  # the loaders changed: make run re-reads the samples
    out = capsys.readouterr().out
    assert "kept the stored version: issue 2021-15 is stored from another file" in out
    assert _telecom_2020(db) == 1760
    with open_store(db, read_only=True) as store:
        assert queries.issue(store, "2021-15")["source_name"] == "corrected-2021-15.txt"


def test_make_run_refreshes_what_an_earlier_release_stored_from_the_same_file(tmp_path, capsys):
    """A store whose sample an earlier make db stored as any batch (the same bytes): still
    re-read, and from then on marked as the shipped file's."""
    db = tmp_path / "briefs.duckdb"
    assert cli.main(["ingest", *map(str, SAMPLES), "--db", str(db)]) == 0
    capsys.readouterr()
    refresh(db)
    assert "replaced:" in capsys.readouterr().out
    with open_store(db, read_only=True) as store:
        assert queries.issue(store, "2021-15")["committed_via"] == "shipped"


def test_make_run_replaces_the_version_an_earlier_shipped_file_stored(tmp_path, capsys):
    """A release that corrects the shipped brief reaches stores the old one was refreshed
    into (the stored version came from the shipped file of its day)."""
    db = tmp_path / "briefs.duckdb"
    old_release = _corrected_copy(tmp_path).rename(tmp_path / "2021-15.txt")
    assert cli.main(["ingest", "--force", "--shipped", str(old_release), "--db", str(db)]) == 0
    assert _telecom_2020(db) == 1760
    refresh(db)
    assert _telecom_2020(db) == 1750
