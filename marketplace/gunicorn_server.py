"""gunicorn on a free loopback port, for the benchmark and the reliability tests.

One start-up for both (the bench must not import the tests): bind 127.0.0.1 on a port the
kernel picked, wait until every worker has loaded the app and the server answers, and stop
it by its own process id afterwards, within bounded times.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess  # nosec B404 - runs our own gunicorn with fixed arguments
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

HOST = "127.0.0.1"  # never anything but loopback

# Each worker reports when it has loaded the app: marketplace.wsgi applies
# MARKETPLACE_STAGES as every worker boots, so a request served before all workers are up
# could see a stage that a late worker is about to reset.
READY_HOOK = """
import os, pathlib

def post_worker_init(worker):
    pathlib.Path(os.environ["MARKETPLACE_GUNICORN_READY_DIR"], str(worker.pid)).touch()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def error_lines(self) -> list[str]:
        return [
            line for line in self.output().splitlines() if "Traceback" in line or " 500 " in line
        ]


def _answers(url: str) -> bool:
    try:
        with urlopen(url, timeout=2) as reply:  # noqa: S310  # nosec B310 - loopback http only
            return bool(reply.status)
    except URLError as exc:
        return getattr(exc, "code", None) is not None  # an HTTP error is an answer too
    except OSError:
        return False


@contextmanager
def gunicorn(
    app_spec: str = "marketplace.wsgi:app",
    *,
    workers: int = 2,
    env: dict[str, str] | None = None,
    name: str = "gunicorn",
    probe: str = "/",
    pythonpath: Path | None = None,
    worker_timeout: int = 30,
    start_within: float = 60,
    folder: Path | None = None,
) -> Iterator[Server]:
    """Serve ``app_spec`` with ``workers`` sync workers; yields a :class:`Server`.

    ``env`` is added to this process's environment; ``probe`` is the path asked until the
    server answers. The server is terminated (then killed) when the block ends. Its files
    (log, hook) go to ``folder`` and stay there, or to a temporary folder removed after.
    """
    keep = folder is not None
    folder = folder or Path(tempfile.mkdtemp(prefix=f"mp-{name}-"))
    folder = folder / name if keep else folder
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = folder / "gunicorn.log"
    ready = folder / "ready"
    ready.mkdir()
    (folder / "hook.py").write_text(READY_HOOK)
    command = [sys.executable, "-m", "gunicorn", "--config", str(folder / "hook.py")]
    command += ["--workers", str(workers), "--worker-class", "sync", "--bind", f"{HOST}:{port}"]
    command += ["--timeout", str(worker_timeout), "--graceful-timeout", "5"]
    command += ["--log-level", "warning"]
    if pythonpath is not None:
        command += ["--pythonpath", str(pythonpath)]
    command.append(app_spec)
    environment = {**os.environ, **(env or {}), "MARKETPLACE_GUNICORN_READY_DIR": str(ready)}
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=environment, stdout=out, stderr=out)  # noqa: S603  # nosec B603
    server = Server(name, port, process, log)
    try:
        deadline = time.monotonic() + start_within
        while len(list(ready.iterdir())) < workers or not _answers(server.base + probe):
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited:\n{server.output()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} was not up and answering within {start_within:.0f} s")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
