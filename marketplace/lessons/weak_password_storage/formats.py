"""The stored password formats of this lesson, each recognised by an explicit marker.

Every stage *verifies* every format, so switching stages never locks anyone out, and
*hashes* new passwords with its own scheme (that code lives in the stage modules).
A stored value is recognised by its marker only, never guessed from its length or its
alphabet: a value without a known marker matches no password at all.

| scheme      | stored as                                   |
|-------------|---------------------------------------------|
| plaintext   | ``plain$<the password>``                    |
| sha256      | ``sha256$<64 hex digits>`` (unsalted)       |
| bcrypt      | ``$2b$12$<salt and hash>`` (also $2a$/$2y$) |
| argon2id    | ``$argon2id$v=19$m=...,t=...,p=...$...``    |
"""

from __future__ import annotations

import hashlib
import hmac
import logging

import bcrypt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

log = logging.getLogger(__name__)

PLAIN = "plain$"
SHA256 = "sha256$"
BCRYPT = ("$2b$", "$2a$", "$2y$")
ARGON2ID = "$argon2id$"
# bcrypt reads at most 72 bytes of a password (and bcrypt 5 refuses longer input).
BCRYPT_MAX_BYTES = 72

# Weakest first: the order of the lesson's stages and of the lab's chart.
SCHEMES = ("plaintext", "sha256", "bcrypt", "argon2id")

# Verification reads the parameters (memory, time, salt) from each argon2 hash itself.
_ARGON2 = PasswordHasher()


def scheme_of(stored: str) -> str | None:
    """The scheme named by the stored value's marker, or None for an unknown format."""
    if stored.startswith(PLAIN):
        return "plaintext"
    if stored.startswith(SHA256):
        return "sha256"
    if stored.startswith(BCRYPT):
        return "bcrypt"
    if stored.startswith(ARGON2ID):
        return "argon2id"
    return None


def sha256_hex(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


def bcrypt_input(password: str) -> bytes:
    """bcrypt's input: the UTF-8 bytes, cut at 72 explicitly (bcrypt ignored the rest)."""
    return password.encode()[:BCRYPT_MAX_BYTES]


def verify(stored: str, password: str) -> bool:
    """Does ``password`` match ``stored``, whatever known format it is in?"""
    scheme = scheme_of(stored)
    if scheme == "plaintext":
        return hmac.compare_digest(stored[len(PLAIN) :].encode(), password.encode())
    if scheme == "sha256":
        return hmac.compare_digest(stored[len(SHA256) :].encode(), sha256_hex(password).encode())
    if scheme == "bcrypt":
        try:
            return bcrypt.checkpw(bcrypt_input(password), stored.encode())
        except ValueError:  # a damaged bcrypt string
            return False
    if scheme == "argon2id":
        try:
            return _ARGON2.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    # Never log any of the value: an unmarked value could be a password.
    log.warning("a stored password has no known format marker; it matches nothing")
    return False
