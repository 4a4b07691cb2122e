"""5.2/fix (and 5.3/code): a password change revokes every session of the user.

The current session gets a new key and every other one is deleted, so a stolen session
dies when its victim changes the password. Still unsafe: deleting the account leaves its
sessions behind, and they keep answering as the deleted user.
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
    revoke_user_sessions(user.id, keep=session.key)  # FIX: every other session is revoked
    session.rotate_requested = True  # and this one gets a new key


def account_deleted(session, user) -> None:
    """Nothing is revoked: deleting the account leaves its sessions in the table."""
    return None  # VULNERABLE: the account is gone but its sessions are not
