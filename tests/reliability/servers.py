"""Real servers for the reliability tests: gunicorn and a private PostgreSQL cluster.

Everything binds 127.0.0.1 on a free port, is bounded in time, and is stopped in a
``finally`` by the process id it was started with.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from marketplace.gunicorn_server import Server, free_port
from marketplace.gunicorn_server import gunicorn as start_gunicorn

REQUIRE_POSTGRES = os.environ.get("MARKETPLACE_REQUIRE_POSTGRES") == "1"
SECRET = "reliability-test-secret"
HOST = "127.0.0.1"


def unavailable(message: str):
    """Skip with the reason, or fail when PostgreSQL tests are mandatory (CI)."""
    if REQUIRE_POSTGRES:
        pytest.fail(message + " (MARKETPLACE_REQUIRE_POSTGRES=1 makes this mandatory)")
    pytest.skip(message)


def prepare_database(url: str) -> None:
    """Migrate (the real migrations, as ``marketplace db upgrade`` does) and seed the demo."""
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.demo import seed_demo
    from marketplace.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "STAGES": ""})
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.remove()
        db.engine.dispose()


def create_users(url: str, count: int, password: str) -> list[tuple[int, str]]:
    """``count`` users sharing one password hash (hashing each would take seconds)."""
    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.models import User
    from marketplace.password_storage import hash_password

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "STAGES": ""})
    with app.app_context():
        digest = hash_password(password)
        users = [
            User(full_name=f"Load {n}", email=f"load{n}@example.com", password_hash=digest)
            for n in range(count)
        ]
        db.session.add_all(users)
        db.session.commit()
        result = [(u.id, u.email) for u in users]
        db.session.remove()
        db.engine.dispose()
    return result


@contextmanager
def gunicorn(database_url: str, workers: int = 2, **env: str) -> Iterator[Server]:
    """``gunicorn marketplace.wsgi:app`` on a free loopback port; stopped afterwards."""
    environment = {
        "MARKETPLACE_DATABASE_URL": database_url,
        "MARKETPLACE_ENV": "development",
        "MARKETPLACE_SECRET_KEY": SECRET,
        "MARKETPLACE_STAGES": "",
        **env,
    }
    with start_gunicorn(workers=workers, env=environment, probe="/listings/") as server:
        yield server


def postgres_binaries() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


class PrivatePostgres:
    """A throw-away PostgreSQL cluster in a temp dir, on its own port, that a test can stop."""

    def __init__(self) -> None:
        self.bin = postgres_binaries()
        if self.bin is None:
            unavailable("the outage test needs PostgreSQL's initdb and pg_ctl (apt: postgresql)")
        self.as_root = os.geteuid() == 0
        if self.as_root and shutil.which("runuser") is None:
            unavailable("running initdb as root needs runuser to switch to the postgres user")
        self.folder = Path(tempfile.mkdtemp(prefix="mp-private-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        if self.as_root:
            try:
                shutil.chown(self.folder, "postgres", "postgres")
            except (LookupError, PermissionError) as exc:
                shutil.rmtree(self.folder, ignore_errors=True)
                unavailable(f"cannot hand a temp dir to the postgres user: {exc}")

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)

    def init(self) -> None:
        result = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
        )
        if result.returncode != 0:
            self.cleanup()
            unavailable(f"initdb failed: {result.stderr.strip()[-500:]}")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses={HOST} -c fsync=off "
            "-c full_page_writes=off -c max_connections=50"
        )
        result = self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "postgres.log"),
            "-w",
            "-t",
            "30",
            "start",
        )
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {result.stdout}{result.stderr}")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status").returncode == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        from marketplace.config import database_url

        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(name)
        engine = create_engine(database_url(self.url(), ""), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)

    def cleanup(self) -> None:
        if self.data.exists() and self.running():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    cluster = PrivatePostgres()
    cluster.init()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.cleanup()


def csrf_token(html: str) -> str | None:
    for tag in re.findall(r"<input\b[^>]*>", html):
        if 'name="csrf_token"' in tag:
            value = re.search(r'value="([^"]*)"', tag)
            return value.group(1) if value else None
    return None


class Visitor:
    """A browser-like client of a live server: cookies, CSRF tokens, bounded waits."""

    def __init__(self, base: str, timeout: float = 10):
        self.base = base
        self.http = requests.Session()
        self.timeout = timeout

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return self.http.get(self.base + path, allow_redirects=False, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return self.http.post(self.base + path, data=data, allow_redirects=False, **kwargs)

    def token(self, path: str) -> str:
        page = self.get(path)
        token = csrf_token(page.text)
        assert token, f"no CSRF token on {path} ({page.status_code})"
        return token

    def submit(self, path: str, data: dict, form_path: str | None = None) -> requests.Response:
        return self.post(path, {**data, "csrf_token": self.token(form_path or path)})

    def login(self, email: str, password: str) -> requests.Response:
        return self.submit("/user/login", {"email": email, "password": password})
