"""The façade over the weak-password-storage lesson: hash and verify with the active stage.

Web layer (above the lessons). Other lessons that need password work use this façade,
never that lesson's modules: broken-authentication's ``hardened`` stage verifies a dummy
hash with whatever storage scheme is active (:func:`dummy_check`).
"""

from __future__ import annotations

from functools import cache

from .extensions import db
from .lessons import active
from .models import User


def hash_password(password: str) -> str:
    return active("weak-password-storage").hash_password(password)


def check_password(user: User, password: str) -> bool:
    """Verify, and re-hash with the active scheme when the stored one is older."""
    scheme = active("weak-password-storage")
    if not scheme.verify_password(user.password_hash, password):
        return False
    if scheme.needs_rehash(user.password_hash):
        user.password_hash = scheme.hash_password(password)
        db.session.commit()
    return True


def dummy_check(password: str) -> None:
    """Spend the same work as a real check, for a user who does not exist."""
    scheme = active("weak-password-storage")
    scheme.verify_password(_dummy_hash(scheme.__name__), password)


@cache
def _dummy_hash(scheme_name: str) -> str:
    return active("weak-password-storage").hash_password("dummy password for timing")
