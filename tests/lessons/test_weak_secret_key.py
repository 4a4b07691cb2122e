"""Chapter 17: the remember-me cookie, both exploits at every stage, revocation, the detector."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.exploits.runner import run_exploit
from marketplace.extensions import db
from marketplace.features import run_feature
from marketplace.lessons import get_lesson
from marketplace.lessons.weak_secret_key import exploits, signed
from marketplace.lessons.weak_secret_key.features import FEATURES
from marketplace.lessons.weak_secret_key.tokens import digest
from marketplace.models import RememberToken, User
from tests.helpers import every_cell
from tests.helpers.static import bandit_rules

LESSON = get_lesson("weak-secret-key")
STAGES = [s.slug for s in LESSON.stages]
COOKIE = "remember_me"
PASSWORD = "Str0ng-Passw0rd!"


@every_cell(LESSON)
def test_exploit_matches_catalogue(set_stage, target, stage, exploit):
    set_stage(LESSON.slug, stage)
    outcome = run_exploit(exploit, target)
    expected = LESSON.expected_exploited(exploit, stage)
    assert outcome.label == ("exploited" if expected else "defended"), outcome.summary
    if expected:
        assert "opens /user/welcome as" in outcome.summary
    else:  # delivered and refused: the forged cookie was sent to the login form
        assert "was refused (HTTP 302 to /user/login" in outcome.summary, outcome.summary
    if exploit.name == "crack-and-forge":
        assert "guesses/s" in outcome.summary


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_crack_reports_its_speed_and_stays_bounded(app, set_stage, target):
    set_stage(LESSON.slug, "hard-coded-key")
    outcome = run_exploit(LESSON.exploit("crack-and-forge"), target)
    assert "cracked the remember-me key 'topsecret'" in outcome.summary
    words = exploits.wordlist()
    assert len(words) > 30_000 and words[0] == "dev"  # the Flask tutorial's key comes first
    cookie = signed.serializer("not-in-any-list-" + "x" * 20).dumps({"email": "a@b.c"})
    key, tried, seconds, finished = exploits.crack(cookie, words, budget=0.0)
    assert key is None and not finished and tried <= 1  # a budget spent is not a verdict


def _login(client, email, password=PASSWORD, remember=True):
    from tests.conftest import Browser  # noqa: F401 - the same app, a fresh client

    page = client.get("/user/login")
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    token = token.split('"')[0]
    data = {"email": email, "password": password, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    return client.post("/user/login", data=data)


def _remember_cookie(response) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{COOKIE}="):
            return header
    raise AssertionError("no remember_me cookie was set")


@pytest.fixture
def member(app, browser):
    email, name = "member@example.com", "Mona Member"
    assert browser.signup(name, email, PASSWORD).status == 302
    return email, name


@pytest.mark.parametrize("stage", STAGES)
def test_the_cookie_is_httponly_lax_and_expires(app, set_stage, member, stage):
    set_stage(LESSON.slug, stage)
    response = _login(app.test_client(), member[0])
    assert response.status_code == 302
    header = _remember_cookie(response)
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header
    assert f"Max-Age={30 * 24 * 3600}" in header and "Expires=" in header
    assert "Secure" not in header  # development serves plain HTTP on loopback
    plain = _login(app.test_client(), member[0], remember=False)
    assert not any(h.startswith(COOKIE) for h in plain.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_cookie_is_secure_in_production(tmp_path, backend):
    from tests.conftest import make_app

    app, _ = make_app(tmp_path, SESSION_COOKIE_SECURE=True, MARKETPLACE_ENV="production")
    with app.app_context():
        db.session.add(User(full_name="P", email="p@example.com", password_hash="x"))
        db.session.commit()
        user = db.session.scalar(select(User).where(User.email == "p@example.com"))
        from flask import make_response

        from marketplace import remember_me

        with app.test_request_context("/"):
            response = make_response("")
            remember_me.remember(response, user)
        assert "Secure" in response.headers["Set-Cookie"]


def _features(app) -> dict:
    from marketplace.exploits import FlaskTarget

    target = FlaskTarget(app)
    return {f.name: run_feature(f, target) for f in FEATURES}


@pytest.mark.parametrize("stage", STAGES)
def test_features_work_at_every_stage(app, set_stage, stage):
    set_stage(LESSON.slug, stage)
    for name, check in _features(app).items():
        assert check.passed, f"{name}: {check.summary}"


def _copy_after(app, set_stage, member, end) -> int:
    """Log in remembered, copy the cookie, end it with ``end``, replay the copy: HTTP status."""
    set_stage(LESSON.slug, "server-side-tokens")
    browser = app.test_client()
    assert _login(browser, member[0]).status_code == 302
    copy = browser.get_cookie(COOKIE).value
    end(browser)
    thief = app.test_client()
    thief.set_cookie(COOKIE, copy)
    return thief.get("/user/welcome")


def _post_form(client, path, data):
    page = client.get(path).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    return client.post(path, data={**data, "csrf_token": token})


def test_logout_revokes_every_remembered_login(app, set_stage, member):
    other = app.test_client()  # a second remembered device of the same user
    set_stage(LESSON.slug, "server-side-tokens")
    assert _login(other, member[0]).status_code == 302
    other_copy = other.get_cookie(COOKIE).value
    reply = _copy_after(app, set_stage, member, lambda b: _post_form(b, "/user/logout", {}))
    assert reply.status_code == 302 and "/user/login" in reply.location
    elsewhere = app.test_client()
    elsewhere.set_cookie(COOKIE, other_copy)
    assert elsewhere.get("/user/welcome").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(RememberToken)).all() == []


def test_password_change_revokes_every_remembered_login(app, set_stage, member):
    new = "An0ther-Str0ng-Passw0rd"

    def change(browser):
        done = _post_form(
            browser,
            "/user/change_password",
            {"current_password": PASSWORD, "new_password": new},
        )
        assert done.status_code == 302 and "/user/welcome" in done.location
        assert browser.get("/user/welcome").status_code == 200  # still in where it changed

    reply = _copy_after(app, set_stage, member, change)
    assert reply.status_code == 302 and "/user/login" in reply.location


@pytest.mark.parametrize("stage", ["hard-coded-key", "generated-key"])
def test_signed_cookies_survive_logout(app, set_stage, member, stage):
    """Why the signed stages are unsafe beyond the key: a copy outlives the logout."""
    set_stage(LESSON.slug, stage)
    browser = app.test_client()
    assert _login(browser, member[0]).status_code == 302
    copy = browser.get_cookie(COOKIE).value
    _post_form(browser, "/user/logout", {})
    thief = app.test_client()
    thief.set_cookie(COOKIE, copy)
    assert thief.get("/user/welcome").status_code == 200


def test_only_a_hash_of_the_token_is_stored_and_it_expires(app, member):
    browser = app.test_client()
    assert _login(browser, member[0]).status_code == 302
    token = browser.get_cookie(COOKIE).value
    with app.app_context():
        row = db.session.scalar(select(RememberToken))
        assert row.token_hash == digest(token) and token not in row.token_hash
        row.expires_at = row.created_at - timedelta(seconds=1)
        db.session.commit()
    returning = app.test_client()
    returning.set_cookie(COOKIE, token)
    reply = returning.get("/user/welcome")
    assert reply.status_code == 302 and "/user/login" in reply.location
    assert f"{COOKIE}=;" in reply.headers.get("Set-Cookie", "")  # the dead cookie is dropped
    with app.app_context():
        assert db.session.scalars(select(RememberToken)).all() == []


@pytest.mark.parametrize("stage", STAGES)
def test_odd_cookies_are_an_anonymous_visit_not_an_error(app, set_stage, stage):
    set_stage(LESSON.slug, stage)
    for value in ("", "x", "a.b.c", "." * 50, "é" * 10, "A" * 3000, "e30.AAAA.BBBB"):
        client = app.test_client()
        client.set_cookie(COOKIE, value)
        reply = client.get("/user/welcome")
        assert reply.status_code == 302 and "/user/login" in reply.location, value


def test_a_restored_login_gets_a_fresh_server_side_session(app, member):
    from marketplace.models import UserSession

    browser = app.test_client()
    assert _login(browser, member[0]).status_code == 302
    returning = app.test_client()
    returning.set_cookie(COOKIE, browser.get_cookie(COOKIE).value)
    assert returning.get("/user/welcome").status_code == 200
    key = returning.get_cookie("session").value
    assert "." not in key  # an opaque key of a row, not signed data
    with app.app_context():
        row = db.session.get(UserSession, key)
        assert row is not None and row.user_id == User.by_email(member[0]).id


@pytest.mark.parametrize("backend", ["sqlite"])
def test_restore_works_at_the_client_cookie_session_stage(app, set_stage, member):
    set_stage("broken-deauthentication", "client-cookie")
    browser = app.test_client()
    assert _login(browser, member[0]).status_code == 302
    returning = app.test_client()
    returning.set_cookie(COOKIE, browser.get_cookie(COOKIE).value)
    reply = returning.get("/user/welcome")
    assert reply.status_code == 200 and "Mona Member" in reply.get_data(as_text=True)


def test_a_broken_precondition_is_an_error(app, set_stage, target, monkeypatch):
    """No remember-me cookie at login (the box is ignored): nothing to crack, so error."""
    from marketplace import remember_me

    monkeypatch.setattr(remember_me, "remember", lambda response, user: None)
    for exploit in LESSON.exploits:
        outcome = run_exploit(exploit, target)
        assert outcome.label == "error", outcome.summary
        assert "set no remember_me cookie" in outcome.summary


# --- Static analysis and production. ---

STAGE_DIR = Path(LESSON.folder) / "stages"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_bandit_flags_the_hard_coded_secret_only(backend):
    found = {}
    for stage in STAGES:
        found[stage] = bandit_rules(STAGE_DIR / f"{LESSON.stage(stage).module_name}.py")
    assert found["hard-coded-key"] == {"B105"}  # hardcoded_password_string
    assert found["generated-key"] == set() and found["server-side-tokens"] == set()


def _free_port() -> int:
    # If start-up wrongly went ahead, the server binds loopback only and the timeout ends it.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("stage", ["hard-coded-key", "generated-key"])
def test_production_refuses_the_vulnerable_stages(tmp_path, backend, stage):
    env = {
        **os.environ,
        "MARKETPLACE_ENV": "production",
        "MARKETPLACE_SECRET_KEY": "x" * 64,
        "MARKETPLACE_STAGES": f"weak-secret-key={stage}",
        "MARKETPLACE_DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite",
    }
    done = subprocess.run(
        [str(Path(sys.executable).parent / "marketplace"), "run", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"weak-secret-key={stage}" in done.stdout + done.stderr
