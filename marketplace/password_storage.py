"""The façade over the weak-password-storage lesson: hash and verify with the active stage.

Web layer (above the lessons). Other lessons that need password work use this façade,
never that lesson's modules: broken-authentication's ``hardened`` stage verifies a dummy
hash with whatever storage scheme is active (:func:`dummy_check`).
"""

from __future__ import annotations

import secrets
from functools import cache

from sqlalchemy import delete, insert, update

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


def dummy_signup(email: str) -> None:
    """Spend the same work as creating an account, for an e-mail that already has one.

    A new account costs a password hash, a row written and a commit (a disk flush); a taken
    e-mail that skipped the last two answered measurably faster (issue 9: 1.25 ms at the
    median; tens of ms on a busy disk). So: the same hash of a password that a new account
    makes (not a verification against the dummy hash: a failed argon2 verification costs 2%
    more than a hash, which the timing test saw under load), then one committed write of a
    row, in as many round trips as the INSERT and COMMIT of a new account.
    """
    scheme = active("weak-password-storage")
    password_hash = scheme.hash_password(secrets.token_urlsafe(16))
    if db.engine.dialect.name == "sqlite":
        # SQLite skips rewriting a row with identical bytes (and then the flush), so write
        # a throwaway row and remove it in the same transaction; in-process, the extra
        # statement costs microseconds.
        placeholder = f"{secrets.token_hex(16)}@placeholder.invalid"
        # Plain statements: the ORM's unit of work would add as much time as it saves.
        db.session.execute(
            insert(User).values(
                full_name="Placeholder", email=placeholder, password_hash=password_hash
            )
        )
        db.session.execute(delete(User).where(User.email == placeholder))
    else:
        # PostgreSQL writes a new row version even when nothing changes: one statement,
        # one round trip, like the INSERT (a second one would cost milliseconds under load).
        db.session.execute(
            update(User).where(User.email == email).values(password_hash=User.password_hash)
        )
    db.session.commit()


@cache
def _dummy_hash(scheme_name: str) -> str:
    return active("weak-password-storage").hash_password("dummy password for timing")
