"""What every stage of this lesson stores in a session, and how it reads a login back."""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface

from marketplace.sessions import ServerSideSessionInterface

COOKIE_SESSIONS = SecureCookieSessionInterface()
SERVER_SESSIONS = ServerSideSessionInterface()


def remember(session, user) -> None:
    """Store the login: the user's id and the name to greet them with."""
    session["logged_in"] = True
    session["user_id"] = user.id
    session["full_name"] = user.full_name


def current_login(session) -> dict | None:
    """Whatever the session says is the truth: the stages differ in what they revoke."""
    if session.get("logged_in") and isinstance(session.get("user_id"), int):
        return {"user_id": session["user_id"], "full_name": str(session.get("full_name", ""))}
    return None


def start_server_session(session, user) -> None:
    """Log in with a fresh server-side key, so a key known before login is worthless."""
    session.clear()
    session.rotate_requested = True
    remember(session, user)
