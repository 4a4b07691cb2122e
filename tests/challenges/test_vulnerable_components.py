"""Chapter 1's challenge solved by hand: read the requirement set, name an advisory."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from marketplace.lessons.vulnerable_components import osv

from .helpers import post_form, solved_by


@pytest.fixture
def backend():
    """SQLite only: what this module checks does not depend on the database (the
    PostgreSQL copies of the deauthentication and SQL tests record solves there too)."""
    return "sqlite"


LESSON = "vulnerable-components"
SNAPSHOT = Path(osv.__file__).parent / "advisories" / "osv-subset.json"


def _advisories_for(requirements: str) -> list[str]:
    """What a learner does on osv.dev, by hand: find each pin's advisories in the snapshot."""
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", requirements, re.M))
    found = []
    for advisory in json.loads(SNAPSHOT.read_text())["advisories"]:
        for affected in advisory.get("affected", []):
            name = affected.get("package", {}).get("name", "").lower()
            version = {k.lower(): v for k, v in pins.items()}.get(name)
            if version and version in affected.get("versions", []):
                found.append(advisory["id"])
    return found


@pytest.mark.parametrize(("stage", "solvable"), [("flask-0.12", True), ("audited", False)])
def test_known_advisories_by_hand(client, set_stage, stage, solvable):
    set_stage(LESSON, stage)
    requirements = client.get(f"/lab/{LESSON}/requirements.txt").get_data(as_text=True)
    found = _advisories_for(requirements)
    assert bool(found) is solvable
    answer = found[0] if found else "PYSEC-2018-66"  # at audited: the answer that was right
    reply = post_form(
        client,
        f"/lab/{LESSON}/answer",
        {"exploit": "known-advisories", "answer": answer},
        f"/lab/{LESSON}",
    )
    assert reply.status_code == 302
    assert solved_by(client, LESSON, "known-advisories") == ("learner" if solvable else None)


def test_a_wrong_or_empty_answer_is_refused_clearly(client, set_stage):
    set_stage(LESSON, "flask-0.12")
    path, page = f"/lab/{LESSON}/answer", f"/lab/{LESSON}"
    wrong = post_form(client, path, {"exploit": "known-advisories", "answer": "CVE-0000-0"}, page)
    assert wrong.status_code == 302
    assert "Not quite" in client.get(page).get_data(as_text=True)
    empty = post_form(client, path, {"exploit": "known-advisories", "answer": " "}, page)
    assert empty.status_code == 400
    no_answer = post_form(
        client,
        "/lab/broken-deauthentication/answer",
        {"exploit": "replay-after-logout", "answer": "x"},
        page,
    )
    assert no_answer.status_code == 400
    assert solved_by(client, LESSON, "known-advisories") is None
