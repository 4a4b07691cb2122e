"""What honest users need from password storage: their password works, and only theirs.

Three checks: a new account logs in with its password; a wrong password is refused; and
an account whose password was stored by any earlier scheme (``plain$``, ``sha256$``,
bcrypt, Argon2id: see ``formats.py``) still logs in, so a stronger scheme locks nobody out.

The last check needs rows in those formats, which no honest HTTP request can create: it
plants them in the database of the app behind the target (``target.app``: the Flask test
client's app, or the scratch app ``fix check`` serves) and logs in over HTTP. Against a
server it cannot reach into, it says it could not run.
"""

from __future__ import annotations

import hashlib
import secrets

import bcrypt
from argon2 import PasswordHasher

from marketplace.features import REDIRECTS, Broken, CannotRun, Feature, checked, logged_in

from . import formats

# Cheap parameters: these rows only have to be in each format, not slow to crack.
_OLD_ARGON2 = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _stored_as(scheme: str, password: str) -> str:
    if scheme == "plaintext":
        return formats.PLAIN + password
    if scheme == "sha256":
        return formats.SHA256 + hashlib.sha256(password.encode()).hexdigest()
    if scheme == "bcrypt":
        return bcrypt.hashpw(formats.bcrypt_input(password), bcrypt.gensalt(rounds=4)).decode()
    return _OLD_ARGON2.hash(password)


@checked("signup-and-login")
def signup_and_login(target, people, details) -> str:
    """A new account logs in with the password it signed up with."""
    person = people.sign_up()
    if not logged_in(person.http):
        raise Broken("after logging in, the welcome page does not open")
    return "a new account logs in with its password"


@checked("wrong-password-refused")
def wrong_password_refused(target, people, details) -> str:
    """A wrong password does not log in."""
    person = people.sign_up(log_in=False)
    http = target.session()
    reply = http.login(person.email, person.password + "x")
    details.append(f"login with a wrong password: HTTP {reply.status} {reply.location}")
    if reply.status in REDIRECTS or logged_in(http):
        raise Broken("a wrong password logged in")
    return f"a wrong password is refused (HTTP {reply.status})"


@checked("older-schemes-log-in")
def older_schemes_log_in(target, people, details) -> str:
    """An account stored by each earlier scheme logs in with its password (twice)."""
    app = getattr(target, "app", None)
    if app is None:
        raise CannotRun("planting accounts in older formats needs the app (target.app)")
    from marketplace.extensions import db
    from marketplace.models import User

    planted = []
    for scheme in formats.SCHEMES:
        person = people.sign_up(f"Old {scheme} {secrets.token_hex(2)}", log_in=False)
        with app.app_context():
            user = User.by_email(person.email)
            user.password_hash = _stored_as(scheme, person.password)
            db.session.commit()
        planted.append((scheme, person))
    refused = []
    for scheme, person in planted:
        # Twice: the first login may upgrade the stored hash; the second reads the upgrade.
        for attempt in ("first", "second"):
            reply = target.session().login(person.email, person.password)
            ok = reply.status in REDIRECTS and "/user/login" not in reply.location
            details.append(f"{scheme}: {attempt} login HTTP {reply.status}")
            if not ok:
                refused.append(f"{scheme} ({attempt} login)")
                break
    if refused:
        raise Broken(f"accounts stored by older schemes cannot log in: {', '.join(refused)}")
    return f"accounts stored as {', '.join(formats.SCHEMES)} all log in"


FEATURES = (
    Feature("signup-and-login", "Sign up, then log in.", signup_and_login),
    Feature("wrong-password-refused", "A wrong password is refused.", wrong_password_refused),
    Feature(
        "older-schemes-log-in",
        "Accounts stored by every earlier scheme still log in.",
        older_schemes_log_in,
    ),
)
