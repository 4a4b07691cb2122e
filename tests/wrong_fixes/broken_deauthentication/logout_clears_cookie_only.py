"""Wrong fix: logout empties the session, but the session still lives in the cookie.

Clearing the session makes Flask tell the browser to delete its cookie, so this browser
is logged out. The server keeps no record of sessions, though, so a copy of the cookie
taken before logout is still a valid, signed login.

Caught by: replay-after-logout
"""

from ..session_state import COOKIE_SESSIONS, current_login, remember

__all__ = ["current_login"]


def session_interface():
    return COOKIE_SESSIONS


def log_in(session, user) -> None:
    remember(session, user)


def log_out(session) -> None:
    session.clear()  # the browser deletes its cookie; copies of it still work


def password_changed(session, user) -> None:
    return None


def account_deleted(session, user) -> None:
    session.clear()
