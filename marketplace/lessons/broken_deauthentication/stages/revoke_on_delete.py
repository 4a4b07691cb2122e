"""5.3/fix: deleting an account revokes all of its sessions too.

Every way a login can end (logout, password change, account deletion) now removes the
server-side session(s), so no copy of an old cookie can be replayed.
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
    revoke_user_sessions(user.id)  # FIX: the deleted user's sessions die with the account
    session.clear()
