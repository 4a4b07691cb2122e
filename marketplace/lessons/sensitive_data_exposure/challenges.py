"""The sensitive-data-exposure lesson's challenges, and their detectors.

Two in-memory ledgers of the running lab (bounded; they keep SHA-256 fingerprints, never
the secrets themselves):

- *served*: every password hash and session key that ``/api/v1/listings`` put in an
  answer. After each API answer, its strings (except under the documented public fields:
  ``PUBLISHED_KEYS``) are looked up among the users' password hashes and the live session
  keys; whatever matches was served.
- *issued*: which client each session key was issued to. When a response sets a new
  session key (a login), the client gets a lab-only ``marketplace_lab_client`` cookie, and
  the key is recorded with that client's id.

Rules:

- ``api-leaks-secrets`` (an answer, since reading a page leaves no trace of what the
  reader took from it): the learner submits a password hash or a session key, and it is
  in the *served* ledger.
- ``hijack-with-leaked-key``: a request is authenticated with a session key that is in
  the *served* ledger, from a client other than the one the key was issued to (it lacks
  that client's cookie). The victim, still browsing with their own cookie jar after the
  API served their key, never counts.
"""

from __future__ import annotations

import json
import secrets

from flask import current_app, g, request, request_finished
from sqlalchemy import select

from marketplace import challenges
from marketplace.challenges import Challenge
from marketplace.challenges.hooks import fingerprint, guarded, ledger
from marketplace.extensions import db
from marketplace.models import User, UserSession

CLIENT_COOKIE = "marketplace_lab_client"
CLIENT_COOKIE_MAX_AGE = 365 * 86400
MIN_SECRET_LENGTH = 8  # shorter strings in an answer are titles and names, not secrets
MAX_CANDIDATES = 2000  # strings of one API answer looked up, at most


def _answer(text: str) -> str | None:
    kind = ledger("served").get(fingerprint(text.strip()))
    return f"a {kind} that the API served" if kind else None


CHALLENGES = (
    Challenge(
        exploit="api-leaks-secrets",
        goal="Find another seller's password hash or session key without logging in as "
        "them, and submit it as the answer.",
        difficulty=1,
        hints=(
            "The marketplace has a public JSON API; the OpenAPI document says what it "
            "promises to return.",
            "Compare what the API returns with what its documentation promises.",
            "Open /api/v1/listings and look inside each listing's author.",
        ),
        answer=_answer,
    ),
    Challenge(
        exploit="hijack-with-leaked-key",
        goal="Open another seller's /user/welcome page as them, without their password.",
        difficulty=2,
        hints=(
            "Once logged in, what does your browser send to prove who you are?",
            "The session cookie holds only a key; something public hands out such keys.",
            "Take a session key from /api/v1/listings, put it in the session cookie of a "
            "fresh browser (or curl -b session=KEY) and open /user/welcome.",
        ),
    ),
)


# What the API's documented answer holds (marketplace/openapi.json): strings under these
# keys are the listings' own public text, never a user's secret, so the detector does not
# look them up. Without this every API answer of the fixed stage cost two queries with
# its every title and description (a third of the API's time under load, issue 16).
PUBLISHED_KEYS = frozenset({"title", "description", "full_name", "created_at", "next"})


def _strings(value, found: set[str], key: str | None = None) -> None:
    if isinstance(value, str):
        secret_like = key not in PUBLISHED_KEYS and len(value) >= MIN_SECRET_LENGTH
        if secret_like and len(found) < MAX_CANDIDATES:
            found.add(value)
    elif isinstance(value, dict):
        for name, item in value.items():
            _strings(item, found, name)
    elif isinstance(value, list):
        for item in value:
            _strings(item, found, key)


@guarded
def api_served_secrets(response) -> None:
    if request.endpoint != "api.listings" or response.status_code != 200:
        return
    found: set[str] = set()
    _strings(json.loads(response.get_data(as_text=True)), found)
    if not found:
        return
    served = ledger("served")
    for value in db.session.scalars(
        select(User.password_hash).where(User.password_hash.in_(found))
    ):
        served.add(fingerprint(value), "password hash")
    for value in db.session.scalars(select(UserSession.key).where(UserSession.key.in_(found))):
        served.add(fingerprint(value), "session key")


def _session_key() -> str | None:
    """The server-side session key the request's cookie carries (signed cookies have dots)."""
    value = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])
    return value if value and "." not in value else None


@guarded
def hijacked_session(response) -> None:
    login, key = g.get("login"), _session_key()
    if login is None or key is None:
        return
    served = ledger("served")
    key_print = fingerprint(key)
    if served.get(key_print) != "session key":
        return
    issued_to = ledger("issued").get(key_print)
    if issued_to is not None and issued_to != request.cookies.get(CLIENT_COOKIE):
        challenges.solved(
            "sensitive-data-exposure",
            "hijack-with-leaked-key",
            f"{request.path} was opened as user #{login.user_id} with a session key the API "
            "served, from another client than the one it was issued to",
        )


def _issued_key(response) -> str | None:
    """The session key a response sets (after Flask saved the session), if any."""
    name = current_app.config["SESSION_COOKIE_NAME"]
    for header in response.headers.getlist("Set-Cookie"):
        pair = header.split(";", 1)[0]
        cookie, _, value = pair.partition("=")
        if cookie.strip() == name and value and "." not in value:
            return value.strip('"')
    return None


@guarded
def _record_issued(response) -> None:
    key = _issued_key(response)
    if key is None or key == _session_key():
        return
    client = request.cookies.get(CLIENT_COOKIE)
    if not client:
        client = secrets.token_urlsafe(16)
        # Sent whenever the session cookie is (same SameSite, outlives it): the victim's
        # own requests always carry both.
        response.set_cookie(
            CLIENT_COOKIE,
            client,
            max_age=CLIENT_COOKIE_MAX_AGE,
            httponly=True,
            samesite=current_app.config.get("SESSION_COOKIE_SAMESITE") or "Lax",
            secure=request.is_secure,
        )
    ledger("issued").add(fingerprint(key), client)


def _on_request_finished(app, response, **_) -> None:
    _record_issued(response)


def install(app) -> None:
    """Lab mode only (the framework calls it)."""
    app.after_request(api_served_secrets)
    app.after_request(hijacked_session)
    # request_finished comes after Flask saved the session: the new key's cookie is set.
    request_finished.connect(_on_request_finished, sender=app)
