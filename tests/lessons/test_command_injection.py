"""Chapter 12: every exploit against every stage, the export itself, bandit, production."""

from __future__ import annotations

import io
import shutil
import tarfile
import tempfile
from pathlib import Path

import pytest

from marketplace.exploits.runner import run_exploit
from marketplace.lessons import get_lesson
from tests.helpers import every_cell
from tests.helpers.static import bandit_rules, run_in_production

LESSON = get_lesson("command-injection")
STAGES = [s.slug for s in LESSON.stages]
VULNERABLE = {"shell-string", "blocklist"}
ROOT = Path(__file__).resolve().parents[2]
# Where the database plays no part (the name's validation, the stage's command, the
# detector), once on SQLite is enough; the exploits and the export run on both.
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])


@every_cell(LESSON)
def test_exploit_matches_catalogue(set_stage, target, stage, exploit):
    set_stage(LESSON.slug, stage)
    outcome = run_exploit(exploit, target)
    expected = LESSON.expected_exploited(exploit, stage)
    assert outcome.label == ("exploited" if expected else "defended"), outcome.summary
    if expected:
        assert "now exists" in outcome.summary
    elif stage == "blocklist":  # the name was refused, with the stage's message
        assert "was refused (HTTP 400): The file name cannot contain ; & or |." in (outcome.summary)
    else:  # the archive was made and nothing ran
        assert "made its archive (HTTP 200, gzip)" in outcome.summary
    assert any(e.path == "/user/export" and e.method == "POST" for e in outcome.exchanges)


def _export(browser, filename: str):
    return browser.submit("/user/export", {"filename": filename})


