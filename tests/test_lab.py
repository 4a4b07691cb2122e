"""The lab pages: lessons and stages, switching and resetting, sources, live attacks, guard."""

from __future__ import annotations

import pytest
import requests

from marketplace.exploits import LiveTarget
from marketplace.exploits.runner import live_server
from marketplace.lessons import all_lessons, state

from .helpers import assert_no_traceback

DEAUTH = "broken-deauthentication"


def active(app, slug: str = DEAUTH) -> str:
    with app.app_context():
        return state.active_stage(slug)


def test_index_lists_every_lesson_stage_and_demo_account(browser):
    page = browser.get("/lab/")
    assert page.status == 200
    for lesson in all_lessons():
        assert f"<code>{lesson.slug}</code>" in page.text
        for stage in lesson.stages:
            assert f'value="{stage.slug}"' in page.text
    assert "alice@example.com" in page.text and "wonderland-Quartz-42" in page.text
    assert "revoke-on-delete (fixed)" in page.text


@pytest.mark.parametrize("lesson", [lesson.slug for lesson in all_lessons()])
def test_every_lesson_page_renders(browser, lesson):
    page = browser.get(f"/lab/{lesson}")
    assert page.status == 200
    assert 'class="source"' in page.text
    assert_no_traceback(page.text)


def test_lesson_page_shows_text_sources_highlights_and_diffs(browser):
    page = browser.get(f"/lab/{DEAUTH}")
    assert page.status == 200
    assert "<h1>5. Broken de-authentication</h1>" in page.text
    assert 'class="lesson-text"' in page.text
    assert page.text.count('<pre class="source">') == 4
    assert page.text.count('<pre class="source diff">') == 3
    assert 'class="decisive-vulnerable"' in page.text
    assert 'class="decisive-fix"' in page.text
    assert "replay-after-logout" in page.text


def test_unknown_lesson_is_404(browser):
    for path in ("/lab/no-such-lesson", "/lab/no-such-lesson/attack"):
        reply = browser.get(path) if "attack" not in path else browser.post(path, data={})
        assert reply.status in (400, 404)
    assert browser.get("/lab/no-such-lesson").status == 404


def test_switch_stage(app, browser):
    reply = browser.submit(f"/lab/{DEAUTH}/stage", {"stage": "client-cookie"}, form_path="/lab/")
    assert reply.status == 302 and reply.location.endswith("/lab/")
    assert active(app) == "client-cookie"
    index = browser.get("/lab/").text
    assert '<td class="active-stage vulnerable">client-cookie</td>' in index
    assert index.count("Reset to ") == 1  # only the lesson away from its fixed stage
    back = browser.submit(
        f"/lab/{DEAUTH}/stage",
        {"stage": "revoke-on-logout", "back": "lesson"},
        form_path=f"/lab/{DEAUTH}",
    )
    assert back.location.endswith(f"/lab/{DEAUTH}")
    assert active(app) == "revoke-on-logout"


@pytest.mark.parametrize(
    ("path", "data", "code"),
    [
        (f"/lab/{DEAUTH}/stage", {"stage": "no-such-stage"}, 400),
        (f"/lab/{DEAUTH}/stage", {}, 400),
        ("/lab/no-such-lesson/stage", {"stage": "client-cookie"}, 404),
    ],
)
def test_switch_refusals_change_nothing(app, browser, path, data, code):
    reply = browser.submit(path, data, form_path="/lab/")
    assert reply.status == code
    assert_no_traceback(reply.text)
    assert active(app) == "revoke-on-delete"


def test_switch_without_csrf_token_is_refused(app, browser):
    reply = browser.post(f"/lab/{DEAUTH}/stage", data={"stage": "client-cookie"})
    assert reply.status == 400
    assert active(app) == "revoke-on-delete"


def test_switch_from_another_origin_is_refused(app, browser):
    token = browser.get("/lab/").csrf_token
    reply = browser.post(
        f"/lab/{DEAUTH}/stage",
        data={"stage": "client-cookie", "csrf_token": token},
        headers={"Origin": "http://evil.example"},
    )
    assert reply.status == 403
    assert active(app) == "revoke-on-delete"


def test_reset_one_and_all(app, browser, set_stage):
    set_stage(DEAUTH, "client-cookie")
    reply = browser.submit(f"/lab/{DEAUTH}/reset", {}, form_path="/lab/")
    assert reply.status == 302
    assert active(app) == "revoke-on-delete"
    set_stage(DEAUTH, "revoke-on-logout")
    assert browser.submit("/lab/reset", {}, form_path="/lab/").status == 302
    assert active(app) == "revoke-on-delete"


def test_the_stage_switch_changes_the_running_app(app, browser, set_stage):
    set_stage(DEAUTH, "client-cookie")
    browser.login("alice@example.com", "wonderland-Quartz-42")
    cookie = browser.get_cookie("session")
    assert len(cookie) > 64  # Flask's signed cookie, not a server-side key
    set_stage(DEAUTH, "revoke-on-delete")
    assert browser.get("/user/welcome").status == 302  # the old cookie means nothing now


def test_lab_is_loopback_only(app):
    client = app.test_client()
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    reply = client.get("/lab/", environ_base=remote)
    assert reply.status_code == 403
    assert "loopback" in reply.get_data(as_text=True)
    assert client.get(f"/lab/{DEAUTH}", environ_base=remote).status_code == 403
    assert client.get("/listings/", environ_base=remote).status_code == 200  # the shop answers
    assert client.get("/lab/", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    app.config["LAB_ALLOW_REMOTE"] = True
    assert client.get("/lab/", environ_base=remote).status_code == 200


def test_lab_pages_get_the_strict_csp(client):
    csp = client.get(f"/lab/{DEAUTH}").headers["Content-Security-Policy"]
    assert "script-src 'nonce-" in csp and "frame-ancestors 'none'" in csp


@pytest.mark.parametrize(
    ("stage", "exploited"),
    [("client-cookie", {"replay-after-logout", "replay-after-password-change",
                        "replay-after-delete"}),
     ("revoke-on-delete", set())],
)  # fmt: skip
def test_attack_button_runs_the_exploits_against_this_server(app, set_stage, stage, exploited):
    set_stage(DEAUTH, stage)
    with live_server(app) as url:
        http = LiveTarget(url).session()
        reply = http.submit(f"/lab/{DEAUTH}/attack", {}, form_path=f"/lab/{DEAUTH}")
        assert reply.status == 200, reply.text[:300]
        for name in ("replay-after-logout", "replay-after-password-change", "replay-after-delete"):
            assert name in reply.text
        assert reply.text.count("(as the catalogue expects)") == 3
        assert reply.text.count('<span class="exploited">') == len(exploited)
        assert reply.text.count("still opens") == len(exploited)
        assert requests.get(url + "listings/", timeout=5).status_code == 200


def test_evidence_excerpts_start_at_the_page_content(target):
    http = target.session()
    http.get("/user/login")
    http.get("/api/v1/listings?per_page=1")
    login, api = target.outcome(False, "probe").exchanges
    assert login.excerpt.startswith("<h1>Log in</h1>")
    assert "<head>" not in login.excerpt
    assert api.excerpt.startswith('{"items":')
