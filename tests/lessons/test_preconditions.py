"""Every exploit checks its preconditions: one broken on purpose is ``error``, never ``defended``.

A small WSGI wrapper makes one request of the app answer 500 (the victim's login, the
listing form, the lab's dump...), the way a broken deployment or another change would.
Each exploit must then report ``error`` with a summary saying what it could not do. Also
here: the two interactions between lessons, an unreachable target, and the clean-up.
"""

from __future__ import annotations

import pytest

from marketplace.exploits import FlaskTarget, LiveTarget
from marketplace.exploits.runner import live_server, run_exploit
from marketplace.lessons import all_lessons, get_lesson
from tests.helpers import exploit_accounts, hash_cost_marks

# Broken preconditions are made by a WSGI wrapper, above any database. One backend is enough.
pytestmark = pytest.mark.one_backend

LOGIN = ("POST", "/user/login")
# The photo exploits need a listing of their own to put a photo on.
CREATE, NO_LISTING = ("POST", "/listings/create"), "does not show on /user/welcome"
# (lesson, exploit) -> the request that breaks, and what the error must say.
BROKEN = {
    ("vulnerable-components", "known-advisories"): (
        ("GET", "/lab/vulnerable-components/requirements.txt"),
        "could not read the requirement set (HTTP 500)",
    ),
    ("sql-injection", "quote-breakout"): (LOGIN, "could not log in (HTTP 500)"),
    ("sql-injection", "escape-bypass"): (LOGIN, "could not log in (HTTP 500)"),
    ("sql-injection", "union-dump"): (("GET", "/listings/"), "the search does not work"),
    ("weak-password-storage", "read-plaintext"): (
        ("GET", "/lab/weak-password-storage/breach/dump.json"),
        "no dump",
    ),
    ("weak-password-storage", "lookup-table-crack"): (
        ("POST", "/lab/weak-password-storage/breach/rehash-demo"),
        "no dump",
    ),
    ("weak-password-storage", "dictionary-crack"): (
        ("GET", "/lab/weak-password-storage/breach/dump.json"),
        "no dump",
    ),
    ("broken-authentication", "message-enumeration"): (LOGIN, "HTTP 500"),
    ("broken-authentication", "timing-enumeration"): (LOGIN, "HTTP 500"),
    ("broken-authentication", "online-brute-force"): (
        LOGIN,
        "the login answered a guess with HTTP 500",
    ),
    ("broken-deauthentication", "replay-after-logout"): (LOGIN, "could not log in (HTTP 500)"),
    ("broken-deauthentication", "replay-after-password-change"): (
        ("POST", "/user/change_password"),
        "the password change did not go through (HTTP 500)",
    ),
    ("broken-deauthentication", "replay-after-delete"): (
        ("POST", "/user/delete"),
        "the account deletion did not go through (HTTP 500)",
    ),
    ("csrf", "cross-origin-form-post"): (LOGIN, "could not log in (HTTP 500)"),
    ("xss", "attribute-injection"): (("POST", "/user/edit"), "did not accept the name"),
    ("broken-access-control", "edit-foreign-listing"): (
        ("POST", "/listings/create"),
        "the owner's listing was not created (HTTP 500)",
    ),
    ("broken-access-control", "delete-foreign-listing"): (LOGIN, "could not log in (HTTP 500)"),
    ("xxe", "file-disclosure"): (LOGIN, "could not log in (HTTP 500)"),
    ("xxe", "entity-expansion"): (("POST", "/listings/upload"), "HTTP 500"),
    ("template-injection", "read-config"): (
        ("POST", "/user/edit"),
        "saving the greeting answered HTTP 500",
    ),
    ("template-injection", "code-execution"): (
        ("POST", "/user/edit"),
        "saving the greeting answered HTTP 500",
    ),
    ("template-injection", "sandbox-resource-exhaustion"): (
        ("POST", "/user/edit"),
        "saving the greeting answered HTTP 500",
    ),
    ("insecure-deserialization", "pickle-code-execution"): (
        ("POST", "/user/restore"),
        "the restore answered HTTP 500",
    ),
    ("insecure-deserialization", "yaml-code-execution"): (
        ("POST", "/user/restore"),
        "the restore answered HTTP 500",
    ),
    ("sensitive-data-exposure", "api-leaks-secrets"): (
        ("GET", "/api/v1/listings"),
        "not in the API's answer (HTTP 500)",
    ),
    ("command-injection", "semicolon-command"): (
        ("POST", "/user/export"),
        "the export answered HTTP 500",
    ),
    ("command-injection", "command-substitution"): (LOGIN, "could not log in (HTTP 500)"),
    ("open-redirect", "absolute-url-redirect"): (LOGIN, "could not log in (HTTP 500)"),
    ("open-redirect", "scheme-relative-redirect"): (LOGIN, "could not log in (HTTP 500)"),
    ("sensitive-data-exposure", "hijack-with-leaked-key"): (
        ("POST", "/listings/create"),
        "the victim's listing was not created (HTTP 500)",
    ),
    ("path-traversal", "dot-dot-read"): (CREATE, NO_LISTING),
    ("path-traversal", "nested-dot-dot-read"): (CREATE, NO_LISTING),
    ("path-traversal", "upload-filename-write"): (CREATE, NO_LISTING),
    ("ssrf", "internal-service-read"): (CREATE, NO_LISTING),
    ("ssrf", "blocklist-bypass"): (CREATE, NO_LISTING),
    ("weak-secret-key", "crack-and-forge"): (LOGIN, "could not log in (HTTP 500)"),
    ("weak-secret-key", "forge-with-leaked-key"): (
        ("GET", "/lab/weak-secret-key/backup.json"),
        "the lab did not hand out the leaked backup (HTTP 500)",
    ),
}
CELLS = [(lesson, exploit) for lesson in all_lessons() for exploit in lesson.exploits]


