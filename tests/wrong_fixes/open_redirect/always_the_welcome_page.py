"""Wrong fix (disables the feature): ``next`` is ignored; every login lands on the welcome page.

Nobody is sent to another site, and nobody is sent back to the page they were on either.

Caught by: feature return-after-login
"""


def after_login(next_value: str | None, fallback: str) -> str:
    return fallback
