"""Who is logged in, as decided by the broken-deauthentication lesson's active stage."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import abort, g, redirect, request, session, url_for

from . import remember_me
from .extensions import db
from .lessons import active
from .models import User


@dataclass(frozen=True)
class Login:
    """What the session says about its user: an id and the name to greet them with."""

    user_id: int
    full_name: str


def _seam():
    return active("broken-deauthentication")


def load_logged_in_user() -> None:
    """Before each request: read the login from the session, and the user row if it exists."""
    if getattr(session, "unavailable", False):
        # The session store did not answer: "log in" would be wrong (and lose the form the
        # user sent); "try again in a few seconds" is right.
        abort(503)
    login = _seam().current_login(session)
    if login is None:  # no login, but perhaps a "remember me" cookie: a fresh login from it
        user = remember_me.restored_user()
        if user is not None:
            log_in(user)
            login = _seam().current_login(session)
    g.login = Login(**login) if login else None
    g.user = db.session.get(User, g.login.user_id) if g.login else None


def log_in(user: User) -> None:
    _seam().log_in(session, user)


def log_out() -> None:
    _seam().log_out(session)


def password_changed(user: User) -> None:
    _seam().password_changed(session, user)


def account_deleted(user: User) -> None:
    _seam().account_deleted(session, user)


def login_required(view):
    """Send anonymous visitors to the login page, remembering where they were going."""

    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.login is None:
            return redirect(url_for("user.login", next=request.full_path.rstrip("?")))
        return view(**kwargs)

    return wrapped


def user_required(view):
    """Like ``login_required``, and the account must still exist."""

    @functools.wraps(view)
    @login_required
    def wrapped(**kwargs):
        if g.user is None:
            return redirect(url_for("user.login"))
        return view(**kwargs)

    return wrapped
