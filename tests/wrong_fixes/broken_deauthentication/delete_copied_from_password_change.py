"""Wrong fix: account deletion copied from the password change, ``keep=`` and all.

Every other session of the deleted user is revoked, but ``keep=session.key`` spares the
current one, as it must after a password change. After a deletion nothing should be
kept: a copy of this cookie still opens the deleted user's pages.

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
    revoke_user_sessions(user.id, keep=session.key)  # copied: this session survives
