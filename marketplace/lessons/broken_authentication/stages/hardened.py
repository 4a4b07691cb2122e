"""Beyond the course: one message, equal work for unknown users, and login throttling.

Safe against enumeration by message (one generic text, and signup answers a taken
e-mail like a new one), by timing (an unknown e-mail still pays for one password
verification, against a dummy hash; a taken e-mail at signup pays for a hash and a
committed write, as a new account does), and
against online guessing without a lock-out button: failed logins are counted per
(account, client) pair, with a ceiling per address and per account (``throttle.py``,
counts in the database or Redis). Past a limit the login is refused with 429 before any
password is checked, but only for the clients that failed: the owner, from another
address or a browser that logged in before, still gets in.
"""

# Through the web-layer façade: the dummy hash is verified by whatever storage scheme the
# weak-password-storage lesson has active, so the work matches a real user's.
from marketplace.password_storage import dummy_check, dummy_signup

from ..throttle import LoginThrottle

MESSAGE = "Invalid e-mail or password."
# FIX: per quarter hour, 5 failures per account and client; 30 per address (then 1 per
# account); 20 per account from all clients (then only clients that have not failed), 100
# (then only browsers that logged in to it before).
THROTTLE = LoginThrottle(per_pair=5, per_address=30, per_account=20, account_lock=100)


def throttled(email: str, client: str) -> str | None:
    return THROTTLE.refusal(email, client)  # FIX: refused before the password is checked


def record_attempt(email: str, client: str, succeeded: bool) -> None:
    THROTTLE.record(email, client, succeeded)  # FIX: unknown e-mails count too: no oracle


def login_failed(email: str, user, password: str) -> str:
    if user is None:
        dummy_check(password)  # FIX: the same work as verifying a real user's hash
    return MESSAGE


def signup_taken(email: str) -> str | None:
    dummy_signup(email)  # FIX: a hash, a row written and committed, as for a new account
    return None  # FIX: answered like a new signup; nothing tells the e-mail is taken
