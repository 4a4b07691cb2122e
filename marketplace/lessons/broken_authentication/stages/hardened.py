"""Beyond the course: one message, equal work for unknown users.

Safe against enumeration by message (one generic text) and by timing (an unknown
e-mail still pays for one password verification, against a dummy hash).
"""

from marketplace.passwords import dummy_check

MESSAGE = "Invalid e-mail or password."


def throttled(email: str, client: str) -> str | None:
    return None


def record_attempt(email: str, client: str, succeeded: bool) -> None:
    return None


def login_failed(email: str, user, password: str) -> str:
    if user is None:
        dummy_check(password)  # FIX: the same work as a real verification
    return MESSAGE


def signup_taken(email: str) -> str | None:
    return "This e-mail cannot be used; choose another."
