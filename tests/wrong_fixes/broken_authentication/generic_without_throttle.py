"""Wrong fix: one generic message and equal work for unknown users, but no throttle.

Enumeration by message and by time is fixed. Nothing limits how many passwords anyone
tries, so the list of the most common passwords opens a demo account within minutes.

Caught by: online-brute-force
"""

from marketplace.password_storage import dummy_check

MESSAGE = "Invalid e-mail or password."


def throttled(email: str, client: str) -> str | None:
    return None  # unlimited guessing


def record_attempt(email: str, client: str, succeeded: bool) -> None:
    return None


def login_failed(email: str, user, password: str) -> str:
    if user is None:
        dummy_check(password)
    return MESSAGE


def signup_taken(email: str) -> str | None:
    dummy_check(email)
    return None
