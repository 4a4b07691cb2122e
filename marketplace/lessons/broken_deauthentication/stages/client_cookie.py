"""5.1/code: the whole session lives in Flask's signed cookie; logout flips a flag.

Unsafe because the cookie is the only source of truth and the server keeps no record
of it. Logging out changes the browser's copy, but any earlier copy of the cookie (from a
shared computer, a proxy log, malware) is still a validly signed "logged in" session, and
the server has no way to tell it was ended.
"""

from ..session_state import COOKIE_SESSIONS, current_login, remember

__all__ = ["current_login"]


def session_interface():
    return COOKIE_SESSIONS  # VULNERABLE: nothing on the server can revoke a cookie


def log_in(session, user) -> None:
    remember(session, user)


def log_out(session) -> None:
    session["logged_in"] = False  # VULNERABLE: only this browser's copy forgets the login


def password_changed(session, user) -> None:
    """Nothing to revoke: the server does not know which cookies exist."""


def account_deleted(session, user) -> None:
    """Nothing to revoke: the server does not know which cookies exist."""
