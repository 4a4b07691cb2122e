"""Wrong fix: SHA-256 with a random salt per password.

The salt defeats the lookup table, but SHA-256 is still fast: millions of guesses per
second. The cracker recognises ``marker$salt$<64 hex>`` as a salted SHA-256 (as hashcat
does) and the dictionary attack cracks the weak passwords within its budget.

Caught by: dictionary-crack
"""

import hashlib
import hmac
import secrets

from ..formats import verify

MARKER = "ssha256$"


def hash_password(password: str) -> str:
    salt = secrets.token_hex(8)
    return f"{MARKER}{salt}${hashlib.sha256((salt + password).encode()).hexdigest()}"


def verify_password(stored: str, password: str) -> bool:
    if stored.startswith(MARKER):
        salt, digest = stored[len(MARKER) :].split("$", 1)
        mine = hashlib.sha256((salt + password).encode()).hexdigest()
        return hmac.compare_digest(mine, digest)
    return verify(stored, password)


def needs_rehash(stored: str) -> bool:
    return not stored.startswith(MARKER)
