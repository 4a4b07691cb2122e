"""The csrf and xss challenges solved by hand in Chromium; the fixing stage solves nothing."""

from __future__ import annotations

from html import escape

import pytest

from marketplace import challenges
from marketplace.exploits.browser import Chromium, attacker_site, origin_of


@pytest.fixture
def solves(monkeypatch):
    """Every solve a detector reports (the live server runs in this process)."""
    found: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        challenges,
        "solved",
        lambda lesson, exploit, evidence: found.append((lesson, exploit, evidence)),
    )
    return found


# The learner's own page: a form that posts itself to the marketplace on load.
FORGED_PAGE = """<!doctype html><title>Win a prize</title>
<form method="post" action="{action}">
<input type="hidden" name="title" value="Posted by someone else">
<input type="hidden" name="description" value="The seller never wrote this.">
</form><script>document.forms[0].submit()</script>"""


@pytest.mark.browser
@pytest.mark.parametrize("stage", ["no-token", "csrf-token"])
def test_cross_origin_form_post_by_hand(set_stage, live_target, solves, stage):
    set_stage("csrf", stage)
    seller = live_target.account("seller")
    action = live_target.base_url + "listings/create"
    with (
        Chromium(live_target) as chrome,
        attacker_site(FORGED_PAGE.format(action=escape(action))) as evil,
    ):
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
        assert [(lesson, exploit) for lesson, exploit, _ in solves] == [
            ("csrf", "cross-origin-form-post")
        ]
    else:
        assert status == 403 and "Posted by someone else" not in welcome
        assert solves == []


@pytest.mark.browser
@pytest.mark.parametrize("stage", ["unquoted-attribute", "quoted-attribute"])
def test_attribute_injection_by_hand(set_stage, live_target, solves, stage):
    set_stage("xss", stage)
    learner = live_target.account("xss")
    with Chromium(live_target) as chrome:
        chrome.login(learner.email, learner.password)
        landed = chrome.submit_form("/user/edit", {"full_name": "x onmouseover=alert(1)"})
        assert landed == "/user/edit"
        chrome.page.hover("#full_name")
        dialog = chrome.wait_for_dialog(seconds=1.0 if stage == "quoted-attribute" else 3.0)
    if stage == "unquoted-attribute":
        assert dialog
        assert [(lesson, exploit) for lesson, exploit, _ in solves] == [
            ("xss", "attribute-injection")
        ]
    else:
        assert not dialog and solves == []
