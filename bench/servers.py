"""Servers for the benchmark: gunicorn on a free loopback port, one-shot requests."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"  # every server and every request stays on loopback


def log(message: str) -> None:
    print(message, flush=True)


# --- servers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def error_lines(self) -> list[str]:
        text = self.log_path.read_text(errors="replace")
        return [line for line in text.splitlines() if "Traceback" in line or " 500 " in line]


# Each worker says when it has loaded the app: marketplace.wsgi applies MARKETPLACE_STAGES
# as every worker boots, so a request served before all workers are up may see a stage
# that a late worker is about to reset.
READY_HOOK = """
import os, pathlib

def post_worker_init(worker):
    pathlib.Path(os.environ["BENCH_READY_DIR"], str(worker.pid)).touch()
"""


@contextlib.contextmanager
def gunicorn(
    name: str, app_spec: str, workdir: Path, workers: int, env: dict | None = None
) -> Iterator[Server]:
    """Serve ``app_spec`` with gunicorn on a free loopback port; always stopped after."""
    port = free_port()
    log_path = workdir / f"{name}.log"
    ready = workdir / f"{name}.ready"
    ready.mkdir()
    hook = workdir / f"{name}.conf.py"
    hook.write_text(READY_HOOK)
    command = [
        str(BIN / "gunicorn"),
        "--config",
        str(hook),
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        "60",
        "--log-level",
        "warning",
        "--pythonpath",
        str(ROOT / "bench"),
        app_spec,
    ]
    environment = {**os.environ, **(env or {}), "BENCH_READY_DIR": str(ready)}
    with open(log_path, "wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            command, cwd=ROOT, env=environment, stdout=out, stderr=out
        )
    server = Server(name, port, process, log_path)
    try:
        deadline = time.monotonic() + 60
        while len(list(ready.iterdir())) < workers:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited: {log_path.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name}: not every worker was up within 60 s")
            time.sleep(0.1)
        while True:
            try:
                status, _, _ = fetch(server.base + "/", timeout=2)
                if status:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer within 60 s")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


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
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()
