"""Chapter 14: every exploit against every stage, backup and restore at every stage, bandit,
the production refusal, and each challenge solved by hand."""

from __future__ import annotations

import base64
import io
import pickle
import subprocess

import pytest

from marketplace.exploits.runner import run_exploit
from marketplace.lessons import get_lesson
from marketplace.lessons.insecure_deserialization.backup import MAX_BACKUP_BYTES, MAX_LISTINGS
from marketplace.models import Listing
from tests.challenges.helpers import csrf, login, signup, solved_by
from tests.helpers import count, every_cell, listing_ids
from tests.helpers.static import bandit_rules, run_in_production

LESSON = get_lesson("insecure-deserialization")
STAGES = [s.slug for s in LESSON.stages]
VULNERABLE = ["pickle", "yaml-load"]


@every_cell(LESSON)
def test_exploit_matches_catalogue(set_stage, target, stage, exploit):
    set_stage(LESSON.slug, stage)
    outcome = run_exploit(exploit, target)
    expected = LESSON.expected_exploited(exploit, stage)
    assert outcome.label == ("exploited" if expected else "defended"), outcome.summary
    if expected:
        assert "the canary file appeared" in outcome.summary
    else:  # the refusal, with its message, not a failed set-up
        assert "was refused (HTTP 400)" in outcome.summary, outcome.summary
    assert any(e.path == "/user/restore" and e.method == "POST" for e in outcome.exchanges)


def _restore(browser, content: bytes):
    return browser.submit(
        "/user/restore", {}, files={"file": ("listings.backup", content, "text/plain")}
    )


def _post(browser, title: str, description: str) -> None:
    reply = browser.submit("/listings/create", {"title": title, "description": description})
    assert reply.status == 302, reply.text[:300]


def _dump(stage: str, backup: dict) -> bytes:
    return LESSON.module(stage).dump_backup(backup)


def _backup(*items: dict) -> dict:
    return {"format": "marketplace-listings", "version": 1, "listings": list(items)}


@pytest.mark.parametrize("stage", STAGES)
def test_backup_and_restore_at_every_stage(app, set_stage, user, stage):
    set_stage(LESSON.slug, stage)
    browser, email = user[0], user[1]
    _post(browser, "Kayak & paddle", 'Two seats, "as new" <3 m>')
    _post(browser, "Crème brûlée set", "Four ramekins — 100%")
    backup = browser.get("/user/backup")
    assert backup.status == 200
    assert "attachment" in backup.headers["Content-Disposition"]
    before = listing_ids(app, email)
    reply = _restore(browser, backup.text.encode())
    assert reply.status == 302, reply.text[:300]
    assert len(listing_ids(app, email)) == len(before) + 2
    page = browser.get("/user/welcome").text
    assert page.count("Crème brûlée set") == 2 and page.count("Kayak &amp; paddle") == 2


def test_backup_needs_a_login(client):
    for path in ("/user/backup", "/user/restore"):
        reply = client.get(path)
        assert reply.status_code == 302 and "/user/login" in reply.location


@pytest.mark.parametrize("stage", STAGES)
def test_bad_files_answer_400_and_create_nothing(app, set_stage, user, stage):
    set_stage(LESSON.slug, stage)
    browser = user[0]
    good = {"title": "t", "description": "d"}
    files = {
        "empty": (b"  \n", "The file is empty"),
        "damaged": (b"\x00\x01 not a backup \xff", ""),
        "second listing invalid": (
            _dump(stage, _backup(good, {"title": "t", "description": " "})),
            "Listing 2 has no description",
        ),
        "too many": (_dump(stage, _backup(*[good] * (MAX_LISTINGS + 1))), "500"),
        "title too long": (_dump(stage, _backup({"title": "x" * 201, "description": "d"})), "1"),
        "no listings": (_dump(stage, _backup()), "listings"),
        "another format": (_dump(stage, {**_backup(good), "format": "x"}), "backup"),
    }
    before = count(app, Listing)
    for problem, (content, message) in files.items():
        reply = _restore(browser, content)
        assert reply.status == 400, f"{problem}: HTTP {reply.status}"
        assert 'class="error"' in reply.text, problem
        assert message in reply.text, (problem, reply.text[:800])
    assert browser.submit("/user/restore", {}).status == 400  # no file at all
    assert count(app, Listing) == before


