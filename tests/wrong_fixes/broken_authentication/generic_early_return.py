"""Wrong fix: a generic message and a throttle, but unknown users still return early.

The message says nothing and guessing is throttled, but for an unknown e-mail no password
hash is checked at all, so the refusal comes measurably faster: the time tells who is
registered, as the message used to.

Caught by: timing-enumeration
"""

from ..throttle import Throttle

MESSAGE = "Invalid e-mail or password."
THROTTLE = Throttle(per_account="5 per 15 minutes", per_client="30 per 15 minutes")


def throttled(email: str, client: str) -> str | None:
    return THROTTLE.refusal(email, client)


def record_attempt(email: str, client: str, succeeded: bool) -> None:
    if succeeded:
        THROTTLE.succeeded(email, client)
    else:
        THROTTLE.failed(email, client)


def login_failed(email: str, user, password: str) -> str:
    return MESSAGE  # no dummy check: an unknown e-mail answers early


def signup_taken(email: str) -> str | None:
    return None
