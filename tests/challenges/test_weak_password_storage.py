"""Chapter 3's challenges solved by hand: read, look up and crack the challenge breach."""

from __future__ import annotations

import hashlib
import time

import bcrypt
import pytest

from marketplace.passwords import ranked_common_passwords

from .helpers import login, solved_by


@pytest.fixture
def backend():
    """SQLite only: what this module checks does not depend on the database (the
    PostgreSQL copies of the deauthentication and SQL tests record solves there too)."""
    return "sqlite"


LESSON = "weak-password-storage"
COMMON = "breach-common@challenge.example.com"
DEEPER = "breach-deeper@challenge.example.com"


def _breach(client) -> dict[str, str]:
    reply = client.get(f"/lab/{LESSON}/challenge-breach.json")
    assert reply.status_code == 200
    return {row["email"]: row["password_hash"] for row in reply.get_json()["users"]}


def _crack(stored: str, words, seconds: float) -> str | None:
    """What a learner's script does: hash candidate words until one matches, or time's up."""
    deadline = time.monotonic() + seconds
    for word in words:
        if time.monotonic() > deadline:
            return None
        if stored.startswith("sha256$"):
            if hashlib.sha256(word.encode()).hexdigest() == stored.removeprefix("sha256$"):
                return word
        elif stored.startswith("$2") and bcrypt.checkpw(word.encode(), stored.encode()):
            return word
    return None


@pytest.mark.parametrize(("stage", "solvable"), [("plaintext", True), ("sha256", False)])
def test_read_plaintext_by_hand(app, client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    stored = _breach(client)[COMMON]
    assert stored.startswith("plain$") is solvable
    reply = login(app.test_client(), COMMON, stored.removeprefix("plain$"))
    assert (reply.status_code == 302) is solvable
    assert solved_by(client, LESSON, "read-plaintext") == ("learner" if solvable else None)


@pytest.mark.parametrize(("stage", "solvable"), [("sha256", True), ("bcrypt", False)])
def test_lookup_table_crack_by_hand(app, client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    stored = _breach(client)[COMMON]
    # A lookup table: the SHA-256 of the most common passwords, computed once, in advance.
    table = {hashlib.sha256(w.encode()).hexdigest(): w for w in ranked_common_passwords()[:1000]}
    password = table.get(stored.removeprefix("sha256$"))
    assert (password is not None) is solvable
    if password:
        assert login(app.test_client(), COMMON, password).status_code == 302
    assert solved_by(client, LESSON, "lookup-table-crack") == ("learner" if solvable else None)
    assert solved_by(client, LESSON, "read-plaintext") is None


@pytest.mark.parametrize(("stage", "solvable"), [("sha256", True), ("bcrypt", False)])
def test_dictionary_crack_by_hand(app, client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    stored = _breach(client)[DEEPER]
    password = _crack(stored, ranked_common_passwords(), seconds=1.0)
    assert (password is not None) is solvable
    if password:
        assert login(app.test_client(), DEEPER, password).status_code == 302
    assert solved_by(client, LESSON, "dictionary-crack") == ("learner" if solvable else None)


def test_a_login_after_the_hash_was_stored_slowly_solves_nothing(app, client, set_stage):
    """Knowing the password by other means does not count when the breach held bcrypt."""
    set_stage(LESSON, "sha256")
    stored = _breach(client)[COMMON]
    table = {hashlib.sha256(w.encode()).hexdigest(): w for w in ranked_common_passwords()[:1000]}
    password = table[stored.removeprefix("sha256$")]
    set_stage(LESSON, "bcrypt")
    from marketplace.lessons.weak_password_storage import challenges

    with app.app_context():
        challenges._served()[COMMON] = "bcrypt"  # as if a bcrypt breach had been served
    assert login(app.test_client(), COMMON, password).status_code == 302
    assert solved_by(client, LESSON, "lookup-table-crack") is None
