"""Chapter 15: both exploits in a real browser at every stage, the classic bypasses against
every stage's decision, the login's ``next`` for honest users, the challenges by hand."""

from __future__ import annotations

import time
from urllib.parse import quote, urlsplit

import pytest

from marketplace.exploits.runner import run_exploit
from marketplace.lessons import get_lesson
from tests.helpers import every_cell
from tests.test_redirects import ATTACKS, VALID, browser_resolves

# The redirect decision never touches the database: SQLite only (PostgreSQL adds ~2 s of
# set-up per test and nothing to check).
pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

BROWSER_EXPLOIT_LIMIT = 20
LESSON = get_lesson("open-redirect")
STAGES = [s.slug for s in LESSON.stages]
ALICE = {"email": "alice@example.com", "password": "wonderland-Quartz-42"}
FALLBACK = "/user/welcome"
HERE = "127.0.0.1:5000"


@pytest.mark.browser
@every_cell(LESSON)
def test_exploit_matches_catalogue(set_stage, live_target, stage, exploit):
    set_stage(LESSON.slug, stage)
    started = time.perf_counter()
    outcome = run_exploit(exploit, live_target)
    seconds = time.perf_counter() - started
    expected = LESSON.expected_exploited(exploit, stage)
    assert outcome.label == ("exploited" if expected else "defended"), outcome.summary
    says = "the victim's browser to the attacker's origin" if expected else "stayed on"
    assert says in outcome.summary, outcome.summary
    assert any(e.path == "[browser] /user/login" for e in outcome.exchanges)
    assert any("/user/login?next=" in line for line in outcome.details)
    assert seconds < BROWSER_EXPLOIT_LIMIT, f"took {seconds:.1f} s"


# The classic bypasses, as the view receives them (the query string decoded once).
CLASSIC = [
    "//evil.example/",
    "/\\evil.example/",
    "\\/evil.example/",
    "https:evil.example",
    "ht\ttps://evil.example/",  # browsers drop tabs and newlines anywhere in a URL
    "ht\ntps://evil.example/",
    "/\t/evil.example/",
    "%2F%2Fevil.example/",  # percent-encoded slashes, decoded by a later hop
    "/%2F/evil.example/",
    "/%5Cevil.example/",
    "%252F%252Fevil.example",
    "///evil.example/",
    " //evil.example/",
]


def _decide(stage: str, value):
    return LESSON.module(stage).after_login(value, FALLBACK)


@pytest.mark.parametrize("value", sorted(set(CLASSIC + ATTACKS), key=str))
def test_same_origin_path_refuses_every_bypass(backend, value):
    decided = _decide("same-origin-path", value)
    # Whatever it keeps, a browser resolves it to this site ("/../x" is "/x" here).
    assert urlsplit(browser_resolves(decided, f"http://{HERE}/")).netloc == HERE
    if value in CLASSIC or not str(value).startswith(("/..", "/%2e")):
        assert decided == FALLBACK


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_keeps_honest_paths(backend, stage):
    for value in VALID:
        assert _decide(stage, value) == value, (stage, value)
    assert _decide(stage, None) == FALLBACK and _decide(stage, "") == FALLBACK


def test_earlier_stages_let_the_bypasses_leave(backend):
    """What the catalogue says, seen through the browser model: each stage's holes."""

    def leaves(stage, value):
        return urlsplit(browser_resolves(_decide(stage, value), f"http://{HERE}/")).netloc != HERE

    assert leaves("any-url", "http://evil.example/") and leaves("any-url", "//evil.example/")
    assert not leaves("starts-with-slash", "http://evil.example/")
    for value in ("//evil.example/", "/\\evil.example/", "///evil.example/", "/\t/evil.example/"):
        assert leaves("starts-with-slash", value), value


def _login(browser, next_value):
    return browser.submit(
        f"/user/login?next={quote(next_value, safe='')}", ALICE, form_path="/user/login"
    )


@pytest.mark.parametrize("stage", STAGES)
def test_login_returns_to_the_search_at_every_stage(browser, set_stage, stage):
    set_stage(LESSON.slug, stage)
    reply = _login(browser, "/listings/?q=lamp")
    assert reply.status == 302
    assert reply.location in ("/listings/?q=lamp", "http://localhost/listings/?q=lamp")


@pytest.mark.parametrize("stage", STAGES)
def test_a_line_break_in_next_never_reaches_the_header(browser, set_stage, stage):
    set_stage(LESSON.slug, stage)
    reply = _login(browser, "/x\r\nSet-Cookie: planted=1")
    assert reply.status == 302 and reply.location.endswith(FALLBACK)
    assert "planted" not in str(reply.headers)


@pytest.mark.parametrize("stage", STAGES)
def test_login_with_the_classic_bypasses_at_every_stage(browser, set_stage, stage):
    """Through the real view: the same-origin-path stage keeps everyone here."""
    set_stage(LESSON.slug, stage)
    for value in CLASSIC:
        reply = _login(browser, value)
        assert reply.status == 302, (value, reply.status)
        if stage == "same-origin-path":
            assert reply.location.endswith(FALLBACK), (value, reply.location)


# --- The challenges, solved by hand: the learner's own login requests. ---


def _by_hand(client, next_value: str):
    from tests.challenges.helpers import csrf

    path = f"/user/login?next={quote(next_value, safe='')}"
    return client.post(path, data={"csrf_token": csrf(client, "/user/login"), **ALICE})


@pytest.mark.parametrize(
    ("stage", "next_value", "exploit"),
    [
        ("any-url", "http://127.0.0.1:8000/", "absolute-url-redirect"),
        ("any-url", "https:evil.example", "absolute-url-redirect"),
        ("starts-with-slash", "//127.0.0.1:8000/", "scheme-relative-redirect"),
        ("starts-with-slash", "/\t/127.0.0.1:8000/", "scheme-relative-redirect"),
    ],
)
def test_challenge_solved_by_hand(client, set_stage, stage, next_value, exploit):
    from tests.challenges.helpers import solved_by

    set_stage(LESSON.slug, stage)
    assert solved_by(client, LESSON.slug, exploit) is None
    assert _by_hand(client, next_value).status_code == 302
    assert solved_by(client, LESSON.slug, exploit) == "learner"


def test_nothing_solved_at_same_origin_path_nor_by_honest_use(client, set_stage):
    from tests.challenges.helpers import nothing_solved

    for value in ("http://127.0.0.1:8000/", "//127.0.0.1:8000/", "/\t/127.0.0.1:8000/"):
        assert _by_hand(client, value).status_code == 302
    set_stage(LESSON.slug, "starts-with-slash")
    # Werkzeug sends "/\\host" as "/%5Chost": a path here, so the detector must not count it.
    assert _by_hand(client, "/\\127.0.0.1:8000/").status_code == 302
    set_stage(LESSON.slug, "any-url")
    for value in ("/listings/?q=lamp", "/user/edit", "http://localhost/user/edit"):
        assert _by_hand(client, value).status_code == 302
    assert nothing_solved(client) == []


def test_production_refuses_the_redirect_stages(backend, tmp_path, monkeypatch):
    from marketplace import create_app
    from marketplace.config import ConfigError

    monkeypatch.setenv("MARKETPLACE_ENV", "production")
    monkeypatch.setenv("MARKETPLACE_SECRET_KEY", "k" * 64)
    monkeypatch.setenv("MARKETPLACE_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite")
    for stage in ("any-url", "starts-with-slash"):
        monkeypatch.setenv("MARKETPLACE_STAGES", f"open-redirect={stage}")
        with pytest.raises(ConfigError, match=f"open-redirect={stage}"):
            create_app()