class FailOn:
    """WSGI middleware: one method and path answer 500, as if that part of the app broke."""

    def __init__(self, app, method: str, path: str):
        self.app, self.method, self.path = app, method, path

    def __call__(self, environ, start_response):
        if (environ["REQUEST_METHOD"], environ["PATH_INFO"]) == (self.method, self.path):
            start_response("500 INTERNAL SERVER ERROR", [("Content-Type", "text/plain")])
            return [b"broken on purpose"]
        return self.app(environ, start_response)


def test_every_exploit_has_a_broken_precondition_case():
    assert set(BROKEN) == {(lesson.slug, exploit.name) for lesson, exploit in CELLS}


@pytest.mark.parametrize(
    ("lesson", "exploit"),
    [c for c in CELLS if not c[1].needs_browser],
    ids=[f"{lesson.slug}-{e.name}" for lesson, e in CELLS if not e.needs_browser],
)
def test_a_broken_precondition_is_an_error(app, target, lesson, exploit):
    (method, path), says = BROKEN[(lesson.slug, exploit.name)]
    app.wsgi_app = FailOn(app.wsgi_app, method, path)
    outcome = run_exploit(exploit, target)
    assert outcome.label == "error", (outcome.label, outcome.summary)
    assert says in outcome.summary, outcome.summary


@pytest.mark.browser
@pytest.mark.parametrize(
    ("lesson", "exploit"),
    [c for c in CELLS if c[1].needs_browser],
    ids=[f"{lesson.slug}-{e.name}" for lesson, e in CELLS if e.needs_browser],
)
def test_a_broken_precondition_is_an_error_in_the_browser(app, lesson, exploit):
    (method, path), says = BROKEN[(lesson.slug, exploit.name)]
    app.wsgi_app = FailOn(app.wsgi_app, method, path)
    with live_server(app) as url:
        outcome = run_exploit(exploit, LiveTarget(url))
    assert outcome.label == "error", (outcome.label, outcome.summary)
    assert says in outcome.summary, outcome.summary


@pytest.mark.browser
def test_a_victim_who_cannot_log_in_in_the_browser_is_an_error(app):
    """The HTTP login works, the browser's does not (its form post answers 500)."""

    class BrowserLoginFails(FailOn):
        def __call__(self, environ, start_response):
            if "marketplace-exploit" in environ.get("HTTP_USER_AGENT", ""):
                return self.app(environ, start_response)
            return super().__call__(environ, start_response)

    app.wsgi_app = BrowserLoginFails(app.wsgi_app, *LOGIN)
    with live_server(app) as url:
        for slug in ("csrf", "xss"):
            exploit = get_lesson(slug).exploits[0]
            outcome = run_exploit(exploit, LiveTarget(url))
            assert outcome.label == "error", (slug, outcome.summary)
            assert "could not log the victim in" in outcome.summary


def test_an_unreachable_target_is_an_error_with_one_line():
    exploit = get_lesson("sql-injection").exploit("union-dump")
    outcome = run_exploit(exploit, LiveTarget("http://127.0.0.1:9"))
    assert outcome.label == "error"
    assert outcome.summary == "http://127.0.0.1:9/ did not answer (Connection refused)"


