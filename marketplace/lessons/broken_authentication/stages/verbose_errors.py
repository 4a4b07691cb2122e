"""4/code: a failed login says which half was wrong: no such user, or wrong password.

Unsafe: the message tells anyone who types an e-mail whether it has an account, so an
attacker can check a list of addresses (a leak from another site) and then aim password
guessing or phishing at the accounts that exist. Signing up says so too. And a failed
login for an unknown e-mail returns before any password hash is checked, so it is also
measurably faster; nothing limits how many guesses anyone makes.
"""


def throttled(email: str, client: str) -> str | None:
    return None  # no limit on attempts


def record_attempt(email: str, client: str, succeeded: bool) -> None:
    return None


def login_failed(email: str, user, password: str) -> str:
    if user is None:
        return f"No account is registered with {email}."  # VULNERABLE: tells who is registered
    return "Wrong password."  # VULNERABLE: ...and confirms that this account exists


def signup_taken(email: str) -> str | None:
    return "An account with this e-mail already exists; log in instead."  # VULNERABLE: same leak
