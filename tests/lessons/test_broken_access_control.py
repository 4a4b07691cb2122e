"""Chapter 8: every exploit against every stage, and owners' edit and delete in every stage."""

import re

import pytest
from sqlalchemy import select

from marketplace.exploits.runner import run_exploit
from marketplace.extensions import db
from marketplace.lessons import get_lesson
from marketplace.models import Listing, User
from tests.helpers import every_cell

# Ownership checks compare ids the ORM loads the same way on both. One backend is enough.
pytestmark = pytest.mark.one_backend

LESSON = get_lesson("broken-access-control")
STAGES = [s.slug for s in LESSON.stages]


@every_cell(LESSON)
def test_exploit_matches_catalogue(set_stage, target, stage, exploit):
    set_stage(LESSON.slug, stage)
    outcome = run_exploit(exploit, target)
    expected = LESSON.expected_exploited(exploit, stage)
    assert outcome.label == ("exploited" if expected else "defended"), outcome.summary
    # Decided by the foreign request, with the listing shown before and after.
    assert ("another user" if expected else "is refused (HTTP 404)") in outcome.summary
    assert outcome.details[0].startswith("before, the owner's page showed listing")
    assert outcome.details[1].startswith("after, it shows")
    before = outcome.details[0].split(": ", 1)[1]
    after = outcome.details[1].split(": ", 1)[1]
    assert (before != after) is expected, outcome.details


def _alice_listing(app) -> tuple[int, str, str]:
    with app.app_context():
        alice = db.session.scalar(select(User).where(User.email == "alice@example.com"))
        listing = alice.listings[0]
        return listing.id, listing.title, listing.description


def _listing(app, listing_id: int):
    with app.app_context():
        row = db.session.get(Listing, listing_id)
        return (row.title, row.description) if row else None


@pytest.mark.parametrize("stage", STAGES)
def test_owner_edits_and_deletes_own_listing_in_every_stage(set_stage, user, stage):
    browser = user[0]
    set_stage(LESSON.slug, stage)
    browser.submit("/listings/create", {"title": "Desk lamp", "description": "Warm light."})
    listing_id = int(re.search(r'href="/listings/(\d+)"', browser.get("/user/welcome").text)[1])
    form = browser.get(f"/listings/{listing_id}")
    assert form.status == 200 and form.form_value("title") == "Desk lamp"
    edited = browser.submit(
        f"/listings/{listing_id}", {"title": "Desk lamp, LED", "description": "x"}
    )
    assert edited.status == 302
    assert "Desk lamp, LED" in browser.get("/user/welcome").text
    deleted = browser.submit(f"/listings/{listing_id}/delete", {}, form_path="/user/welcome")
    assert deleted.status == 302
    assert "Desk lamp" not in browser.get("/user/welcome").text
    assert browser.get(f"/listings/{listing_id}").status == 404  # gone, a clear 404
    again = browser.submit(f"/listings/{listing_id}/delete", {}, form_path="/user/welcome")
    assert again.status == 404 and "No listing" in again.text


def test_owner_check_answers_404_and_changes_nothing(app, user):
    browser = user[0]  # the default stage is owner-check
    listing_id, title, description = _alice_listing(app)
    page = browser.get(f"/listings/{listing_id}")
    assert page.status == 404
    assert title not in page.text  # nothing about the listing leaks
    token = browser.get("/user/welcome").csrf_token
    edit = browser.post(
        f"/listings/{listing_id}",
        data={"title": "Mine now", "description": "Stolen.", "csrf_token": token},
    )
    delete = browser.post(f"/listings/{listing_id}/delete", data={"csrf_token": token})
    assert (edit.status, delete.status) == (404, 404)
    assert _listing(app, listing_id) == (title, description)


def test_authentication_only_lets_anyone_change_it(app, set_stage, user):
    browser = user[0]
    set_stage(LESSON.slug, "authentication-only")
    listing_id, title, _description = _alice_listing(app)
    assert browser.get(f"/listings/{listing_id}").form_value("title") == title
    browser.submit(f"/listings/{listing_id}", {"title": "Mine now", "description": "Stolen."})
    assert _listing(app, listing_id) == ("Mine now", "Stolen.")


def test_anonymous_visitors_are_sent_to_login(client):
    reply = client.get("/listings/1")
    assert reply.status_code == 302 and "/user/login" in reply.headers["Location"]
