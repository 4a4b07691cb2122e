"""Challenges of lessons 6-10 solved by hand over plain HTTP (csrf and xss: see the
browser tests), and the same steps at the fixing stage solve nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event, select

from marketplace.challenges import LAB_EXPLOIT_HEADER
from marketplace.exploits import FlaskTarget
from marketplace.exploits.runner import run_exploit
from marketplace.extensions import db
from marketplace.lessons import get_lesson
from marketplace.lessons.xxe.challenges import canary_path, canary_text
from marketplace.models import Listing

from .helpers import progress

SDE = "sensitive-data-exposure"
LAB_HEADER_ENVIRON = "HTTP_" + LAB_EXPLOIT_HEADER.upper().replace("-", "_")
LISTING = {"title": "Green teapot", "description": "Cast iron, one litre."}


def solved_keys(app) -> set[tuple[str, str]]:
    """What ``/lab/progress.json`` shows solved, each asserted solved by the learner."""
    keys = set()
    for (lesson, exploit), entry in progress(app.test_client()).items():
        if entry["solved"]:
            assert entry["by"] == "learner", (lesson, exploit, entry)
            keys.add((lesson, exploit))
    return keys


def _plain(http):
    """A test-client cookie jar that no longer says it is the lab's exploit: a person."""
    http.client.environ_base.pop(LAB_HEADER_ENVIRON)
    return http


def _person(target, name: str):
    """A fresh account (signed up by the test harness), then used by hand."""
    return _plain(target.account(name.lower(), name=name).http)


def _listing_id(app, title: str) -> int:
    """The listing's number (the learner reads it in the index's links)."""
    with app.app_context():
        return db.session.scalar(select(Listing.id).where(Listing.title == title))


# --- broken-access-control -------------------------------------------------------------


@pytest.mark.parametrize("stage", ["authentication-only", "owner-check"])
def test_edit_and_delete_someone_elses_listing(app, target, set_stage, stage):
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
        assert solved_keys(app) == {
            ("broken-access-control", "edit-foreign-listing"),
            ("broken-access-control", "delete-foreign-listing"),
        }
    else:
        assert edited.status == deleted.status == 404
        assert LISTING["title"] in titles and "Second teapot" in titles
        assert solved_keys(app) == set()


def test_owner_changing_own_listing_solves_nothing(app, target, set_stage):
    set_stage("broken-access-control", "authentication-only")
    alice = _person(target, "Alice")
    assert alice.submit("/listings/create", LISTING).status == 302
    number = _listing_id(app, LISTING["title"])
    assert alice.submit(f"/listings/{number}", {**LISTING, "title": "Renamed"}).status == 302
    assert alice.submit(f"/listings/{number}/delete", {}, form_path="/user/welcome").status == 302
    assert solved_keys(app) == set()


# --- xxe ---------------------------------------------------------------------------------


def _upload(http, document: str):
    files = {"file": ("listings.xml", document.encode(), "application/xml")}
    return http.submit("/listings/upload", {}, files=files)


@pytest.mark.parametrize("stage", ["resolve-entities", "defused"])
def test_canary_file_published_through_an_entity(app, target, set_stage, stage):
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
        assert solved_keys(app) == {("xxe", "file-disclosure")}
    else:
        assert reply.status == 400
        assert solved_keys(app) == set()


@pytest.mark.parametrize("stage", ["resolve-entities", "defused"])
def test_small_document_expands(app, target, set_stage, stage):
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
        assert solved_keys(app) == {("xxe", "entity-expansion")}
    else:
        assert reply.status == 400
        assert solved_keys(app) == set()


def test_ordinary_upload_solves_nothing(app, target, set_stage):
    set_stage("xxe", "resolve-entities")
    learner = _person(target, "Learner")
    items = "".join(
        f"<listing><title>Lamp {n}</title><description>A lamp, number {n}.</description></listing>"
        for n in range(20)
    )
    assert _upload(learner, f'<?xml version="1.0"?><listings>{items}</listings>').status == 302
    assert solved_keys(app) == set()


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


