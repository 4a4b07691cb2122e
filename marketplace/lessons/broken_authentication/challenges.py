"""Challenges of chapter 4: two answer forms (enumeration) and a detector (brute force).

The rules (the lesson text's "Challenge" section says them):

- Enumeration leaves no effect on the server, so each enumeration challenge is an answer:
  the lab lists ten e-mails (``/lab/broken-authentication/candidates``), of which some
  have accounts the lab made with random passwords; the answer is exactly the registered
  ones. One list for the messages, another for the timing.
- ``online-brute-force``: the lab's victim ``brute-force@challenge.example.com`` has a
  common password picked at random between ranks 25 and 35 of the common-password list
  and shown nowhere. A login that succeeds as that victim after at least
  :data:`MIN_FAILURES` failed logins on it (since its password was set, in this process)
  solves it. Ordinary use never logs in as a victim whose password nobody was told; at
  ``hardened`` the throttle refuses one address after 5 failures on the account.
"""

from __future__ import annotations

import re
import secrets
import threading

from flask import request, request_finished

from marketplace.challenges import Challenge, lab_memory, solved
from marketplace.challenges.accounts import challenge_email, set_account
from marketplace.challenges.hooks import form_field
from marketplace.models import User
from marketplace.password_storage import hash_password
from marketplace.passwords import ranked_common_passwords

LESSON = "broken-authentication"
CANDIDATES = 10
BRUTE_FORCE_VICTIM = challenge_email("brute-force")
BRUTE_FORCE_RANKS = (25, 35)
MIN_FAILURES = 20
_EMAIL = re.compile(r"[^\s,;]+@[^\s,;]+")
_NAMES = (
    "ana", "ben", "chen", "dora", "eli", "fay", "gus", "hana", "ivo", "jun", "kai", "lea",
    "milo", "nia", "omar", "pia", "quinn", "rosa", "sam", "tess", "uma", "vik", "wen", "yan",
)  # fmt: skip

_lock = threading.Lock()


def _lists() -> dict[str, tuple[tuple[str, ...], frozenset[str]]]:
    """Per enumeration challenge: its e-mails and the registered ones (per app, in memory)."""
    return lab_memory("enumeration-lists")


def _failures() -> dict:
    """The brute-force victim: armed with a password, failed logins on it since."""
    return lab_memory("brute-force", lambda: {"count": 0, "armed": False})


def candidates(exploit: str) -> tuple[str, ...]:
    """The list of e-mails for one enumeration challenge (made once per process)."""
    return _list(exploit)[0]


def _list(exploit: str) -> tuple[tuple[str, ...], frozenset[str]]:
    with _lock:
        if exploit in _lists():
            return _lists()[exploit]
    names = set()
    while len(names) < CANDIDATES:
        names.add(f"{secrets.choice(_NAMES)}.{secrets.token_hex(2)}")
    emails = tuple(sorted(challenge_email(name) for name in names))
    registered = frozenset(e for e in emails if secrets.randbelow(2)) or frozenset(emails[:1])
    for email in registered:
        set_account(email, "Candidate", hash_password(secrets.token_urlsafe(24)))
    with _lock:
        return _lists().setdefault(exploit, (emails, registered))


def _checker(exploit: str):
    def check(answer: str) -> str | None:
        emails, registered = _list(exploit)
        named = {User.normalise_email(e) for e in _EMAIL.findall(answer)}
        if named & set(emails) == registered and named <= set(emails):
            return f"named exactly the {len(registered)} registered of {len(emails)} e-mails"
        return None

    return check


def arm_brute_force() -> str:
    """Give the victim a fresh password (once per process); returns its e-mail."""
    with _lock:
        if _failures()["armed"]:
            return BRUTE_FORCE_VICTIM
    words = ranked_common_passwords()
    low, high = BRUTE_FORCE_RANKS
    password = words[low + secrets.randbelow(high - low)]
    set_account(BRUTE_FORCE_VICTIM, "Brute Force Victim", hash_password(password))
    with _lock:
        _failures().update(count=0, armed=True)
    return BRUTE_FORCE_VICTIM


def watch(sender, response, **_extra) -> None:
    """``request_finished``: count failed logins on the victim; a success after many."""
    if request.endpoint != "user.login" or request.method != "POST":
        return
    if User.normalise_email(form_field("email")) != BRUTE_FORCE_VICTIM:
        return
    succeeded = response.status_code in (302, 303) and "/user/login" not in (
        response.location or ""
    )
    state = _failures()
    with _lock:
        if not state["armed"]:
            return
        if not succeeded:
            state["count"] += response.status_code == 400
            return
        failures = state["count"]
    if failures >= MIN_FAILURES:
        solved(
            LESSON,
            "online-brute-force",
            f"logged in as {BRUTE_FORCE_VICTIM} after {failures} failed logins on it",
        )


def install(app) -> None:
    request_finished.connect(watch, app, weak=False)


CHALLENGES = (
    Challenge(
        exploit="message-enumeration",
        goal="Tell which e-mails of the lab's first list have an account.",
        difficulty=1,
        hints=(
            "The lists are on this lesson's candidates page.",
            "Try to log in with each e-mail and any password; read what the app says.",
            "At verbose-errors, 'Wrong password.' means the account exists; answer with "
            "exactly those e-mails.",
        ),
        answer=_checker("message-enumeration"),
    ),
    Challenge(
        exploit="timing-enumeration",
        goal="Tell which e-mails of the lab's second list have an account, when every "
        "failed login says the same words.",
        difficulty=3,
        hints=(
            "The words are the same; is the work the server does the same?",
            "Time a few failed logins per e-mail (curl -w '%{time_total}').",
            "At generic-errors a registered e-mail makes the server verify a slow password "
            "hash; unknown ones answer faster. Answer with the slow ones.",
        ),
        answer=_checker("timing-enumeration"),
    ),
    Challenge(
        exploit="online-brute-force",
        goal="Log in as brute-force@challenge.example.com; nobody will tell you its password.",
        difficulty=2,
        hints=(
            "People choose common passwords.",
            "Try the most common passwords against the login form, one after another.",
            "At verbose-errors or generic-errors nothing stops a script trying the 50 "
            "most common passwords (zxcvbn's list) in order.",
        ),
    ),
)
