"""The marketplace under test: its CLI, seeded SQLite databases, a logged-in cookie."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from .servers import BIN, ROOT, Server, fetch, log


def cli(env: dict, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """``marketplace ARGS`` in the checkout, with ``env`` over this process's environment."""
    return subprocess.run(  # noqa: S603 - our own CLI
        [str(BIN / "marketplace"), *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def marketplace(env: dict, *args: str, timeout: float = 900) -> str:
    result = cli(env, *args, timeout=timeout)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"marketplace {' '.join(args)} failed: {result.stderr[-2000:]}")
    return result.stdout + result.stderr


def database_url(database: Path | str) -> str:
    """A dataset's SQLAlchemy URL: a SQLite file's path, or a PostgreSQL URL as it is."""
    return database if isinstance(database, str) else f"sqlite:///{database}"


def app_env(database: Path | str, stages: str = "") -> dict:
    return {
        "MARKETPLACE_DATABASE_URL": database_url(database),
        "MARKETPLACE_ENV": "development",  # the lab, so first stages may be chosen
        "MARKETPLACE_SECRET_KEY": "bench-" + secrets.token_hex(16),
        "MARKETPLACE_STAGES": stages,
    }


@dataclass
class Dataset:
    path: Path | str  # a SQLite file, or a PostgreSQL database's URL
    listings: int
    run: str
    seed_seconds: float


def make_dataset(workdir: Path, name: str, listings: int, postgres: str | None = None) -> Dataset:
    """Seed ``listings`` listings in a SQLite file of ``workdir``, or, given the URL of a
    PostgreSQL server's database, in a new database ``marketplace_bench_<name>`` on it
    (dropped first if a run left it; ``drop_dataset`` drops it after)."""
    path: Path | str = workdir / f"{name}.sqlite"
    if postgres:
        path = _postgres_database(postgres, f"marketplace_bench_{name}")
    env = app_env(path)
    marketplace(env, "db", "upgrade")
    marketplace(env, "seed-demo")
    started = time.perf_counter()
    out = marketplace(env, "seed-listings", str(listings), "--users", "100", "--seed", "1")
    seconds = time.perf_counter() - started
    run = re.search(r"lot-([0-9a-f]+)-<n>", out).group(1)
    _plant_rare_word(path)
    log(f"  {name}: {listings:,} listings seeded in {seconds:.1f} s (wall, CLI included)")
    return Dataset(path, listings, run, seconds)


def _postgres_database(server_url: str, name: str) -> str:
    """A new, empty database ``name`` on the server of ``server_url``; returns its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    engine = create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_dataset(dataset: Dataset) -> None:
    """Drop a PostgreSQL dataset's database (a SQLite one goes with the work folder)."""
    if not isinstance(dataset.path, str):
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(dataset.path)
    engine = create_engine(
        url.set(drivername="postgresql+psycopg", database="postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    finally:
        engine.dispose()


# A word that only the oldest listing has (the seeder's titles and descriptions never hold
# it): what a person searching for a rare word types. The oldest listing's lot id is a poor
# stand-in: all but two of its trigrams ("lot", "ot-", the run's hex...) are in every title.
RARE_WORD = "quetzal"


def _plant_rare_word(database: Path | str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database_url(database))
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE listings SET description = description || :word WHERE id = "
                    "(SELECT id FROM listings ORDER BY created_at, id LIMIT 1)"
                ),
                {"word": f" With a {RARE_WORD} feather."},
            )
    finally:
        engine.dispose()


_OLDEST_BUT_40 = "SELECT created_at, id FROM listings ORDER BY created_at, id LIMIT 1 OFFSET 40"


def deep_cursor(dataset: Dataset) -> str:
    """A cursor 40 listings from the oldest: the last pages of the whole table."""
    sys.path.insert(0, str(ROOT))
    from marketplace.pagination import encode_cursor

    if isinstance(dataset.path, str):
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        engine = create_engine(make_url(dataset.path).set(drivername="postgresql+psycopg"))
        try:
            with engine.connect() as conn:
                stamp, ident = conn.execute(text(_OLDEST_BUT_40)).one()
        finally:
            engine.dispose()
        return encode_cursor(stamp, ident)
    with contextlib.closing(sqlite3.connect(dataset.path)) as conn:
        stamp, ident = conn.execute(_OLDEST_BUT_40).fetchone()
    return encode_cursor(datetime.fromisoformat(stamp), ident)


def session_cookie(server: Server, email: str, password: str) -> str:
    """Sign up and log in over HTTP, as a browser would; returns the Cookie header."""
    jar: dict[str, str] = {}

    def cookie() -> str:
        return "; ".join(f"{name}={value}" for name, value in jar.items())

    def form(path: str, fields: dict) -> int:
        status, head, body = fetch(server.base + path, {"Cookie": cookie()} if jar else {})
        _keep(jar, head)
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
        data = dict(fields, csrf_token=token.group(1).decode() if token else "")

        status, head, _ = fetch(
            server.base + path,
            {
                "Cookie": cookie(),
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": server.base,
            },
            method="POST",
            body=urlencode(data),
        )
        _keep(jar, head)
        return status

    signup = form("/user/signup", {"full_name": "Ben Chmark", "email": email, "password": password})
    login = form("/user/login", {"email": email, "password": password})
    status, _, body = fetch(server.base + "/user/welcome", {"Cookie": cookie()})
    if (signup, login, status) != (302, 302, 200):
        raise RuntimeError(f"could not log in on {server.name}: {signup} {login} {status}")
    return cookie()


def _keep(jar: dict[str, str], headers: dict) -> None:
    """Update the jar from every Set-Cookie of an answer (an empty value deletes)."""
    for raw in headers.get("Set-Cookie") or []:
        name, _, value = raw.split(";", 1)[0].partition("=")
        if value:
            jar[name] = value
        else:
            jar.pop(name, None)
