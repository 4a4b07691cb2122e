"""The database goes away mid-load and comes back: 503s, no hang, recovery, no lost write.

The test runs its own PostgreSQL cluster (initdb in a temp dir, its own port; as the
``postgres`` user when run as root), serves the app with gunicorn on it, keeps clients
posting listings and reading pages, stops the cluster, and starts it again:

- while it is down every answer is a 503 (HTML page, or JSON under /api/) with no
  traceback, within a few seconds;
- once it is back the same gunicorn processes answer normally again (no restart);
- every listing whose creation was answered with success exists afterwards.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter

import pytest
import requests
from sqlalchemy import create_engine, select

from marketplace.config import database_url
from marketplace.models import Listing

from .servers import Visitor, create_users, gunicorn, prepare_database, private_postgres

PASSWORD = "Outage-test-Passw0rd"
CLIENTS = 3
ANSWER_WITHIN = 5.0  # seconds: a request that takes longer counts as a hang


class Load:
    """Clients that post listings and read pages until told to stop."""

    def __init__(self, base: str, emails: list[str]):
        self.base = base
        self.emails = emails
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.created: list[str] = []  # titles whose creation was answered with success
        self.answers: list[tuple[float, str, int, float, str]] = []  # (at, kind, status, s, body)
        self.errors: list[str] = []
        self.threads: list[threading.Thread] = []

    def _record(self, kind: str, started: float, response: requests.Response) -> None:
        with self.lock:
            self.answers.append(
                (started, kind, response.status_code, time.monotonic() - started, response.text)
            )

    def _client(self, number: int, email: str) -> None:
        visitor = Visitor(self.base, timeout=ANSWER_WITHIN)
        assert visitor.login(email, PASSWORD).status_code == 302
        token = visitor.token("/listings/create")
        n = 0
        while not self.stop.is_set():
            title = f"outage-{number}-{n}"
            n += 1
            try:
                started = time.monotonic()
                response = visitor.post(
                    "/listings/create",
                    {"title": title, "description": "Posted under load.", "csrf_token": token},
                )
                self._record("create", started, response)
                if response.status_code == 302 and response.headers["Location"].endswith(
                    "/user/welcome"
                ):
                    with self.lock:
                        self.created.append(title)
                started = time.monotonic()
                self._record("api", started, visitor.get("/api/v1/listings"))
                started = time.monotonic()
                self._record("index", started, visitor.get("/listings/"))
            except requests.RequestException as exc:
                with self.lock:
                    self.errors.append(f"{title}: {exc.__class__.__name__}: {exc}")
            time.sleep(0.02)

    def start(self) -> None:
        for number, email in enumerate(self.emails):
            thread = threading.Thread(target=self._client, args=(number, email), daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def between(self, start: float, end: float) -> list:
        with self.lock:
            return [a for a in self.answers if start <= a[0] and a[0] + a[3] <= end]


def _wait_for(condition, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


@pytest.mark.slow
@pytest.mark.postgres
def test_database_outage_answers_503_and_recovers_without_losing_writes():
    with private_postgres() as cluster:
        url = cluster.create_database("outage")
        prepare_database(url)
        users = create_users(url, CLIENTS, PASSWORD)
        with gunicorn(url, workers=2) as server:
            pids_before = server.process.pid
            load = Load(server.base, [email for _, email in users])
            load.start()
            try:
                assert _wait_for(lambda: len(load.created) >= 20, 30), "no load before outage"

                # Down: stop the cluster under load.
                cluster.stop("fast")
                down_at = time.monotonic()
                time.sleep(3)
                probe = Visitor(server.base, timeout=ANSWER_WITHIN)
                api, page = probe.get("/api/v1/listings"), probe.get("/listings/")
                up_at = time.monotonic()

                # Back: start it again; the same processes must serve again.
                cluster.start()
                assert _wait_for(lambda: probe.get("/api/v1/listings").status_code == 200, 20), (
                    "the app did not recover within 20 s of the database coming back"
                )
                created_at_recovery = len(load.created)
                assert _wait_for(lambda: len(load.created) >= created_at_recovery + 10, 30), (
                    "clients could not post again after the database came back"
                )
            finally:
                load.finish()
            log = server.output()
            assert server.process.poll() is None and server.process.pid == pids_before
        stored = _titles(url)

    # During the outage: 503 with a clear message (JSON on the API, a page elsewhere).
    assert api.status_code == 503 and api.headers["Content-Type"].startswith("application/json")
    assert api.json()["status"] == 503 and "database" in api.json()["message"]
    assert api.headers.get("Retry-After")
    assert page.status_code == 503 and "database is not answering" in page.text
    during = load.between(down_at + 0.5, up_at)
    assert during, "no client request completed while the database was down"
    kinds = Counter((kind, status) for _, kind, status, _, _ in during)
    assert {status for _, status in kinds} == {503}, kinds
    assert all(seconds < ANSWER_WITHIN for _, _, _, seconds, _ in load.answers)
    assert not load.errors, load.errors[:5]  # no timeouts, no dropped connections
    statuses = Counter((kind, status) for _, kind, status, _, _ in load.answers)
    assert {status for _, status in statuses} <= {200, 302, 503}, _explain(statuses, load, log)
    assert not any("Traceback" in body for *_, body in load.answers)
    assert "Traceback" not in log, log[-3000:]

    # No write that was answered with success is lost.
    assert len(load.created) >= 30
    missing = set(load.created) - stored
    assert not missing, f"{len(missing)} acknowledged listings are missing: {sorted(missing)[:5]}"


def _explain(statuses: Counter, load: Load, log: str) -> str:
    """What a failure needs to be diagnosed from CI's output alone: which requests, when
    (relative to the first answer), and the server's own account of the errors."""
    start = min(at for at, *_ in load.answers)
    odd = [
        f"{kind} at +{at - start:.2f}s -> {status}: {' '.join(body.split())[:200]}"
        for at, kind, status, _, body in load.answers
        if status not in (200, 302, 503)
    ]
    lines = log.splitlines()
    first = next((i for i, line in enumerate(lines) if "Traceback" in line), len(lines))
    return "\n".join(
        [str(statuses), *odd[:5], "server log from the first traceback:"]
        + lines[max(first - 2, 0) : first + 40]
    )


