"""Server-side sessions: idle and absolute expiry on a clock the test controls, purging,
and the cookie's flags."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from marketplace.extensions import db
from marketplace.models import UserSession

from .helpers import ALICE, count, logged_in


class Clock:
    """Stands in for ``utcnow()`` through ``app.config["CLOCK"]``."""

    def __init__(self) -> None:
        self.now = datetime(2031, 6, 1, 12, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(app):
    app.config["CLOCK"] = clock = Clock()
    return clock


@pytest.fixture
def alice(app, browser, clock):
    return logged_in(type(browser), app, *ALICE)


def test_idle_session_expires(app, alice, clock):
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    clock.advance(seconds=idle.total_seconds() - 60)
    assert alice.get("/user/welcome").status == 200  # just inside, and touched
    clock.advance(seconds=idle.total_seconds() - 60)
    assert alice.get("/user/welcome").status == 200  # activity keeps it alive
    clock.advance(seconds=idle.total_seconds() + 1)
    reply = alice.get("/user/welcome")
    assert reply.status == 302 and "/user/login" in reply.location
    assert count(app, UserSession, UserSession.user_id.is_not(None)) == 0


def test_absolute_lifetime_ends_even_an_active_session(app, alice, clock):
    absolute = app.config["SESSION_ABSOLUTE_TIMEOUT"]
    step = app.config["SESSION_IDLE_TIMEOUT"] / 2
    elapsed = timedelta()
    while elapsed + step < absolute:
        clock.advance(seconds=step.total_seconds())
        elapsed += step
        assert alice.get("/user/welcome").status == 200
    clock.advance(seconds=(absolute - elapsed).total_seconds() + 1)
    assert alice.get("/user/welcome").status == 302


def test_expired_cookie_is_removed_from_the_browser(app, alice, clock):
    clock.advance(hours=13)
    reply = alice.get("/user/welcome")
    assert reply.status == 302
    assert "session=;" in reply.headers.get("Set-Cookie", "")


def test_expired_sessions_are_purged_at_login(app, browser, clock):
    logged_in(type(browser), app, *ALICE)
    logged_in(type(browser), app, "bob@example.com", "sunshine")
    assert count(app, UserSession) >= 2
    clock.advance(hours=1)
    # A new login sweeps out every expired row, not only its own.
    logged_in(type(browser), app, "carol@example.com", "iloveyou")
    with app.app_context():
        rows = db.session.scalars(db.select(UserSession)).all()
        assert rows and all(row.last_seen_at == clock.now for row in rows)


def test_session_row_is_touched_at_most_once_a_minute(app, alice, clock):
    def last_seen():
        with app.app_context():
            return db.session.scalars(db.select(UserSession.last_seen_at)).one()

    alice.get("/user/welcome")  # the first page after login stores a CSRF secret
    start = last_seen()
    clock.advance(seconds=30)
    alice.get("/user/welcome")
    assert last_seen() == start
    clock.advance(seconds=31)
    alice.get("/user/welcome")
    assert last_seen() == clock.now


def test_cookie_flags_in_development(app, browser):
    browser.get("/user/login")
    reply = browser.login(*ALICE)
    assert reply.status == 302
    cookie = browser.http.client.get_cookie("session")  # (the login also sets "device")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure
    key = browser.get_cookie("session")
    assert 40 <= len(key) <= 64 and "alice" not in key.lower()  # an opaque key, no data


def test_unknown_or_oversized_cookie_is_anonymous(app, client):
    for value in ("forged-key", "x" * 65, "x" * 3000):
        client.set_cookie("session", value)
        assert client.get("/user/welcome").status_code == 302
