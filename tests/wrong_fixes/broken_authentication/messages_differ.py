"""Wrong fix: "one generic message", written twice, in two branches that drifted apart.

Equal work and a throttle, and both failures say "Invalid e-mail or password", but the
unknown-user branch ends with a full stop and the wrong-password branch does not. One
character is enough for a script to tell registered e-mails apart.

Caught by: message-enumeration
"""

from marketplace.password_storage import dummy_check

from ..throttle import Throttle

THROTTLE = Throttle(per_account="5 per 15 minutes", per_client="30 per 15 minutes")


def throttled(email: str, client: str) -> str | None:
    return THROTTLE.refusal(email, client)


def record_attempt(email: str, client: str, succeeded: bool) -> None:
    if succeeded:
        THROTTLE.succeeded(email, client)
    else:
        THROTTLE.failed(email, client)


def login_failed(email: str, user, password: str) -> str:
    if user is None:
        dummy_check(password)
        return "Invalid e-mail or password."
    return "Invalid e-mail or password"  # the other branch: no full stop


def signup_taken(email: str) -> str | None:
    dummy_check(email)
    return None
