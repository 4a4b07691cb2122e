"""Servers for the benchmark: gunicorn on a free loopback port, one-shot requests."""

from __future__ import annotations

import contextlib
import http.client
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from marketplace.gunicorn_server import Server
from marketplace.gunicorn_server import gunicorn as start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"  # every server and every request stays on loopback


def log(message: str) -> None:
    print(message, flush=True)


# --- servers -------------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(
    name: str, app_spec: str, workdir: Path, workers: int, env: dict | None = None
) -> Iterator[Server]:
    """Serve ``app_spec`` with gunicorn on a free loopback port; always stopped after.
    Its log stays in ``workdir/name/``."""
    with start_gunicorn(
        app_spec,
        workers=workers,
        env=env,
        name=name,
        pythonpath=ROOT / "bench",
        worker_timeout=60,
        folder=workdir,
    ) as server:
        yield server


def fetch(
    url: str, headers: dict | None = None, timeout: float = 30, method: str = "GET", body=None
) -> tuple[int, dict, bytes]:
    """One request on a fresh connection (gunicorn's sync workers close it anyway)."""
    match = re.match(r"http://([^:/]+):(\d+)(.*)", url)
    host, port, path = match.group(1), int(match.group(2)), match.group(3) or "/"
    if host != HOST:
        raise ValueError("the benchmark only talks to loopback")
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        headers = dict(response.getheaders())
        # A login sets several cookies (session, device, lab client): keep every one.
        headers["Set-Cookie"] = response.msg.get_all("Set-Cookie") or []
        return response.status, headers, response.read()
    finally:
        conn.close()
