"""3.2/fix: bcrypt with cost 12: a random salt in every hash, 2^12 rounds per guess.

Safe against lookup tables (the salt makes every hash different, even for the same
password) and slow to attack (a few guesses per second per core instead of millions).
Limits: bcrypt reads only the first 72 bytes of a password (cut explicitly here), and
rows stored by the earlier stages keep their weak format until the user changes password.
"""

import bcrypt

from ..formats import bcrypt_input, verify

ROUNDS = 12


def hash_password(password: str) -> str:
    salt = bcrypt.gensalt(rounds=ROUNDS)  # FIX: a random salt, and 2**12 rounds per guess
    return bcrypt.hashpw(bcrypt_input(password), salt).decode()


def verify_password(stored: str, password: str) -> bool:
    return verify(stored, password)


def needs_rehash(stored: str) -> bool:
    return False
