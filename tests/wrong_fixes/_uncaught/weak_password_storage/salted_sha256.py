"""Wrong fix, not caught yet: SHA-256 with a random salt per password.

The salt defeats the lookup table, but SHA-256 is still fast: millions of guesses per
second. Today's cracker only knows the lesson's formats and skips this one as unknown,
so the dictionary attack reports nothing cracked (a "defended" without evidence: issue 8).

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