def test_an_exception_inside_an_exploit_is_an_error(target):
    from marketplace.lessons.base import Exploit

    def crashes(_target):
        raise TimeoutError("the page never loaded\nsecond line")

    outcome = run_exploit(Exploit("crash", "x", crashes, "crashes"), target)
    assert outcome.label == "error"
    assert (
        outcome.summary
        == "the exploit could not run: TimeoutError: the page never loaded second line"
    )


def test_hijack_at_client_cookie_is_an_error_naming_the_lesson(set_stage, target):
    set_stage("sensitive-data-exposure", "auto-serialize")
    set_stage("broken-deauthentication", "client-cookie")
    outcome = run_exploit(
        get_lesson("sensitive-data-exposure").exploit("hijack-with-leaked-key"), target
    )
    assert outcome.label == "error", outcome.summary
    assert "broken-deauthentication is at client-cookie" in outcome.summary
    assert "no server-side session exists" in outcome.summary


@pytest.mark.parametrize("hash_stage", ["plaintext", "sha256"])
def test_timing_at_a_fast_hash_is_an_error_naming_the_lesson(set_stage, target, hash_stage):
    set_stage("broken-authentication", "generic-errors")
    set_stage("weak-password-storage", hash_stage)
    outcome = run_exploit(get_lesson("broken-authentication").exploit("timing-enumeration"), target)
    assert outcome.label == "error", outcome.summary
    assert f"weak-password-storage is at {hash_stage}" in outcome.summary
    assert "no timing leak to find" in outcome.summary


def test_timing_sees_a_fast_hash_without_the_lab_too(set_stage, target, monkeypatch):
    """Observation alone: a checked login is not slower than one refused before any check."""
    set_stage("broken-authentication", "generic-errors")
    set_stage("weak-password-storage", "sha256")
    monkeypatch.setattr(type(target), "lab_stages", lambda self: {})
    outcome = run_exploit(get_lesson("broken-authentication").exploit("timing-enumeration"), target)
    assert outcome.label == "error", outcome.summary
    assert "as at weak-password-storage's plaintext or sha256 stage" in outcome.summary


@pytest.mark.hash_cost
@pytest.mark.parametrize("backend", ["sqlite"])  # a timing run costs ~15 s; once is enough
def test_timing_decides_by_measurement_not_by_the_stage_name(
    backend, set_stage, target, monkeypatch
):
    """The lab claims a fast hash, but the logins measure argon2id's cost: timed, not error."""
    set_stage("broken-authentication", "generic-errors")
    monkeypatch.setattr(
        type(target), "lab_stages", lambda self: {"weak-password-storage": "sha256"}
    )
    outcome = run_exploit(get_lesson("broken-authentication").exploit("timing-enumeration"), target)
    assert outcome.label == "exploited", outcome.summary


@pytest.mark.hash_cost
@pytest.mark.parametrize("backend", ["sqlite"])
def test_no_difference_at_a_fast_hash_is_no_refusal(backend, set_stage, target, monkeypatch):
    """Equal work with a check that measures slow, while the lab says the hash is fast.

    What noise on a loaded machine did at plaintext (CI, 2026-11-27): logins timed slow
    enough, no difference, and the verdict read ``defended``. It is ``error``.
    """
    from marketplace.lessons.broken_authentication.stages import hardened

    set_stage("broken-authentication", "hardened")
    monkeypatch.setattr(hardened, "throttled", lambda email, client: None)
    monkeypatch.setattr(hardened, "record_attempt", lambda email, client, succeeded: None)
    monkeypatch.setattr(
        type(target), "lab_stages", lambda self: {"weak-password-storage": "plaintext"}
    )
    outcome = run_exploit(get_lesson("broken-authentication").exploit("timing-enumeration"), target)
    assert outcome.label == "error", outcome.summary
    assert "weak-password-storage is at plaintext" in outcome.summary


@pytest.mark.parametrize(
    ("lesson", "exploit"),
    [
        pytest.param(
            lesson, e, marks=hash_cost_marks(lesson.slug, [e.name]), id=f"{lesson.slug}-{e.name}"
        )
        for lesson, e in CELLS
        if not e.needs_browser
    ],
)
def test_each_exploit_deletes_its_own_accounts(app, lesson, exploit):
    with app.app_context():
        from marketplace.lessons import state

        state.set_stage(lesson.slug, lesson.stages[0].slug)
    outcome = run_exploit(exploit, FlaskTarget(app))
    assert outcome.label == "exploited", outcome.summary
    assert exploit_accounts(app) == []
