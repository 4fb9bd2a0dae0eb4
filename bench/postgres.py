"""A real PostgreSQL server for the team-store tests and benchmarks (never a mock).

CI (.ci/run) installs Debian's postgresql package, starts a cluster and names it in
BRIEFS_TEST_POSTGRES ("host=… port=… user=…"). Without that variable the suite starts its
own throwaway cluster from the installed binaries (as the postgres user when run as root),
so `make test` needs no setup; without the binaries the team-store tests are skipped with
a message saying how to get them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV_VAR = "BRIEFS_TEST_POSTGRES"


def _binaries() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    return None


def unavailable() -> str | None:
    """None when a server can be had, else why not."""
    if os.environ.get(ENV_VAR) or _binaries():
        return None
    return "PostgreSQL is not installed (apt-get install postgresql); .ci/run installs it"


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server() -> Iterator[str]:
    """Connection fields of a running server: BRIEFS_TEST_POSTGRES's, or a private one."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        yield configured
        return
    binaries = _binaries()
    assert binaries is not None, unavailable()
    root = Path(tempfile.mkdtemp(prefix="briefs-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    port = _free_port()
    subprocess.run(
        _as_server_user(
            [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
        ),
        check=True,
        capture_output=True,
    )
    log = root / "server.log"
    subprocess.run(
        _as_server_user(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-o",
                f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"host=127.0.0.1 port={port} user=postgres"
    finally:
        subprocess.run(
            _as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def create_database(fields: str) -> str:
    """A new empty database on the server; its name."""
    name = f"briefs_{uuid.uuid4().hex[:10]}"
    params = dict(part.split("=", 1) for part in fields.split())
    deadline = time.monotonic() + 30
    while True:
        done = subprocess.run(
            [
                "psql",
                "-h",
                params.get("host", "127.0.0.1"),
                "-p",
                params.get("port", "5432"),
                "-U",
                params.get("user", "postgres"),
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                f"CREATE DATABASE {name}",
            ],
            capture_output=True,
            text=True,
            env={
                **os.environ,
                **({"PGPASSWORD": params["password"]} if "password" in params else {}),
            },
        )
        if done.returncode == 0:
            return name
        if time.monotonic() > deadline:
            raise RuntimeError(f"cannot create a database: {done.stderr}")
        time.sleep(0.5)


def lake_location(fields: str, database: str) -> str:
    """BRIEFS_DB for a team store in that database."""
    return f"ducklake:postgres:dbname={database} {fields}"
