"""Wrong fix: Argon2id, verifying Argon2id hashes only.

New passwords are stored well, but every account stored by an earlier scheme (plaintext,
SHA-256, bcrypt) can no longer log in: the fix locks out the existing users instead of
upgrading their hashes at their next login.

Caught by: feature older-schemes-log-in
"""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHER = PasswordHasher(time_cost=3, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False  # any older format: refused


def needs_rehash(stored: str) -> bool:
    return HASHER.check_needs_rehash(stored)
