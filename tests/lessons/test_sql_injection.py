"""Chapter 2: every exploit against every stage, the fuzzer, bandit, and the features."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from marketplace.exploits.runner import run_exploit
from marketplace.extensions import db
from marketplace.lessons import active, get_lesson
from marketplace.lessons.sql_injection.exploits import listings_on, search_path
from marketplace.models import Listing, User
from tests.conftest import Browser
from tests.helpers import every_cell
from tests.helpers.sqlifuzzer import sqli_fuzzer

LESSON = get_lesson("sql-injection")
STAGES = [s.slug for s in LESSON.stages]
VULNERABLE = ["concat", "quote-escape"]
# What a summary says when the attack worked, and when it was defended.
WORDING = {
    "quote-breakout": ("breaks the SQL", "treated as text"),
    "escape-bypass": ("landed in a listing", "stored as text"),
    "union-dump": ("e-mails and password hashes", "searched as text"),
}


@every_cell(LESSON)
def test_exploit_matches_catalogue(app, backend, set_stage, target, stage, exploit):
    set_stage(LESSON.slug, stage)
    outcome = run_exploit(exploit, target)
    expected = LESSON.expected_exploited(exploit, stage)
    assert outcome.label == ("exploited" if expected else "defended"), outcome.summary
    # Exploited or defended for the right reason, not because the set-up failed.
    assert WORDING[exploit.name][0 if expected else 1] in outcome.summary
    assert outcome.exchanges, "the evidence must show the HTTP exchanges"
    if expected and exploit.name == "union-dump":
        assert_demo_users_dumped(app, outcome.details)
    if stage == "quote-escape" and exploit.name == "escape-bypass":
        # PostgreSQL falls to the course's trick, a backslash E'...' leaves alone; SQLite
        # to the apostrophe that normalisation brings back after escaping.
        if backend == "postgres":
            assert "backslash before the quote" in outcome.summary
            assert "'PostgreSQL " in outcome.summary
        else:
            assert "full-width apostrophe" in outcome.summary


def assert_demo_users_dumped(app, details: list[str]) -> None:
    """The evidence holds each demo user's real e-mail and password hash."""
    with app.app_context():
        stored = dict(db.session.execute(select(User.email, User.password_hash)).all())
    evidence = "\n".join(details)
    for email in ("alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com"):
        assert f"{email}  {stored[email]}" in evidence


@pytest.mark.parametrize("stage", STAGES)
def test_fuzzer_finds_injection_exactly_in_the_vulnerable_stages(app, set_stage, user, stage):
    set_stage(LESSON.slug, stage)
    browser = user[0]
    findings = sqli_fuzzer(app, browser, "/listings/create", ["title", "description"])
    findings += sqli_fuzzer(app, browser, "/listings/", ["q"], method="GET")
    flagged = {f.field for f in findings}
    if stage in VULNERABLE:
        assert flagged == {"title", "description", "q"}, [str(f) for f in findings]
    else:
        assert findings == [], [str(f) for f in findings]


def test_fuzzer_reports_a_database_error_even_without_a_500(app, user, monkeypatch):
    """The helper itself must be able to fail a test: a swallowed DB error still counts."""
    from sqlalchemy import text

    from marketplace import listings

    def swallowing(title, description, user_id):
        try:
            db.session.execute(text(f"SELECT '{title}'"))  # deliberately broken for this test
        except Exception:  # noqa: BLE001
            db.session.rollback()

    real_active = listings.active
    fake_stage = type("Swallowing", (), {"create_listing": staticmethod(swallowing)})
    monkeypatch.setattr(
        listings, "active", lambda slug: fake_stage if slug == LESSON.slug else real_active(slug)
    )
    findings = sqli_fuzzer(app, user[0], "/listings/create", ["title", "description"])
    assert {f.field for f in findings} == {"title"}
    assert all(f.status < 500 and f.db_error for f in findings)


# Text each stage must store and find exactly: ordinary text in every stage; quotes from
# the hand-escaping stage on (that is its point); backslashes only with parameters (the
# PostgreSQL E'...' escaping reads them as escapes: part of its flaw).
ORDINARY = ("Blue Kayak", "Two seats, café-ready; 50% off -- almost new")
QUOTES = ("Kayak paddle", "O'Brien's paddle, \"like new\"")
BACKSLASH = ("Kayak cart", "Fits C:\\Boats\\ and 100%_wide hulls")
TEXTS = {
    "concat": [ORDINARY],
    "quote-escape": [ORDINARY, QUOTES],
    "parametrized": [ORDINARY, QUOTES, BACKSLASH],
    "orm": [ORDINARY, QUOTES, BACKSLASH],
}


