"""Beyond the course: Argon2id, memory-hard and salted, with OWASP's parameters or more.

Safe: every hash has its own salt (no lookup table helps) and each guess costs 19 MiB
of memory and several passes, so a stolen dump is slow to attack even on GPUs.
"""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# FIX: OWASP 2023 minimum is m=19 MiB, t=2, p=1; we use a little more time.
HASHER = PasswordHasher(time_cost=3, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return not stored.startswith("$argon2id$") or HASHER.check_needs_rehash(stored)
