"""`make run WORKERS=2`: the sticky proxy keeps each browser on one Streamlit process.

The proxy is tested against two small HTTP servers that say who they are, so which worker
answered is visible; tests/test_team.py runs the real dashboards behind it.
"""

from __future__ import annotations

import asyncio

import pytest

from dashboard.serve import COOKIE, StickyProxy, with_cookie, worker_of


async def _backend(name: str) -> tuple[asyncio.Server, int]:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                break
            body = name.encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def _get(
    port: int, cookie: str | None = None, requests: int = 1
) -> list[tuple[bytes, bytes]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answers = []
    for _ in range(requests):
        head = "GET / HTTP/1.1\r\nHost: x\r\n" + (f"Cookie: a=1; {cookie}\r\n" if cookie else "")
        writer.write((head + "\r\n").encode())
        await writer.drain()
        response = await reader.readuntil(b"\r\n\r\n")
        length = int(response.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        answers.append((response, await reader.readexactly(length)))
    writer.close()
    return answers


def test_new_browsers_are_spread_and_known_ones_stay_where_they_are() -> None:
    async def scenario() -> None:
        a, port_a = await _backend("A")
        b, port_b = await _backend("B")
        proxy = await asyncio.start_server(StickyProxy([port_a, port_b]).handle, "127.0.0.1", 0)
        port = proxy.sockets[0].getsockname()[1]
        try:
            first = await _get(port)
            second = await _get(port)
            # Round robin for browsers without a cookie, each told where it now belongs.
            assert [first[0][1], second[0][1]] == [b"A", b"B"]
            assert f"Set-Cookie: {COOKIE}=0;".encode() in first[0][0]
            assert f"Set-Cookie: {COOKIE}=1;".encode() in second[0][0]
            # A browser with a cookie reaches its worker on every request, never re-pinned.
            pinned = await _get(port, f"{COOKIE}=1", requests=3)
            assert [body for _, body in pinned] == [b"B", b"B", b"B"]
            assert all(b"Set-Cookie" not in head for head, _ in pinned)
            # A connection stays with the worker it started on (keep-alive requests).
            kept = await _get(port, requests=3)
            assert len({body for _, body in kept}) == 1
        finally:
            for server in (proxy, a, b):
                server.close()

    asyncio.run(scenario())


def test_cookie_parsing_and_injection() -> None:
    head = b"GET / HTTP/1.1\r\nHost: x\r\nCookie: other=3; briefs_worker=1\r\n\r\n"
    assert worker_of(head, 2) == 1
    assert worker_of(head, 1) is None  # a worker that no longer exists: spread again
    assert worker_of(b"GET / HTTP/1.1\r\nCookie: briefs_worker=x\r\n\r\n", 2) is None
    response = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
    cookied = with_cookie(response, 1)
    assert cookied.endswith(b"briefs_worker=1; Path=/; HttpOnly; SameSite=Lax\r\n\r\n")
    assert cookied.startswith(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n")


def test_the_worker_learns_the_browsers_address_and_not_a_forged_one() -> None:
    """Behind the proxy every browser comes from 127.0.0.1; Streamlit (uvicorn trusts
    X-Forwarded-For from 127.0.0.1) then sees the real address, which the login throttle
    counts guesses by (loaders.services.login). A header the browser sent is replaced."""
    from dashboard.serve import with_forwarded_for

    head = (
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6\r\nx-forwarded-for: 7.7.7.7\r\n\r\n"
    )
    forwarded = with_forwarded_for(head, "203.0.113.9")
    assert forwarded == b"GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n"


def test_local_mode_listens_on_this_machine_only() -> None:
    """With no login configured every visitor may edit: make run keeps that to 127.0.0.1."""
    from dashboard.serve import default_address

    assert default_address("local") == "127.0.0.1"
    assert default_address("password") == "0.0.0.0"
    assert default_address("oidc") == "0.0.0.0"


def test_workers_start_with_two_malloc_arenas_unless_the_operator_chose(monkeypatch) -> None:
    """glibc reads MALLOC_ARENA_MAX once, at start, and pyarrow its memory pool: the worker's
    environment must carry both (they hold server memory with 50 viewers under the 400 MB
    target)."""
    import os

    import dashboard.serve as serve

    started: list[tuple[list[str], str | None, str | None]] = []

    class Replaced(Exception):
        """What os.execv does to the calling process: it does not come back."""

    def exec_worker(executable: str, command: list[str]) -> None:
        started.append(
            (
                command,
                os.environ.get("MALLOC_ARENA_MAX"),
                os.environ.get("ARROW_DEFAULT_MEMORY_POOL"),
            )
        )
        raise Replaced

    monkeypatch.setattr(serve.os, "execv", exec_worker)
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    with pytest.raises(Replaced):
        serve.main(["--port", "8599", "--address", "127.0.0.1"])
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
    with pytest.raises(Replaced):
        serve.main(["--port", "8599", "--address", "127.0.0.1"])
    assert [settings for _, *settings in started] == [["2", "system"], ["4", "jemalloc"]]
    assert all("streamlit" in command for command, *_ in started)


def test_pyarrow_takes_the_workers_memory_pool_setting() -> None:
    """The variable's name and value are pyarrow's own: a worker started with them uses the
    system allocator."""
    import subprocess
    import sys

    from dashboard.serve import WORKER_ENVIRONMENT

    done = subprocess.run(
        [sys.executable, "-c", "import pyarrow; print(pyarrow.default_memory_pool().backend_name)"],
        env={"PATH": "/usr/bin:/bin", **WORKER_ENVIRONMENT},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "system"
