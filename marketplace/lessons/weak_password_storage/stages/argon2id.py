"""Beyond the course: Argon2id with OWASP's parameters or more; older hashes upgraded.

Safe: every hash has its own salt (no lookup table helps), each guess costs 19 MiB of
memory and three passes over it (slow on CPUs, and memory makes GPUs and ASICs much less
of an advantage), and no password length limit. A user whose stored hash is in an older
format (plaintext, SHA-256, bcrypt) is re-hashed at their next successful login, the only
moment the server sees the password, so a database drifts to the strong format by itself.
"""

from argon2 import PasswordHasher

from ..formats import scheme_of, verify

# FIX: OWASP's minimum is m=19 MiB, t=2, p=1; one more pass costs little at login.
HASHER = PasswordHasher(time_cost=3, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return HASHER.hash(password)  # FIX: salted, memory-hard


def verify_password(stored: str, password: str) -> bool:
    return verify(stored, password)


def needs_rehash(stored: str) -> bool:
    if scheme_of(stored) != "argon2id":
        return True  # FIX: an older format is upgraded at the user's next login
    return HASHER.check_needs_rehash(stored)  # and so are weaker argon2 parameters
