"""Password policy and the façade over the weak-password-storage lesson's active scheme."""

from __future__ import annotations

from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from .extensions import db
from .lessons import active
from .models import User

MIN_LENGTH = 8
MAX_LENGTH = 128  # hashing a megabyte of "password" is a denial of service, not security


@cache
def ranked_common_passwords() -> tuple[str, ...]:
    """30,000 common passwords from zxcvbn's frequency list (a maintained package),
    most common first: the signup policy refuses them, the cracking lesson tries them."""
    return tuple(FREQUENCY_LISTS["passwords"])


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(ranked_common_passwords())


def policy_errors(password: str) -> list[str]:
    errors = []
    if len(password) < MIN_LENGTH:
        errors.append(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        errors.append(f"Use at most {MAX_LENGTH} characters.")
    if password.lower() in common_passwords():
        errors.append("This password is on a list of common passwords; choose another.")
    return errors


def hash_password(password: str) -> str:
    return active("weak-password-storage").hash_password(password)


def check_password(user: User, password: str) -> bool:
    """Verify, and re-hash with the active scheme when the stored one is older."""
    scheme = active("weak-password-storage")
    if not scheme.verify_password(user.password_hash, password):
        return False
    if scheme.needs_rehash(user.password_hash):
        user.password_hash = scheme.hash_password(password)
        db.session.commit()
    return True


def dummy_check(password: str) -> None:
    """Spend the same work as a real check, for a user who does not exist."""
    scheme = active("weak-password-storage")
    scheme.verify_password(_dummy_hash(scheme.__name__), password)


@cache
def _dummy_hash(scheme_name: str) -> str:
    return active("weak-password-storage").hash_password("dummy password for timing")
