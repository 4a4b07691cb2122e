"""CTF flags and the CTFd export, read back the way CTFd's challenge CSV import reads it.

CTFd (``CTFd/utils/csv/__init__.py``, ``load_challenges_csv``) takes the file through
``csv.DictReader``; pops ``id``, ``requirements``, ``flags``, ``tags``, ``hints``,
``type`` and ``type_data``; splits flags, tags and hints at every comma (each stripped,
flags become "static" flags); and builds the challenge row from the remaining columns,
which its ChallengeSchema must accept (columns of its ``challenges`` table).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from marketplace.challenges import lesson_challenges
from marketplace.challenges.ctf import flag
from marketplace.cli import main
from marketplace.extensions import db
from marketplace.lessons import all_lessons
from marketplace.models import Listing

from .helpers import login, post_form, signup

KEY = "workshop-secret-for-tests"
# CTFd's Challenges model columns that a CSV row may set (id and requirements are dropped).
CTFD_CHALLENGE_COLUMNS = {
    "name", "description", "connection_info", "next_id", "max_attempts", "value",
    "category", "type", "state",
}  # fmt: skip
CTFD_LIST_COLUMNS = ("flags", "tags", "hints")


def load_like_ctfd(text: str) -> list[dict]:
    """The rows as CTFd's load_challenges_csv would see them."""
    rows = []
    for line in csv.DictReader(io.StringIO(text)):
        line.pop("id", None)
        line.pop("requirements", None)
        lists = {
            name: [part.strip() for part in (line.pop(name, None) or "").split(",") if part]
            for name in CTFD_LIST_COLUMNS
        }
        line.pop("type_data", None)
        assert set(line) <= CTFD_CHALLENGE_COLUMNS, set(line) - CTFD_CHALLENGE_COLUMNS
        rows.append({**line, **lists})
    return rows


def export(tmp_path, monkeypatch, key: str | None = KEY):
    if key is None:
        monkeypatch.delenv("MARKETPLACE_CTF_KEY", raising=False)
    else:
        monkeypatch.setenv("MARKETPLACE_CTF_KEY", key)
    output = tmp_path / "ctfd.csv"
    result = CliRunner().invoke(
        main, ["ctf", "export", "--format", "ctfd", "--output", str(output)]
    )
    return result, output


def test_flag_is_an_hmac_of_the_challenge_key():
    expected = hmac.new(KEY.encode(), b"xxe/file-disclosure", hashlib.sha256).hexdigest()
    assert flag(KEY, "xxe", "file-disclosure") == f"MP{{{expected}}}"
    assert flag(KEY, "xxe", "file-disclosure") != flag("another", "xxe", "file-disclosure")
    assert flag(KEY, "xxe", "file-disclosure") != flag(KEY, "xxe", "entity-expansion")


def test_export_holds_every_challenge_with_its_recomputed_flag(tmp_path, monkeypatch):
    result, output = export(tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    rows = load_like_ctfd(output.read_text(encoding="utf-8"))
    expected = [
        (lesson, challenge) for lesson in all_lessons() for challenge in lesson_challenges(lesson)
    ]
    assert expected, "no lesson has challenges yet"
    assert len(rows) == len(expected)
    assert len({row["name"] for row in rows}) == len(rows), "CTFd names must be unique"
    for row, (lesson, challenge) in zip(rows, expected, strict=True):
        assert row["flags"] == [flag(KEY, lesson.slug, challenge.exploit)]
        assert row["category"] == lesson.title
        assert row["description"].startswith(challenge.goal)
        assert int(row["value"]) == {1: 100, 2: 250, 3: 500}[challenge.difficulty]
        assert row["type"] == "standard" and row["state"] == "visible"
        assert len(row["hints"]) == 3, "a comma inside a hint would split it in CTFd"
        for exported, hint in zip(row["hints"], challenge.hints, strict=True):
            assert exported.replace("\u060c", ",") == " ".join(hint.split())


@pytest.mark.parametrize("key", [None, ""])
def test_export_refuses_without_the_key(tmp_path, monkeypatch, key):
    result, output = export(tmp_path, monkeypatch, key)
    assert result.exit_code == 2
    assert "MARKETPLACE_CTF_KEY is not set" in result.output
    assert not output.exists()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_solved_challenge_shows_its_flag_on_the_lab_page(app, set_stage, monkeypatch):
    """A challenge solved by hand (a foreign listing deleted) shows the flag CTFd expects."""
    monkeypatch.setenv("MARKETPLACE_CTF_KEY", KEY)
    expected = flag(KEY, "broken-access-control", "delete-foreign-listing")
    lab_page = "/lab/broken-access-control"
    assert expected not in app.test_client().get(lab_page).get_data(as_text=True)
    set_stage("broken-access-control", "authentication-only")
    alice, mallory = app.test_client(), app.test_client()
    signup(alice, "Alice Seller", "alice.seller@example.com")
    login(alice, "alice.seller@example.com")
    post_form(alice, "/listings/create", {"title": "Red lamp", "description": "Bright."})
    with app.app_context():
        number = db.session.scalar(select(Listing.id).where(Listing.title == "Red lamp"))
    signup(mallory, "Mallory", "mallory@example.com")
    login(mallory, "mallory@example.com")
    deleted = post_form(mallory, f"/listings/{number}/delete", {}, form_page="/user/welcome")
    assert deleted.status_code == 302
    assert expected in mallory.get(lab_page).get_data(as_text=True)
