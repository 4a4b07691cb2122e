"""Chapter 4: every exploit against every stage; login messages, signup, throttling."""

import pytest

from marketplace.exploits.runner import run_exploit
from marketplace.lessons import get_lesson, state
from marketplace.lessons.broken_authentication import exploits
from marketplace.lessons.broken_authentication.stages import hardened
from marketplace.models import User
from tests.conftest import make_app
from tests.helpers import every_cell

LESSON = get_lesson("broken-authentication")
# How each exploit says it succeeded, and the defences it may legitimately meet.
EVIDENCE = {
    "message-enumeration": ("tells registered e-mails apart", ("the same answer",)),
    "timing-enumeration": ("answer slower", ("no timing difference", "throttled")),
    "online-brute-force": ("found bob@example.com's password 'sunshine'", ("throttled",)),
}
GENERIC = "Invalid e-mail or password."
THROTTLED = "Too many failed logins"


@every_cell(LESSON)
def test_exploit_matches_catalogue(set_stage, target, stage, exploit):
    set_stage(LESSON.slug, stage)
    outcome = run_exploit(exploit, target)
    expected = LESSON.expected_exploited(exploit, stage)
    assert outcome.label == ("exploited" if expected else "defended"), (
        outcome.summary,
        outcome.details,
    )
    success, defences = EVIDENCE[exploit.name]
    if expected:
        assert success in outcome.summary
    else:
        # A defence must come from the stage, not from a failed set-up.
        assert any(d in outcome.summary for d in defences), outcome.summary
    assert outcome.exchanges, "the evidence must show the HTTP exchange"


@pytest.mark.hash_cost  # the timing enumeration measures what a login costs
def test_dummy_hash_alone_defeats_timing_enumeration(app, set_stage, target, monkeypatch):
    """With throttling out of the way, the hardened stage's equal work still hides who exists."""
    set_stage(LESSON.slug, "hardened")
    monkeypatch.setattr(hardened, "throttled", lambda email, client: None)
    monkeypatch.setattr(hardened, "record_attempt", lambda email, client, succeeded: None)
    outcome = run_exploit(LESSON.exploit("timing-enumeration"), target)
    assert outcome.label == "defended", (outcome.summary, outcome.details)
    assert "no timing difference" in outcome.summary, (outcome.summary, outcome.details)
    # It really timed every control pair and the login form in every round.
    assert len(outcome.exchanges) > exploits.PROBES * (2 * exploits.PAIRS + 1)


def login_error(browser, email, password):
    reply = browser.login(email, password)
    return reply.status, exploits._error(reply)


@pytest.mark.parametrize("stage", [s.slug for s in LESSON.stages])
def test_login_works_and_failures_read_as_the_stage_says(set_stage, browser, stage):
    set_stage(LESSON.slug, stage)
    unknown = login_error(browser, "nobody-here@example.com", "Some-password-1")
    wrong = login_error(browser, "alice@example.com", "Some-password-1")
    assert unknown[0] == wrong[0] == 400
    if stage == "verbose-errors":
        assert unknown[1] == "No account is registered with nobody-here@example.com."
        assert wrong[1] == "Wrong password."
    else:
        assert unknown[1] == wrong[1] == GENERIC
    assert browser.login("alice@example.com", "wonderland-Quartz-42").status == 302
    assert "Welcome, Alice Adams" in browser.get("/user/welcome").text


@pytest.mark.parametrize("stage", [s.slug for s in LESSON.stages])
def test_signup_with_a_taken_email(app, set_stage, browser, stage):
    """verbose-errors says "already exists"; later stages answer exactly like a new signup."""
    set_stage(LESSON.slug, stage)
    fresh = browser.signup("New Person", "new-person@example.com", "Brand-new-pass-1")
    assert fresh.status == 302
    fresh_page = browser.get(fresh.location).text
    taken = browser.signup("Impostor", "bob@example.com", "Impostor-pass-1")
    if stage == "verbose-errors":
        assert taken.status == 400
        assert "An account with this e-mail already exists" in taken.text
    else:
        assert (taken.status, taken.location) == (fresh.status, fresh.location)
        assert "Account created: you can log in now." in browser.get(taken.location).text
        assert "Account created: you can log in now." in fresh_page
    # Nothing changed for the real Bob.
    other = type(browser)(app)
    assert other.login("bob@example.com", "Impostor-pass-1").status == 400
    assert other.login("bob@example.com", "sunshine").status == 302
    with app.app_context():
        assert User.by_email("bob@example.com").full_name == "Bob Brown"


def login_from(browser, email, password, address=None):
    """Log in, from another client address when given (the test client's REMOTE_ADDR)."""
    extra = {"environ_base": {"REMOTE_ADDR": address}} if address else {}
    return browser.submit("/user/login", {"email": email, "password": password}, **extra)


