"""The README's ways of serving the app, for real: ``marketplace run`` (what ``make run``
calls) in lab mode, and gunicorn in production after ``marketplace db upgrade``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(tmp_path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_")}
    env["MARKETPLACE_DATABASE_URL"] = f"sqlite:///{tmp_path}/serve.sqlite"
    env.update(extra)
    return env


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> requests.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}")
        try:
            return requests.get(url, timeout=10)
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)  # not listening yet, or workers still booting on a busy machine
    pytest.fail(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def test_marketplace_run_serves_demo_data_and_the_lab(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "marketplace"), "run", "--host", "127.0.0.1", "--port", str(port)],
        env=environment(tmp_path, MARKETPLACE_STAGES="broken-deauthentication=client-cookie"),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        listings = wait_for(f"{base}/listings/", process)
        assert listings.status_code == 200
        assert "Road bike, 56 cm" in listings.text  # demo data
        lab = requests.get(f"{base}/lab/", timeout=15)
        assert lab.status_code == 200
        assert "client-cookie" in lab.text
    finally:
        output = stop(process)
    assert "Demo accounts" in output and "alice@example.com" in output
    assert "Stages: broken-deauthentication=client-cookie" in output


def test_gunicorn_in_production(tmp_path):
    env = environment(
        tmp_path,
        MARKETPLACE_ENV="production",
        MARKETPLACE_SECRET_KEY="s" * 64,
        MARKETPLACE_ALLOWED_HOSTS="127.0.0.1,.shop.example",
    )
    upgrade = subprocess.run(
        [str(BIN / "marketplace"), "db", "upgrade"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert upgrade.returncode == 0, upgrade.stderr
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "marketplace.wsgi:app"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(f"{base}/listings/", process).status_code == 200
        login = requests.get(f"{base}/user/login", timeout=15)
        assert login.status_code == 200
        assert "Secure" in login.headers["Set-Cookie"]
        # No version detail for a scanner to match against advisories (issue 9, item 11).
        assert login.headers["Server"] == "gunicorn"
        # Only the names in MARKETPLACE_ALLOWED_HOSTS are answered (sent over loopback).
        forged = requests.get(f"{base}/listings/", headers={"Host": "evil.example"}, timeout=15)
        assert forged.status_code == 400 and "MARKETPLACE_ALLOWED_HOSTS" in forged.text
        named = requests.get(f"{base}/listings/", headers={"Host": "www.shop.example"}, timeout=15)
        assert named.status_code == 200
        assert requests.get(f"{base}/lab/", timeout=15).status_code == 404
        api = requests.get(f"{base}/api/v1/listings", timeout=15)
        assert api.status_code == 200 and api.json()["total"] == 0
    finally:
        output = stop(process)
    assert "Traceback" not in output


def test_gunicorn_on_an_unmigrated_database_stops_with_one_line(tmp_path):
    """No retry loop of tracebacks: each worker says what to run, and gunicorn halts (4).

    One worker: with two, gunicorn's arbiter can reap the second failed worker while it
    halts and print its own HaltServer traceback (a race in gunicorn, not in the app).
    """
    env = environment(tmp_path, MARKETPLACE_ENV="production", MARKETPLACE_SECRET_KEY="s" * 64)
    port = free_port()
    done = subprocess.run(
        [str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "marketplace.wsgi:app"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 4, output  # gunicorn's APP_LOAD_ERROR: the arbiter halts
    assert "Traceback" not in output
    advice = [line for line in output.splitlines() if line.startswith("marketplace: ")]
    assert advice and all("run `marketplace db upgrade`" in line for line in advice), output
    assert "App failed to load" in output
