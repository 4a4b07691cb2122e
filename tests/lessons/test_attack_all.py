"""One ``attack`` with every exploit, at all=vulnerable and at the defaults.

Two orders, each at both stage sets: broken-authentication first (its brute force is
what trips the login throttle, and every later exploit must still give its verdict: the
failure issue 10 found) and last (every other exploit's accounts, listings and refusals
are then behind it, and its enumeration and brute force must not be misled by them).

Every exploit must give the catalogue's verdict (as when run alone), except exactly the
interactions between lessons that the lesson texts name, which are ``error`` naming the
other lesson and stage. Afterwards the demo users log in with their passwords, the public
index shows the same listings as before and no exploit account is left: the exploits
cleaned up after themselves. The four attacks run one after another on the same database and
server: nothing an earlier run left (accounts, listings, the throttle it tripped) may
disturb a later one. One test, not one per order: two full attacks side by side on the
two cores once made the timing enumeration's measurement at all=vulnerable see a leak
in the noise (CI, 2026-11-27).
"""

from __future__ import annotations

import pytest

from marketplace.audit import attack, expected_label
from marketplace.exploits.runner import live_server
from marketplace.lessons import all_lessons, get_lesson, state
from tests.conftest import make_app
from tests.helpers import demo_logins, exploit_accounts, public_index, teardown

# Every exploit, the timing and cracking ones among them.
pytestmark = pytest.mark.hash_cost

# (lesson, exploit) -> (the other lesson, its stages that take the precondition away).
INTERACTIONS = {
    ("sensitive-data-exposure", "hijack-with-leaked-key"): (
        "broken-deauthentication",
        ("client-cookie",),
    ),
    ("broken-authentication", "timing-enumeration"): (
        "weak-password-storage",
        ("plaintext", "sha256"),
    ),
}
FIRST = "broken-authentication"
# (stages, broken-authentication first?): each order at the defaults and at all=vulnerable.
RUNS = (
    ("all=fixed", True),
    ("all=vulnerable", True),
    ("all=vulnerable", False),
    ("all=fixed", False),
)


def plan(broken_authentication_first: bool):
    lessons = [lesson for lesson in all_lessons() if lesson.slug != FIRST]
    ba = get_lesson(FIRST)
    lessons = [ba, *lessons] if broken_authentication_first else [*lessons, ba]
    return [(lesson, exploit) for lesson in lessons for exploit in lesson.exploits]


def expected(active: dict[str, str], lesson, exploit) -> tuple[str, str | None]:
    """The verdict to expect with these stages, and the other lesson an error must name."""
    other = INTERACTIONS.get((lesson.slug, exploit.name))
    if other and active[other[0]] in other[1]:
        return "error", f"{other[0]} is at {active[other[0]]}"
    return expected_label(lesson, exploit, active[lesson.slug]), None


def test_the_lesson_texts_explain_each_interaction():
    for (slug, exploit), (other, stages) in INTERACTIONS.items():
        text = get_lesson(slug).text()
        assert f"`{exploit}`" in text and other in text, slug
        assert all(f"`{stage}`" in text for stage in stages), (slug, stages)


def wrong_verdicts(cells, active: dict[str, str]) -> list[str]:
    got = {(c.lesson, c.exploit): (c.outcome.label, c.outcome.summary) for c in cells}
    wrong = []
    for lesson, exploit in plan(broken_authentication_first=True):
        verdict, names = expected(active, lesson, exploit)
        label, summary = got[(lesson.slug, exploit.name)]
        if label != verdict or (names and names not in summary):
            wrong.append(f"{lesson.slug}/{exploit.name}: {label} ({summary})")
    return wrong


@pytest.mark.slow
@pytest.mark.browser
def test_full_attack_gives_every_catalogue_verdict(tmp_path, backend):
    app, drop = make_app(tmp_path, backend)
    try:
        before = public_index(app)
        with live_server(app) as url:
            for stages, first in RUNS:
                run = f"{stages}, {FIRST} {'first' if first else 'last'}"
                with app.app_context():
                    state.apply_start_stages(stages)
                    active = state.active_stages()
                cells = attack(url, plan(broken_authentication_first=first))
                wrong = wrong_verdicts(cells, active)
                assert not wrong, f"{run}:\n" + "\n".join(wrong)
                assert all(c.stage == active[c.lesson] for c in cells), "each stage reported"
                assert public_index(app) == before, f"{run}: listings left behind"
                assert exploit_accounts(app) == [], f"{run}: exploit accounts left behind"
        assert demo_logins(app) == {}, "every demo user still logs in with their password"
    finally:
        teardown(app, drop)
