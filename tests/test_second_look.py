"""Values the stored series doubt wait in the unassigned queue in an import of briefs nobody
reviewed, with their reason, unless confirmed (loaders.services.second_look)."""

from datetime import date

import pytest

from loaders.intake.pipeline import extract_bytes
from loaders.services.ingest import ingest
from loaders.store import open_store, queries
from tests.support.builders import CATALOG


def _issue(number: int, published: date, sentence: str):
    text = (
        f"产业创新动态\n{published.year}年第{number}期\n{published:%Y年%m月%d日}\n"
        f"全国碳市场运行平稳\n{sentence}\n（产业所 某某 整理）\n"
    )
    return extract_bytes(text.encode(), f"{published.year}-{number}.txt", CATALOG)


FIRST = _issue(36, date(2021, 12, 20), "截至 2021 年 12 月 17 日，全国碳市场累计成交量 1.79 亿吨。")
# A later issue whose total since launch is lower than the stored one: a misprint (0.179).
FALLING = _issue(
    2, date(2022, 1, 14), "截至 2021 年 12 月 31 日，全国碳市场累计成交量 0.179 亿吨。"
)


def _store(tmp_path):
    store = open_store(tmp_path / "briefs.duckdb")
    ingest(store, FIRST, CATALOG, actor="test")
    return store


def test_a_batch_sets_a_doubtful_value_aside_with_its_reason(tmp_path):
    store = _store(tmp_path)
    try:
        result = ingest(store, FALLING, CATALOG, actor="test", second_look=True)
        assert result.written
        points = queries.series(store, ["carbon_national_cum_volume"])
        assert list(points["value"]) == [1.79]
        with store.read() as cur:
            queue = cur.execute(
                "SELECT value, subject FROM unassigned WHERE issue_key = '2022-02'"
            ).fetchall()
        assert [value for value, _ in queue] == [0.179]
        assert "累计总量不会减少" in queue[0][1] and "carbon_national_cum_volume" in queue[0][1]
    finally:
        store.close()


def test_a_confirmed_batch_stores_the_value(tmp_path):
    store = _store(tmp_path)
    try:
        ingest(store, FALLING, CATALOG, actor="test", second_look=False)
        points = queries.series(store, ["carbon_national_cum_volume"])
        assert sorted(points["value"]) == [0.179, 1.79]
    finally:
        store.close()


@pytest.mark.slow
def test_the_cli_import_sets_aside_unless_confirmed(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    db = tmp_path / "cli.duckdb"
    first, falling = tmp_path / "2021-36.txt", tmp_path / "2022-02.txt"
    first.write_text(FIRST.clean_text, encoding="utf-8")
    falling.write_text(FALLING.clean_text, encoding="utf-8")

    def run(*args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "loaders", "ingest", "--db", str(db), *args],
            check=True,
            capture_output=True,
            cwd=root,
        )

    run(str(first))
    run(str(falling))
    store = open_store(db)
    try:
        assert list(queries.series(store, ["carbon_national_cum_volume"])["value"]) == [1.79]
    finally:
        store.close()
    run("--force", "--confirm", str(falling))
    store = open_store(db)
    try:
        values = sorted(queries.series(store, ["carbon_national_cum_volume"])["value"])
        assert values == [0.179, 1.79]
    finally:
        store.close()


def test_a_plausible_value_joins_the_series_in_a_batch(tmp_path):
    store = _store(tmp_path)
    rising = _issue(
        2, date(2022, 1, 14), "截至 2021 年 12 月 31 日，全国碳市场累计成交量 1.79 亿吨。"
    )
    try:
        ingest(store, rising, CATALOG, actor="test", second_look=True)
        assert len(queries.series(store, ["carbon_national_cum_volume"])) == 2
    finally:
        store.close()
