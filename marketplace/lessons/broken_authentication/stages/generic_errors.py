"""4/fix: one message for every failed login, and signup does not say "taken" either.

Safe against enumeration by message: an unknown e-mail and a wrong password read the
same, and signing up with a registered e-mail answers exactly like a new signup.
Still unsafe: for an unknown e-mail the login skips the password check, so it answers
tens of milliseconds faster (argon2id) and the time tells what the text no longer does;
and nothing limits how many passwords an attacker tries.
"""

MESSAGE = "Invalid e-mail or password."


def throttled(email: str, client: str) -> str | None:
    return None  # VULNERABLE: unlimited guessing


def record_attempt(email: str, client: str, succeeded: bool) -> None:
    return None


def login_failed(email: str, user, password: str) -> str:
    # VULNERABLE: nothing is verified when ``user`` is None, so this answer comes faster.
    return MESSAGE  # FIX: the same words whether or not the account exists


def signup_taken(email: str) -> str | None:
    return None  # FIX: the view answers as for a new account (and creates nothing)
