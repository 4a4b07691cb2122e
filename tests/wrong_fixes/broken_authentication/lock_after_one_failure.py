"""Wrong fix (disables the feature): one failed login locks the account.

Brute force is impossible, and so is logging in for anyone who mistypes once: the next
login, even with the right password, is refused. A lock-out this tight also lets anyone
lock any account they know the e-mail of.

Caught by: feature mistyped-twice-logs-in
"""

from marketplace.password_storage import dummy_check

MESSAGE = "Invalid e-mail or password."
_FAILED: set[str] = set()


def throttled(email: str, client: str) -> str | None:
    if email in _FAILED:
        return "This account is locked after a failed login."
    return None


def record_attempt(email: str, client: str, succeeded: bool) -> None:
    if not succeeded:
        _FAILED.add(email)


def login_failed(email: str, user, password: str) -> str:
    if user is None:
        dummy_check(password)
    return MESSAGE


def signup_taken(email: str) -> str | None:
    dummy_check(email)
    return None
