"""`make run`: the dashboard on one port, served by one or more Streamlit processes.

    python -m dashboard.serve --port 8501 --workers 2

One worker is `streamlit run` on the port itself. With more, each worker listens on
127.0.0.1 (port+1, port+2, …) and a small proxy on the port hands each browser to one of
them and keeps it there: a Streamlit session lives in one process (its websocket, its
uploads, its downloads), so every request of a browser must reach the same worker. The
proxy pins a browser with a cookie (`briefs_worker`) set on the first response it sees,
and pins each connection to the worker it started with; it forwards bytes and never reads
a body, so websockets pass through unchanged. A worker that exits is started again.

All workers share one store (loaders.store: writes take turns, reads use published copies),
so a commit in one is seen by the others on their next run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import signal
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "streamlit_app.py"
COOKIE = "briefs_worker"
# A request head larger than this is refused (no browser sends one).
MAX_HEAD_BYTES = 64 * 1024
RESTART_PAUSE_SECONDS = 1.0
# glibc gives every thread that meets contention its own malloc arena (up to 8 per core) and
# keeps what was freed in it; a Streamlit worker runs a thread per session run and DuckDB its
# own, so memory freed by one session stayed with its thread. Two arenas: server RSS with 50
# viewers on Trends at 1e6 observations 419 -> 385 MB (bench/team.py). Likewise Arrow (the
# strings of every query result and series frame) allocates from the system heap rather
# than its own mimalloc pool, which kept what it freed: one Trends view of two series at 1e6,
# 104 -> 79 MB. Set before the worker starts: both are read once. An operator's own value
# wins.
WORKER_ENVIRONMENT = {"MALLOC_ARENA_MAX": "2", "ARROW_DEFAULT_MEMORY_POOL": "system"}


def streamlit_command(port: int, address: str) -> list[str]:
    """The worker command: the settings make run ships are .streamlit/config.toml's; the
    address and port are the launcher's."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        address,
    ]


def worker_of(head: bytes, workers: int) -> int | None:
    """The worker a request's cookie pins it to, or None."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() != b"cookie":
            continue
        for part in value.split(b";"):
            key, _, number = part.strip().partition(b"=")
            if key == COOKIE.encode() and number.isdigit() and int(number) < workers:
                return int(number)
    return None


def with_cookie(response_head: bytes, worker: int) -> bytes:
    """The response head with a Set-Cookie pinning the browser to worker."""
    cookie = f"Set-Cookie: {COOKIE}={worker}; Path=/; HttpOnly; SameSite=Lax\r\n".encode()
    end = response_head.index(b"\r\n\r\n")
    return response_head[: end + 2] + cookie + response_head[end + 2 :]


def with_forwarded_for(request_head: bytes, address: str) -> bytes:
    """The request head with X-Forwarded-For naming the browser's address (any the browser
    sent is dropped): behind this proxy every browser comes from 127.0.0.1, and uvicorn
    takes the client's address from this header when it comes from 127.0.0.1. The login
    throttle counts wrong passwords per address (loaders.services.login)."""
    lines = request_head[: request_head.index(b"\r\n\r\n")].split(b"\r\n")
    kept = [line for line in lines if not line.lower().startswith(b"x-forwarded-for:")]
    return b"\r\n".join([*kept, b"X-Forwarded-For: " + address.encode()]) + b"\r\n\r\n"


async def _read_head(reader: asyncio.StreamReader) -> bytes:
    return await reader.readuntil(b"\r\n\r\n")


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


class StickyProxy:
    """Round-robin for new browsers, the cookie's worker for known ones."""

    def __init__(self, backends: list[int]):
        self.backends = backends
        self._next = itertools.cycle(range(len(backends)))

    async def handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter):
        try:
            head = await _read_head(client_r)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            client_w.close()
            return
        pinned = worker_of(head, len(self.backends))
        worker = pinned if pinned is not None else next(self._next)
        try:
            backend_r, backend_w = await asyncio.open_connection(
                "127.0.0.1", self.backends[worker], limit=MAX_HEAD_BYTES
            )
        except OSError:
            client_w.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
            await client_w.drain()
            client_w.close()
            return
        peer = client_w.get_extra_info("peername")
        backend_w.write(with_forwarded_for(head, peer[0]) if peer else head)
        await backend_w.drain()
        if pinned is None:
            try:
                response_head = await _read_head(backend_r)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                client_w.close()
                backend_w.close()
                return
            client_w.write(with_cookie(response_head, worker))
            await client_w.drain()
        await asyncio.gather(_pipe(client_r, backend_w), _pipe(backend_r, client_w))


async def _serve_proxy(port: int, address: str, backends: list[int]) -> None:
    proxy = StickyProxy(backends)
    server = await asyncio.start_server(proxy.handle, address, port, limit=MAX_HEAD_BYTES)
    async with server:
        await server.serve_forever()


def _supervise(commands: list[list[str]]) -> list[subprocess.Popen]:
    return [subprocess.Popen(command) for command in commands]


LOCAL_ONLY = "127.0.0.1"


def default_address(mode: str) -> str:
    """Where to listen when --address is not given: in local mode (no login configured)
    every visitor is an editor, so only this machine may reach it."""
    return LOCAL_ONLY if mode == "local" else "0.0.0.0"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.serve", description=__doc__)
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument(
        "--address",
        help="where the dashboard listens (default: every interface once a login is set, "
        "127.0.0.1 in local mode, where everyone may edit)",
    )
    parser.add_argument("--workers", type=int, default=1, help="Streamlit processes")
    args = parser.parse_args(argv)
    # dashboard.auth holds the rules; imported outside Streamlit's runtime, its cached
    # reads warn about the missing runtime. This process only decides, then execs.
    import streamlit.logger

    streamlit.logger.set_log_level("error")
    from dashboard.auth import api_token, auth_mode
    from loaders.services.login import api_token_problem

    problem = api_token_problem(api_token())
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.address is None:
        args.address = default_address(auth_mode())
        if args.address == LOCAL_ONLY:
            print(
                "本地模式（未设置登录，人人可编辑）：仅在本机 127.0.0.1 提供。"
                "设置 BRIEFS_EDITOR_PASSWORD（或 OIDC）后对外提供，或显式 --address 0.0.0.0。",
                flush=True,
            )
    for name, value in WORKER_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    if args.workers <= 1:
        os.execv(sys.executable, streamlit_command(args.port, args.address))
    backends = [args.port + 1 + i for i in range(args.workers)]
    commands = [streamlit_command(port, "127.0.0.1") for port in backends]
    processes = _supervise(commands)

    async def run() -> None:
        proxy = asyncio.create_task(_serve_proxy(args.port, args.address, backends))
        print(
            f"dashboard on http://localhost:{args.port} ({args.workers} workers on ports "
            f"{', '.join(map(str, backends))})",
            flush=True,
        )
        while not proxy.done():
            for index, process in enumerate(processes):
                if process.poll() is not None:  # a worker died: start it again
                    await asyncio.sleep(RESTART_PAUSE_SECONDS)
                    processes[index] = subprocess.Popen(commands[index])
            await asyncio.sleep(1)
        proxy.result()

    def stop(*_: object) -> None:
        for process in processes:
            process.terminate()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
