"""Wrong fix (breaks the feature): a password change revokes every session, this one too.

No stolen session survives the change, but neither does the one the user changed the
password in: they are thrown out in the middle of what they were doing.

Caught by: feature password-change
"""

from marketplace.sessions import revoke_user_sessions

from ..session_state import SERVER_SESSIONS, current_login, start_server_session

__all__ = ["current_login"]


def session_interface():
    return SERVER_SESSIONS


def log_in(session, user) -> None:
    start_server_session(session, user)


def log_out(session) -> None:
    session.clear()


def password_changed(session, user) -> None:
    revoke_user_sessions(user.id)  # keep=None: the current session dies as well
    session.clear()


def account_deleted(session, user) -> None:
    revoke_user_sessions(user.id)
    session.clear()
