"""The "remember me" cookie is signed with a key written in the source.

Unsafe twice over. The key is in the code, so everyone who has the code (a public
repository, a leaked backup, a former employee) can sign a cookie for any user. And it is a
word from every common-password list: from one cookie of their own account, an attacker
finds it offline with a wordlist in well under a second (itsdangerous' signature is a
single HMAC-SHA1), then signs ``{"email": "<victim>"}`` and is logged in as the victim. A
signed cookie cannot be revoked either: logout and a password change leave it valid.
"""

from .. import signed

REMEMBER_ME_SECRET = "topsecret"  # VULNERABLE: in the source, and in every common-password list


def issue_token(user):
    return signed.issue(REMEMBER_ME_SECRET, user)


def user_for_token(token):
    return signed.user_for(REMEMBER_ME_SECRET, token)


def revoke_tokens(user) -> None:
    """Nothing to revoke: the server keeps no record of the cookies it signed."""
    return None  # VULNERABLE: a copied cookie stays valid until it expires
