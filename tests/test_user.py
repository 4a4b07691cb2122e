"""The user routes: sign-up policy, login and its redirect, logout, profile, password, deletion."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Listing, User, UserSession

from .helpers import ALICE, BOB, assert_no_traceback, count, listing_ids, logged_in, user_row

GOOD = {"full_name": "Nora New", "email": "nora@example.com", "password": "Correct-Horse-9"}


# --- sign-up ------------------------------------------------------------------------------


def test_signup_creates_the_account_and_sends_to_login(app, browser):
    assert browser.get("/user/signup").status == 200
    reply = browser.signup(GOOD["full_name"], "  Nora@Example.COM ", GOOD["password"])
    assert reply.status == 302
    assert reply.location.endswith("/user/login")
    user = user_row(app, "nora@example.com")
    assert user is not None and user.full_name == "Nora New"
    assert user.email == "nora@example.com"  # stored lower-cased
    assert user.password_hash.startswith("$argon2id$")
    assert GOOD["password"] not in user.password_hash


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"full_name": ""}, "This field is required"),
        ({"email": ""}, "This field is required"),
        ({"password": ""}, "This field is required"),
        ({"email": "not-an-email"}, "Invalid email address"),
        ({"full_name": "N" * 101}, "Field cannot be longer than 100 characters"),
        ({"email": "n" * 250 + "@example.com"}, "Field cannot be longer than 254 characters"),
        ({"password": "Sh0rt-7"}, "Use at least 8 characters."),
        ({"password": "x" * 129}, "Use at most 128 characters."),
        ({"password": "password1"}, "common passwords"),
        ({"password": "Iloveyou"}, "common passwords"),  # the check ignores case
        ({"password": "qwertyuiop"}, "common passwords"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_signup_refuses_bad_input(app, browser, change, message):
    before = count(app, User)
    reply = browser.submit("/user/signup", {**GOOD, **change})
    assert reply.status == 400
    assert message in reply.text
    assert count(app, User) == before


@pytest.mark.parametrize("field", ["full_name", "email", "password"])
def test_signup_with_a_field_missing_is_400(app, browser, field):
    data = {k: v for k, v in GOOD.items() if k != field}
    assert browser.submit("/user/signup", data).status == 400
    assert user_row(app, GOOD["email"]) is None


@pytest.mark.parametrize("email", ["alice@example.com", "ALICE@example.com", " Alice@Example.Com"])
def test_signup_email_is_unique_ignoring_case(app, browser, email):
    """At the default stage a taken e-mail answers like a new signup (no enumeration
    oracle, see the broken-authentication lesson) and creates nothing."""
    before = count(app, User)
    fresh = browser.submit("/user/signup", {**GOOD, "email": "newcomer@example.com"})
    reply = browser.submit("/user/signup", {**GOOD, "email": email})
    assert (reply.status, reply.location) == (fresh.status, fresh.location) == (302, "/user/login")
    assert count(app, User) == before + 1
    assert browser.login("alice@example.com", GOOD["password"]).status == 400


def test_signup_without_csrf_token_is_refused(app, client):
    reply = client.post("/user/signup", data=GOOD)
    assert reply.status_code == 400
    assert "The form expired" in reply.get_data(as_text=True)
    assert user_row(app, GOOD["email"]) is None


def test_signup_body_that_is_not_utf8_is_a_4xx(app, client):
    reply = client.post(
        "/user/signup",
        data=b"full_name=%ff%fe&email=%c3%28&password=%80",
        content_type="application/x-www-form-urlencoded",
    )
    assert 400 <= reply.status_code < 500
    assert_no_traceback(reply.get_data(as_text=True))


# --- login --------------------------------------------------------------------------------


def test_login_redirects_to_welcome(browser):
    reply = browser.login(*ALICE)
    assert reply.status == 302
    assert reply.location.endswith("/user/welcome")
    page = browser.get("/user/welcome")
    assert page.status == 200 and "Welcome, Alice Adams" in page.text


def test_login_email_ignores_case(browser):
    assert browser.login("  ALICE@Example.com", ALICE[1]).location.endswith("/user/welcome")


@pytest.mark.parametrize(
    ("email", "password"),
    [(ALICE[0], "wrong-password-1"), ("nobody@example.com", "wrong-password-1")],
    ids=["wrong-password", "unknown-user"],
)
def test_login_failure_is_400_with_one_message(browser, email, password):
    reply = browser.login(email, password)
    assert reply.status == 400
    assert "Invalid e-mail or password." in reply.text
    assert browser.get("/user/welcome").status == 302


@pytest.mark.parametrize(
    "data",
    [{}, {"email": ALICE[0]}, {"password": ALICE[1]}, {"email": "", "password": ""}],
    ids=["nothing", "no-password", "no-email", "empty"],
)
def test_login_missing_fields_is_400(browser, data):
    assert browser.submit("/user/login", data).status == 400


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"email": "a" * 300 + "@example.com", "password": "x"}, 400),
        ({"email": ALICE[0], "password": "p" * 10_000}, 400),
    ],
    ids=["long-email", "long-password"],
)
def test_login_over_long_values_is_400(browser, data, expected):
    assert browser.submit("/user/login", data).status == expected


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/listings/create", "/listings/create"),
        ("/user/edit?x=1", "/user/edit?x=1"),
        ("https://evil.example/", "/user/welcome"),
        ("//evil.example/", "/user/welcome"),
        ("/\\evil.example/", "/user/welcome"),
        ("\\\\evil.example", "/user/welcome"),
        ("javascript:alert(1)", "/user/welcome"),
        ("", "/user/welcome"),
    ],
)
def test_login_next_only_goes_to_this_site(browser, next_url, expected):
    page = browser.get("/user/login", query_string={"next": next_url})
    reply = browser.post(
        "/user/login",
        query_string={"next": next_url},
        data={"email": ALICE[0], "password": ALICE[1], "csrf_token": page.csrf_token},
    )
    assert reply.status == 302
    location = reply.location.removeprefix("http://localhost")
    assert location == expected


def test_anonymous_is_sent_to_login_with_next(client):
    reply = client.get("/user/welcome")
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/user/login?next=/user/welcome"


# --- logout -------------------------------------------------------------------------------


def test_get_logout_shows_a_button_and_never_logs_out(user):
    browser = user[0]
    page = browser.get("/user/logout")
    assert page.status == 200
    assert 'method="post"' in page.text and page.csrf_token
    assert browser.get("/user/welcome").status == 200


def test_logout_without_token_is_refused(user):
    browser = user[0]
    assert browser.post("/user/logout", data={}).status == 400
    assert browser.get("/user/welcome").status == 200


def test_logout_ends_the_server_session(app, user):
    browser, email, _, _ = user
    uid = user_row(app, email).id
    assert count(app, UserSession, UserSession.user_id == uid) == 1
    reply = browser.logout()
    assert reply.status == 302 and reply.location.endswith("/user/login")
    assert browser.get("/user/welcome").status == 302
    assert count(app, UserSession, UserSession.user_id == uid) == 0


# --- welcome ------------------------------------------------------------------------------


def test_welcome_lists_only_own_listings_with_edit_links(app, browser):
    alice = logged_in(type(browser), app, *ALICE)
    page = alice.get("/user/welcome")
    assert "Road bike, 56 cm" in page.text and "Bookshelf" in page.text
    assert "Espresso machine" not in page.text  # Bob's
    for listing_id in listing_ids(app, ALICE[0]):
        assert f'href="/listings/{listing_id}"' in page.text
        assert f'action="/listings/{listing_id}/delete"' in page.text


# --- change password ----------------------------------------------------------------------


def test_change_password(app, user):
    browser, email, password, _ = user
    reply = browser.submit(
        "/user/change_password", {"current_password": password, "new_password": "New-Secret-77"}
    )
    assert reply.status == 302 and reply.location.endswith("/user/welcome")
    fresh = type(browser)(app)
    assert fresh.login(email, password).status == 400
    assert fresh.login(email, "New-Secret-77").status == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"current_password": "not-my-password", "new_password": "New-Secret-77"}, "not your"),
        ({"current_password": "Str0ng-Passw0rd!", "new_password": "short"}, "at least 8"),
        ({"current_password": "Str0ng-Passw0rd!", "new_password": "baseball"}, "common"),
        ({"current_password": "Str0ng-Passw0rd!"}, "required"),
        ({"new_password": "New-Secret-77"}, "required"),
    ],
    ids=["wrong-current", "short", "common", "no-new", "no-current"],
)
def test_change_password_refusals_keep_the_hash(app, user, data, message):
    browser, email, _, _ = user
    before = user_row(app, email).password_hash
    reply = browser.submit("/user/change_password", data)
    assert reply.status == 400
    assert message in reply.text
    assert user_row(app, email).password_hash == before


def test_change_password_needs_login(client):
    reply = client.get("/user/change_password")
    assert reply.status_code == 302
    assert reply.headers["Location"].startswith("/user/login")


# --- edit profile -------------------------------------------------------------------------


def test_edit_profile(app, user):
    browser, email, _, _ = user
    page = browser.get("/user/edit")
    assert page.status == 200 and page.form_value("full_name") == "Terry Tester"
    reply = browser.submit(
        "/user/edit", {"full_name": "Terry Renamed", "email": "TERRY@example.com"}
    )
    assert reply.status == 302 and reply.location.endswith("/user/edit")
    row = user_row(app, "terry@example.com")
    assert row.full_name == "Terry Renamed"
    assert user_row(app, email) is None
    assert "Welcome, Terry Renamed" in browser.get("/user/welcome").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": "Terry", "email": "Bob@Example.com"}, "cannot be used"),
        ({"full_name": "", "email": "tester@example.com"}, "required"),
        ({"full_name": "T" * 101, "email": "tester@example.com"}, "longer than 100"),
        ({"full_name": "Terry", "email": "no-at-sign"}, "Invalid email"),
    ],
    ids=["taken", "empty-name", "long-name", "bad-email"],
)
def test_edit_profile_refusals_change_nothing(app, user, data, message):
    browser, email, _, name = user
    reply = browser.submit("/user/edit", data)
    assert reply.status == 400
    assert message in reply.text
    row = user_row(app, email)
    assert row.full_name == name and row.email == email


def test_edit_profile_escapes_the_name(app, user):
    browser = user[0]
    browser.submit("/user/edit", {"full_name": '"><script>x()</script>', "email": user[1]})
    page = browser.get("/user/edit")
    assert "<script>x()" not in page.text
    assert page.form_value("full_name") == '"><script>x()</script>'


# --- delete account -----------------------------------------------------------------------


def test_delete_account_removes_user_listings_and_sessions(app, browser):
    email, password = BOB
    bob = logged_in(type(browser), app, email, password)
    uid = user_row(app, email).id
    assert listing_ids(app, email)
    reply = bob.submit("/user/delete", {"password": password})
    assert reply.status == 302 and reply.location.endswith("/listings/")
    assert user_row(app, email) is None
    assert count(app, Listing, Listing.user_id == uid) == 0
    assert count(app, UserSession, UserSession.user_id == uid) == 0
    assert bob.get("/user/welcome").status == 302


@pytest.mark.parametrize(
    "data", [{"password": "not-my-password"}, {}, {"password": "p" * 1000}], ids=str
)
def test_delete_account_refusals_keep_it(app, user, data):
    browser, email, _, _ = user
    assert browser.submit("/user/delete", data).status == 400
    assert user_row(app, email) is not None
    assert browser.get("/user/welcome").status == 200


def test_delete_account_needs_login(app, client):
    before = count(app, User)
    reply = client.post("/user/delete", data={"password": ALICE[1]})
    assert reply.status_code == 302
    assert count(app, User) == before


def test_deleted_accounts_listings_vanish_from_the_index(app, browser):
    bob = logged_in(type(browser), app, *BOB)
    assert "Espresso machine" in bob.get("/listings/").text
    bob.submit("/user/delete", {"password": BOB[1]})
    assert "Espresso machine" not in bob.get("/listings/").text
    with app.app_context():
        assert db.session.scalar(select(Listing).where(Listing.title == "Espresso machine")) is None