def _submit_answer(http, text: str):
    """The learner types ``text`` into the challenge's answer form on the lesson's lab page."""
    return http.submit(
        f"/lab/{SDE}/answer",
        {"exploit": "api-leaks-secrets", "answer": text},
        form_path=f"/lab/{SDE}",
    )


@pytest.mark.parametrize("stage", ["auto-serialize", "allow-list"])
def test_read_secrets_from_the_api_and_hijack(app, target, set_stage, stage):
    set_stage(SDE, stage)
    victim = _person(target, "Victim")
    assert victim.submit("/listings/create", LISTING).status == 302
    learner = _plain(target.session())  # anonymous: reads the public API
    listing_page = json.loads(learner.get("/api/v1/listings").text)
    keys = _strings_named(listing_page, "key")
    hashes = _strings_named(listing_page, "password_hash")
    # The victim keeps browsing with their own cookies: never a hijack.
    assert victim.get("/user/welcome").status == 200
    assert solved_keys(app) == set()
    for key in keys:
        learner.set_cookie("session", key)
        learner.get("/user/welcome")
    if stage == "auto-serialize":
        assert keys and hashes
        assert solved_keys(app) == {(SDE, "hijack-with-leaked-key")}
        assert _submit_answer(_plain(target.session()), hashes[0]).status == 302
        assert solved_keys(app) == {(SDE, "hijack-with-leaked-key"), (SDE, "api-leaks-secrets")}
    else:
        assert keys == hashes == []
        # Even the real key, replayed from another client, was never served by the API.
        stolen = victim.get_cookie("session")
        learner.set_cookie("session", stolen)
        assert learner.get("/user/welcome").status == 200
        assert _submit_answer(_plain(target.session()), stolen).status == 302
        assert solved_keys(app) == set()


def test_only_a_served_secret_is_the_answer(app, target, set_stage):
    set_stage(SDE, "auto-serialize")
    victim = _person(target, "Victim")
    assert victim.submit("/listings/create", LISTING).status == 302
    # The victim's own key, never served by the API (nobody asked it yet), is not the answer.
    assert _submit_answer(_plain(target.session()), victim.get_cookie("session")).status == 302
    assert _submit_answer(_plain(target.session()), "not-a-secret-at-all").status == 302
    assert solved_keys(app) == set()
    page = json.loads(_plain(target.session()).get("/api/v1/listings").text)
    assert _submit_answer(_plain(target.session()), _strings_named(page, "key")[0]).status == 302
    assert solved_keys(app) == {(SDE, "api-leaks-secrets")}


def test_a_public_api_answer_costs_the_detector_no_query(app, target, set_stage):
    """The documented public fields are not secrets: at the fixed stage the detector
    looks nothing up (before, every API answer cost two queries with every title)."""
    set_stage(SDE, "allow-list")
    victim = _person(target, "Victim")
    assert victim.submit("/listings/create", LISTING).status == 302
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert _plain(target.session()).get("/api/v1/listings").status == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements, "the API answered without reading the database"
    lookups = [s for s in statements if "password_hash IN" in s or "key IN" in s]
    assert lookups == [], lookups


# --- the lab's own exploits: the same detectors, recorded as shown by the lab -------------

SHOWN_BY_THE_LAB = [
    ("broken-access-control", "edit-foreign-listing"),
    ("broken-access-control", "delete-foreign-listing"),
    ("xxe", "entity-expansion"),
    (SDE, "hijack-with-leaked-key"),
]


def test_lab_exploits_are_detected_as_shown_by_the_lab(app, set_stage):
    for slug, _ in SHOWN_BY_THE_LAB:
        set_stage(slug, get_lesson(slug).stages[0].slug)
    for slug, name in SHOWN_BY_THE_LAB:
        outcome = run_exploit(get_lesson(slug).exploit(name), FlaskTarget(app))
        assert outcome.label == "exploited", outcome.summary
    entries = progress(app.test_client())
    assert {key: entries[key]["by"] for key in SHOWN_BY_THE_LAB} == dict.fromkeys(
        SHOWN_BY_THE_LAB, "lab"
    )
