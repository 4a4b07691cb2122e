"""Wrong fix: a long random key, pasted into the code.

No wordlist finds 64 random hex digits, so cracking fails. But the key is in the source:
everyone with the repository, a backup of the server or an old laptop's checkout signs a
cookie for any user, and rotating it means a release. (And nothing can be revoked.)

Caught by: forge-with-leaked-key
"""

from .. import signed

REMEMBER_ME_KEY = "9f1c4e7a2b8d3f60a5e9c1b7d4f2a8e63c0b9d5f7e1a4c8b2d6f0e3a9c7b5d1f"


def issue_token(user):
    return signed.issue(REMEMBER_ME_KEY, user)


def user_for_token(token):
    return signed.user_for(REMEMBER_ME_KEY, token)


def revoke_tokens(user) -> None:
    return None
