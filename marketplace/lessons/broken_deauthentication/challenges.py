"""Challenges of chapter 5, and their detector: a replayed session that the server saw end.

The rule (the lesson text's "Challenge" section says it to the learner): when a logout, a
password change or an account deletion goes through, the lab notes (in this process's
memory, lab mode only) a fingerprint of each session cookie it *ended*:

- the cookie the request came with, unless the response hands that very cookie back
  (the server carries that session on: at ``revoke-on-logout`` a password change keeps it);
- for a password change or a deletion, every other stored session of that user
  (another device's login).

A fingerprint leaves the ledger when the server issues that cookie to another request
(a client cookie signed again with the same content in the same second). A later request
that the app accepts as logged in (a page, not an error) with a fingerprinted cookie solves
the challenge of the ending that ended it. A fixed stage revokes those sessions, so the
replay is no longer accepted and nothing is solved. Ordinary use cannot trip it: a browser
only holds what the server last gave it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from http.cookies import CookieError, SimpleCookie

from flask import current_app, g, request, request_finished
from sqlalchemy import select

from marketplace.challenges import Challenge, lab_memory, solved
from marketplace.extensions import db
from marketplace.models import UserSession

LESSON = "broken-deauthentication"
# The form that ends a session, and the challenge a replay after it solves.
ENDINGS = {
    "user.logout": "replay-after-logout",
    "user.change_password": "replay-after-password-change",  # nosec B105 - a challenge name
    "user.delete": "replay-after-delete",
}
LEDGER_MAX = 10_000  # oldest forgotten first: bounded memory whatever the traffic
DONE = (302, 303)  # how the app answers a form that went through

_lock = threading.Lock()


def _ledger() -> OrderedDict[str, str]:
    """Fingerprint -> the challenge its replay solves (per app, in memory, lab only)."""
    return lab_memory("ended-sessions", OrderedDict)


CHALLENGES = (
    Challenge(
        exploit="replay-after-logout",
        goal="Open a user's welcome page after that user has logged out.",
        difficulty=1,
        hints=(
            "What does your browser keep that proves you are logged in?",
            "Look at the session cookie before and after logging out (developer tools).",
            "Copy the session cookie, log out, then send the copy to /user/welcome "
            "(another browser profile, or curl -b 'session=...').",
        ),
    ),
    Challenge(
        exploit="replay-after-password-change",
        goal="Stay logged in as a user on a second device after the user changed the password.",
        difficulty=2,
        hints=(
            "A password change is what a victim does when they think someone else is in.",
            "Log in as the same user twice (two browser profiles, or a browser and curl).",
            "Change the password in one, then open /user/welcome in the other.",
        ),
    ),
    Challenge(
        exploit="replay-after-delete",
        goal="Open the welcome page of an account that no longer exists.",
        difficulty=2,
        hints=(
            "Deleting an account should end every way in to it.",
            "Log in as the same user twice (two browser profiles, or a browser and curl).",
            "Delete the account in one, then open /user/welcome in the other.",
        ),
    ),
)


def fingerprint(cookie: str) -> str:
    """What the ledger keeps of a cookie: enough to recognise it, useless to replay it."""
    return hashlib.sha256(cookie.encode()).hexdigest()[:32]


def _issued_cookie(response, name: str) -> str | None:
    """The session cookie value this response sets, if it sets one."""
    for header in response.headers.getlist("Set-Cookie"):
        if not header.startswith(f"{name}="):
            continue
        try:
            parsed = SimpleCookie(header)
        except CookieError:
            return None
        morsel = parsed.get(name)
        return morsel.value if morsel else None
    return None


def _end(cookie: str, exploit: str) -> None:
    ledger = _ledger()
    with _lock:
        ledger[fingerprint(cookie)] = exploit
        ledger.move_to_end(fingerprint(cookie))
        while len(ledger) > LEDGER_MAX:
            ledger.popitem(last=False)


def _other_sessions(user_id: int, *keep: str | None) -> list[str]:
    """The user's other stored sessions (another device's login); the cookie is the key.

    ``keep``: this request's own session, as it came and as the response hands it on
    (a stage that rotates the key on a password change gives the browser a new one).
    """
    kept = [key for key in keep if key]
    return list(
        db.session.scalars(
            select(UserSession.key).where(
                UserSession.user_id == user_id, UserSession.key.not_in(kept)
            )
        )
    )


def watch(sender, response, **_extra) -> None:
    """``request_finished``: note ended sessions; spot an ended one accepted as logged in."""
    name = current_app.config["SESSION_COOKIE_NAME"]
    incoming = request.cookies.get(name)
    issued = _issued_cookie(response, name)
    ledger = _ledger()
    login = g.get("login")
    if incoming and login is not None:
        exploit = ENDINGS.get(request.endpoint or "")
        if exploit and request.method == "POST" and response.status_code in DONE:
            if issued != incoming:
                _end(incoming, exploit)
            if exploit != "replay-after-logout":
                for key in _other_sessions(login.user_id, incoming, issued):
                    _end(key, exploit)
            return
        if ledger and response.status_code < 400:
            with _lock:
                ended_by = ledger.get(fingerprint(incoming))
            if ended_by:
                solved(
                    LESSON,
                    ended_by,
                    f"{request.method} {request.path} was answered as user {login.user_id} "
                    f"with a session cookie the server had seen end "
                    f"({ended_by.removeprefix('replay-')})",
                )
    if issued and ledger and issued != incoming:
        with _lock:
            ledger.pop(fingerprint(issued), None)  # the server gave it out again: alive


def install(app) -> None:
    request_finished.connect(watch, app, weak=False)
