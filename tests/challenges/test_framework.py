"""The challenges framework: storage, progress.json, learners, hints, notices, reset, CLI."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from marketplace.challenges import LAB_EXPLOIT_HEADER, solved
from marketplace.challenges.store import _pending
from marketplace.exploits.runner import run_exploit
from marketplace.lab.progress_cli import progress_command
from marketplace.lessons import get_lesson

from .helpers import csrf, login, post_form, progress, signup, solved_by


@pytest.fixture
def backend():
    """SQLite only: what this module checks does not depend on the database (the
    PostgreSQL copies of the deauthentication and SQL tests record solves there too)."""
    return "sqlite"


DEAUTH = "broken-deauthentication"


@pytest.fixture
def probe(app):
    """A lab-only route that calls solved() the way a lesson's detector does."""

    @app.route("/_probe_solve")
    def _probe_solve():
        solved(DEAUTH, "replay-after-logout", "the probe says so")
        return "ok"

    return "/_probe_solve"


def test_progress_json_lists_every_declared_challenge_unsolved(client):
    body = client.get("/lab/progress.json").get_json()
    assert body["learner"] == "you"
    entry = next(c for c in body["challenges"] if c["exploit"] == "replay-after-logout")
    assert entry == {
        "lesson": DEAUTH,
        "exploit": "replay-after-logout",
        "solved": False,
        "solved_at": None,
        "by": None,
        "hints_used": 0,
        "difficulty": 1,
    }


def test_a_solve_is_recorded_once_per_learner_and_kept_apart_from_the_lab(app, client, probe):
    assert client.get(probe).status_code == 200
    assert client.get(probe).status_code == 200  # idempotent
    entry = progress(client)[(DEAUTH, "replay-after-logout")]
    assert entry["solved"] and entry["by"] == "learner" and entry["solved_at"].endswith("Z")
    other = app.test_client()
    other.set_cookie("lab_learner", "Bea")
    assert solved_by(other, DEAUTH, "replay-after-logout") is None
    # The lab's exploit header names its learner: "shown by the lab", apart.
    other.get(probe, headers={LAB_EXPLOIT_HEADER: "Bea"})
    assert solved_by(other, DEAUTH, "replay-after-logout") == "lab"
    other.get(probe)
    assert solved_by(other, DEAUTH, "replay-after-logout") == "learner"  # own solve wins


