"""Chapter 17's challenges solved by hand: a remember-me cookie the server never issued."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from .helpers import PASSWORD, csrf, nothing_solved, signup, solved_by

LESSON = "weak-secret-key"


def _remembered(app, name: str, email: str):
    """Sign up and log in with the box ticked; the browser and its remember_me cookie."""
    browser = app.test_client()
    signup(browser, name, email)
    reply = browser.post(
        "/user/login",
        data={
            "csrf_token": csrf(browser, "/user/login"),
            "email": email,
            "password": PASSWORD,
            "remember": "y",
        },
    )
    assert reply.status_code == 302
    return browser, browser.get_cookie("remember_me").value


def _victim(app) -> None:
    # No remember-me login of the victim: a cookie forged in the same second as one the
    # server issued could be byte for byte that cookie, which is no forgery.
    signup(app.test_client(), "Vic Tim", "victim@example.com")


def _crack(cookie: str) -> str | None:
    for key in ["dev", *FREQUENCY_LISTS["passwords"]]:
        if URLSafeTimedSerializer(key, salt="remember-me").loads_unsafe(cookie)[0]:
            return key
    return None


def _forged_opens(app, key: str, email: str) -> bool:
    forged = URLSafeTimedSerializer(key, salt="remember-me").dumps({"email": email})
    thief = app.test_client()
    thief.set_cookie("remember_me", forged)
    reply = thief.get("/user/welcome")
    return reply.status_code == 200 and "Vic Tim" in reply.get_data(as_text=True)


@pytest.mark.parametrize("backend", ["sqlite"])  # cracking 30,000 words: once is enough
@pytest.mark.parametrize(
    ("stage", "solvable"), [("hard-coded-key", True), ("generated-key", False)]
)
def test_crack_and_forge_by_hand(app, client, set_stage, backend, stage, solvable):
    set_stage(LESSON, stage)
    _victim(app)
    _, own = _remembered(app, "Mallory", "mallory@example.com")
    assert nothing_solved(client) == []  # honest remembered logins solve nothing
    key = _crack(own)
    assert (key == "topsecret") is solvable
    if not solvable:  # nothing cracked: the most a learner can do is guess, and be refused
        key = "topsecret"
    assert _forged_opens(app, key, "victim@example.com") is solvable
    assert solved_by(client, LESSON, "crack-and-forge") == ("learner" if solvable else None)
    assert solved_by(client, LESSON, "forge-with-leaked-key") is None


@pytest.mark.parametrize(
    ("stage", "solvable"), [("generated-key", True), ("server-side-tokens", False)]
)
def test_forge_with_leaked_key_by_hand(app, client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    _victim(app)
    browser, _ = _remembered(app, "Mallory", "mallory@example.com")
    returning = app.test_client()  # an honest restore from the cookie solves nothing either
    returning.set_cookie("remember_me", browser.get_cookie("remember_me").value)
    assert returning.get("/user/welcome").status_code == 200
    backup = client.get("/lab/weak-secret-key/backup.json").get_json()
    key = backup["config"]["SECRET_KEY"]
    assert _forged_opens(app, key, "victim@example.com") is solvable
    assert solved_by(client, LESSON, "forge-with-leaked-key") == ("learner" if solvable else None)
    assert solved_by(client, LESSON, "crack-and-forge") is None
