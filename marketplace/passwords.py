"""The password policy (a service below the lessons): length bounds and common passwords.

Hashing and verifying go through the web-layer façade over the weak-password-storage
lesson's active stage, ``password_storage.py``.
"""

from __future__ import annotations

from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

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
