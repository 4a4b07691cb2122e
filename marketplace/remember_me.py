"""The "remember me" cookie: set at login, read when a visitor has no login, ended at logout.

Web layer (a façade over the weak-secret-key lesson's active stage, which decides what the
cookie holds and whether a value is good). Whatever the stage, the cookie is HttpOnly (no
script reads it), SameSite=Lax (no cross-site POST carries it), Secure in production, and
expires after the tokens' lifetime. A restored login goes through ``auth.log_in``, so the
broken-deauthentication lesson's stage gives it a fresh session like any other login.
"""

from __future__ import annotations

from flask import after_this_request, current_app, request

from .lessons import active
from .lessons.weak_secret_key import detect
from .lessons.weak_secret_key.tokens import LIFETIME
from .models import User

COOKIE = "remember_me"
COOKIE_MAX = 1024  # a cookie this long is not one of ours: not worth a key derivation


def _seam():
    return active("weak-secret-key")


def remember(response, user: User) -> None:
    """Give this browser a "remember me" cookie for ``user``."""
    token = _seam().issue_token(user)
    if not token:
        return
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        path="/",
    )
    detect.remembered(token)


def _forget(response):
    response.delete_cookie(
        COOKIE,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


def restored_user() -> User | None:
    """The user this request's cookie stands for; a dead cookie is dropped from the browser."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    user = _seam().user_for_token(token) if len(token) <= COOKIE_MAX else None
    if user is None:
        after_this_request(_forget)
        return None
    detect.restored(token, user)
    return user


def forget(response, user: User | None) -> None:
    """Logout, password change, deletion: revoke the user's tokens, drop this browser's cookie."""
    if user is not None:
        _seam().revoke_tokens(user)
    _forget(response)
