"""The fixed stages' search narrowed by an index gives exactly the results of its LIKE.

Generated listings mix quotes, ``%``, ``_``, backslashes, ASCII and non-ASCII case and
accents; every term is searched twice, with the index (FTS5 trigram on SQLite, pg_trgm on
PostgreSQL) and with it switched off, and the two answers must be identical. The rule for
case and accents is checked against a Python statement of it.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import insert, text

from marketplace.extensions import db
from marketplace.lessons import get_lesson
from marketplace.lessons.sql_injection import rawsql
from marketplace.models import Listing, User
from marketplace.seeding import TRIGRAM_INDEXES, seed_listings
from tests.conftest import make_app
from tests.helpers import empty_database

WORDS = [
    "guitar", "Guitar", "GUITAR", "café", "Café", "CAFÉ", "cafe", "éclair", "ÉCLAIR",
    "naïve", "straße", "100%", "50_50", "it's", "O'Brien", '"quoted"', "back\\slash",
    "Ünïcödé", "mañana", "lamp", "oak", "Oak", "x", "ab",
]  # fmt: skip
TERMS = [
    "guitar", "GUITAR", "gUiT", "café", "CAFÉ", "Café", "cafe", "éclair", "ÉCLAIR", "Éclair",
    "100%", "0%", "%", "_", "0_5", "50_", "it's", "'s ", "o'b", "O'BRIEN", '"quo', 'd"',
    "k\\s", "\\", "ünï", "ÜNÏ", "ñan", "aña", "oak", "OAK", "lamp oak", "x", "ab", "zz",
    "no-such-thing-zz", "é", "É",
]  # fmt: skip


def _generate(app, count: int = 400) -> None:
    rng = random.Random(16)
    with app.app_context():
        user_id = db.session.query(User.id).first()[0]
        rows = [
            {
                "user_id": user_id,
                "title": " ".join(rng.choices(WORDS, k=rng.randint(1, 3))),
                "description": " ".join(rng.choices(WORDS, k=rng.randint(0, 6))) or "-",
            }
            for _ in range(count)
        ]
        db.session.execute(insert(Listing), rows)
        db.session.commit()


def _search(module, q: str) -> list[int]:
    return [row["id"] for row in module.search_listings(q, 1000, 0)]


def _rule(backend: str, q: str, text: str) -> bool:
    """Today's LIKE: substring match after LOWER(); SQLite lowers ASCII only, PostgreSQL
    lowers every letter; accents are never folded."""
    if backend == "sqlite":

        def fold(s: str) -> str:
            return "".join(c.lower() if c.isascii() else c for c in s)
    else:

        def fold(s: str) -> str:
            return s.lower()

    return fold(q) in fold(text)


@pytest.mark.parametrize("stage", ["parametrized", "orm"])
def test_indexed_search_matches_the_plain_like(app, backend, monkeypatch, stage):
    _generate(app)
    # PostgreSQL would walk a term this common without the index (see below); every term
    # of 3+ characters goes through its candidates here instead.
    monkeypatch.setattr(rawsql, "PROBE_HITS", 10**6)
    module = get_lesson("sql-injection").module(stage)
    with app.app_context():
        listings = {row.id: row for row in db.session.query(Listing).all()}
        narrowed = 0
        for q in TERMS:
            condition, _ = rawsql.narrowing(q)
            narrowed += bool(condition)
            with_index = _search(module, q)
            with monkeypatch.context() as m:
                m.setattr(rawsql, "narrowing", lambda q, table="l": ("", {}))
                if stage == "orm":
                    m.setattr(module, "narrowing", lambda q, table="l": ("", {}))
                without = _search(module, q)
            assert with_index == without, f"{q!r}: the index changed the results"
            expected = {
                i
                for i, row in listings.items()
                if _rule(backend, q, row.title) or _rule(backend, q, row.description)
            }
            assert set(with_index) == expected, f"{q!r}: not the documented rule"
        # Every term of 3+ characters went through the index (so the test can fail).
        assert narrowed == sum(len(q) >= 3 for q in TERMS)


def test_a_term_matching_many_listings_walks_newest_first(app, backend, monkeypatch):
    """Over CANDIDATES_MAX candidates SQLite skips the index and PostgreSQL leaves it to the
    planner; the results stay right."""
    _generate(app, 300)
    monkeypatch.setattr(rawsql, "PROBE_HITS", 10**6)  # never common among the newest
    module = get_lesson("sql-injection").module("parametrized")
    with app.app_context():
        assert "narrow_ids" in rawsql.narrowing("oak")[1], "a few candidates: their ids"
        monkeypatch.setattr(rawsql, "CANDIDATES_MAX", 5)
        condition, params = rawsql.narrowing("oak")
        assert "narrow_ids" not in params
        assert (condition == "") == (backend == "sqlite")
        assert len(_search(module, "oak")) > 5


@pytest.mark.parametrize("backend", ["postgres"])
def test_a_term_common_among_the_newest_listings_skips_the_index(app, backend, monkeypatch):
    """PostgreSQL: a term found a page's worth of times among the newest listings is walked
    newest first at once (a bitmap of all its rows costs more); a rare one is looked up."""
    _generate(app, 300)  # every word is in about one listing of five
    with app.app_context():
        assert rawsql.narrowing("oak") == ("", {})
        condition, params = rawsql.narrowing("no-such-thing-zz")
        assert "narrow_ids" in condition and params["narrow_ids"] == []
        monkeypatch.setattr(rawsql, "PROBE_HITS", 10**6)
        condition, params = rawsql.narrowing("oak")
        assert "narrow_ids" in condition and len(params["narrow_ids"]) > 20


def test_index_follows_edits_and_deletes(app, backend):
    module = get_lesson("sql-injection").module("orm")
    with app.app_context():
        user_id = db.session.query(User.id).first()[0]
        listing = Listing(title="Zebra-striped kettle", description="rare", user_id=user_id)
        db.session.add(listing)
        db.session.commit()
        assert _search(module, "zebra-str") == [listing.id]
        listing.title = "Plain kettle"
        db.session.commit()
        assert _search(module, "zebra-str") == []
        assert _search(module, "plain ket") == [listing.id]
        db.session.delete(listing)
        db.session.commit()
        assert _search(module, "plain ket") == []


def _trigram_index_options() -> dict[str, str]:
    rows = db.session.execute(
        text(
            "SELECT relname, coalesce(reloptions::text, '') FROM pg_class "
            "WHERE relname = ANY(:names)"
        ),
        {"names": list(TRIGRAM_INDEXES)},
    ).all()
    return dict(rows)


@pytest.mark.parametrize("backend", ["postgres"])
def test_the_migrated_trigram_indexes_have_no_pending_list(tmp_path, backend):
    """Migration 0011: new listings reach the trigram indexes at once, not through GIN's
    pending list, which every search reads whole until a VACUUM merges it (300 extra pages,
    7x the time, for a term that matches nothing on 100,000 fresh listings). The trigram
    indexes are PostgreSQL's and made by migrations only; SQLite keeps FTS5 in step."""
    from flask_migrate import downgrade, upgrade

    app, drop = make_app(tmp_path, backend)
    try:
        with app.app_context():
            empty_database()
            upgrade()
            options = _trigram_index_options()
            assert len(options) == len(TRIGRAM_INDEXES) and all(
                "fastupdate=off" in o for o in options.values()
            )
            # The bulk seeder batches through the pending list and must turn it off again.
            seed_listings(300, users=2)
            assert _trigram_index_options() == options
            downgrade(revision="0010_remember_tokens")
            assert all("fastupdate" not in o for o in _trigram_index_options().values())
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


@pytest.mark.parametrize("backend", ["postgres"])
def test_the_candidates_function_is_planned_as_a_bitmap_scan_whatever_the_estimate(
    tmp_path, backend
):
    """Migration 0012: listing_candidates() carries its own planner settings (sequential and
    plain index scans off), which PostgreSQL applies only while it runs; the downgrade
    removes it. Without them the planner walked the whole table for a rare term whose
    trigrams are all common (1.7 s at a million listings)."""
    from flask_migrate import downgrade, upgrade

    def settings():
        return (
            db.session.execute(
                text("SELECT proconfig FROM pg_proc WHERE proname = 'listing_candidates'")
            )
            .scalars()
            .all()
        )

    app, drop = make_app(tmp_path, backend)
    try:
        with app.app_context():
            empty_database()
            upgrade()
            assert settings() == [["enable_seqscan=off", "enable_indexscan=off"]]
            db.session.commit()
            downgrade(revision="0011_trigram_no_pending_list")
            assert settings() == []
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
