"""Wrong fix, not caught yet: a generic message and a lock-out; unknown users return early.

The message says nothing and each account locks after five failures, so guessing one
account's password is throttled. But for an unknown e-mail no password hash is checked
at all, so the refusal comes measurably faster, and probing many different e-mails from
one address is never limited: the time tells who is registered, as the message used to.
timing-enumeration measures each candidate several times, so the per-account lock-out
stops it before it has its samples: it reports the throttle, not the leak.

Caught by: timing-enumeration
"""

from ..throttle import LoginThrottle

MESSAGE = "Invalid e-mail or password."
# Per account only: an address probing many e-mails is never slowed down.
THROTTLE = LoginThrottle(per_pair=5, per_address=100000, per_account=5, account_lock=100000)


def throttled(email: str, client: str) -> str | None:
    return THROTTLE.refusal(email, client)


def record_attempt(email: str, client: str, succeeded: bool) -> None:
    THROTTLE.record(email, client, succeeded)


def login_failed(email: str, user, password: str) -> str:
    return MESSAGE  # no dummy check: an unknown e-mail answers early


def signup_taken(email: str) -> str | None:
    return None
