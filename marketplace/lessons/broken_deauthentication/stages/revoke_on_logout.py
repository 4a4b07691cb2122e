"""5.1/fix (and 5.2/code): sessions live on the server; logout deletes the session.

The cookie now carries only an opaque random key, so logging out really ends the session.
Still unsafe: changing the password leaves every other session of the user alive, so an
attacker who stole a session keeps it even after the victim changes the password.
"""

from ..session_state import SERVER_SESSIONS, current_login, start_server_session

__all__ = ["current_login"]


def session_interface():
    return SERVER_SESSIONS


def log_in(session, user) -> None:
    start_server_session(session, user)


def log_out(session) -> None:
    session.clear()  # FIX: an empty server session is deleted, so the key is dead


def password_changed(session, user) -> None:
    """Nothing is revoked: a password change leaves every session of the user alive."""
    return None  # VULNERABLE: the other sessions (the attacker's) survive the change


def account_deleted(session, user) -> None:
    """Nothing is revoked: deleting the account leaves its sessions in the table."""
    return None  # VULNERABLE: the account is gone but its sessions are not
