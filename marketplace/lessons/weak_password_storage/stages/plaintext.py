"""3.1/code: the password is stored as it was typed (behind a ``plain$`` marker).

Unsafe: whoever reads the users table (a stolen backup, a SQL injection, a curious
operator) reads every password, and because people reuse passwords, the breach opens
their mail and bank accounts too. Nothing has to be cracked.
"""

from ..formats import PLAIN, verify


def hash_password(password: str) -> str:
    return PLAIN + password  # VULNERABLE: the stored value is the password itself


def verify_password(stored: str, password: str) -> bool:
    # Every known format is accepted, so switching stages locks nobody out.
    return verify(stored, password)


def needs_rehash(stored: str) -> bool:
    return False  # the course's code never upgraded a stored password
