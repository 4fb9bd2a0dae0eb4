"""Many viewers without a browser each: Streamlit's own websocket protocol, as the browser
speaks it (re-written here after a load client of the workplace, so that a fresh clone's
tests and `make bench` need nothing outside the repository).

A run sends BackMsg{rerun_script} (first load: page_name = the URL path segment; later:
the page's script hash from the Navigation message, with the hashes of cacheable messages
already received, as the browser's ForwardMsgCache does) and reads ForwardMsgs until
script_finished. A run fails on a timeout, a closed socket, a script that did not finish
successfully, an exception element, or a /trends run without a chart.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

RUN_TIMEOUT_S = 120.0
CONNECT_TIMEOUT_S = 60.0
FINISHED_OK = 0  # ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
MAX_MSGS_PER_RUN = 20_000


@dataclass
class Run:
    page: str
    kind: str  # first, rerun, nav
    seconds: float | None
    bytes: int = 0
    error: str | None = None


class Viewer:
    """One browser tab: one websocket session."""

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.url = f"ws://{host}:{port}/_stcore/stream"
        self.origin = f"http://{host}:{port}"
        self.ws = None
        self.pages: dict[str, str] = {}
        self.cached: set[str] = set()

    async def connect(self) -> None:
        self.ws = await asyncio.wait_for(
            websockets.connect(
                self.url,
                subprotocols=["streamlit"],
                origin=self.origin,
                max_size=None,
                ping_interval=None,
                open_timeout=CONNECT_TIMEOUT_S,
                compression=None,
            ),
            CONNECT_TIMEOUT_S,
        )

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 5)
            except Exception:  # closing a socket the server dropped
                pass

    def _message(self, page: str, query: str, first: bool) -> bytes:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query
        if first or page not in self.pages:
            state.page_name = page
        else:
            state.page_script_hash = self.pages[page]
        state.cached_message_hashes.extend(sorted(self.cached))
        info = state.context_info
        info.timezone = "Asia/Shanghai"
        info.timezone_offset = -480
        info.locale = "zh-CN"
        info.url = f"{self.origin}/{page}" + (f"?{query}" if query else "")
        info.color_scheme = "light"
        return msg.SerializeToString()

    async def run(self, page: str, query: str = "", kind: str = "rerun") -> Run:
        page = page.strip("/")
        result = Run(page=page, kind=kind, seconds=None)
        started = time.perf_counter()
        deadline = started + RUN_TIMEOUT_S
        charts = refs = 0
        try:
            await self.ws.send(self._message(page, query, first=kind == "first"))
            for _ in range(MAX_MSGS_PER_RUN):
                data = await asyncio.wait_for(
                    self.ws.recv(), max(0.0, deadline - time.perf_counter())
                )
                result.bytes += len(data)
                message = ForwardMsg()
                message.ParseFromString(data)
                if message.metadata.cacheable and message.hash:
                    self.cached.add(message.hash)
                which = message.WhichOneof("type")
                if which == "delta" and message.delta.WhichOneof("type") == "new_element":
                    element = message.delta.new_element
                    if element.WhichOneof("type") == "plotly_chart":
                        charts += 1
                    elif element.WhichOneof("type") == "exception":
                        result.error = (
                            result.error or f"exception: {element.exception.message[:200]}"
                        )
                elif which == "ref_hash":
                    refs += 1
                elif which == "navigation":
                    for app_page in message.navigation.app_pages:
                        self.pages[app_page.url_pathname] = app_page.page_script_hash
                        if app_page.is_default:
                            self.pages[""] = app_page.page_script_hash
                elif which == "page_not_found":
                    result.error = result.error or f"page not found: {page}"
                elif which == "script_finished":
                    if message.script_finished != FINISHED_OK:
                        result.error = result.error or f"script finished {message.script_finished}"
                    result.seconds = time.perf_counter() - started
                    break
            else:
                result.error = "too many messages"
        except TimeoutError:
            result.error = f"timeout after {RUN_TIMEOUT_S:.0f} s"
        except websockets.ConnectionClosed as exc:
            result.error = f"closed: {exc}"
        if page == "trends" and result.error is None and not charts and not refs:
            result.error = "no chart on /trends"
        if result.error is not None:
            result.seconds = None
        return result


@dataclass
class LoadResult:
    runs: list[Run] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def times(self) -> list[float]:
        return [run.seconds for run in self.runs if run.seconds is not None]

    def percentile(self, p: float) -> float:
        ordered = sorted(self.times)
        if not ordered:
            return float("nan")
        rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
        return ordered[rank - 1]

    @property
    def p50(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def runs_per_second(self) -> float:
        return len(self.times) / self.seconds if self.seconds else 0.0


# A viewer's visit: Trends by a link, a few reruns (changing the view), then the overview.
TRENDS_QUERY = "indicators=logistics_total_yoy,telecom_ma_value"
VISIT = (
    ("trends", TRENDS_QUERY, "first"),
    ("trends", TRENDS_QUERY, "rerun"),
    ("trends", TRENDS_QUERY, "rerun"),
    ("", "", "nav"),
    ("issues", "", "nav"),
)


async def _visitor(port: int, until: float, pause: float, out: LoadResult, visits: int | None):
    done = 0
    while time.monotonic() < until and (visits is None or done < visits):
        viewer = Viewer(port)
        try:
            await viewer.connect()
        except Exception as exc:  # a refused connection is a finding
            out.errors.append(f"connect: {type(exc).__name__}: {exc}"[:200])
            await asyncio.sleep(pause)
            continue
        try:
            for page, query, kind in VISIT:
                run = await viewer.run(page, query, kind)
                out.runs.append(run)
                if run.error:
                    out.errors.append(f"{page}: {run.error}")
                await asyncio.sleep(pause)
        finally:
            await viewer.close()
        done += 1


async def _load(ports: list[int], sessions: int, seconds: float, pause: float, visits):
    out = LoadResult()
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(
        *(_visitor(ports[i % len(ports)], until, pause, out, visits) for i in range(sessions))
    )
    out.seconds = time.monotonic() - started
    return out


def load(
    ports: list[int],
    sessions: int,
    seconds: float,
    pause: float = 0.2,
    visits: int | None = None,
) -> LoadResult:
    """`sessions` viewers spread over the ports, each visiting again and again (Trends by a
    link, two reruns, the overview, the issues) until `seconds` pass or `visits` are done."""
    return asyncio.run(_load(ports, sessions, seconds, pause, visits))


class HeldViewers:
    """Viewers that opened a page and stay connected (a thread keeps their sockets)."""

    def __init__(self) -> None:
        import threading

        self.errors = 0
        self.ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def close(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=60)


def hold_open(port: int, sessions: int, page: str, query: str) -> HeldViewers:
    """`sessions` viewers open page?query (ten at a time, as people arrive) and stay; returns
    once all are in. close() disconnects them."""
    import threading

    held = HeldViewers()

    async def main() -> None:
        held._loop = asyncio.get_running_loop()
        held._stop = asyncio.Event()
        open_viewers: list[Viewer] = []
        for start in range(0, sessions, 10):
            batch = [Viewer(port) for _ in range(min(10, sessions - start))]

            async def arrive(viewer: Viewer) -> None:
                try:
                    await viewer.connect()
                    run = await viewer.run(page, query, "first")
                    if run.error:
                        held.errors += 1
                except Exception:  # counted, the rest still come in
                    held.errors += 1

            await asyncio.gather(*(arrive(viewer) for viewer in batch))
            open_viewers += batch
        held.ready.set()
        await held._stop.wait()
        await asyncio.gather(*(viewer.close() for viewer in open_viewers))

    held._thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
    held._thread.start()
    held.ready.wait(timeout=600)
    return held
