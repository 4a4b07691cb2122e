"""Wrong fix: deleting the account ends the session that deleted it only.

Logout and password change revoke properly, but deleting the account only clears the
current session: any other session of the user (a stolen one) stays in the table and
keeps answering as the deleted user. replay-after-delete also replays a cookie copied
from another login of the same user (a second device).

Caught by: replay-after-delete
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
    revoke_user_sessions(user.id, keep=session.key)
    session.rotate_requested = True


def account_deleted(session, user) -> None:
    session.clear()  # only this session: the others survive
