"""Chapter 5: every exploit against every stage, and the session features in every stage."""

import pytest

from marketplace.exploits.runner import run_exploit
from marketplace.lessons import get_lesson
from tests.helpers import every_cell

LESSON = get_lesson("broken-deauthentication")


@every_cell(LESSON)
def test_exploit_matches_catalogue(set_stage, target, stage, exploit):
    set_stage(LESSON.slug, stage)
    outcome = run_exploit(exploit, target)
    expected = LESSON.expected_exploited(exploit, stage)
    assert outcome.label == ("exploited" if expected else "defended"), outcome.summary
    # A defence must come from refusing the replay, not from a failed set-up.
    assert ("still opens" if expected else "is refused") in outcome.summary
    assert outcome.exchanges, "the evidence must show the HTTP exchange"


@pytest.mark.parametrize("stage", [s.slug for s in LESSON.stages])
def test_session_features_work_in_every_stage(set_stage, browser, stage):
    set_stage(LESSON.slug, stage)
    email, password, new_password = "feat@example.com", "Feature-pass-1", "Feature-pass-2"
    assert browser.signup("Fay Feature", email, password).status == 302
    assert browser.login(email, password).location.endswith("/user/welcome")
    assert "Welcome, Fay Feature" in browser.get("/user/welcome").text
    assert browser.logout().status == 302
    assert browser.get("/user/welcome").status == 302  # logged out in this browser

    browser.login(email, password)
    changed = browser.submit(
        "/user/change_password", {"current_password": password, "new_password": new_password}
    )
    assert changed.status == 302
    assert browser.get("/user/welcome").status == 200  # the current session survives
    browser.logout()
    assert browser.login(email, password).status == 400
    assert browser.login(email, new_password).status == 302

    assert browser.submit("/user/delete", {"password": new_password}).status == 302
    fresh = type(browser)(browser.target.app)
    assert fresh.login(email, new_password).status == 400


def test_password_change_revokes_other_sessions_at_fixed_stage(app, browser):
    email, password = "two@example.com", "Two-sessions-1"
    browser.signup("Two Sessions", email, password)
    browser.login(email, password)
    laptop = type(browser)(app)
    laptop.login(email, password)
    assert laptop.get("/user/welcome").status == 200
    browser.submit(
        "/user/change_password", {"current_password": password, "new_password": "Two-sessions-2"}
    )
    assert laptop.get("/user/welcome").status == 302
    assert browser.get("/user/welcome").status == 200


def test_login_rotates_the_session_key(browser):
    browser.get("/user/login")
    before = browser.get_cookie("session")
    browser.login("alice@example.com", "wonderland-Quartz-42")
    after = browser.get_cookie("session")
    assert before and after and before != after
