"""The overview's digest through AppTest on a real store: a first visit shows the latest issue's
changes, the next visit what was committed since, the watchlist narrows it, and every line
is the changes endpoint's item in words (tests/test_feeds.py checks the endpoint itself).
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import digest_view
from loaders.models import Extraction
from loaders.services import changes
from loaders.services.ingest import ingest
from loaders.store import open_store, queries
from loaders.store import watchers as log
from tests.support.builders import CATALOG

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "streamlit_app.py"
REVISED_Q1 = "修订 全国社会物流总额 2021年一季度：75 万亿元 → 75.1 万亿元（2021 年第 15 期 → 2021 年第 29 期）"


def _overview() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _markdown(at: AppTest) -> list[str]:
    return [str(element.value) for element in at.markdown]


def _page_lines(at: AppTest) -> set[str]:
    """The digest lines the page shows (markdown escapes: undone for comparison)."""
    kinds = tuple(f"{label} " for label in changes.KIND_LABELS.values())
    return {text.replace("\\", "") for text in _markdown(at) if text.startswith(kinds)}


def test_a_first_visit_shows_the_latest_issue_and_is_recorded(app_db: Path) -> None:
    at = _overview()
    assert REVISED_Q1 in _page_lines(at)
    captions = " ".join(str(c.value) for c in at.caption)
    assert "2021 年一季度全国社会物流总额修订为 75.1 万亿元。" in captions.replace("\\", "")
    with open_store(app_db) as store:
        seen = log.watcher(store, "local").seen_changeset
        assert seen == changes.latest_changeset(store)


def test_the_next_visit_shows_what_was_committed_since(
    app_db: Path, revising_issue: Extraction
) -> None:
    _overview()  # the visit that saw 2021-15 and 2021-29
    with open_store(app_db) as store:
        ingest(store, revising_issue, CATALOG, actor="test")
    at = _overview()
    assert _page_lines(at) == {
        "修订 物流业总收入 2021年一季度：≈2.7 万亿元 → 2.8 万亿元（2021 年第 15 期 → 2021 年第 33 期）"
    }
    # A third visit with nothing new says so.
    again = _overview()
    assert _page_lines(again) == set()
    assert any("没有数值变化" in str(info.value) for info in again.info)


def test_the_page_and_the_changes_endpoint_agree(app_db: Path) -> None:
    at = _overview()
    at.radio(key="digest_since_choice").set_value("某一期之后").run()
    at.selectbox(key="digest_since_issue").set_value("2021-15").run()
    with open_store(app_db) as store:
        result = changes.digest(store, changes.resolve_since(store, "2021-15"))
        names = dict(zip(*[queries.indicators(store)[c] for c in ("id", "name_zh")], strict=True))
        rows = changes.change_rows(store, result)
    expected = {digest_view.line(change, names).text for change in result.points}
    assert len(expected) == len(rows) == 4
    assert _page_lines(at) == expected


def test_the_watchlist_is_kept_and_narrows_the_digest(app_db: Path) -> None:
    at = _overview()
    at.multiselect(key="digest_watchlist").select("logistics_total_yoy").run()
    assert not at.exception
    with open_store(app_db) as store:
        assert log.watchlist(store, "local") == ["logistics_total_yoy"]
    assert _page_lines(at) == {"新增 社会物流总额同比增速 2021年1—6月：15.7%（2021 年第 29 期）"}
    at.toggle(key="digest_only_watched").set_value(False).run()
    assert REVISED_Q1 in _page_lines(at)
    # A new session keeps the list.
    fresh = _overview()
    assert fresh.multiselect(key="digest_watchlist").value == ["logistics_total_yoy"]
