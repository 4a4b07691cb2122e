"""The database dies at every possible point of a request: a 503 (or the answer it had
already earned), never a 500.

The live outage test (test_database_outage.py) stops a real PostgreSQL under load and once
in a few hundred requests caught a statement at an unlucky moment. Here each request is
first run with the database healthy to count its statements, then once for each statement
with the database "gone" from that statement on: every later statement, commit, rollback
and new connection fails as a lost connection does. That visits every point in order,
deterministically, in-process (SQLite and PostgreSQL drivers' own error classes).
"""

from __future__ import annotations

from functools import partial

from sqlalchemy.exc import DatabaseError, PendingRollbackError

from marketplace.extensions import db

from ..conftest import Browser
from ..helpers import assert_no_traceback

ALICE, ALICE_PASSWORD = "alice@example.com", "wonderland-Quartz-42"


class Outage:
    """Counts the statements the engine sends; from statement ``fail_at`` on, the server is
    gone: each statement, commit or rollback finds its connection closed (the driver's own
    error, which SQLAlchemy recognises as a disconnect), and no new connection is made."""

    def __init__(self, engine):
        self.dialect = engine.dialect
        self.refused = self.dialect.loaded_dbapi.OperationalError("connection refused")
        self.fail_at: int | None = None
        self.statements = 0
        self._saved = {}

    def _down(self) -> bool:
        return self.fail_at is not None and self.statements >= self.fail_at

    def _wrap(self, name: str, connection_of):
        original = getattr(self.dialect, name)

        def wrapper(*args, **kwargs):
            if connection_of is None:  # connect(): the server refuses
                if self._down():
                    raise self.refused
                return original(*args, **kwargs)
            if name.startswith("do_execute"):
                self.statements += 1
            if self._down():
                connection_of(args).close()  # the server closed it under us
            return original(*args, **kwargs)

        self._saved[name] = original
        setattr(self.dialect, name, wrapper)

    def __enter__(self):
        for name in ("do_execute", "do_execute_no_params", "do_executemany"):
            self._wrap(name, lambda args: args[0].connection)  # (cursor, ...)
        for name in ("do_commit", "do_rollback"):
            self._wrap(name, lambda args: args[0])  # (dbapi_connection)
        self._wrap("connect", None)
        return self

    def __exit__(self, *exc):
        for name, original in self._saved.items():
            setattr(self.dialect, name, original)

    def run(self, request, fail_at: int | None):
        self.statements, self.fail_at = 0, fail_at
        try:
            return request()
        finally:
            self.fail_at = None


def _requests(app):
    """(name, a function making the request) for the pages the live outage test loads."""
    anonymous, member = Browser(app), Browser(app)
    assert member.login(ALICE, ALICE_PASSWORD).status == 302
    token = member.get("/listings/create").csrf_token
    counter = iter(range(10**6))

    def create():
        form = {"title": f"Outage {next(counter)}", "description": "x", "csrf_token": token}
        return member.post("/listings/create", data=form)

    return [
        ("anonymous index", lambda: anonymous.get("/listings/")),
        ("anonymous api", lambda: anonymous.get("/api/v1/listings")),
        ("member index", lambda: member.get("/listings/")),
        ("member api", lambda: member.get("/api/v1/listings")),
        ("member welcome", lambda: member.get("/user/welcome")),
        ("member create", create),
    ]


def test_every_point_of_failure_is_a_503_never_a_500(app, backend):
    with app.app_context():
        engine = db.engine
    failures = []
    with Outage(engine) as outage:
        for name, request in _requests(app):
            healthy = outage.run(request, None)
            assert healthy.status in (200, 302), (name, healthy.status)
            total = outage.statements
            assert total >= 1, name
            for fail_at in range(total + 1):
                # Statements already sent stay sent (the session may be written, or not).
                reply = outage.run(request, fail_at)
                assert_no_traceback(reply.text)
                if reply.status not in (200, 302, 503):
                    failures.append(f"{name}: statement {fail_at + 1}/{total} -> {reply.status}")
                elif fail_at == 0 and reply.status != 503:
                    failures.append(f"{name}: nothing answered, yet {reply.status}")
    assert not failures, "\n".join(failures)


def test_an_error_of_no_known_outage_class_is_a_503_only_while_the_database_is_away(app, backend):
    """Drivers report some lost connections as a plain DatabaseError, and the ORM as its
    own errors (a transaction that a dead connection left broken): the error handler asks
    the database itself before calling the error a bug."""

    def unclassified():
        raise DatabaseError("SELECT 1", {}, Exception("the connection is lost"))

    def orm_error():
        raise PendingRollbackError("this transaction is inactive")

    app.add_url_rule("/_test/unclassified", view_func=unclassified)
    app.add_url_rule("/_test/orm-error", view_func=orm_error)
    with app.app_context():
        engine = db.engine
    client = Browser(app)
    with Outage(engine) as outage:
        for path in ("/_test/unclassified", "/_test/orm-error"):
            assert outage.run(partial(client.get, path), None).status == 500, path
            away = outage.run(partial(client.get, path), 0)
            assert away.status == 503, (path, away.status)
            assert "database is not answering" in away.text
            assert_no_traceback(away.text)
