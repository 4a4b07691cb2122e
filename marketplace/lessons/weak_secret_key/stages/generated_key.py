"""The cookie is signed with the app's random secret key.

The key is 32 random bytes (``MARKETPLACE_SECRET_KEY``, or generated once into the
instance folder's ``secret_key`` file, mode 0600), so no wordlist finds it. Still unsafe:
the key is the only thing that stands between anyone and every account. Whoever reads it
(a leaked config file, an instance folder in a backup, a server-side template injection)
signs a cookie for any user, and nothing on the server can revoke a cookie: logout and a
password change leave every copy valid until it expires.
"""

from flask import current_app

from .. import signed


def issue_token(user):
    return signed.issue(current_app.secret_key, user)  # FIX: a random key, not in the code


def user_for_token(token):
    # VULNERABLE: the key alone decides; a leaked key forges any user's cookie
    return signed.user_for(current_app.secret_key, token)


def revoke_tokens(user) -> None:
    """Nothing to revoke: the server keeps no record of the cookies it signed."""
    return None  # VULNERABLE: a copied cookie stays valid until it expires