@pytest.mark.parametrize("stage", STAGES)
def test_create_and_search_work_in_every_stage(app, set_stage, user, stage):
    set_stage(LESSON.slug, stage)
    browser, _email, _password, name = user
    texts = TEXTS[stage]
    for title, description in texts:
        created = browser.submit("/listings/create", {"title": title, "description": description})
        assert created.status == 302, (title, created.status)

    visitor = Browser(app)  # for the owner, each title is a link to its edit page
    found = listings_on(visitor.get(search_path("kAYAK")).text)  # case-insensitive
    assert found == list(reversed(texts))  # newest first
    for title, description in texts:
        assert listings_on(visitor.get(search_path(description[:12])).text) == [
            (title, description)
        ]
    assert f"by {name}" in visitor.get(search_path("kayak")).text
    assert browser.get(search_path("kayak")).text.count('<h3><a href="/listings/') == len(texts)
    with app.app_context():
        stored = db.session.execute(select(Listing.title, Listing.description)).all()
    assert set(texts) <= set(stored)
    nothing = browser.get(search_path("no such thing here"))
    assert nothing.status == 200 and "No listings match" in nothing.text


@pytest.mark.parametrize("stage", ["parametrized", "orm"])
def test_search_wildcards_match_themselves_with_parameters(app, set_stage, user, stage):
    set_stage(LESSON.slug, stage)
    browser, visitor = user[0], Browser(app)
    browser.submit("/listings/create", {"title": "Sale", "description": "100% cotton"})
    browser.submit("/listings/create", {"title": "Sale", "description": "1000 cotton buds"})
    assert listings_on(visitor.get(search_path("100%")).text) == [("Sale", "100% cotton")]
    assert listings_on(visitor.get(search_path("0_c")).text) == []


@pytest.mark.parametrize("stage", STAGES)
def test_search_pages_in_every_stage(app, set_stage, stage):
    set_stage(LESSON.slug, stage)
    with app.app_context():
        author = User.by_email("alice@example.com")
        start = datetime(2026, 1, 1)
        db.session.add_all(
            Listing(
                title=f"Lamp {n:02d}",
                description="Desk lamp",
                user_id=author.id,
                created_at=start + timedelta(minutes=n),
            )
            for n in range(25)
        )
        db.session.commit()
        rows = active(LESSON.slug).search_listings("lamp", 21, 20)
    assert [r["title"] for r in rows] == [f"Lamp {n:02d}" for n in range(4, -1, -1)]
    assert rows[0]["author_name"] == "Alice Adams"
    assert isinstance(rows[0]["created_at"], datetime)
    client = app.test_client()
    first = client.get(search_path("lamp")).get_data(as_text=True)
    assert first.count('<article class="listing">') == 20 and 'rel="next"' in first


def test_search_term_too_long_is_a_clear_400(client):
    reply = client.get(search_path("x" * 201))
    assert reply.status_code == 400
    assert "at most 200 characters" in reply.get_data(as_text=True)


@pytest.mark.parametrize("stage", ["concat", "orm"])
def test_nul_character_is_a_clear_400(set_stage, user, stage):
    set_stage(LESSON.slug, stage)
    browser = user[0]
    searched = browser.get(search_path("a\x00b"))
    assert searched.status == 400 and "NUL character" in searched.text
    posted = browser.submit("/listings/create", {"title": "a\x00b", "description": "x"})
    assert posted.status == 400 and "NUL character" in posted.text


STAGE_DIR = LESSON.folder / "stages"


def _bandit(*args: str) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-f", "json", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["results"]


@pytest.mark.parametrize("backend", ["sqlite"])  # static analysis: once is enough
def test_bandit_reports_b608_exactly_in_the_string_building_stages(backend):
    for stage in STAGES:
        path = STAGE_DIR / f"{LESSON.stage(stage).module_name}.py"
        found = {r["test_id"] for r in _bandit(str(path))}
        if stage in VULNERABLE:
            assert "B608" in found, f"bandit missed the SQL built from strings in {stage}"
        else:
            assert found == set(), f"bandit complains about {stage}: {found}"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_rest_of_the_package_is_bandit_clean(backend):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    results = _bandit(
        "-r", str(root / "marketplace"), "-x", "*/stages/*", "-c", str(root / "pyproject.toml")
    )
    assert results == [], [f"{r['filename']}:{r['line_number']} {r['test_id']}" for r in results]
