"""What anonymous uploads cost the server: 40 PUTs of 19 MB to Streamlit's upload endpoint.

    python -m bench.upload_flood            # password mode (a viewer) and local mode (an editor)
    python -m bench.upload_flood --files 10 --mb 5

A client speaks the websocket as a browser does (one page run), takes the XSRF cookie and
PUTs files to /_stcore/upload_file/<its session>/<new id>, then closes its session. The
server's RSS (VmRSS, /proc) is printed before, after the uploads and after the session is
gone, with the HTTP answers and what the server's metrics say it holds. Numbers are printed,
nothing is asserted; the server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from bench.serve import APP, rss_mb, streamlit_server
from loaders.store import open_store

MB = 1024 * 1024
RUN_TIMEOUT_S = 60
SESSION_TTL_S = 5
# How long a closed session takes to be dropped by the server, and then some.
SETTLE_S = SESSION_TTL_S + 10


class Session:
    """One browser session over the websocket: runs a page, holds the XSRF cookie."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = CookieJar()
        self.http = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.http.open(f"{base}/_stcore/health", timeout=10).read()  # sets the XSRF cookie
        host = base.removeprefix("http://")
        self._connection = connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=base,
            max_size=None,
            open_timeout=RUN_TIMEOUT_S,
        )
        # Entered as its context manager, left in close().
        self.socket = self._connection.__enter__()
        self.session_id = self.run_page()

    def run_page(self) -> str:
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_name = ""
        self.socket.send(message.SerializeToString())
        session_id = ""
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(self.socket.recv(timeout=RUN_TIMEOUT_S))
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                session_id = forward.new_session.initialize.session_id
            elif kind == "script_finished":
                return session_id

    def put(self, size: int, name: str = "a.txt") -> int:
        token = next(c.value for c in self.cookies if c.name == "_streamlit_xsrf")
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + b"x" * size
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            f"{self.base}/_stcore/upload_file/{self.session_id}/{uuid.uuid4()}",
            data=body,
            method="PUT",
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "X-Xsrftoken": token,
            },
        )
        try:
            with self.http.open(request, timeout=RUN_TIMEOUT_S) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def close(self) -> None:
        self._connection.__exit__(None, None, None)


def held_upload_bytes(base: str) -> int:
    """What the server's upload manager holds, from its own metrics."""
    with urllib.request.urlopen(f"{base}/_stcore/metrics", timeout=10) as response:
        text = response.read().decode()
    found = re.findall(r'cache_memory_bytes\{cache_type="UploadedFileManager"[^}]*\}\s+(\d+)', text)
    return sum(int(value) for value in found)


def measure(mode: str, files: int, size_mb: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="briefs-flood-") as tmp:
        workdir = Path(tmp)
        db = workdir / "briefs.duckdb"
        open_store(db).close()
        # Streamlit keeps a closed session (and its uploads) for server.disconnectedSessionTTL
        # (120 s by default); a short one here shows what is left once it is gone.
        options: list[str] = ["--server.disconnectedSessionTTL", str(SESSION_TTL_S)]
        if mode == "password":
            secrets = workdir / "secrets.toml"
            secrets.write_text('editor_password = "not-this-one"\n', encoding="utf-8")
            options += ["--secrets.files", str(secrets)]
        log = workdir / "streamlit.log"
        with streamlit_server(APP, {"BRIEFS_DB": str(db)}, log, options=options) as server:
            client = Session(server.base)
            time.sleep(1)
            before = rss_mb(server.pid)[0]
            statuses = Counter(client.put(int(size_mb * MB)) for _ in range(files))
            time.sleep(1)
            after = rss_mb(server.pid)[0]
            held = held_upload_bytes(server.base)
            client.close()
            time.sleep(SETTLE_S)
            # Streamlit drops a closed session past its TTL when it next looks (a visitor).
            Session(server.base).close()
            time.sleep(1)
            closed = rss_mb(server.pid)[0]
            held_closed = held_upload_bytes(server.base)
            peak = rss_mb(server.pid)[1]
    return {
        "mode": mode,
        "answers": dict(statuses),
        "held_mb": held / MB,
        "rss_before_mb": before,
        "rss_after_mb": after,
        "rss_after_close_mb": closed,
        "held_after_close_mb": held_closed / MB,
        "rss_peak_mb": peak,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.upload_flood", description=__doc__)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--mb", type=float, default=19.0)
    args = parser.parse_args(argv)
    print(f"{args.files} uploads of {args.mb:g} MB from one session:")
    for mode in ("password", "local"):
        r = measure(mode, args.files, args.mb)
        role = "viewer" if mode == "password" else "editor"
        print(
            f"  {mode} mode ({role}): answers {r['answers']}, held {r['held_mb']:.0f} MB; "
            f"RSS {r['rss_before_mb']:.0f} MB before, {r['rss_after_mb']:.0f} MB after, "
            f"{r['rss_after_close_mb']:.0f} MB once the session was gone "
            f"(held {r['held_after_close_mb']:.0f} MB) "
            f"(peak {r['rss_peak_mb']:.0f} MB)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
