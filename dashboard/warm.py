"""Keep the caches warm: after a commit (in any process), rebuild the parts of the series it
touched in the background, so the first visitor after it does not wait for them.

Every dashboard process runs one such thread. It watches the store's series versions (a
tiny query once a second) and, once the store has been quiet for QUIET_SECONDS, builds the
overview card of each series whose version changed, the reads every page makes (catalog,
coverage, issue choices) and the Trends views asked for lately that show a changed series,
through the same caches the pages use. Waiting for quiet matters during an archive import:
a series touched every second would otherwise be rebuilt every second, for nobody. At start
it builds every card, so the overview after a restart is served warm; Trends views are
built for the views people open, not for every series (that held ~300 MB more per process
at 1e6 observations). When quiet it also lets a team store compact, if due
(Store.maintain). Set BRIEFS_WARM_CACHES=0 to switch it off, compaction included (the test
suite does: its stores come and go under one process).
"""

from __future__ import annotations

import logging
import os
import threading
import time

from dashboard import data, trend_view
from loaders.store import StoreError

WARM_ENV_VAR = "BRIEFS_WARM_CACHES"
POLL_SECONDS = 1.0
QUIET_SECONDS = 2.0
_LOGGER = logging.getLogger(__name__)
_started: set[str] = set()
_guard = threading.Lock()


def enabled() -> bool:
    return os.environ.get(WARM_ENV_VAR, "1").strip() not in ("0", "false", "no", "off")


def start() -> None:
    """Start the warming thread for this process's store, once; a no-op when disabled."""
    if not enabled():
        return
    path = data.store_path()
    with _guard:
        if path in _started:
            return
        _started.add(path)
    threading.Thread(target=_watch, args=(path,), name="briefs-warm-caches", daemon=True).start()


def _watch(path: str) -> None:
    warmed: dict[str, int] = {}
    last: dict[str, int] | None = None
    quiet_since = time.monotonic() - QUIET_SECONDS  # warm everything at start
    while True:
        try:
            versions = data.all_series_versions(path)
            if versions != last:
                last = versions
                if warmed:
                    quiet_since = time.monotonic()
            if time.monotonic() - quiet_since >= QUIET_SECONDS:
                changed = {
                    indicator
                    for indicator, version in versions.items()
                    if warmed.get(indicator) != version
                }
                if changed:
                    # What every page reads first, then the views people were looking at.
                    data.warm_store_reads(path)
                    trend_view.warm_recent(path, versions, changed)
                for indicator in changed:
                    warm(path, indicator, versions[indicator])
                    warmed[indicator] = versions[indicator]
                data.get_store().maintain()  # the team store's compaction, when due
        except StoreError as exc:  # the store moved or is being rebuilt: try again later
            _LOGGER.info("cache warming paused: %s", exc)
        except Exception:  # a warming failure must never stop the server
            _LOGGER.exception("cache warming failed")
        time.sleep(POLL_SECONDS)


def warm(path: str, indicator: str, version: int) -> None:
    """Build one series' overview card at this version (a cache hit if built). Its Trends
    parts are rebuilt only for the views someone asked for (trend_view.warm_recent): every
    series' parts at 1e6 observations held ~300 MB more per process, for views nobody
    opened."""
    data.card(path, indicator, version)