def test_a_database_failure_while_recording_never_breaks_the_request(app, client, probe, caplog):
    from marketplace.challenges import store

    def broken(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database is away"))

    original = store._record
    store._record = broken
    try:
        reply = client.get(probe)
    finally:
        store._record = original
    assert reply.status_code == 200 and reply.get_data(as_text=True) == "ok"
    assert "not recorded" in caplog.text
    assert solved_by(client, DEAUTH, "replay-after-logout") is None


def test_the_notice_shows_once_on_the_next_page(client, probe):
    client.get(probe)
    page = client.get("/listings/").get_data(as_text=True)
    assert "Challenge solved: Broken de-authentication:" in page
    assert "Challenge solved" not in client.get("/listings/").get_data(as_text=True)


def test_ordinary_pages_do_not_query_for_notices(app, client):
    """No notice pending in this process: a page renders without touching the solves."""
    from sqlalchemy import event

    from marketplace.extensions import db

    statements = []
    with app.app_context():
        _pending().clear()
        engine = db.engine

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert client.get("/listings/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert statements and not [s for s in statements if "challenge" in s]


def test_learner_name_is_picked_on_the_lab_with_csrf(client, probe):
    assert client.post("/lab/learner", data={"learner": "Ada"}).status_code == 400  # no token
    token = csrf(client, "/lab/")
    assert (
        client.post("/lab/learner", data={"learner": "<b>", "csrf_token": token}).status_code == 400
    )
    assert (
        client.post("/lab/learner", data={"learner": "Ada", "csrf_token": token}).status_code == 302
    )
    assert client.get("/lab/progress.json").get_json()["learner"] == "Ada"
    client.get(probe)
    assert "Ada" in client.get("/lab/").get_data(as_text=True)
    assert solved_by(client, DEAUTH, "replay-after-logout") == "learner"


def test_hints_open_one_at_a_time_and_are_counted(client):
    path = f"/lab/{DEAUTH}/hint"
    assert client.post(path, data={"exploit": "replay-after-logout"}).status_code == 400
    page = client.get(f"/lab/{DEAUTH}").get_data(as_text=True)
    assert "Hint 1:" not in page
    for opened in (1, 2, 3, 3):
        reply = post_form(client, path, {"exploit": "replay-after-logout"}, f"/lab/{DEAUTH}")
        assert reply.status_code == 302
        assert progress(client)[(DEAUTH, "replay-after-logout")]["hints_used"] == opened
    page = client.get(f"/lab/{DEAUTH}").get_data(as_text=True)
    assert (
        "Hint 3:" in page
        and "Open hint"
        not in page.split('id="challenge-replay-after-logout"')[1].split("</article>")[0]
    )
    unknown = post_form(client, path, {"exploit": "nope"}, f"/lab/{DEAUTH}")
    assert unknown.status_code == 404


def test_the_solution_stays_folded_until_solved(client, probe):
    page = client.get(f"/lab/{DEAUTH}").get_data(as_text=True)
    assert '<details class="solution"><summary>Show the solution: The exploit' in page
    assert '<details class="expected"><summary>' in page


def test_reset_clears_the_learners_progress(client, probe):
    client.get(probe)
    post_form(client, f"/lab/{DEAUTH}/hint", {"exploit": "replay-after-logout"}, "/lab/")
    reply = post_form(client, "/lab/progress/reset", {}, "/lab/")
    assert reply.status_code == 302
    entry = progress(client)[(DEAUTH, "replay-after-logout")]
    assert not entry["solved"] and entry["hints_used"] == 0


def test_the_score_board_counts_solved_stars_and_hints(client, probe):
    client.get(probe)
    page = client.get("/lab/").get_data(as_text=True)
    row = page.split(f'href="/lab/{DEAUTH}#challenges"')[1].split("</tr>")[0]
    assert "1 of 3" in row and "★☆☆☆☆" in row


def test_cli_progress_prints_json_and_resets(app, client, probe):
    client.get(probe)
    runner = app.test_cli_runner()
    result = runner.invoke(progress_command, ["--json"])
    assert result.exit_code == 0 and '"by": "learner"' in result.output
    result = runner.invoke(progress_command, [])
    assert "[solved] broken-deauthentication/replay-after-logout" in result.output
    result = runner.invoke(progress_command, ["--learner", "<x>"])
    assert result.exit_code != 0
    result = runner.invoke(progress_command, ["--reset", "--learner", "you"])
    assert result.exit_code == 0 and "1 solves" in result.output
    assert solved_by(client, DEAUTH, "replay-after-logout") is None


def test_a_lab_exploit_run_records_its_solve_as_shown_by_the_lab(app, client, target, set_stage):
    set_stage(DEAUTH, "client-cookie")
    lesson = get_lesson(DEAUTH)
    outcome = run_exploit(lesson.exploit("replay-after-logout"), target)
    assert outcome.exploited
    assert solved_by(client, DEAUTH, "replay-after-logout") == "lab"
    assert "Challenge solved" not in client.get("/listings/").get_data(as_text=True)


def test_signup_and_login_helpers_work(client):
    signup(client, "Helper Person", "helper@example.com")
    assert login(client, "helper@example.com").status_code == 302


def test_a_solved_challenge_shows_its_ctf_flag_when_a_key_is_set(client, probe, monkeypatch):
    import sys
    import types

    fake = types.ModuleType("marketplace.challenges.ctf")
    fake.flag = lambda key, lesson, exploit: f"flag{{{key}:{lesson}:{exploit}}}"
    if "marketplace.challenges.ctf" not in sys.modules:  # the CTF module may be merged later
        monkeypatch.setitem(sys.modules, "marketplace.challenges.ctf", fake)
    monkeypatch.setenv("MARKETPLACE_CTF_KEY", "workshop-key")
    from marketplace.lab.progress import ctf_flag

    expected = ctf_flag(DEAUTH, "replay-after-logout")
    assert expected and "workshop-key" not in client.get(f"/lab/{DEAUTH}").get_data(as_text=True)
    client.get(probe)
    page = client.get(f"/lab/{DEAUTH}").get_data(as_text=True)
    assert f'<code class="flag">{expected}</code>' in page
    assert page.count('class="flag"') == 1  # only the solved challenge has one


def test_the_attack_button_records_its_solves_for_the_learner_as_shown_by_the_lab(
    app, live_target, set_stage
):
    """Over real HTTP: the button's exploits carry the header naming the learner."""
    import re

    import requests

    set_stage(DEAUTH, "client-cookie")
    http = requests.Session()
    base = live_target.base_url.rstrip("/")
    http.cookies.set("lab_learner", "Bea")

    def token(path: str) -> str:
        page = http.get(base + path, timeout=15).text
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    reply = http.post(
        f"{base}/lab/{DEAUTH}/attack",
        data={"csrf_token": token(f"/lab/{DEAUTH}")},
        headers={"Origin": base},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text[:300]
    body = http.get(base + "/lab/progress.json", timeout=15).json()
    assert body["learner"] == "Bea"
    by = {c["exploit"]: c["by"] for c in body["challenges"] if c["lesson"] == DEAUTH}
    assert by["replay-after-logout"] == "lab"
    assert "learner" not in by.values()


@pytest.mark.parametrize(
    "path", ["/user/login", "/listings/create", "/user/signup", "/listings/upload"]
)
def test_a_body_too_large_is_a_413_with_the_detectors_watching(client, path):
    """The detectors read the form of the requests they watch; a body over the limit must
    stay the app's own 413, not become a 500 in a detector (the fuzzer found this)."""
    body = b"email=" + b"x" * (2 * 1024 * 1024)
    answer = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 413, (path, answer.status_code)
