"""The ``marketplace`` command: lab list/set/reset, attack against a live server, audit."""

from __future__ import annotations

import json

import pytest

from marketplace.audit import lab_app
from marketplace.cli import main
from marketplace.exploits.runner import live_server
from marketplace.lessons import all_lessons, state

DEAUTH = "broken-deauthentication"
EXPLOITS = ["replay-after-logout", "replay-after-password-change", "replay-after-delete"]


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(main, list(args))

    return invoke


def active(app, slug: str = DEAUTH) -> str:
    with app.app_context():
        return state.active_stage(slug)


def test_lab_list_shows_every_lesson_and_the_active_stage(app, cli, set_stage):
    set_stage(DEAUTH, "revoke-on-logout")
    result = cli("lab", "list")
    assert result.exit_code == 0, result.output
    for lesson in all_lessons():
        assert f"{lesson.chapter:>2}. {lesson.slug}  ({lesson.title})" in result.output
    lines = result.output.splitlines()
    assert any(line.strip().startswith("* revoke-on-logout") for line in lines)
    assert any(
        line.strip().startswith("revoke-on-delete") and "[fixed, default]" in line for line in lines
    )


def test_lab_set_and_reset_one_lesson(app, cli):
    result = cli("lab", "set", DEAUTH, "client-cookie")
    assert result.exit_code == 0 and "client-cookie is active" in result.output
    assert active(app) == "client-cookie"
    result = cli("lab", "reset", DEAUTH)
    assert result.exit_code == 0 and "back at the fixed stage" in result.output
    assert active(app) == "revoke-on-delete"


def test_lab_reset_every_lesson(app, cli, set_stage):
    set_stage(DEAUTH, "client-cookie")
    result = cli("lab", "reset")
    assert result.exit_code == 0 and "every lesson" in result.output
    assert active(app) == "revoke-on-delete"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("lab", "set", "no-such-lesson", "x"), "no lesson 'no-such-lesson'; the lessons are:"),
        (("lab", "set", DEAUTH, "nope"), "has no stage 'nope'; its stages are: client-cookie"),
        (("lab", "reset", "no-such-lesson"), "no lesson 'no-such-lesson'"),
        (("lab", "set", DEAUTH), "Missing argument 'STAGE'"),
        (("attack", "no-such-lesson", "--target", "http://127.0.0.1:9"), "no lesson"),
        (("audit", "no-such-lesson"), "no lesson 'no-such-lesson'"),
    ],
)
def test_unknown_names_are_a_clear_error(app, cli, args, message):
    result = cli(*args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert active(app) == "revoke-on-delete"


@pytest.fixture(scope="module")
def live():
    """A migrated, seeded lab app served on a free loopback port."""
    with lab_app() as app, live_server(app) as url:
        yield app, url


def live_invoke(app, *args):
    return app.test_cli_runner().invoke(main, list(args))


def test_attack_table_on_the_vulnerable_stage(live):
    app, url = live
    with app.app_context():
        state.set_stage(DEAUTH, "client-cookie")
    try:
        result = live_invoke(app, "attack", DEAUTH, "--exploit", "replay-after-logout",
                             "--target", url)  # fmt: skip
    finally:
        with app.app_context():
            state.reset()
    assert result.exit_code == 0, result.output
    header, row = result.output.strip().splitlines()
    assert header.split()[:5] == ["lesson", "exploit", "stage", "outcome", "evidence"]
    assert row.split()[:4] == [DEAUTH, "replay-after-logout", "client-cookie", "exploited"]
    assert "still opens /user/welcome" in row


def test_attack_json_at_the_default_stage_all_defended(live):
    app, url = live
    result = live_invoke(app, "attack", DEAUTH, "--target", url, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["exploit"] for row in rows] == EXPLOITS
    for row in rows:
        assert set(row) >= {"lesson", "exploit", "stage", "outcome", "summary", "evidence"}
        assert row["lesson"] == DEAUTH and row["outcome"] == "defended"
        assert row["stage"] == "revoke-on-delete"
        assert "is refused" in row["summary"]
        assert row["evidence"]["exchanges"], "the evidence lists the HTTP exchange"


def test_attack_unknown_exploit_is_an_error(live):
    app, url = live
    result = live_invoke(app, "attack", DEAUTH, "--exploit", "nope", "--target", url)
    assert result.exit_code != 0 and "no exploit named 'nope'" in result.output


def test_audit_json_has_twelve_matching_cells(live):
    result = live_invoke(live[0], "audit", DEAUTH, "--json")  # audits its own fresh lab app
    assert result.exit_code == 0, result.output
    cells = json.loads(result.stdout)
    assert len(cells) == 12
    exploited = {(c["stage"], c["exploit"]) for c in cells if c["outcome"] == "exploited"}
    assert exploited == {
        ("client-cookie", "replay-after-logout"),
        ("client-cookie", "replay-after-password-change"),
        ("revoke-on-logout", "replay-after-password-change"),
        ("client-cookie", "replay-after-delete"),
        ("revoke-on-logout", "replay-after-delete"),
        ("revoke-on-password-change", "replay-after-delete"),
    }
    for cell in cells:
        assert set(cell) >= {
            "lesson",
            "stage",
            "exploit",
            "expected",
            "outcome",
            "summary",
            "evidence",
        }
        assert cell["expected"] == cell["outcome"]
    assert "All 12 cells match the catalogue." in result.stderr


def test_run_refuses_a_busy_port_before_touching_the_database(app, cli, set_stage):
    import socket

    set_stage(DEAUTH, "client-cookie")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("run", "--port", str(port))
    assert result.exit_code != 0
    assert f"127.0.0.1:{port} is already in use" in result.output
    assert active(app) == "client-cookie"  # the running server's stages were left alone


def test_an_unmigrated_database_is_a_message_not_a_traceback(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "MARKETPLACE_DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite"}
    env.pop("MARKETPLACE_STAGES", None)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "marketplace"), "lab", "set", "xss", "quoted-attribute"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert "run `marketplace db upgrade`" in done.stderr
    assert "Traceback" not in done.stderr


def test_help_lists_the_projects_commands_with_whole_descriptions():
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.partition("Commands:")[2].split())
    assert "--env-file" not in result.output and "--debug" not in result.output
    for flask_own in ("--env-file", "--app", "--debug", "limiter"):
        assert flask_own not in text
    assert "..." not in text
    for name in ("run", "lab", "attack", "audit", "crack", "deps-audit", "db"):
        command = main.get_command(None, name)
        first = " ".join((command.short_help or command.help).strip().split("\n\n")[0].split())
        assert f"{name} {first}" in text


@pytest.mark.parametrize("group", ["lab", "fix", "ctf"])
def test_each_groups_help_shows_whole_descriptions(group):
    from click.testing import CliRunner

    result = CliRunner().invoke(main, [group, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.partition("Commands:")[2].split())
    assert "..." not in text
    commands = main.get_command(None, group).commands
    assert commands
    for name, command in commands.items():
        first = " ".join((command.short_help or command.help).strip().split("\n\n")[0].split())
        assert f"{name} {first}" in text
