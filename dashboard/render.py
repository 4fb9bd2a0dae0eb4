"""Static images of plotly figures (PNG, SVG): plotly's own renderer, Kaleido, driving the
machine's Chromium (Debian's /usr/bin/chromium; BROWSER_PATH names another), kept running
between images, with the images kept by key (the caller's data version and request).

Kaleido 1.x ships no browser: it drives an installed Chromium over the DevTools protocol,
and renders with the plotly.js bundled in plotly.py (nothing is fetched; MathJax off). One
browser per server process, started on the first image (3–5 s) and reused (a chart then
takes about 0.3 s); calls are serialised, since Kaleido's sync server answers one at a time.
A browser that died is started again on the next image.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_LOGGER = logging.getLogger(__name__)
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
# Seconds one image may take before Kaleido gives up (a browser that hangs).
RENDER_TIMEOUT = 60
# Images kept per process: a chart is 30–150 KB, so this bounds the cache to a few MB.
MAX_CACHED = 128
DEFAULT_CHROMIUM = "/usr/bin/chromium"


class RenderError(RuntimeError):
    """An image could not be made; the message says why (no browser, a render failed)."""


def chromium_path() -> str | None:
    """The browser Kaleido drives: BROWSER_PATH, else Debian's Chromium, else one on PATH."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured
    if os.path.exists(DEFAULT_CHROMIUM):
        return DEFAULT_CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Renderer:
    """One Kaleido (and its Chromium) for the process, and the images made, by key."""

    def __init__(self, max_cached: int = MAX_CACHED) -> None:
        self._lock = threading.Lock()
        self._started = False
        self._cache: OrderedDict[Hashable, bytes] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._max_cached = max_cached

    def _start(self) -> None:
        import kaleido

        browser = chromium_path()
        if browser is None:
            raise RenderError(
                "images need Chromium: apt-get install chromium (or set BROWSER_PATH)"
            )
        os.environ.setdefault("BROWSER_PATH", browser)
        kaleido.start_sync_server(n=1, timeout=RENDER_TIMEOUT, mathjax=False, silence_warnings=True)
        self._started = True

    def _stop(self) -> None:
        import kaleido

        try:
            kaleido.stop_sync_server(silence_warnings=True)
        except Exception:  # noqa: BLE001 - a dead browser may fail to stop; start anew anyway
            _LOGGER.warning("stopping Kaleido failed", exc_info=True)
        self._started = False

    def render(self, figure: dict[str, Any], fmt: str, width: int, height: int) -> bytes:
        """The figure as PNG or SVG bytes at width x height pixels (scale 1)."""
        if fmt not in FORMATS:
            raise RenderError(f"unknown image format {fmt!r}; choose {', '.join(FORMATS)}")
        import kaleido

        options = {"format": fmt, "width": width, "height": height, "scale": 1}
        with self._lock:
            for attempt in (1, 2):
                if not self._started:
                    self._start()
                try:
                    return kaleido.calc_fig_sync(figure, opts=options)
                except Exception as exc:  # noqa: BLE001 - a dead browser: start it again once
                    _LOGGER.warning("rendering failed (attempt %d)", attempt, exc_info=True)
                    self._stop()
                    if attempt == 2:
                        raise RenderError(f"the image could not be rendered: {exc}") from exc
        raise AssertionError("unreachable")

    def cached(self, key: Hashable, make: Callable[[], bytes]) -> tuple[bytes, bool]:
        """(the image kept under key, or the one make() makes and keeps; whether it was kept)."""
        with self._cache_lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found, True
        made = make()
        with self._cache_lock:
            self._cache[key] = made
            self._cache.move_to_end(key)
            while len(self._cache) > self._max_cached:
                self._cache.popitem(last=False)
        return made, False

    def clear(self) -> None:
        with self._cache_lock:
            self._cache.clear()

    def close(self) -> None:
        with self._lock:
            if self._started:
                self._stop()


_RENDERER = Renderer()


def renderer() -> Renderer:
    """The process's renderer (one Chromium, one cache)."""
    return _RENDERER
