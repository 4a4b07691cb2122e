"""Wrong fix: the key comes from the environment, with ``"dev"`` when it is unset.

The classic half-fix (``os.environ.get("SECRET_KEY", "dev")``, as in the Flask tutorial's
development config): the code no longer holds the real key, but every deployment that
forgets the variable, and every test or lab run, signs with ``"dev"``, the first word any
key cracker tries. A missing secret must stop the app at start-up, not fall back to a word.

Caught by: crack-and-forge
"""

import os

from .. import signed

REMEMBER_ME_KEY = os.environ.get("MARKETPLACE_REMEMBER_ME_KEY", "dev")


def issue_token(user):
    return signed.issue(REMEMBER_ME_KEY, user)


def user_for_token(token):
    return signed.user_for(REMEMBER_ME_KEY, token)


def revoke_tokens(user) -> None:
    return None