def _members(content: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


@pytest.mark.parametrize("stage", STAGES)
def test_export_holds_the_listings_at_every_stage(set_stage, user, stage):
    set_stage(LESSON.slug, stage)
    browser = user[0]
    for title, description in (("Kettle, blue", 'Says "ding"'), ("Crème brûlée set", "4 pots")):
        assert browser.submit("/listings/create", {"title": title, "description": description})
    reply = _export(browser, "my listings.tar.gz")
    assert reply.status == 200, reply.text[:300]
    assert reply.headers["Content-Type"] == "application/gzip"
    assert 'filename="my listings.tar.gz"' in reply.headers["Content-Disposition"]
    members = _members(reply.content)
    assert list(members) == ["listings.csv"]
    text = members["listings.csv"].decode()
    assert text.startswith("title,description,created\r\n")
    assert '"Kettle, blue","Says ""ding"""' in text and "Crème brûlée set,4 pots" in text


@SQLITE_ONLY
@pytest.mark.parametrize("stage", STAGES)
def test_bad_file_names_answer_400_with_a_message(set_stage, user, stage):
    set_stage(LESSON.slug, stage)
    browser = user[0]
    for filename, message in (
        ("", "Give the archive a file name"),
        ("   ", "Give the archive a file name"),
        ("x" * 121, "at most 120 characters"),
        ("a\nb.tar.gz", "control characters"),
        ("a\tb.tar.gz", "control characters"),
    ):
        reply = _export(browser, filename)
        assert reply.status == 400, (filename, reply.status)
        assert message in reply.text, filename


@SQLITE_ONLY
def test_export_needs_a_login_and_a_token(client, user):
    anonymous = client.post("/user/export", data={"filename": "x.tar.gz"})
    assert anonymous.status_code == 302 and "/user/login" in anonymous.location
    assert user[0].post("/user/export", data={"filename": "x.tar.gz"}).status == 400


@SQLITE_ONLY
def test_shell_stage_reports_a_failing_tar_as_400(set_stage, user):
    set_stage(LESSON.slug, "shell-string")
    reply = _export(user[0], "no/such/folder.tar.gz")
    assert reply.status == 400 and "tar could not make the archive" in reply.text


@SQLITE_ONLY
def test_blocklist_refuses_honest_names_with_an_ampersand(set_stage, user):
    set_stage(LESSON.slug, "blocklist")
    reply = _export(user[0], "pots & pans.tar.gz")
    assert reply.status == 400 and "cannot contain ; &amp; or |" in reply.text


@SQLITE_ONLY
def test_fixed_stage_takes_shell_and_option_text_as_a_name(user):
    # A short path: the form caps a file name at 120 characters, and pytest's tmp_path
    # under an xdist worker is long enough to be refused before the stage sees it.
    folder = Path(tempfile.mkdtemp(prefix="ci-", dir="/tmp"))
    canary = folder / "canary"
    for filename in (
        f'x"; touch {canary}; echo "',
        f"x$(touch {canary})",
        f"x`touch {canary}`",
        f"--checkpoint=1 --checkpoint-action=exec=touch {canary}",
        "../../outside.tar.gz",
        "/etc/passwd",
    ):
        reply = _export(user[0], filename)
        assert reply.status == 200, (filename, reply.text[:200])
        assert list(_members(reply.content)) == ["listings.csv"]
    assert not canary.exists()
    shutil.rmtree(folder)


@pytest.mark.parametrize("backend", ["sqlite"])  # static analysis: once is enough
def test_bandit_reports_b602_exactly_in_the_shell_stages(backend):
    for stage in STAGES:
        found = bandit_rules(LESSON.folder / "stages" / f"{LESSON.stage(stage).module_name}.py")
        if stage in VULNERABLE:
            assert "B602" in found, f"bandit missed shell=True in {stage}: {found}"
        else:
            assert found == set(), f"bandit complains about {stage}: {found}"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_production_refuses_the_shell_stage(backend, tmp_path):
    done = run_in_production(tmp_path, "command-injection=shell-string")
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert "refuses vulnerable stages (command-injection=shell-string)" in done.stderr
    assert "Traceback" not in done.stderr


# --- The challenges, solved by hand: plain HTTP as a learner would send it. ---

SEMICOLON_BY_HAND = 'x.tar.gz"; touch proof; echo "'
SUBSTITUTION_BY_HAND = "x-$(touch proof).tar.gz"


def _learner(client):
    from tests.challenges.helpers import login, signup

    signup(client, "Lea Learner", "lea@example.com")
    assert login(client, "lea@example.com").status_code == 302


def _export_by_hand(client, filename: str):
    from tests.challenges.helpers import post_form

    return post_form(client, "/user/export", {"filename": filename})


@SQLITE_ONLY
def test_challenges_solved_by_hand_at_shell_string(client, set_stage):
    from tests.challenges.helpers import solved_by

    set_stage(LESSON.slug, "shell-string")
    _learner(client)
    assert _export_by_hand(client, "honest name.tar.gz").status_code == 200
    assert solved_by(client, LESSON.slug, "semicolon-command") is None
    _export_by_hand(client, SEMICOLON_BY_HAND)
    assert solved_by(client, LESSON.slug, "semicolon-command") == "learner"
    assert solved_by(client, LESSON.slug, "command-substitution") is None
    _export_by_hand(client, SUBSTITUTION_BY_HAND)
    assert solved_by(client, LESSON.slug, "command-substitution") == "learner"


@SQLITE_ONLY
def test_substitution_solved_by_hand_at_blocklist(client, set_stage):
    from tests.challenges.helpers import solved_by

    set_stage(LESSON.slug, "blocklist")
    _learner(client)
    assert _export_by_hand(client, SEMICOLON_BY_HAND).status_code == 400
    assert solved_by(client, LESSON.slug, "semicolon-command") is None
    _export_by_hand(client, "x-`touch proof`.tar.gz")
    assert solved_by(client, LESSON.slug, "command-substitution") == "learner"


@SQLITE_ONLY
def test_nothing_is_solved_at_argument_list_nor_by_a_quote_in_an_honest_name(client, set_stage):
    from tests.challenges.helpers import nothing_solved

    _learner(client)
    for filename in (SEMICOLON_BY_HAND, SUBSTITUTION_BY_HAND):
        assert _export_by_hand(client, filename).status_code == 200
    set_stage(LESSON.slug, "shell-string")
    # The shell drops the quotes: the archive gets another name, but no command of ours ran.
    assert _export_by_hand(client, 'my "best".tar.gz').status_code == 400
    assert nothing_solved(client) == []
