"""``attack`` and ``audit`` exit statuses, an unreachable target, ``lab clean``, leftovers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.cli import main
from marketplace.cli_attack import EXIT_ERROR, EXIT_MISMATCH
from marketplace.exploits.runner import live_server
from marketplace.exploits.target import EXPLOIT_DOMAIN
from marketplace.extensions import db
from marketplace.lessons import get_lesson
from marketplace.models import Listing, User
from tests.helpers import count

MARKETPLACE = str(Path(sys.executable).parent / "marketplace")


def test_attack_on_an_unreachable_target_is_one_line_and_exit_2(tmp_path):
    done = subprocess.run(
        [MARKETPLACE, "attack", "xss", "--target", "http://127.0.0.1:9"],
        env={k: v for k, v in os.environ.items() if k != "MARKETPLACE_STAGES"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    lines = (done.stdout + done.stderr).splitlines()
    assert lines == [
        "Error: http://127.0.0.1:9 did not answer (Connection refused); start it with "
        "`marketplace run` or check --target."
    ]


def invoke(app, *args):
    return app.test_cli_runner().invoke(main, list(args))


@pytest.fixture
def live_url(app):
    with live_server(app) as url:
        yield url


def test_attack_exits_2_when_an_exploit_is_an_error(app, live_url, set_stage):
    # The victim's cookie holds the session itself: nothing for the hijack to steal.
    set_stage("broken-deauthentication", "client-cookie")
    set_stage("sensitive-data-exposure", "auto-serialize")
    result = invoke(app, "attack", "sensitive-data-exposure", "--target", live_url, "--json")
    assert result.exit_code == EXIT_ERROR, result.output
    rows = {row["exploit"]: row for row in json.loads(result.stdout)}
    assert rows["api-leaks-secrets"]["outcome"] == "exploited"
    error = rows["hijack-with-leaked-key"]
    assert error["outcome"] == "error" and error["stage"] == "auto-serialize"
    assert "broken-deauthentication is at client-cookie" in error["summary"]
    assert "1 of 2 exploits could not run (error)." in result.stderr


def test_attack_exits_0_when_every_exploit_ran(app, live_url):
    result = invoke(app, "attack", "xxe", "--target", live_url)
    assert result.exit_code == 0, result.output
    assert result.output.count(" defended ") == 2


def test_audit_exit_statuses(monkeypatch):
    """1 on a mismatch, 2 when any cell could not run."""
    from marketplace import audit as runner

    lesson = get_lesson("vulnerable-components")
    real = runner.run_exploit

    def every_cell_defended(exploit, target):
        real(exploit, target)
        return target.defended("pretend")

    monkeypatch.setattr(runner, "run_exploit", every_cell_defended)
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["audit", lesson.slug])
    assert result.exit_code == EXIT_MISMATCH, result.output
    assert "MISMATCH" in result.output

    monkeypatch.setattr(runner, "run_exploit", lambda exploit, target: target.error("broken"))
    result = CliRunner().invoke(main, ["audit", lesson.slug, "--json"])
    assert result.exit_code == EXIT_ERROR, result.output
    cells = json.loads(result.stdout)
    assert {cell["outcome"] for cell in cells} == {"error"}
    assert "error: vulnerable-components @" in result.stderr


def test_lab_clean_removes_exploit_leftovers_only(app, browser):
    browser.signup("Left Over", f"left-over@{EXPLOIT_DOMAIN}", "Str0ng-Passw0rd!-x")
    browser.login(f"left-over@{EXPLOIT_DOMAIN}", "Str0ng-Passw0rd!-x")
    browser.submit("/listings/create", {"title": "Left behind", "description": "By an exploit."})
    users, listings = count(app, User), count(app, Listing)
    result = invoke(app, "lab", "clean")
    assert result.exit_code == 0, result.output
    assert "Removed 1 exploit account (@exploit.example.com) and their 1 listing." in result.output
    assert (count(app, User), count(app, Listing)) == (users - 1, listings - 1)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "bob@example.com"))


# Two full attacks in a row (nothing left behind, the second run undisturbed) are in
# tests/lessons/test_attack_all.py, at all=vulnerable.


def test_a_scratch_target_removes_its_accounts_without_a_password_check(app, monkeypatch):
    """audit and fix check own their scratch app: an exploit's accounts go straight from
    its database (no third hash per account), and nobody else's account goes with them."""
    from marketplace import user as user_views
    from marketplace.audit import ScratchTarget

    with live_server(app) as url:
        target = ScratchTarget(url, app)
        account = target.account("scratch")
        created = account.http.submit("/listings/create", {"title": "T", "description": "D"})
        assert created.status in (302, 303)
        users, listings = count(app, User), count(app, Listing)
        checks = []
        real_check = user_views.check_password  # what the deletion form calls
        monkeypatch.setattr(
            user_views, "check_password", lambda *a: checks.append(a) or real_check(*a)
        )
        assert target.clean_up() == []
    assert checks == []
    assert (count(app, User), count(app, Listing)) == (users - 1, listings - 1)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == account.email)) is None
        assert db.session.scalar(select(User).where(User.email == "bob@example.com"))
