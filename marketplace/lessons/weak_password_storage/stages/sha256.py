"""3.1/fix: store the SHA-256 of the password (hex, unsalted) instead of the password.

Better: the dump no longer shows the passwords. Still unsafe: SHA-256 is designed to be
fast (millions of guesses per second on one core, billions on a GPU), and without a salt
the same password always gives the same hash, so a table of hashes computed once, before
any breach, cracks every common password of every dump at once.
"""

import hashlib

from ..formats import SHA256, verify


def hash_password(password: str) -> str:
    digest = hashlib.sha256(password.encode()).hexdigest()  # VULNERABLE: fast and unsalted
    return SHA256 + digest  # FIX: the password itself is no longer stored


def verify_password(stored: str, password: str) -> bool:
    return verify(stored, password)


def needs_rehash(stored: str) -> bool:
    return False  # older plaintext rows stay readable until their users change password
