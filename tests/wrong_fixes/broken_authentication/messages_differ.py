"""Wrong fix: "one generic message", written twice, in two branches that drifted apart.

Equal work and a throttle, and both failures say "Invalid e-mail or password", but the
unknown-user branch ends with a full stop and the wrong-password branch does not. One
character is enough for a script to tell registered e-mails apart.

Caught by: message-enumeration
"""

from marketplace.password_storage import dummy_check

from ..throttle import LoginThrottle

THROTTLE = LoginThrottle(per_pair=5, per_address=30, per_account=20, account_lock=100)


def throttled(email: str, client: str) -> str | None:
    return THROTTLE.refusal(email, client)


def record_attempt(email: str, client: str, succeeded: bool) -> None:
    THROTTLE.record(email, client, succeeded)


def login_failed(email: str, user, password: str) -> str:
    if user is None:
        dummy_check(password)
        return "Invalid e-mail or password."
    return "Invalid e-mail or password"  # the other branch: no full stop


def signup_taken(email: str) -> str | None:
    dummy_check(email)
    return None