def _titles(url: str) -> set[str]:
    engine = create_engine(database_url(url, ""))
    try:
        with engine.connect() as conn:
            return set(conn.scalars(select(Listing.title).where(Listing.title.like("outage-%"))))
    finally:
        engine.dispose()


def test_a_database_that_never_answers_is_a_503_within_seconds():
    """A server that accepts the connection and then says nothing (a hung host, a full
    backlog): the connect timeout turns it into a 503 instead of a request that hangs."""
    from marketplace import create_app

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)  # the kernel completes the handshakes; nobody ever answers
        port = silent.getsockname()[1]
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{port}/x",
                "SECRET_KEY": "test",
                "TESTING": True,
                "STAGES": "",
            }
        )
        client = app.test_client()
        answers = []
        started = time.monotonic()
        request = threading.Thread(
            target=lambda: answers.append(client.get("/api/v1/listings")), daemon=True
        )
        request.start()
        request.join(timeout=15)  # without a connect timeout it would wait forever
        elapsed = time.monotonic() - started
        assert answers, f"no answer after {elapsed:.0f} s: the request hangs"
        response = answers[0]
        # Two connection attempts (lesson stages, then the query), 2 s each at most.
        assert response.status_code == 503 and response.get_json()["status"] == 503
        assert elapsed < 7, f"the request took {elapsed:.1f} s"
        assert response.headers["Retry-After"] == "5"
        with app.app_context():
            from marketplace.extensions import db

            db.engine.dispose()


@pytest.mark.parametrize("broken_rollback", [False, True])
def test_lost_connection_errors_are_503_even_if_rollback_fails(app, monkeypatch, broken_rollback):
    """Whatever class the driver picks for a dead connection, and even if the rollback in
    the error handler fails too (the connection died mid-transaction): a 503, not a 500."""
    from sqlalchemy.exc import InterfaceError, ProgrammingError

    from marketplace import api
    from marketplace.extensions import db

    def lost(*args, **kwargs):
        raise InterfaceError("SELECT 1", {}, Exception("the connection is closed"))

    client = app.test_client()
    monkeypatch.setattr(api, "listing_page", lost)
    if broken_rollback:
        with app.app_context():
            session_class = type(db.session())
        monkeypatch.setattr(session_class, "rollback", lost)
    response = client.get("/api/v1/listings?after=" + _a_cursor())
    assert response.status_code == 503 and response.get_json()["status"] == 503

    def bad_sql(*args, **kwargs):
        raise ProgrammingError("SELEC", {}, Exception("syntax error"))

    monkeypatch.setattr(api, "listing_page", bad_sql)
    assert client.get("/api/v1/listings?after=" + _a_cursor()).status_code == 500


def _a_cursor() -> str:
    from datetime import datetime

    from marketplace.pagination import encode_cursor

    return encode_cursor(datetime(2026, 1, 1), 1)