def test_a_too_large_file_is_refused_before_reading(app, user):
    # Werkzeug's test client spools a large multipart body to a temporary file it never
    # closes (a ResourceWarning); a prepared body avoids that.
    browser = user[0]
    token = browser.get("/user/restore").csrf_token
    boundary = "restore-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + b"x" * (MAX_BACKUP_BYTES + 1)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    reply = browser.http.client.post(
        "/user/restore", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert reply.status_code == 400
    assert "The file is too large: at most 512 KiB per restore." in reply.get_data(as_text=True)


@pytest.mark.parametrize("backend", ["sqlite"])  # static analysis: once is enough
def test_bandit_names_the_loader_in_each_vulnerable_stage(backend):
    rules = {"pickle": {"B301", "B403"}, "yaml-load": {"B506"}, "json-schema": set()}
    for stage, expected in rules.items():
        found = bandit_rules(LESSON.folder / "stages" / f"{LESSON.stage(stage).module_name}.py")
        assert found == expected, (stage, found)


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("stage", VULNERABLE)
def test_production_refuses_the_vulnerable_stages(backend, tmp_path, stage):
    done = run_in_production(tmp_path, f"{LESSON.slug}={stage}")
    assert done.returncode == 1, done.stderr
    assert f"refuses vulnerable stages ({LESSON.slug}={stage})" in done.stderr


# --- Challenges, solved by hand: plain HTTP, as a learner with curl would. ---


@pytest.fixture
def seller(client):
    signup(client, "Sam Seller", "sam@example.com")
    assert login(client, "sam@example.com").status_code == 302
    return client


def _upload(client, content: bytes):
    data = {"csrf_token": csrf(client, "/user/restore"), "file": (io.BytesIO(content), "b.txt")}
    return client.post("/user/restore", data=data, content_type="multipart/form-data")


class _Touch:
    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (subprocess.run, (["touch", self.path],))


def _pickled(canary) -> bytes:
    listing = {"title": "By hand", "description": "pickle"}
    return base64.b64encode(pickle.dumps({**_backup(listing), "x": _Touch(canary)}))


def _yaml(canary) -> bytes:
    return (
        "format: marketplace-listings\nversion: 1\n"
        "listings: [{title: By hand, description: yaml}]\n"
        f'x: !!python/object/apply:subprocess.run [[touch, "{canary}"]]\n'
    ).encode()


def test_pickle_code_execution_by_hand(set_stage, seller, tmp_path):
    set_stage(LESSON.slug, "pickle")
    assert _upload(seller, _pickled(tmp_path / "canary")).status_code == 302
    assert (tmp_path / "canary").exists()
    assert solved_by(seller, LESSON.slug, "pickle-code-execution") == "learner"
    assert solved_by(seller, LESSON.slug, "yaml-code-execution") is None


def test_yaml_code_execution_by_hand(set_stage, seller, tmp_path):
    set_stage(LESSON.slug, "yaml-load")
    assert _upload(seller, _yaml(tmp_path / "canary")).status_code == 302
    assert (tmp_path / "canary").exists()
    assert solved_by(seller, LESSON.slug, "yaml-code-execution") == "learner"
    assert solved_by(seller, LESSON.slug, "pickle-code-execution") is None


def test_nothing_is_solved_at_the_fixed_stage_nor_by_honest_use(seller, tmp_path):
    assert _upload(seller, _pickled(tmp_path / "a")).status_code == 400
    assert _upload(seller, _yaml(tmp_path / "b")).status_code == 400
    backup = seller.get("/user/backup").get_data()
    assert _upload(seller, backup).status_code == 400  # no listings yet: refused, not run
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    for exploit in ("pickle-code-execution", "yaml-code-execution"):
        assert solved_by(seller, LESSON.slug, exploit) is None