def fail(browser, email, times, address=None):
    return [login_from(browser, email, f"Wrong-pass-{i}", address).status for i in range(times)]


def test_hardened_throttles_failed_logins_per_account(set_stage, browser, app):
    """One client: five failures for an account, then 429 (tests/test_throttle.py: the rest)."""
    set_stage(LESSON.slug, "hardened")
    assert fail(browser, "carol@example.com", 5) == [400] * 5
    refused = browser.login("carol@example.com", "iloveyou")  # even the right password
    assert refused.status == 429
    assert THROTTLED in exploits._error(refused) and "Try again in 15 minutes" in refused.text
    # Other accounts are not locked by Carol's failures.
    assert browser.login("dave@example.com", "football").status == 302
    # An unknown e-mail is locked out exactly the same way: a lock-out reveals nothing.
    assert fail(browser, "no-such-user@example.com", 6) == [400] * 5 + [429]
    # Switching (or resetting) the stage starts with fresh counters.
    with app.app_context():
        state.reset(LESSON.slug)
    assert browser.login("carol@example.com", "iloveyou").status == 302


def test_a_good_login_clears_its_accounts_failures(set_stage, browser):
    set_stage(LESSON.slug, "hardened")
    assert fail(browser, "dave@example.com", 4) == [400] * 4
    assert browser.login("dave@example.com", "football").status == 302
    assert fail(browser, "dave@example.com", 4) == [400] * 4
    assert browser.login("dave@example.com", "football").status == 302


def test_hardened_throttles_the_failing_client_not_the_account(set_stage, browser, app):
    """Five failures from one address lock that address out of the account, nobody else."""
    set_stage(LESSON.slug, "hardened")
    assert fail(browser, "alice@example.com", 5, "192.0.2.66") == [400] * 5
    assert (
        login_from(browser, "alice@example.com", "wonderland-Quartz-42", "192.0.2.66").status == 429
    )
    owner = type(browser)(app)
    assert login_from(owner, "alice@example.com", "wonderland-Quartz-42", "192.0.2.7").status == 302


@pytest.mark.parametrize("stage", ["verbose-errors", "generic-errors"])
def test_earlier_stages_never_throttle(set_stage, browser, stage):
    set_stage(LESSON.slug, stage)
    assert set(fail(browser, "alice@example.com", 8)) == {400}
    assert browser.login("alice@example.com", "wonderland-Quartz-42").status == 302


def test_hardened_fails_closed_when_the_counter_store_is_away(tmp_path):
    app, _drop = make_app(tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    try:
        from tests.conftest import Browser

        browser = Browser(app)
        reply = browser.login("alice@example.com", "wonderland-Quartz-42")
        assert reply.status == 429
        assert "Logging in is paused" in reply.text
    finally:
        from marketplace.extensions import db

        with app.app_context():
            db.engine.dispose()


def test_lab_page_shows_the_lesson(client):
    page = client.get("/lab/broken-authentication").get_data(as_text=True)
    assert "Fix, throttling." in page and "decisive-fix" in page and "decisive-vulnerable" in page


def _pairing(registered, unregistered, baseline=0.010):
    """Control pairs timed as given: one list of seconds per round, the same for each pair."""
    pairing = exploits.Pairing()
    for n in range(exploits.PAIRS):
        reg, unreg = f"own{n}", f"nobody{n}"
        pairing.own.append(reg)
        pairing.nobody.append(unreg)
        pairing.times[reg] = [t + n * 0.001 for t in registered]
        pairing.times[unreg] = list(unregistered)
    pairing.times[exploits.LOGIN] = [baseline] * 6
    return pairing


@pytest.mark.parametrize(
    ("registered", "unregistered", "verdict"),
    [
        # A skipped check under load: every request waits ~100 ms, the gap stays.
        ([0.19, 0.21, 0.20], [0.11, 0.09, 0.10], "leak"),
        # Registered faster (extra work for unknown e-mails) leaks as much.
        ([0.05, 0.06, 0.05], [0.20, 0.21, 0.19], "leak"),
        # Equal work, noise both ways.
        ([0.20, 0.18, 0.21], [0.19, 0.21, 0.19], "equal"),
        # A third of a check's cost in the median, but one round in three the other way:
        # not equal work, not a consistent gap either: too noisy to say.
        ([0.22, 0.12, 0.26], [0.15, 0.18, 0.16], "unclear"),
    ],
)
def test_the_timing_decision_needs_a_consistent_gap_or_nothing(registered, unregistered, verdict):
    assert _pairing(registered, unregistered).verdict() == verdict
