"""Wrong fix: "remember me" remembers nobody.

No cookie is issued and none is accepted, so nothing can be cracked or forged; the box on
the login form does nothing, and the person is logged out whenever the session ends.
Disabling the feature is not fixing it.

Caught by: feature remembered-login
"""


def issue_token(user):
    return ""


def user_for_token(token):
    return None


def revoke_tokens(user) -> None:
    return None
