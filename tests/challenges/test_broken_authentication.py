"""Chapter 4's challenges solved by hand: enumerate by message and by time, brute-force."""

from __future__ import annotations

import time

import pytest

from marketplace.passwords import ranked_common_passwords

from .helpers import csrf, post_form, solved_by


@pytest.fixture
def backend():
    """SQLite only: what this module checks does not depend on the database (the
    PostgreSQL copies of the deauthentication and SQL tests record solves there too)."""
    return "sqlite"


LESSON = "broken-authentication"
VICTIM = "brute-force@challenge.example.com"


def _candidates(client) -> dict:
    reply = client.get(f"/lab/{LESSON}/candidates")
    assert reply.status_code == 200
    return reply.get_json()


def _answer(client, exploit: str, emails) -> None:
    text = "\n".join(sorted(emails)) or "none of them"
    reply = post_form(
        client, f"/lab/{LESSON}/answer", {"exploit": exploit, "answer": text}, f"/lab/{LESSON}"
    )
    assert reply.status_code == 302


def _try_login(client, token: str, email: str, password: str):
    return client.post(
        "/user/login", data={"csrf_token": token, "email": email, "password": password}
    )


@pytest.mark.parametrize(
    ("stage", "solvable"), [("verbose-errors", True), ("generic-errors", False)]
)
def test_message_enumeration_by_hand(app, client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    emails = _candidates(client)["message-enumeration"]
    attacker = app.test_client()
    token = csrf(attacker, "/user/login")
    registered = {
        email
        for email in emails
        if "Wrong password." in _try_login(attacker, token, email, "not-it").get_data(as_text=True)
    }
    assert bool(registered) is solvable
    _answer(client, "message-enumeration", registered)
    assert solved_by(client, LESSON, "message-enumeration") == ("learner" if solvable else None)


@pytest.mark.hash_cost  # the detector times real logins
@pytest.mark.parametrize(("stage", "solvable"), [("generic-errors", True), ("hardened", False)])
def test_timing_enumeration_by_hand(app, client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    emails = _candidates(client)["timing-enumeration"]
    attacker = app.test_client()
    token = csrf(attacker, "/user/login")
    fastest = dict.fromkeys(emails, float("inf"))
    # The fastest of seven per address, in rounds over all of them: load on the machine
    # only adds time, and a burst of it then slows every address alike, not one.
    for _ in range(7):
        for email in emails:
            start = time.perf_counter()
            _try_login(attacker, token, email, "not-it")
            fastest[email] = min(fastest[email], time.perf_counter() - start)
    # Split where the sorted times jump the most: the slow side verified a password hash.
    ordered = sorted(fastest.values())
    gaps = [(later - earlier, later) for earlier, later in zip(ordered, ordered[1:], strict=False)]
    threshold = max(gaps)[1]
    slow = {email for email, seconds in fastest.items() if seconds >= threshold}
    _answer(client, "timing-enumeration", slow)
    assert solved_by(client, LESSON, "timing-enumeration") == ("learner" if solvable else None)


@pytest.mark.parametrize(("stage", "solvable"), [("generic-errors", True), ("hardened", False)])
def test_online_brute_force_by_hand(app, client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    assert _candidates(client)["online-brute-force"] == VICTIM
    attacker = app.test_client()
    token = csrf(attacker, "/user/login")
    found = None
    for password in ranked_common_passwords()[:50]:
        reply = _try_login(attacker, token, VICTIM, password)
        if reply.status_code == 302:
            found = password
            break
    assert (found is not None) is solvable
    assert solved_by(client, LESSON, "online-brute-force") == ("learner" if solvable else None)


def test_a_lucky_first_guess_is_not_a_brute_force(app, client, set_stage):
    set_stage(LESSON, "verbose-errors")
    _candidates(client)
    with app.app_context():
        from marketplace.extensions import db
        from marketplace.models import User
        from marketplace.password_storage import hash_password

        db.session.execute(
            db.update(User).where(User.email == VICTIM).values(password_hash=hash_password("x"))
        )
        db.session.commit()
    attacker = app.test_client()
    assert _try_login(attacker, csrf(attacker, "/user/login"), VICTIM, "x").status_code == 302
    assert solved_by(client, LESSON, "online-brute-force") is None
