"""Chapter 11: every exploit against every stage, the photo feature, the challenges by hand."""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest

from marketplace.exploits.runner import run_exploit
from marketplace.lessons import get_lesson
from marketplace.photo_client import new_listing, photo_src, tiny_png, upload_photo
from tests.helpers import every_cell
from tests.helpers.static import bandit_rules, run_in_production

LESSON = get_lesson("path-traversal")
STAGES = [s.slug for s in LESSON.stages]
# The database only stores the photo\'s name: the catalogue cells run on both, the rest once.
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])
STAGE_DIR = LESSON.folder / "stages"


@every_cell(LESSON)
def test_exploit_matches_catalogue(set_stage, target, stage, exploit):
    set_stage(LESSON.slug, stage)
    outcome = run_exploit(exploit, target)
    expected = LESSON.expected_exploited(exploit, stage)
    assert outcome.label == ("exploited" if expected else "defended"), outcome.summary
    if expected:
        assert "outside the uploads folder" in outcome.summary
    elif exploit.name == "upload-filename-write":
        assert "stored inside the uploads folder or refused" in outcome.summary
    else:
        assert "every traversal was refused ('There is no such photo.')" in outcome.summary


@SQLITE_ONLY
def test_a_broken_uploads_folder_is_an_error_not_defended(app, target, tmp_path):
    """The honest photo cannot be stored (the folder is a file): nothing to attack."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app.config["UPLOADS_FOLDER"] = str(blocker / "uploads")
    for exploit in LESSON.exploits:
        outcome = run_exploit(exploit, target)
        assert outcome.label == "error", outcome.summary
        assert "an honest PNG upload was not accepted (HTTP 400)" in outcome.summary


@pytest.fixture
def seller(user):
    browser = user[0]
    return browser, new_listing(browser.http)


@pytest.mark.parametrize("stage", STAGES)
@SQLITE_ONLY
def test_photo_is_shown_and_served_at_every_stage(app, set_stage, seller, stage):
    set_stage(LESSON.slug, stage)
    browser, listing = seller
    image = tiny_png("a brass lamp")
    assert upload_photo(browser.http, listing, "brass lamp.png", image).status == 302
    src = photo_src(browser.http, listing)
    served = browser.http.client.get(src)
    assert served.status_code == 200 and served.data == image
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    stored = os.listdir(app.config["UPLOADS_FOLDER"])
    assert len(stored) == 1
    if stage == "safe-join":
        assert stored[0] != "brass lamp.png" and stored[0].endswith(".png")


REFUSED = {
    "text named .png": (b"just text\n", "not a PNG or JPEG image"),
    "GIF": (b"GIF89a" + b"\0" * 20, "not a PNG or JPEG image"),
    "empty": (b"", "The photo is empty"),
}


@pytest.mark.parametrize("stage", STAGES)
@SQLITE_ONLY
def test_bad_photos_are_400_with_a_message_at_every_stage(app, set_stage, seller, stage):
    set_stage(LESSON.slug, stage)
    browser, listing = seller
    for problem, (data, message) in REFUSED.items():
        reply = upload_photo(browser.http, listing, "x.png", data)
        assert reply.status == 400, problem
        assert message in reply.text, problem
    assert photo_src(browser.http, listing) is None


@SQLITE_ONLY
def test_a_photo_over_1_mib_is_413_with_a_message(seller):
    browser, listing = seller
    token = browser.get(f"/listings/{listing}").csrf_token
    boundary = "photo-test-boundary"
    # A prepared body: Werkzeug's test client spools a large one to a file it never closes.
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="big.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + tiny_png()
        + b"\0" * (1 << 20)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    reply = browser.http.client.post(
        f"/listings/{listing}/photo",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert reply.status_code == 413
    assert "too large" in reply.get_data(as_text=True)
    assert photo_src(browser.http, listing) is None


@SQLITE_ONLY
def test_file_and_url_together_are_refused(seller):
    browser, listing = seller
    reply = browser.http.submit(
        f"/listings/{listing}/photo",
        {"url": "https://example.com/lamp.png"},
        form_path=f"/listings/{listing}",
        files={"photo": ("lamp.png", tiny_png(), "image/png")},
    )
    assert reply.status == 400 and "either a file or an address, not both" in reply.text


@SQLITE_ONLY
def test_only_the_owner_sets_a_photo_and_only_with_a_login(app, client, seller, browser):
    _, listing = seller
    anonymous = client.post(f"/listings/{listing}/photo")
    assert anonymous.status_code == 302 and "/user/login" in anonymous.location
    other = type(browser)(app)
    other.signup("Mallory", "mallory@example.com", "Str0ng-Passw0rd!")
    other.login("mallory@example.com", "Str0ng-Passw0rd!")
    reply = upload_photo(other.http, listing, "x.png", tiny_png())
    assert reply.status == 404


@SQLITE_ONLY
def test_missing_and_unreadable_names_are_404_not_500(app, client):
    for name in ("nothing-here.png", "a" * 5000, "sub/dir/x.png"):
        reply = client.get("/media/" + quote(name))
        assert reply.status_code == 404, name
        assert "There is no such photo." in reply.get_data(as_text=True)


# --- bandit: it has no rule for a path built from input, so it must not flag any stage. ---


def test_bandit_has_no_rule_for_these_paths_and_flags_nothing():
    # -r: without it bandit skips a folder and reads nothing.
    assert bandit_rules(STAGE_DIR) == set()


def test_production_refuses_the_vulnerable_stages(tmp_path):
    for stage in STAGES[:-1]:
        done = run_in_production(tmp_path, f"{LESSON.slug}={stage}")
        assert done.returncode == 1, done.stderr
        assert f"refuses vulnerable stages ({LESSON.slug}={stage})" in done.stderr


# The challenges are solved by hand in tests/challenges/test_path_traversal.py
