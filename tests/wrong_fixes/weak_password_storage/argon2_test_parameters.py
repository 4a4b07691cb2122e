"""Wrong fix: Argon2id, with the parameters of a test configuration (8 KiB, one pass).

The right algorithm, salted, in the right format, but the cost is what makes it slow,
and here there is almost none: 8 KiB of memory and one pass take microseconds, so a guess
costs about as little as SHA-256, and the common passwords of the dump fall within the
dictionary attack's half second. (bcrypt at cost 4 makes the same mistake.)

Caught by: dictionary-crack
"""

from argon2 import PasswordHasher

from ..formats import verify

HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # test settings


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored: str, password: str) -> bool:
    return verify(stored, password)


def needs_rehash(stored: str) -> bool:
    return False
