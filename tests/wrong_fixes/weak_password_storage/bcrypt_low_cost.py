"""Wrong fix: bcrypt, but at cost 4 "so that login stays fast".

Salted, so the lookup table is useless; but 2^4 rounds make a guess about a thousand times
cheaper than at cost 12 (hundreds of guesses a second on one core), and the common
passwords of the dump fall within the dictionary attack's half second.

Caught by: dictionary-crack
"""

import bcrypt

from ..formats import bcrypt_input, verify


def hash_password(password: str) -> str:
    return bcrypt.hashpw(bcrypt_input(password), bcrypt.gensalt(rounds=4)).decode()


def verify_password(stored: str, password: str) -> bool:
    return verify(stored, password)


def needs_rehash(stored: str) -> bool:
    return False
