"""Beyond the course: one message, equal work for unknown users, and login throttling.

Safe against enumeration by message (one generic text, and signup answers a taken
e-mail like a new one), by timing (an unknown e-mail still pays for one password
verification, against a dummy hash; a taken e-mail at signup pays for a hash and a
committed write, as a new account does), and
against online guessing: failed logins are counted per account and per client address
(Flask-Limiter's storage: memory, or Redis when MARKETPLACE_RATELIMIT_URL is set), and
past the limit a login is refused with 429 before any password is checked.
"""

from marketplace.passwords import dummy_check, dummy_signup

from ..throttle import Throttle

MESSAGE = "Invalid e-mail or password."
# FIX: a handful of failures per account, a few dozen per address, per quarter hour.
THROTTLE = Throttle(per_account="5 per 15 minutes", per_client="30 per 15 minutes")


def throttled(email: str, client: str) -> str | None:
    return THROTTLE.refusal(email, client)  # FIX: refused before the password is checked


def record_attempt(email: str, client: str, succeeded: bool) -> None:
    if succeeded:
        THROTTLE.succeeded(email, client)
    else:
        THROTTLE.failed(email, client)  # FIX: unknown e-mails count too: no lock-out oracle


def login_failed(email: str, user, password: str) -> str:
    if user is None:
        dummy_check(password)  # FIX: the same work as verifying a real user's hash
    return MESSAGE


def signup_taken(email: str) -> str | None:
    dummy_signup(email)  # FIX: a hash, a row written and committed, as for a new account
    return None  # FIX: answered like a new signup; nothing tells the e-mail is taken
