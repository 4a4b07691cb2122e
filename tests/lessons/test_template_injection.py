"""Chapter 13: every exploit against every stage, the greeting at every stage, bandit, the
production refusal, and each challenge solved by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.exploits.runner import run_exploit
from marketplace.lessons import get_lesson
from marketplace.models import User
from tests.challenges.helpers import login, post_form, signup, solved_by
from tests.helpers import every_cell, scalar
from tests.helpers.static import bandit_rules, run_in_production

LESSON = get_lesson("template-injection")
STAGES = [s.slug for s in LESSON.stages]
VULNERABLE = ["render-user-template", "sandboxed"]
WORDING = {  # what the summary says when exploited
    "read-config": "SECRET_KEY",
    "code-execution": "canary file appeared",
    "sandbox-resource-exhaustion": "past the bound of one render",
}


@every_cell(LESSON)
def test_exploit_matches_catalogue(set_stage, target, stage, exploit):
    set_stage(LESSON.slug, stage)
    outcome = run_exploit(exploit, target)
    expected = LESSON.expected_exploited(exploit, stage)
    assert outcome.label == ("exploited" if expected else "defended"), outcome.summary
    if expected:
        assert WORDING[exploit.name] in outcome.summary
    else:  # the refusal, with its message, not a failed set-up
        assert "was refused (HTTP 400)" in outcome.summary, outcome.summary
    assert any(e.path == "/user/edit" and e.method == "POST" for e in outcome.exchanges)


def _save(browser, greeting: str, name: str = "Terry Tester", email: str = "tester@example.com"):
    return browser.submit("/user/edit", {"full_name": name, "email": email, "greeting": greeting})


def _shown(browser) -> str | None:
    found = browser.get("/user/welcome").xpath('//*[@id="shop-greeting"]')
    return found[0].text_content() if found else None


GREETING = 'Hi from Terry Tester & co: 0 items, 100% "new" <3'


@pytest.mark.parametrize("stage", STAGES)
def test_honest_greetings_at_every_stage(app, set_stage, user, stage):
    set_stage(LESSON.slug, stage)
    browser = user[0]
    assert _shown(browser) is None  # no greeting until one is set
    reply = _save(browser, 'Hi from {{ name }} & co: {{ count }} items, 100% "new" <3')
    assert reply.status == 302, reply.text[:300]
    assert _shown(browser) == GREETING
    for bad, message in (
        ("{{ name", "The greeting could not be shown" if stage in VULNERABLE else "not closed"),
        ("x" * 301, "Field cannot be longer than 300 characters"),
        ("a\x00b", "NUL character"),
    ):
        reply = _save(browser, bad)
        assert reply.status == 400, bad
        assert message in reply.text, (bad, reply.text[:500])
    assert _shown(browser) == GREETING  # kept
    assert _save(browser, "").status == 302
    assert _shown(browser) is None


def test_a_name_with_markup_stays_text_at_every_stage(app, set_stage, user):
    for stage in STAGES:
        set_stage(LESSON.slug, stage)
        assert _save(user[0], "{{ name }}", name="<b>Terry</b>").status == 302
        assert "&lt;b&gt;Terry&lt;/b&gt;" in user[0].get("/user/welcome").text, stage


def test_placeholders_names_an_unknown_placeholder(user):
    reply = _save(user[0], "Hello {{ nmae }}")
    assert reply.status == 400
    assert "Unknown placeholder {{ nmae }}: use {{ name }} or {{ count }}." in reply.text


@pytest.mark.parametrize("stage", VULNERABLE)
def test_a_failing_render_is_a_400_not_a_500(app, set_stage, user, stage):
    set_stage(LESSON.slug, stage)
    reply = _save(user[0], "{{ 1 / 0 }}")
    assert reply.status == 400
    assert "ZeroDivisionError" in reply.text


def test_a_greeting_saved_under_another_stage_is_shown_as_an_error(app, set_stage, user):
    set_stage(LESSON.slug, "sandboxed")
    assert _save(user[0], "{{ name | upper }}").status == 302
    set_stage(LESSON.slug, "placeholders")
    page = user[0].get("/user/welcome")
    assert page.status == 200
    assert "Your shop greeting cannot be shown: Unknown placeholder" in page.text
    assert scalar(app, select(User.greeting).where(User.email == user[1])) == "{{ name | upper }}"


@pytest.mark.parametrize("backend", ["sqlite"])  # static analysis: once is enough
def test_bandit_flags_the_engine_stages_and_not_placeholders(backend):
    # bandit has no rule for template injection; B704 (Markup on untrusted data) is what it
    # sees in both engine stages, and the fixed stage's Markup("") is a literal.
    for stage in STAGES:
        found = bandit_rules(LESSON.folder / "stages" / f"{LESSON.stage(stage).module_name}.py")
        if stage in VULNERABLE:
            assert "B704" in found, f"bandit missed Markup(render(...)) in {stage}"
        else:
            assert found == set(), f"bandit complains about {stage}: {found}"


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


def _greet(client, greeting: str):
    data = {"full_name": "Sam Seller", "email": "sam@example.com", "greeting": greeting}
    return post_form(client, "/user/edit", data)


def test_read_config_by_hand(set_stage, seller):
    set_stage(LESSON.slug, "render-user-template")
    assert _greet(seller, "{{ config.SECRET_KEY }}").status_code == 302
    assert "test-secret-key" in seller.get("/user/welcome").get_data(as_text=True)
    assert solved_by(seller, LESSON.slug, "read-config") == "learner"


def test_code_execution_by_hand(set_stage, seller, tmp_path):
    set_stage(LESSON.slug, "render-user-template")
    canary = tmp_path / "canary"
    greeting = f"{{{{ cycler.__init__.__globals__.os.spawnlp(0, 'touch', 'touch', '{canary}') }}}}"
    assert _greet(seller, greeting).status_code == 302
    assert canary.exists()
    assert solved_by(seller, LESSON.slug, "code-execution") == "learner"


def test_resource_exhaustion_by_hand(set_stage, seller):
    set_stage(LESSON.slug, "sandboxed")
    assert _greet(seller, "{{ 'x' * 2000000 }}").status_code == 302
    assert solved_by(seller, LESSON.slug, "sandbox-resource-exhaustion") == "learner"


def test_nothing_is_solved_at_the_fixed_stage_nor_by_honest_use(seller, tmp_path):
    canary = tmp_path / "canary"
    for greeting in (
        "{{ config.SECRET_KEY }}",
        f"{{{{ cycler.__init__.__globals__.os.spawnlp(0, 'touch', 'touch', '{canary}') }}}}",
        "{{ 'x' * 2000000 }}",
    ):
        assert _greet(seller, greeting).status_code == 400
    assert _greet(seller, "Welcome to {{ name }}'s shop, {{ count }} listings").status_code == 302
    seller.get("/user/welcome")
    assert not canary.exists()
    for exploit in WORDING:
        assert solved_by(seller, LESSON.slug, exploit) is None
