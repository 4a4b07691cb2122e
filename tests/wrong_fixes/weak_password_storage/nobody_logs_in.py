"""Wrong fix (disables the feature): nothing readable is stored, and nothing verifies.

A random value is stored instead of anything derived from the password, so a dump cracks
to nothing; and no password ever matches it again, so nobody can log in.

Caught by: feature signup-and-login
"""

import secrets

from ..formats import SHA256


def hash_password(password: str) -> str:
    return SHA256 + secrets.token_hex(32)


def verify_password(stored: str, password: str) -> bool:
    return False


def needs_rehash(stored: str) -> bool:
    return False
