"""Chapter 5's challenges solved by hand: replay a session the server saw end."""

from __future__ import annotations

import pytest

from .helpers import PASSWORD, login, post_form, signup, solved_by

LESSON = "broken-deauthentication"


@pytest.fixture
def backend():
    """SQLite only, to keep CI short: the detector reads the same session rows through
    SQLAlchemy on both databases (the ordinary-use and SQL tests run on PostgreSQL too)."""
    return "sqlite"


def _victim(app, email: str = "victim@example.com"):
    first = app.test_client()
    signup(first, "Vic Tim", email)
    assert login(first, email).status_code == 302
    return first


def _greets(client) -> bool:
    reply = client.get("/user/welcome")
    return reply.status_code == 200 and "Vic Tim" in reply.get_data(as_text=True)


def _replay(app, cookie: str):
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


@pytest.mark.parametrize(
    ("stage", "solvable"), [("client-cookie", True), ("revoke-on-logout", False)]
)
def test_replay_after_logout_by_hand(app, client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    browser = _victim(app)
    copied = browser.get_cookie("session").value
    assert post_form(browser, "/user/logout", {}).status_code == 302
    thief = _replay(app, copied)
    assert _greets(thief) is solvable
    assert solved_by(client, LESSON, "replay-after-logout") == ("learner" if solvable else None)


@pytest.mark.parametrize(
    ("stage", "solvable"), [("revoke-on-logout", True), ("revoke-on-password-change", False)]
)
def test_replay_after_password_change_by_hand(app, client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    browser = _victim(app)
    other_device = app.test_client()
    assert login(other_device, "victim@example.com").status_code == 302
    changed = post_form(
        browser,
        "/user/change_password",
        {"current_password": PASSWORD, "new_password": "An0ther-Str0ng-One!"},
    )
    assert changed.status_code == 302
    assert _greets(browser)  # the honest browser carries on: that solves nothing
    assert solved_by(client, LESSON, "replay-after-password-change") is None
    assert _greets(other_device) is solvable
    expected = "learner" if solvable else None
    assert solved_by(client, LESSON, "replay-after-password-change") == expected


def test_replay_of_a_copied_cookie_after_password_change_at_client_cookie(app, client, set_stage):
    set_stage(LESSON, "client-cookie")
    browser = _victim(app)
    copied = browser.get_cookie("session").value
    changed = post_form(
        browser,
        "/user/change_password",
        {"current_password": PASSWORD, "new_password": "An0ther-Str0ng-One!"},
    )
    assert changed.status_code == 302
    assert solved_by(client, LESSON, "replay-after-password-change") is None
    assert _greets(_replay(app, copied))
    assert solved_by(client, LESSON, "replay-after-password-change") == "learner"
    # Not before the replay: within the same second the browser's next cookie can be
    # byte for byte the copied one (same content, same timestamp), and then the server
    # has handed it out again: the ledger forgets it, and the replay would prove nothing.
    assert _greets(browser)


@pytest.mark.parametrize(
    ("stage", "solvable"), [("revoke-on-password-change", True), ("revoke-on-delete", False)]
)
def test_replay_after_delete_by_hand(app, client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    browser = _victim(app)
    other_device = app.test_client()
    assert login(other_device, "victim@example.com").status_code == 302
    deleted = post_form(browser, "/user/delete", {"password": PASSWORD})
    assert deleted.status_code == 302
    assert _greets(other_device) is solvable
    assert solved_by(client, LESSON, "replay-after-delete") == ("learner" if solvable else None)
