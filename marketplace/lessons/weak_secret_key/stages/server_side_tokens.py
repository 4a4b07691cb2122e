"""The cookie is a random token; the database keeps only its SHA-256.

Safe: there is no key to crack or to leak. A token means something only while its hash is
in the ``remember_tokens`` table, so a forged value matches nothing, a copy of the table
(hashes only) logs nobody in, and logout, a password change or an account deletion
deletes every token of the user: a stolen cookie dies with them. Tokens expire after 30
days on the server too, whatever the browser keeps.
"""

from ..tokens import new_token, revoke_all, user_of


def issue_token(user):
    return new_token(user)  # FIX: 32 random bytes, stored as a SHA-256


def user_for_token(token):
    return user_of(token)  # FIX: valid only while the server has its hash


def revoke_tokens(user) -> None:
    revoke_all(user.id)  # FIX: logout and a password change end every remembered login
