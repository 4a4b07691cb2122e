"""The password policy (issue 9): zxcvbn with the user's own e-mail and name, its advice shown.

Each weak password below passed the old rules (length, a list of common passwords); each
is now refused at signup and at password change, with zxcvbn's feedback under the field,
and nothing is stored.
"""

from __future__ import annotations

from html import unescape

import pytest

from marketplace.models import User
from marketplace.passwords import MIN_SCORE, personal_words, policy_errors

from .helpers import count, user_row

# The password policy (zxcvbn) runs before anything is stored. One backend is enough.
pytestmark = pytest.mark.one_backend

NAME, EMAIL = "Nora New", "nora.new@example.com"
# (password, a line of zxcvbn's feedback that must appear under the field)
WEAK = {
    "aaaaaaaa": 'Repeats like "aaa" are easy to guess.',
    "zzzzzzzzzzzz": 'Repeats like "aaa" are easy to guess.',
    "password123!": "This is similar to a commonly used password.",
    "the e-mail": "Add another word or two.",
}
STRONG = "Correct-Horse-9-Battery"


def _password(key: str, email: str) -> str:
    return email if key == "the e-mail" else key


@pytest.mark.parametrize("weak", WEAK)
def test_signup_refuses_a_weak_password_and_says_why(app, browser, weak):
    before = count(app, User)
    reply = browser.submit(
        "/user/signup", {"full_name": NAME, "email": EMAIL, "password": _password(weak, EMAIL)}
    )
    assert reply.status == 400
    page = unescape(reply.text)
    assert "This password is too easy to guess (strength" in page
    assert f"at least {MIN_SCORE} needed" in page
    assert WEAK[weak] in page
    assert count(app, User) == before
    assert user_row(app, EMAIL) is None


def test_signup_accepts_a_strong_password(app, browser):
    reply = browser.submit("/user/signup", {"full_name": NAME, "email": EMAIL, "password": STRONG})
    assert reply.status == 302
    assert browser.login(EMAIL, STRONG).status == 302


@pytest.mark.parametrize("weak", WEAK)
def test_change_password_refuses_a_weak_password_and_keeps_the_old_one(app, user, weak):
    browser, email, password, _name = user
    before = user_row(app, email).password_hash
    reply = browser.submit(
        "/user/change_password",
        {"current_password": password, "new_password": _password(weak, email)},
    )
    assert reply.status == 400
    page = unescape(reply.text)
    assert "This password is too easy to guess" in page and WEAK[weak] in page
    assert user_row(app, email).password_hash == before


def test_change_password_accepts_a_strong_password(app, user):
    browser, email, password, _name = user
    reply = browser.submit(
        "/user/change_password", {"current_password": password, "new_password": STRONG}
    )
    assert reply.status == 302
    assert type(browser)(app).login(email, STRONG).status == 302


def test_the_users_own_name_and_email_count_against_the_password():
    """A password built from one's own name passes without user inputs, not with them."""
    password = "Nora.New!"
    assert policy_errors(password) == []
    words = personal_words(EMAIL, NAME)
    assert {"nora.new@example.com", "noranew", "nora", "new", "example", "nora new"} <= set(words)
    assert policy_errors(password, words)[0].startswith("This password is too easy to guess")


def test_the_longest_password_is_scored_quickly():
    """zxcvbn's matching is superlinear (0.25 s at 128 characters); a prefix is scored."""
    import secrets
    import time

    started = time.perf_counter()
    for _ in range(4):
        assert policy_errors(secrets.token_urlsafe(96)[:128], personal_words(EMAIL, NAME)) == []
    assert time.perf_counter() - started < 2.0
